"""Signed checkpoints of the audit chain's end, appended to a file outside the database (AUDIT_CHECKPOINT_PATH).

Someone who can rewrite the database (dropping the triggers first) could delete the newest events and move the
chain head back; the chain alone would still look whole. Each checkpoint records, signed with the audit key,
that the chain once reached event `seq` with hash `hash`, so `verify_audit` notices a chain that now ends
earlier or differs there. The file is only ever opened for appending; in production make it append-only for
the app's user too (`chattr +a`, or storage the app cannot rewrite), so the app itself cannot undo a line.

One JSON object per line, in the order the chain reached them (writers hold the chain head's lock).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.conf import settings

from .models import audit_key


class CheckpointStoreError(Exception):
    """The checkpoint file cannot be written or is missing: sealing stops rather than seal without a record."""


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    hash: str
    at: str
    line: int = 0

    def signature(self) -> str:
        message = f"checkpoint|{self.seq}|{self.hash}|{self.at}".encode()
        return hmac.new(audit_key(), message, hashlib.sha256).hexdigest()


def checkpoint_path() -> Path:
    path = getattr(settings, "AUDIT_CHECKPOINT_PATH", "")
    if not path:
        raise CheckpointStoreError("AUDIT_CHECKPOINT_PATH is not set: audit checkpoints have nowhere to go.")
    return Path(path)


def checkpoint_ready(*, chain_started: bool) -> Path:
    """The file, checked writable. A missing file is only normal before the chain's first seal: afterwards it
    means the record of what the chain reached is lost, and sealing more would hide that."""
    path = checkpoint_path()
    if not path.parent.is_dir():
        raise CheckpointStoreError(f"The audit checkpoint directory {path.parent} does not exist.")
    if chain_started and not path.exists():
        raise CheckpointStoreError(
            f"The audit checkpoint file {path} is missing although events were already sealed: restore it from "
            "backup (or, to start a new file on purpose, create it empty)."
        )
    try:
        with open(path, "a", encoding="utf-8"):
            pass
    except OSError as error:
        raise CheckpointStoreError(f"The audit checkpoint file {path} cannot be written ({error.strerror}).") from None
    return path


def checkpoint_append(*, path: Path, seq: int, hash: str, at: datetime) -> Checkpoint:
    checkpoint = Checkpoint(seq=seq, hash=hash, at=at.isoformat(timespec="microseconds"))
    line = json.dumps({"seq": seq, "hash": hash, "at": checkpoint.at, "sig": checkpoint.signature()})
    try:
        with open(path, "a+b") as file:
            # A line torn by a crash stays unreadable (verify_audit reports it) but must not swallow this one.
            size = file.seek(0, os.SEEK_END)
            if size:
                file.seek(size - 1)
                if file.read(1) != b"\n":
                    file.write(b"\n")  # appending mode: writes go to the end wherever we read
            file.write(line.encode() + b"\n")
            file.flush()
            os.fsync(file.fileno())
    except OSError as error:
        raise CheckpointStoreError(f"The audit checkpoint file {path} cannot be written ({error.strerror}).") from None
    return checkpoint


def checkpoint_last(path: Path) -> Checkpoint | None:
    """The newest checkpoint, read from the end of the file (it grows by one line per sealed batch)."""
    if not path.exists():
        return None
    with open(path, "rb") as file:
        file.seek(max(0, file.seek(0, os.SEEK_END) - 4096))
        lines = file.read().splitlines()
    for raw in reversed(lines):
        try:
            data = json.loads(raw)
            return Checkpoint(seq=int(data["seq"]), hash=str(data["hash"]), at=str(data["at"]))
        except (ValueError, KeyError, TypeError):
            continue
    return None


def checkpoints_read(path: Path, *, upto: int) -> Iterator[Checkpoint | str]:
    """Every checkpoint in the file's first `upto` bytes, in file order, or a line describing one that is
    unreadable or not signed by our key. (Sealing may append meanwhile; the caller decides where to stop.)"""
    read = 0
    with open(path, "rb") as file:
        for number, raw in enumerate(file, start=1):
            read += len(raw)
            if read > upto:
                return
            if not raw.strip():
                continue
            try:
                data = json.loads(raw)
                checkpoint = Checkpoint(seq=int(data["seq"]), hash=str(data["hash"]), at=str(data["at"]), line=number)
                signature = str(data["sig"])
            except (ValueError, KeyError, TypeError):
                yield f"checkpoint line {number} is unreadable"
                continue
            if not hmac.compare_digest(signature.encode(), checkpoint.signature().encode()):
                yield f"checkpoint line {number} is not signed by the audit key (forged, or another key)"
                continue
            yield checkpoint
