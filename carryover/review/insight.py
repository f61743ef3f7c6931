"""Across a therapist's caseload: which worksheets and which ways of assigning get done, and what gets in the
way, to help answer "where did my assignments go wrong?". Two queries whatever the caseload size."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from carryover.accounts.models import Membership
from carryover.homework.models import BarrierCode, Entry, Occurrence, OccurrenceStatus, ScheduleKind, Visibility

DAYS = 90
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
    keys = ("assignment__template_version__template_id", "assignment__template_version__name",
            "assignment__schedule_kind", "assignment__minutes")  # fmt: skip
    rows = (
        # Still open from before today counts as missed, recorded yet or not.
        Occurrence.objects.filter(client__in=clients, due_date__gte=since, due_date__lte=today)
        .exclude(status=OccurrenceStatus.PENDING, due_date__gte=today)
        .values(*keys, "client_id")
        .annotate(
            closed=Count("id"),
            done=Count("id", filter=Q(status=OccurrenceStatus.DONE)),
            partial=Count("id", filter=Q(status=OccurrenceStatus.PARTIAL)),
            credit=Sum(Coalesce(F("credit"), Value(Decimal(0)))),
        )
    )
    by_template: dict[int, Group] = {}
    by_style: dict[tuple[str, str], Group] = {}

    def groups_for(template_id: int, name: str, kind: str, minutes: int) -> list[Group]:
        template = by_template.setdefault(template_id, Group(name))
        style_key = (SCHEDULE_LABELS.get(kind, kind), size_label(minutes))
        style = by_style.setdefault(style_key, Group(f"{style_key[0]}, {style_key[1]}"))
        return [template, style]

    for row in rows:
        for group in groups_for(*(row[k] for k in keys)):
            group.closed += row["closed"]
            group.done += row["done"]
            group.partial += row["partial"]
            group.credit += Decimal(row["credit"] or 0)
            group.clients.add(row["client_id"])
    barriers = Entry.objects.filter(
        client__in=clients, visibility=Visibility.SHARED, done_on__gte=since, done_on__lte=today,
        assignment__isnull=False,
    ).exclude(barriers=[]).values_list(*keys, "barriers")  # fmt: skip
    for *group_keys, codes in barriers:
        for group in groups_for(*group_keys):
            group.barriers.update(codes)

    def order(group: Group) -> tuple:  # the lowest completion first: that's where to look
        return (group.rate if group.rate is not None else Decimal(2), group.label)

    return {
        "templates": sorted(by_template.values(), key=order),
        "styles": sorted(by_style.values(), key=order),
    }
