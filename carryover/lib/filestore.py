"""The file store: where encrypted attachments live, on this machine's disk or in an S3-compatible bucket.

Callers hand in ciphertext only (homework/attachments.py encrypts before storing and decrypts after reading), so
the store, its operators and its backups never see what a client drew, photographed or said. Which store is used
is Django's `STORAGES["default"]` (settings.py, `FILE_STORE`); every call goes through here so that a store that
cannot be reached becomes one clear `FileStoreError` instead of a driver's exception in a page.
"""

from __future__ import annotations

import logging
from typing import BinaryIO

from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage

logger = logging.getLogger(__name__)


class FileStoreError(RuntimeError):
    """The store could not be reached or refused the request (wrong bucket, bad or expired credentials, full)."""


def _failed(action: str, error: Exception) -> FileStoreError:
    # The error's class only: a driver's message can carry the bucket's URL, and the object name a client id.
    logger.error("file store %s failed: %s", action, type(error).__name__)
    return FileStoreError(f"The file store could not {action} ({type(error).__name__}).")


def store_put(name: str, data: bytes) -> str:
    """Write `data` under `name` (never overwriting: callers choose fresh random names) and return the name kept."""
    try:
        return default_storage.save(name, ContentFile(data))
    except Exception as error:  # every driver failure becomes the one error callers handle
        raise _failed("save a file", error) from error


def store_put_file(name: str, handle: BinaryIO) -> str:
    """Like `store_put`, from an open file read in chunks (a large export never held in memory)."""
    try:
        return default_storage.save(name, File(handle))
    except Exception as error:
        raise _failed("save a file", error) from error


def store_open(name: str) -> BinaryIO:
    """An open file to read in chunks; the caller closes it."""
    try:
        return default_storage.open(name, "rb")  # type: ignore[return-value]  # a File reads like a binary file
    except Exception as error:
        raise _failed("read a file", error) from error


def store_get(name: str) -> bytes:
    try:
        with default_storage.open(name, "rb") as handle:
            return handle.read()
    except Exception as error:
        raise _failed("read a file", error) from error


def store_delete(name: str) -> None:
    try:
        default_storage.delete(name)
    except Exception as error:
        raise _failed("delete a file", error) from error


def store_names(prefix: str = "") -> list[str]:
    """Every file name under `prefix`, walking folders (the local disk) or keys (a bucket)."""
    try:
        return sorted(_walk(prefix.rstrip("/")))
    except FileNotFoundError:
        return []
    except Exception as error:
        raise _failed("list files", error) from error


def _walk(prefix: str) -> list[str]:
    folders, files = default_storage.listdir(prefix)
    names = [f"{prefix}/{name}" if prefix else name for name in files]
    for folder in folders:
        names += _walk(f"{prefix}/{folder}" if prefix else folder)
    return names


def store_check() -> bool:
    """Readiness: the store answers a listing of its root (cheap on a disk and on a bucket, reads no file)."""
    try:
        default_storage.listdir("")
    except FileNotFoundError:
        return True  # a local store that has not stored anything yet
    except Exception as error:
        logger.warning("file store check failed: %s", type(error).__name__)
        return False
    return True
