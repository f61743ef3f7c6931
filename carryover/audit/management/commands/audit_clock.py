"""Queue the audit `seal` task every few seconds when events wait to be sealed. Any number may run: a seal is
only added when none is waiting, and sealing is idempotent. Refuses to start when the checkpoint store cannot be
written, rather than let events pile up unsealed."""

from django.core.management.base import BaseCommand, CommandError

from carryover.audit.checkpoints import CheckpointStoreError
from carryover.audit.services import audit_store_check
from carryover.audit.tasks import seal, seal_needed
from carryover.lib.clock import run_every


class Command(BaseCommand):
    help = "Every --interval seconds, make sure an audit seal task is queued for the workers."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=5.0)
        parser.add_argument("--once", action="store_true")

    def handle(self, *args, interval: float, once: bool, **options):
        try:
            audit_store_check()
        except CheckpointStoreError as error:
            raise CommandError(str(error)) from None
        run_every(interval, queue_seal, once=once)


def queue_seal() -> None:
    if seal_needed():
        seal.enqueue()
