"""Backup and restore: the database (SQLite's online backup API, or `pg_dump`), every file in the file store (as
the ciphertext it is) and the audit checkpoints, in one tar with a signed manifest of checksums.

The encryption keys are never in an archive: restoring needs the same FIELD_ENCRYPTION_KEYS and AUDIT_HMAC_KEY (or
SECRET_KEY in development), kept apart from the backups (docs/deploy.md, "Backups"). The manifest is signed with a
key derived from the audit key, so an archive altered after it was made, or made by another installation, is
refused before anything is written.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone

from carryover.audit.checkpoints import checkpoint_path
from carryover.audit.models import AuditChainHead, audit_key
from carryover.audit.services import Verification, audit_verify
from carryover.lib.filestore import FileStoreError, store_get, store_names, store_put

FORMAT = 1
DATABASE_MEMBER = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
CHECKPOINTS_MEMBER = "audit-checkpoints.jsonl"


class BackupError(RuntimeError):
    """A backup or restore that cannot go ahead; the message says why and what was (not) written."""


@dataclass
class Restored:
    files: int
    verification: Verification


def _vendor() -> str:
    vendor = connection.vendor
    if vendor not in DATABASE_MEMBER:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {vendor}.")
    return vendor


def _signature(manifest: bytes) -> str:
    return hmac.new(audit_key(), b"carryover-backup-manifest:" + manifest, hashlib.sha256).hexdigest()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _pg_env() -> dict[str, str]:
    db = connection.settings_dict
    env = {**os.environ, "PGHOST": db["HOST"] or "", "PGPORT": str(db["PORT"] or ""), "PGUSER": db["USER"] or ""}
    env["PGDATABASE"] = db["NAME"]
    if db["PASSWORD"]:
        env["PGPASSWORD"] = db["PASSWORD"]
    return env


def _dump_database(vendor: str, target: Path) -> None:
    if vendor == "sqlite":
        connection.ensure_connection()
        destination = sqlite3.connect(target)
        try:
            connection.connection.backup(destination)  # a consistent copy while the app goes on writing
        finally:
            destination.close()
        return
    _run(["pg_dump", "--format=custom", "--no-owner", "--file", str(target)], "pg_dump")


def _run(command: list[str], name: str) -> None:
    try:
        result = subprocess.run(command, env=_pg_env(), capture_output=True, text=True, timeout=3600)  # noqa: S603
    except FileNotFoundError:
        raise BackupError(f"{name} is not installed on this machine (PostgreSQL's client tools).") from None
    if result.returncode != 0:
        raise BackupError(f"{name} failed: {result.stderr.strip()[-500:]}")


def _collect(vendor: str, folder: Path) -> dict[str, dict]:
    """Write every member into `folder`; their checksums and sizes."""
    members: list[str] = [DATABASE_MEMBER[vendor]]
    _dump_database(vendor, folder / DATABASE_MEMBER[vendor])
    for name in store_names():
        target = folder / "files" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(store_get(name))
        members.append(f"files/{name}")
    checkpoints = checkpoint_path() if getattr(settings, "AUDIT_CHECKPOINT_PATH", "") else None
    if checkpoints is not None and checkpoints.exists():
        shutil.copyfile(checkpoints, folder / CHECKPOINTS_MEMBER)
        members.append(CHECKPOINTS_MEMBER)
    return {name: {"sha256": _sha256(folder / name), "size": (folder / name).stat().st_size} for name in members}


def backup_create(*, output: Path) -> dict:
    """Write the archive to `output` (never half: a `.partial` file is renamed at the end, or removed)."""
    vendor = _vendor()
    output = output.resolve()
    partial = output.with_name(output.name + ".partial")
    try:
        with tempfile.TemporaryDirectory(dir=output.parent, prefix=".carryover-backup-") as work:
            folder = Path(work)
            head = AuditChainHead.objects.first()
            manifest = {
                "format": FORMAT,
                "created_at": timezone.now().isoformat(),
                "database": vendor,
                "audit_head": {"seq": head.last_seq, "hash": head.last_hash} if head else None,
                "members": _collect(vendor, folder),
            }
            _write_tar(partial, folder, manifest)
        os.replace(partial, output)
    except (OSError, sqlite3.Error, FileStoreError) as error:  # a full disk shows as OSError or sqlite3's I/O error
        partial.unlink(missing_ok=True)
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        raise BackupError(f"The backup could not be written ({reason}); no archive was kept.") from None
    return manifest


def _write_tar(path: Path, folder: Path, manifest: dict) -> None:
    encoded = json.dumps(manifest, indent=1, sort_keys=True).encode()
    with path.open("wb") as raw, tarfile.open(fileobj=raw, mode="w") as tar:
        _add_bytes(tar, "manifest.json", encoded)
        _add_bytes(tar, "manifest.sig", _signature(encoded).encode())
        for name in manifest["members"]:
            tar.add(folder / name, arcname=name, recursive=False)
        tar.close()
        raw.flush()
        os.fsync(raw.fileno())


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    tar.addfile(info, io.BytesIO(data))


def _checked_archive(archive: Path, folder: Path) -> dict:
    """Unpack into `folder` and return the manifest, or refuse: unsigned or altered manifest, a member missing,
    added or changed."""
    refused = "This archive was altered or was not made by this installation (its keys): nothing was restored."
    try:
        with tarfile.open(archive, mode="r:") as tar:
            tar.extractall(folder, filter="data")
    except (OSError, tarfile.TarError):
        raise BackupError(f"{archive.name} is not a readable Carryover backup: nothing was restored.") from None
    try:
        encoded = (folder / "manifest.json").read_bytes()
        signature = (folder / "manifest.sig").read_text().strip()
    except OSError:
        raise BackupError(f"{archive.name} has no manifest: nothing was restored.") from None
    if not hmac.compare_digest(signature, _signature(encoded)):
        raise BackupError(refused)
    manifest = json.loads(encoded)
    present = {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()} - {"manifest.json", "manifest.sig"}
    if present != set(manifest["members"]):
        raise BackupError(refused)
    for name, expected in manifest["members"].items():
        if _sha256(folder / name) != expected["sha256"]:
            raise BackupError(refused)
    return manifest


def _refuse_unless_empty() -> None:
    if connection.introspection.table_names():
        raise BackupError(
            "The database is not empty: restore only into a new, empty database (never over a running one). "
            "Nothing was restored."
        )
    if store_names():
        raise BackupError("The file store is not empty: restore into an empty folder or bucket. Nothing was restored.")
    checkpoints = checkpoint_path() if getattr(settings, "AUDIT_CHECKPOINT_PATH", "") else None
    if checkpoints is not None and checkpoints.exists() and checkpoints.stat().st_size:
        raise BackupError(f"The audit checkpoint file {checkpoints} is not empty. Nothing was restored.")


def backup_restore(*, archive: Path) -> Restored:
    vendor = _vendor()
    with tempfile.TemporaryDirectory(prefix=".carryover-restore-") as work:
        folder = Path(work)
        manifest = _checked_archive(archive, folder)
        if manifest["database"] != vendor:
            raise BackupError(f"This archive holds a {manifest['database']} database; this one is {vendor}.")
        _refuse_unless_empty()
        _load_database(vendor, folder / DATABASE_MEMBER[vendor])
        files = [name.removeprefix("files/") for name in manifest["members"] if name.startswith("files/")]
        for name in files:
            if store_put(name, (folder / "files" / name).read_bytes()) != name:
                raise BackupError(f"The file store renamed {name} while restoring; is it really empty?")
        if CHECKPOINTS_MEMBER in manifest["members"]:
            target = checkpoint_path()
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(folder / CHECKPOINTS_MEMBER, target)
    return Restored(files=len(files), verification=audit_verify())


def _load_database(vendor: str, dump: Path) -> None:
    if vendor == "sqlite":
        source = sqlite3.connect(dump)
        try:
            connection.ensure_connection()
            source.backup(connection.connection)
        finally:
            source.close()
        connection.close()  # the next query opens the restored database afresh
        return
    connection.close()
    _run(
        ["pg_restore", "--no-owner", "--exit-on-error", "--dbname", connection.settings_dict["NAME"], str(dump)],
        "pg_restore",
    )
