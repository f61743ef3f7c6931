"""`manage.py verify_audit`: checks the audit chain and its checkpoints and says what, if anything, was altered."""

from django.core.management.base import BaseCommand, CommandError

from carryover.audit.services import audit_verify


class Command(BaseCommand):
    help = (
        "Check the audit log: the sealed hash chain, its head, the signed checkpoints outside the database, and "
        "each event not yet sealed. Exits non-zero if any event was edited, removed or inserted."
    )

    def handle(self, *args, **options):
        result = audit_verify()
        for problem in result.problems:
            self.stderr.write(problem)
        if result.problems:
            raise CommandError(f"Audit log verification FAILED: {len(result.problems)} problem(s).")
        checkpoint = result.last_checkpoint
        self.stdout.write(
            f"Audit log verified: {result.sealed} sealed events, chain intact"
            + (f", checkpointed up to event {checkpoint.seq} at {checkpoint.at}." if checkpoint else ".")
        )
        if result.unsealed:
            # Honest about what cannot be proved yet: a removed unsealed event leaves no trace.
            self.stdout.write(
                f"{result.unsealed} newer events are not sealed yet (the oldest from "
                f"{result.oldest_unsealed:%Y-%m-%d %H:%M:%S} UTC): each one's signature was checked, but one removed "
                "before sealing would not be noticed."
            )
