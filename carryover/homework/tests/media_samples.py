"""Real files for upload tests.

media/voice.webm and media/voice.m4a were recorded by Chromium's MediaRecorder (a 440 Hz tone from an
OscillatorNode for 0.6 s, `audio/webm;codecs=opus` and `audio/mp4`), as a phone's browser sends them. Images are
drawn with Pillow; WAV comes from the standard library; Ogg/Opus and MP3 are assembled here to their specifications
(Chromium records neither).
"""

from __future__ import annotations

import io
import struct
import wave
from pathlib import Path

from PIL import Image

from carryover.homework.media import ogg_crc

MEDIA = Path(__file__).resolve().parent / "media"
WEBM = (MEDIA / "voice.webm").read_bytes()
M4A = (MEDIA / "voice.m4a").read_bytes()

# EXIF tags: GPSInfo (in IFD0), and in the GPS IFD: latitude ref and latitude (degrees, minutes, seconds).
GPS_IFD, GPS_LATITUDE_REF, GPS_LATITUDE = 0x8825, 1, 2
ORIENTATION, ROTATED_90_CW = 0x0112, 6


def image(fmt: str = "PNG", size: tuple[int, int] = (40, 20), *, gps: bool = False, rotated: bool = False) -> bytes:
    picture = Image.new("RGB", size, (200, 40, 40))
    picture.paste((20, 20, 200), (0, 0, size[0] // 2, size[1]))  # left half blue: shows which way is up
    exif = Image.Exif()
    if gps:
        exif.get_ifd(GPS_IFD).update({GPS_LATITUDE_REF: "N", GPS_LATITUDE: (51.0, 30.0, 26.0)})
    if rotated:
        exif[ORIENTATION] = ROTATED_90_CW
    out = io.BytesIO()
    picture.save(out, format=fmt, exif=exif.tobytes())
    return out.getvalue()


def wav() -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(8000)
        writer.writeframes(b"\x00\x01" * 800)
    return out.getvalue()


def _ogg_page(packets: list[bytes], *, sequence: int, flags: int, granule: int) -> bytes:
    lacing = b"".join(bytes([255] * (len(p) // 255) + [len(p) % 255]) for p in packets)
    header = struct.pack("<4sBBqIIIB", b"OggS", 0, flags, granule, 7, sequence, 0, len(lacing)) + lacing
    page = header + b"".join(packets)
    return page[:22] + struct.pack("<I", ogg_crc(page)) + page[26:]


def ogg_opus() -> bytes:
    head = b"OpusHead" + struct.pack("<BBHIhB", 1, 1, 312, 48000, 0, 0)
    tags = b"OpusTags" + struct.pack("<I", 4) + b"test" + struct.pack("<I", 0)
    silence = b"\xf8\xff\xfe"  # one 20 ms Opus frame of silence
    return (
        _ogg_page([head], sequence=0, flags=0x02, granule=0)
        + _ogg_page([tags], sequence=1, flags=0, granule=0)
        + _ogg_page([silence] * 10, sequence=2, flags=0x04, granule=9600)
    )


def mp3(frames: int = 3) -> bytes:
    """MPEG-1 Layer III, 128 kbit/s, 44.1 kHz: 417-byte frames (of silence), after an empty ID3v2.4 tag."""
    frame = b"\xff\xfb\x90\x64" + b"\x00" * 413
    return b"ID3\x04\x00\x00\x00\x00\x00\x00" + frame * frames
