"""`manage.py restore ARCHIVE`: into an empty database and file store, then the audit chain is verified."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from carryover.ops.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restore a backup archive into an EMPTY database and file store (never over a running installation), "
        "with the same keys it was made with, then verify the audit chain. An altered archive is refused."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path)

    def handle(self, *args, archive: Path, **options):
        try:
            restored = backup_restore(archive=archive)
        except BackupError as error:
            raise CommandError(str(error)) from None
        verification = restored.verification
        for problem in verification.problems:
            self.stderr.write(problem)
        if verification.problems:
            raise CommandError("Restored, but the audit chain does NOT verify: see the problems above.")
        self.stdout.write(
            f"Restored {restored.files} files; audit chain verified ({verification.sealed} sealed events). "
            "Run `manage.py migrate` if this code is newer than the backup."
        )
