"""Queue the audit `seal` task every few seconds when events wait to be sealed. Any number may run: a seal is
only added when none is waiting, and sealing is idempotent. Refuses to start when the checkpoint store cannot be
written, rather than let events pile up unsealed."""

import signal
import time

from django.core.management.base import BaseCommand, CommandError

from carryover.audit.checkpoints import CheckpointStoreError
from carryover.audit.services import audit_store_check
from carryover.audit.tasks import seal, seal_needed


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
        running = True

        def stop(signum, frame):
            nonlocal running
            running = False

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        while running:
            if seal_needed():
                seal.enqueue()
            if once:
                return
            deadline = time.monotonic() + interval
            while running and time.monotonic() < deadline:
                time.sleep(0.5)
