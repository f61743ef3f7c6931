"""`manage.py load_demo`: the demo practice for `make run` (see `carryover/devtools/demo.py`). Refused in production."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from carryover.devtools.demo import DEMO_TOTP_SECRET, load_demo


class Command(BaseCommand):
    help = "Create the demo practice and its demo logins (idempotent). Refused in production."

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("Demo data is never loaded in production.")
        created = load_demo()
        self.stdout.write(f"Demo data: {'created ' + ', '.join(created) if created else 'already present, unchanged'}.")
        self.stdout.write(
            "\n  Demo logins (password: carryover-demo)\n"
            "    therapist@example.org   therapist (two-factor code required)\n"
            "    client@example.org      client\n"
            "    morgan@example.org      support person Sam shares with\n"
            "    admin@example.org       practice admin (two-factor code required)\n"
            f"  TOTP secret for the therapist and admin: {DEMO_TOTP_SECRET}\n"
            "  (add it to any authenticator app, or run: make totp)\n"
        )
