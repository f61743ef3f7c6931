from django.core.management.base import BaseCommand, CommandError

from carryover.audit.models import AuditEvent
from carryover.audit.services import audit_verify


class Command(BaseCommand):
    help = "Check the audit log's hash chain; exits non-zero if any event was edited, deleted or inserted."

    def handle(self, *args, **options):
        problems = list(audit_verify())
        for problem in problems:
            self.stderr.write(problem)
        if problems:
            raise CommandError(f"Audit log verification FAILED: {len(problems)} problem(s).")
        self.stdout.write(f"Audit log verified: {AuditEvent.objects.count()} events, chain intact.")
