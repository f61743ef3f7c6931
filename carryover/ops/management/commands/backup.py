"""`manage.py backup ARCHIVE`: the database, the file store and the audit checkpoints in one signed archive."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from carryover.ops.backup import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Write a backup archive (a tar): the database (SQLite online backup or pg_dump), every file in the file "
        "store as stored (encrypted), the audit checkpoints, and a signed manifest of checksums. The encryption "
        "keys are never included: keep them apart from the archives."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help="where to write the archive, e.g. carryover-2026-12-01.tar")

    def handle(self, *args, archive: Path, **options):
        if archive.exists():
            raise CommandError(f"{archive} already exists: choose a new name (backups are never overwritten).")
        try:
            manifest = backup_create(output=archive)
        except BackupError as error:
            raise CommandError(str(error)) from None
        files = sum(1 for name in manifest["members"] if name.startswith("files/"))
        size = sum(member["size"] for member in manifest["members"].values())
        self.stdout.write(
            f"Backup written to {archive}: {manifest['database']} database, {files} files, {size / 1_048_576:.1f} MB."
        )
