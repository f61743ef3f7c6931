"""Prometheus metrics: requests and latencies per view name (counted in each process), and the deployment's state
read from the database when scraped (task queue, reminder deliveries, alert emails waiting, audit sealing).

Only names of views, statuses, counts and seconds: never a person, a client's words or an id from a URL. With
several gunicorn workers, set PROMETHEUS_MULTIPROC_DIR to an empty folder (docs/deploy.md) so that a scrape sums
every worker's counts instead of one worker's.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

from django.db.models import Count, Min
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from carryover.audit.models import AuditEvent
from carryover.reminders.models import Delivery

from .readiness import queue_lag_seconds

REQUESTS = Counter(
    "carryover_http_requests", "Requests answered, by view name, method and status class", ["view", "method", "status"]
)
LATENCY = Histogram(
    "carryover_http_request_duration_seconds",
    "Time to answer a request, by view name",
    ["view"],
    buckets=(0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)


class StateCollector(Collector):
    """Figures read from the shared database at scrape time, so any node's scrape tells the same story."""

    def collect(self) -> Iterator:
        ready = DBTaskResult.objects.filter(status=TaskResultStatus.READY)
        yield _gauge("carryover_task_queue_depth", "Tasks waiting for a worker (due now or later)", ready.count())
        yield _gauge("carryover_task_queue_lag_seconds", "How long the oldest due task has waited", queue_lag_seconds())
        pending = ready.filter(task_path__startswith="carryover.measures.tasks.").count()
        yield _gauge("carryover_alert_emails_pending", "Risk-alert emails queued and not yet sent", pending)
        deliveries = CounterMetricFamily(
            "carryover_reminder_deliveries", "Reminder deliveries recorded, by outcome", labels=["outcome"]
        )
        for row in Delivery.objects.values("status").annotate(n=Count("id")).order_by("status"):
            deliveries.add_metric([row["status"]], row["n"])
        yield deliveries
        unsealed = AuditEvent.objects.filter(seq__isnull=True).aggregate(n=Count("id"), oldest=Min("at"))
        yield _gauge("carryover_audit_unsealed_events", "Audit events written and not yet sealed", unsealed["n"])
        lag = (timezone.now() - unsealed["oldest"]).total_seconds() if unsealed["oldest"] else 0.0
        yield _gauge("carryover_audit_sealing_lag_seconds", "Age of the oldest unsealed audit event", lag)


def _gauge(name: str, documentation: str, value: float) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, documentation, value=value)


def metrics_text() -> bytes:
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(registry)
    else:
        registry.register(REQUESTS)
        registry.register(LATENCY)
    registry.register(StateCollector())
    return generate_latest(registry)
