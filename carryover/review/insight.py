"""Across a therapist's caseload: which worksheets and which ways of assigning (schedule and size, an if-then
plan, a minimum version) get done, and what gets in the way, to help answer "where did my assignments go
wrong?". Three queries whatever the caseload size."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from carryover.accounts.models import Membership
from carryover.homework.models import (
    Assignment,
    BarrierCode,
    Entry,
    Occurrence,
    OccurrenceStatus,
    ScheduleKind,
    Visibility,
)

DAYS = 90
PLAN_LABELS = {True: "With an if-then plan (“after I…, I will…”)", False: "Without an if-then plan"}
MINIMUM_LABELS = {True: "With a minimum version", False: "Without a minimum version"}
BARRIER_LABELS = dict(BarrierCode.choices)
SCHEDULE_LABELS = dict(ScheduleKind.choices)


def size_label(minutes: int) -> str:
    return "up to 10 min" if minutes <= 10 else "11–20 min" if minutes <= 20 else "over 20 min"


@dataclass
class Group:
    label: str
    closed: int = 0
    done: int = 0
    partial: int = 0
    credit: Decimal = Decimal(0)
    clients: set[int] = field(default_factory=set)
    barriers: Counter = field(default_factory=Counter)

    @property
    def rate(self) -> Decimal | None:
        return (self.credit / self.closed).quantize(Decimal("0.01")) if self.closed else None

    def top_barriers(self, n: int = 3) -> list[tuple[str, int]]:
        return [(BARRIER_LABELS.get(code, code), count) for code, count in self.barriers.most_common(n)]


def caseload_insight(clients: QuerySet[Membership], today: date) -> dict[str, list[Group]]:
    since = today - timedelta(days=DAYS - 1)
    # The assignments themselves (a few per client): their plans are encrypted, so they are read here, not grouped
    # by the database.
    assignments = {a.pk: a for a in Assignment.objects.filter(client__in=clients).select_related("template_version")}
    rows = (
        # Still open from before today counts as missed, recorded yet or not.
        # Activities only: whether a questionnaire was answered says nothing about how homework is set.
        Occurrence.objects.activities()
        .filter(client__in=clients, due_date__gte=since, due_date__lte=today)
        .exclude(status=OccurrenceStatus.PENDING, due_date__gte=today)
        .values("assignment_id", "client_id")
        .annotate(
            closed=Count("id"),
            done=Count("id", filter=Q(status=OccurrenceStatus.DONE)),
            partial=Count("id", filter=Q(status=OccurrenceStatus.PARTIAL)),
            credit=Sum(Coalesce(F("credit"), Value(Decimal(0)))),
        )
    )
    tables: dict[str, dict[Any, Group]] = {"templates": {}, "styles": {}, "plans": {}}

    def groups_for(assignment: Assignment) -> list[Group]:
        version = assignment.template_version
        schedule = SCHEDULE_LABELS.get(assignment.schedule_kind, assignment.schedule_kind)
        style = f"{schedule}, {size_label(assignment.minutes)}"
        anchored = bool(assignment.c("if_when") or assignment.c("if_then"))
        fallback = bool(assignment.c("minimum"))
        return [
            tables["templates"].setdefault(version.template_id, Group(version.name)),
            tables["styles"].setdefault(style, Group(style)),
            tables["plans"].setdefault(anchored, Group(PLAN_LABELS[anchored])),
            tables["plans"].setdefault(("minimum", fallback), Group(MINIMUM_LABELS[fallback])),
        ]

    for row in rows:
        for group in groups_for(assignments[row["assignment_id"]]):
            group.closed += row["closed"]
            group.done += row["done"]
            group.partial += row["partial"]
            group.credit += Decimal(row["credit"] or 0)
            group.clients.add(row["client_id"])
    barriers = Entry.objects.filter(
        client__in=clients, visibility=Visibility.SHARED, done_on__gte=since, done_on__lte=today,
        assignment__isnull=False,
    ).exclude(barriers=[]).values_list("assignment_id", "barriers")  # fmt: skip
    for assignment_id, codes in barriers:
        for group in groups_for(assignments[assignment_id]):
            group.barriers.update(codes)

    def order(group: Group) -> tuple:  # the lowest completion first: that's where to look
        return (group.rate if group.rate is not None else Decimal(2), group.label)

    return {name: sorted(groups.values(), key=order) for name, groups in tables.items()}
