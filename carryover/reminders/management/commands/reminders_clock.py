"""Enqueue the reminders `tick` task every minute (plan, recover, wake workers). Any number may run: a tick is
only added when none is waiting, and ticks are idempotent."""

import signal
import time

from django.core.management.base import BaseCommand

from carryover.reminders.tasks import tick, waiting


class Command(BaseCommand):
    help = "Every --interval seconds, make sure a reminders tick is queued for the workers."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=60.0)
        parser.add_argument("--once", action="store_true")

    def handle(self, *args, interval: float, once: bool, **options):
        running = True

        def stop(signum, frame):
            nonlocal running
            running = False

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        while running:
            if not waiting(tick.module_path).exists():
                tick.enqueue()
            if once:
                return
            deadline = time.monotonic() + interval
            while running and time.monotonic() < deadline:
                time.sleep(0.5)
