"""What an uploaded file really is, decided by reading it, not by its first bytes (issue 11, item 13).

Images are decoded with Pillow and re-encoded: whatever does not decode is refused, and what is stored is pixels
only, so no EXIF (GPS position, device, time), XMP or text chunks survive, and nothing crafted rides along behind
a valid header. Audio is kept as sent (re-encoding needs codecs we do not ship), so each accepted container's
structure is parsed and must hold together and carry audio: EBML/WebM, Ogg (header checksums), ISO MP4 boxes,
RIFF/WAVE chunks, MPEG audio frames.

Tests: homework/tests/test_uploads.py, with recordings made by Chromium's MediaRecorder (media_samples.py).
"""

from __future__ import annotations

import io
import struct
from collections.abc import Callable

from PIL import Image, ImageOps


class MediaError(ValueError):
    """The bytes are not a well-formed file of an accepted kind."""


# Elements, boxes, chunks or pages walked at most: real recordings have a few thousand, and a file of millions of
# tiny ones would only cost time.
MAX_PARTS = 100_000


# --- Images ---------------------------------------------------------------------------------------------------

IMAGE_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp"}
# Pixels decoded at most (JPEG photos are decoded at a reduced scale first, so a 48-megapixel one fits): about
# 80 MB of memory; a small file that unpacks to gigabytes is refused before it is decoded.
MAX_PIXELS = 20_000_000
MAX_SIDE = 2560  # stored photos are scaled down to this: ample for reading a worksheet, a fraction of the bytes


def clean_image(data: bytes, *, formats: tuple[str, ...]) -> tuple[bytes, str]:
    """The image re-encoded from its pixels alone, upright and at most MAX_SIDE, and its content type."""
    try:
        with Image.open(io.BytesIO(data), formats=formats) as image:
            image_format = image.format or ""
            if image_format == "JPEG":
                image.draft("RGB", (MAX_SIDE, MAX_SIDE))  # decode big photos at a reduced scale: far less memory
            if image.width * image.height > MAX_PIXELS:
                raise MediaError("too many pixels")
            image.load()
            # Turn the pixels the way the orientation tag says before every tag is dropped.
            upright = ImageOps.exif_transpose(image)
    except MediaError:
        raise
    except Exception as error:
        # Pillow's decoders raise a wide and undocumented range of errors on malformed input (OSError,
        # SyntaxError, struct.error, DecompressionBombError, ...): whatever fails to decode is refused.
        raise MediaError("does not decode") from error
    upright.thumbnail((MAX_SIDE, MAX_SIDE))
    # EXIF, XMP, comments, text chunks: Pillow would otherwise carry some of them over. Transparency is pixels.
    upright.info = {key: value for key, value in upright.info.items() if key == "transparency"}
    options: dict = {}
    if image_format in ("JPEG", "WEBP"):
        options = {"quality": 85}
        if upright.mode not in ("RGB", "L") and not (image_format == "WEBP" and upright.mode == "RGBA"):
            upright = upright.convert("RGBA" if image_format == "WEBP" and "A" in upright.mode else "RGB")
    elif upright.mode not in ("1", "L", "LA", "P", "RGB", "RGBA", "I", "I;16"):
        upright = upright.convert("RGBA")
    out = io.BytesIO()
    upright.save(out, format=image_format, **options)
    return out.getvalue(), IMAGE_TYPES[image_format]


# --- Audio ----------------------------------------------------------------------------------------------------


def audio_type(data: bytes) -> str:
    """The content type of a well-formed recording in one of the accepted containers, or MediaError."""
    for parse in PARSERS:
        try:
            content_type = parse(data)
        except (IndexError, struct.error, UnicodeDecodeError):
            continue  # ran off the end or met nonsense: not this container
        if content_type:
            return content_type
    raise MediaError("not a recording in an accepted container")


# EBML (WebM, Matroska): variable-length integers; the element ids below are from the Matroska specification.
EBML, DOC_TYPE, DOC_TYPE_READ_VERSION = 0x1A45DFA3, 0x4282, 0x4285
SEGMENT, TRACKS, TRACK_ENTRY, TRACK_TYPE, CLUSTER = 0x18538067, 0x1654AE6B, 0xAE, 0x83, 0x1F43B675
AUDIO_TRACK = 2


def _vint(data: bytes, pos: int, *, keep_marker: bool) -> tuple[int, int, bool]:
    """(value, position after it, all value bits set: the "unknown size" of a live recording)."""
    first = data[pos]
    if first == 0:
        raise IndexError("no length marker")
    length = 9 - first.bit_length()
    value = first if keep_marker else first & (0xFF >> length)
    for byte in data[pos + 1 : pos + length]:
        value = value << 8 | byte
    if pos + length > len(data):
        raise IndexError("cut short")
    unknown = not keep_marker and value == (1 << (7 * length)) - 1
    return value, pos + length, unknown


def _ebml_children(data: bytes, start: int, end: int):
    pos, count = start, 0
    while pos < end:
        count += 1
        if count > MAX_PARTS:
            raise IndexError("too many elements")
        element, pos, _ = _vint(data, pos, keep_marker=True)
        size, pos, unknown = _vint(data, pos, keep_marker=False)
        if unknown:
            if element not in (SEGMENT, CLUSTER):
                raise IndexError("unknown size outside a segment or cluster")
            size = end - pos
        if pos + size > end:
            raise IndexError("element runs past its parent")
        yield element, pos, pos + size
        pos += size


def _webm(data: bytes) -> str | None:
    if data[:4] != b"\x1a\x45\xdf\xa3":
        return None
    children = _ebml_children(data, 0, len(data))
    element, start, end = next(children)
    header = {e: data[s:e_end] for e, s, e_end in _ebml_children(data, start, end)}
    doc_type = header.get(DOC_TYPE, b"").rstrip(b"\0").decode("ascii")
    read_version = int.from_bytes(header.get(DOC_TYPE_READ_VERSION, b"\x01"))
    if element != EBML or doc_type not in ("webm", "matroska") or read_version > 2:
        return None
    element, start, end = next(children, (None, 0, 0))
    if element != SEGMENT:
        return None
    track_types = _webm_track_types(data, start, end)
    if not track_types or any(kind != AUDIO_TRACK for kind in track_types):
        return None  # no track list, or a video
    return "audio/webm" if doc_type == "webm" else "audio/x-matroska"


def _webm_track_types(data: bytes, start: int, end: int) -> list[int]:
    """The type of each track in the segment's first track list (none if media comes before it: malformed)."""
    for element, s, e in _ebml_children(data, start, end):
        if element == CLUSTER:
            return []
        if element == TRACKS:
            types = []
            for entry, es, ee in _ebml_children(data, s, e):
                if entry == TRACK_ENTRY:
                    fields = {f: data[fs:fe] for f, fs, fe in _ebml_children(data, es, ee)}
                    types.append(int.from_bytes(fields.get(TRACK_TYPE, b"")))
            return types
    return []


def ogg_crc(data: bytes) -> int:
    """Ogg's page checksum: CRC-32, polynomial 0x04C11DB7, not reflected, starting from 0."""
    crc = 0
    for byte in data:
        crc ^= byte << 24
        for _ in range(8):
            crc = (crc << 1) ^ 0x04C11DB7 if crc & 0x80000000 else crc << 1
        crc &= 0xFFFFFFFF
    return crc


OGG_OTHER_CODECS = (b"\x01vorbis", b"\x7fFLAC", b"Speex   ")  # Opus is checked more closely: it is what phones send
OGG_HEADER_PAGES = 2  # identification and comment headers


def _ogg(data: bytes) -> str | None:
    pos, first_packet, page_number = 0, b"", 0
    while pos < len(data):
        page_number += 1
        if data[pos : pos + 5] != b"OggS\x00" or page_number > MAX_PARTS:
            return None
        segments = data[pos + 26]
        body = pos + 27 + segments
        end = body + sum(data[pos + 27 : body])
        if end > len(data):
            return None  # cut short
        # The header pages' checksums are verified; the audio pages' structure is walked (checksumming every
        # page of a long recording in Python would take seconds).
        if (
            page_number <= OGG_HEADER_PAGES
            and ogg_crc(data[pos : pos + 22] + b"\0" * 4 + data[pos + 26 : end])
            != (struct.unpack_from("<I", data, pos + 22)[0])
        ):
            return None
        if pos == 0:
            if not data[5] & 0x02:
                return None  # the first page must begin the stream
            first_packet = data[body:end]
        pos = end
    if first_packet.startswith(b"OpusHead"):
        return "audio/ogg" if len(first_packet) >= 19 and first_packet[9] >= 1 else None  # at least one channel
    return "audio/ogg" if first_packet.startswith(OGG_OTHER_CODECS) else None


def _mp4_boxes(data: bytes, start: int, end: int):
    pos, count = start, 0
    while pos < end:
        count += 1
        if count > MAX_PARTS:
            raise IndexError("too many boxes")
        size, kind = struct.unpack_from(">I4s", data, pos)
        header = 8
        if size == 1:
            size, header = struct.unpack_from(">Q", data, pos + 8)[0], 16
        elif size == 0:
            size = end - pos
        if size < header or pos + size > end:
            raise IndexError("box size out of bounds")
        yield kind, pos + header, pos + size
        pos += size


def _mp4(data: bytes) -> str | None:
    if data[4:8] != b"ftyp":
        return None
    top = {kind: (s, e) for kind, s, e in _mp4_boxes(data, 0, len(data))}
    if b"moov" not in top:
        return None
    handlers = []
    for kind, s, e in _mp4_boxes(data, *top[b"moov"]):
        if kind == b"trak":
            media = {k: (ms, me) for k, ms, me in _mp4_boxes(data, s, e)}.get(b"mdia")
            boxes = {k: (hs, he) for k, hs, he in _mp4_boxes(data, *media)} if media else {}
            hdlr_start = boxes[b"hdlr"][0] if b"hdlr" in boxes else len(data)
            handlers.append(data[hdlr_start + 8 : hdlr_start + 12])  # after version, flags and pre_defined
    if not handlers or any(handler != b"soun" for handler in handlers):
        return None  # no track, or a video
    return "audio/mp4"


def _wav(data: bytes) -> str | None:
    if data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        return None
    pos, has_format = 12, False
    for _ in range(MAX_PARTS):
        if pos + 8 > len(data):
            break
        chunk, size = struct.unpack_from("<4sI", data, pos)
        if chunk == b"fmt ":
            audio_format, channels, rate = struct.unpack_from("<HHI", data, pos + 8)
            has_format = size >= 16 and audio_format != 0 and channels >= 1 and rate > 0
        elif chunk == b"data":
            return "audio/wav" if has_format else None  # the format must come before the samples
        pos += 8 + size + (size & 1)
    return None


# MPEG audio frame headers: bit rates (kbit/s) by [MPEG-1?][layer] and sample rates (Hz) by version.
BITRATES = {
    (True, 1): (0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448),
    (True, 2): (0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384),
    (True, 3): (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
    (False, 1): (0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256),
    (False, 2): (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
    (False, 3): (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
}
SAMPLE_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}


def mpeg_frame_length(header: bytes) -> int:
    """The length of the MPEG audio frame this 4-byte header starts, or 0 if it is not a valid header."""
    if len(header) < 4 or header[0] != 0xFF or header[1] & 0xE0 != 0xE0:
        return 0
    version, layer_bits = header[1] >> 3 & 3, header[1] >> 1 & 3
    bitrate_index, rate_index, padding = header[2] >> 4, header[2] >> 2 & 3, header[2] >> 1 & 1
    if version == 1 or layer_bits == 0 or bitrate_index in (0, 15) or rate_index == 3:
        return 0
    layer = 4 - layer_bits
    bitrate = BITRATES[(version == 3, layer)][bitrate_index] * 1000
    rate = SAMPLE_RATES[version][rate_index]
    if layer == 1:
        return (12 * bitrate // rate + padding) * 4
    per_frame = 144 if layer == 2 or version == 3 else 72
    return per_frame * bitrate // rate + padding


def _mp3(data: bytes) -> str | None:
    pos = 0
    if data[:3] == b"ID3":
        size_bytes = data[6:10]
        if data[3] not in (2, 3, 4) or len(size_bytes) < 4 or any(b & 0x80 for b in size_bytes):
            return None
        pos = 10 + (size_bytes[0] << 21 | size_bytes[1] << 14 | size_bytes[2] << 7 | size_bytes[3])
        pos += 10 if data[5] & 0x10 else 0  # a footer
    # Two frames in a row (or one that ends the file): a stray 0xFFFB in noise is not an MP3.
    first = mpeg_frame_length(data[pos : pos + 4])
    if not first or pos + first > len(data):
        return None
    after = pos + first
    if after != len(data) and not mpeg_frame_length(data[after : after + 4]):
        return None
    return "audio/mpeg"


PARSERS: tuple[Callable[[bytes], str | None], ...] = (_webm, _ogg, _mp4, _wav, _mp3)
