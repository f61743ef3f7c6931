"""`manage.py rotate_keys`: re-encrypt every field, session and file under the newest key, with progress."""

from django.core.management.base import BaseCommand, CommandError

from carryover.ops.rotation import RotationError, keys_rotate


class Command(BaseCommand):
    help = (
        "Re-encrypt everything under the first key of FIELD_ENCRYPTION_KEYS (list the new key first, the old ones "
        "after it). Safe to stop and run again: what is already under the new key is skipped. When it reports "
        "nothing left to rotate and nothing unreadable, the old keys can be removed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, batch_size: int, **options):
        def progress(label: str, done: int, total: int) -> None:
            self.stdout.write(f"{label}: {done}/{total}")
            self.stdout.flush()

        try:
            result = keys_rotate(batch_size=max(batch_size, 1), progress=progress)
        except RotationError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Rotated {result.rotated}; {result.current} were already under the newest key.")
        if result.unreadable:
            where = ", ".join(f"{label}: {count}" for label, count in sorted(result.unreadable.items()))
            raise CommandError(
                f"{sum(result.unreadable.values())} values could not be opened with any key in "
                f"FIELD_ENCRYPTION_KEYS ({where}). The key that wrote them is missing: add it back after the new "
                "one and run rotate_keys again. They were left exactly as they were; keep the old keys until then."
            )
        self.stdout.write("Done: every value opens with the newest key; the older keys may now be removed.")
