"""Queue the records sweep (expire old download links, erase closed accounts past their retention period) every
hour. Any number may run: a sweep is only added when none is waiting, and the sweep is idempotent."""

from django.core.management.base import BaseCommand
from django_tasks_db.models import DBTaskResult

from carryover.lib.clock import run_every
from carryover.records.tasks import records_sweep


class Command(BaseCommand):
    help = "Every --interval seconds, make sure a records sweep is queued for the workers."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=3600.0)
        parser.add_argument("--once", action="store_true")

    def handle(self, *args, interval: float, once: bool, **options):
        run_every(interval, queue_sweep, once=once)


def queue_sweep() -> None:
    if not DBTaskResult.objects.filter(task_path=records_sweep.module_path, status="READY").exists():
        records_sweep.enqueue()
