"""`manage.py demo_totp` (`make totp`): the current two-factor code of the demo logins, from the demo secret only."""

import time

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core.management.base import BaseCommand

from carryover.devtools.demo import DEMO_TOTP_SECRET


class Command(BaseCommand):
    help = "Print the current two-factor code for the demo therapist and admin (demo secret only)."

    def handle(self, *args, **options):
        code = format_hotp_value(hotp_value(DEMO_TOTP_SECRET, int(time.time()) // 30))
        self.stdout.write(f"{code}  (valid for {30 - int(time.time()) % 30} more seconds)")
