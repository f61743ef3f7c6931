"""Enqueue the reminders `tick` task every minute (plan, recover, wake workers). Any number may run: a tick is
only added when none is waiting, and ticks are idempotent."""

from django.core.management.base import BaseCommand

from carryover.lib.clock import run_every
from carryover.lib.models import Heartbeat
from carryover.reminders.tasks import tick, waiting


class Command(BaseCommand):
    help = "Every --interval seconds, make sure a reminders tick is queued for the workers."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=60.0)
        parser.add_argument("--once", action="store_true")

    def handle(self, *args, interval: float, once: bool, **options):
        run_every(interval, queue_tick, once=once)


def queue_tick() -> None:
    Heartbeat.beat("reminders_clock")  # /readyz: the clock is alive (carryover/ops/readiness.py)
    if not waiting(tick.module_path).exists():
        tick.enqueue()
