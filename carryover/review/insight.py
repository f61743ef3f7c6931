"""Across a therapist's caseload: which worksheets and which ways of assigning (schedule and size, an if-then
plan, a minimum version) get done, and what gets in the way, to help answer "where did my assignments go
wrong?". Three queries whatever the caseload size, plus the constant few of each table other apps add
(`extensions.insight_tables`: the review-together app's confidence and agreed-in-session tables). Each client's
days are their own: what was due up to their own today, judged as everywhere else (`judged_status`), whatever the
therapist's time zone. Counts sit beside every rate, so a small group is visibly small; nothing here claims a cause."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, TextField
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _

from carryover.accounts.models import Membership
from carryover.homework.models import (
    Assignment,
    Entry,
    Occurrence,
    OccurrenceStatus,
    ScheduleKind,
    Visibility,
    adherence_of,
    barrier_counts,
    credit_sum,
    each_clients_day,
    local_today,
)

from .extensions import InsightTable, insight_tables

DAYS = 90
INSIGHT_FIELDS = (
    *("client_id", "template_version_id", "schedule_kind", "minutes", "content"),
    *("template_version__template_id", "template_version__name", "template_version__rationale"),
    *("client__user_id", "client__user__time_zone"),
)
PLAN_LABELS = {True: _("With an if-then plan (“after I…, I will…”)"), False: _("Without an if-then plan")}
MINIMUM_LABELS = {True: _("With a minimum version"), False: _("Without a minimum version")}
RATIONALE_LABELS = {
    True: _("“Why this helps” written for this client"),
    False: _("“Why this helps” as the worksheet says it"),
}
COPING_LABELS = {True: _("With “what might come up and how to cope”"), False: _("Without coping prep")}
SCHEDULE_LABELS = dict(ScheduleKind.choices)


def size_label(minutes: int) -> str:
    return str(_("up to 10 min") if minutes <= 10 else _("11–20 min") if minutes <= 20 else _("over 20 min"))


@dataclass
class Group:
    label: str
    closed: int = 0
    done: int = 0
    partial: int = 0
    credit: Decimal = Decimal(0)
    clients: set[int] = field(default_factory=set)
    barriers: Counter = field(default_factory=Counter)

    def add(self, row: dict[str, Any]) -> None:
        """Count one assignment's judged occurrences (a row of `caseload_insight`'s query) in this group."""
        self.closed += row["closed"]
        self.done += row["done"]
        self.partial += row["partial"]
        self.credit += row["credit"]
        self.clients.add(row["client_id"])

    @property
    def rate(self) -> Decimal | None:
        return adherence_of(self.credit, self.closed)

    def top_barriers(self, n: int = 3) -> list[tuple[str, int]]:
        return barrier_counts(self.barriers, n)


@dataclass
class Insight:
    """The built-in tables by name, and the tables other apps add, each with its groups (lowest completion first)."""

    tables: dict[str, list[Group]]
    extra: list[tuple[InsightTable, list[Group]]]

    def __getitem__(self, name: str) -> list[Group]:
        return self.tables[name]


def caseload_insight(clients: QuerySet[Membership]) -> Insight:
    """The last DAYS days of each client's own, up to their own today (as on the caseload, not the therapist's)."""
    # The assignments themselves (a few per client): their plans are encrypted, so they are read here, not grouped
    # by the database. Every occurrence and entry counted below belongs to one of them, and so to its client.
    of_clients = (
        Assignment.objects.filter(client__in=clients)
        .select_related("template_version", "client__user")
        # Only what the groups need: not the worksheet's schema nor the other encrypted fields, per assignment.
        .only(*INSIGHT_FIELDS)
    )
    assignments = {a.pk: a for a in of_clients}
    today = {a.client_id: local_today(a.client.user) for a in assignments.values()}
    rows = (
        # Activities only: whether a questionnaire was answered says nothing about how homework is set.
        Occurrence.objects.activities(of_clients=list(today))
        .within_days(today, DAYS)
        .judged(today)
        .values("assignment_id", "client_id")
        .annotate(
            closed=Count("id"),
            done=Count("id", filter=Q(status=OccurrenceStatus.DONE)),
            partial=Count("id", filter=Q(status=OccurrenceStatus.PARTIAL)),
            credit=credit_sum(),
        )
    )
    tables: dict[str, dict[Any, Group]] = {"templates": {}, "styles": {}, "plans": {}}
    added = [table for provider in insight_tables for table in provider(assignments)]
    extra: list[dict[Any, Group]] = [
        {label: Group(label) for label in dict.fromkeys(t.label_of.values())} for t in added
    ]

    judged, barriers = list(rows), barriers_by_assignment(today)
    # The groups of each assignment with something counted, worked out once (its plans decrypted once), not once
    # per row; an assignment with nothing counted (a questionnaire's) makes no group.
    counted_ids = {row["assignment_id"] for row in judged} | set(barriers)
    groups_for = {pk: _groups_for(tables, assignments[pk]) + _added_groups(pk, added, extra) for pk in counted_ids}
    for row in judged:
        for group in groups_for[row["assignment_id"]]:
            group.add(row)
    for assignment_id, counted in barriers.items():
        for group in groups_for[assignment_id]:
            group.barriers.update(counted)

    return _insight(tables, added, extra)


def _insight(tables: dict[str, dict[Any, Group]], added: list[InsightTable], extra: list[dict[Any, Group]]) -> Insight:
    def order(group: Group) -> tuple:  # the lowest completion first: that's where to look
        return (group.rate if group.rate is not None else Decimal(2), group.label)

    return Insight(
        tables={name: sorted(groups.values(), key=order) for name, groups in tables.items()},
        # An added table keeps its own order (confidence bands low to high): there the order is the point.
        extra=[(table, [g for g in groups.values() if g.closed]) for table, groups in zip(added, extra, strict=True)],
    )


def _added_groups(pk: int, added: list[InsightTable], extra: list[dict[Any, Group]]) -> list[Group]:
    """The groups of the tables other apps add that an assignment counts in."""
    return [groups[table.label_of[pk]] for table, groups in zip(added, extra, strict=True) if pk in table.label_of]


def barriers_by_assignment(today: dict[int, date]) -> dict[int, Counter]:
    """The barriers of the shared entries of the last DAYS days of each client's own, per assignment. Counted by
    the database: one row per assignment and list of barriers, not one per entry."""
    in_days = each_clients_day(today, lambda day: Q(done_on__gt=day - timedelta(days=DAYS), done_on__lte=day))
    shared = Entry.objects.filter(in_days, visibility=Visibility.SHARED, assignment__isnull=False)
    # Read as text and each distinct list decoded once: a few lists ("time", "forgot") recur across thousands of rows.
    rows = shared.exclude(barriers=[]).annotate(listed=Cast("barriers", TextField()))
    decoded: dict[str, list[str]] = {}
    counts: dict[int, Counter] = defaultdict(Counter)
    for assignment_id, listed, n in rows.values_list("assignment_id", "listed").annotate(n=Count("id")).order_by():
        if listed not in decoded:
            decoded[listed] = json.loads(listed)
        for code in decoded[listed]:
            counts[assignment_id][code] += n
    return counts


def _groups_for(tables: dict[str, dict[Any, Group]], assignment: Assignment) -> list[Group]:
    """The groups an assignment counts in: its worksheet, its way of being set (schedule and size) and its plans.
    A group (and its translated label) is made the first time an assignment counts in it, not once per assignment."""
    version = assignment.template_version
    style = (assignment.schedule_kind, assignment.minutes <= 10, assignment.minutes <= 20)
    anchored = bool(assignment.c("if_when") or assignment.c("if_then"))
    fallback = bool(assignment.c("minimum"))
    tailored = assignment.c("rationale").strip() != version.rationale.strip()
    coping = bool(assignment.c("coping").strip())
    return [
        _group(tables["templates"], version.template_id, lambda: version.name),
        _group(tables["styles"], style, lambda: _style_label(assignment)),
        _group(tables["plans"], anchored, lambda: PLAN_LABELS[anchored]),
        _group(tables["plans"], ("minimum", fallback), lambda: MINIMUM_LABELS[fallback]),
        _group(tables["plans"], ("rationale", tailored), lambda: RATIONALE_LABELS[tailored]),
        _group(tables["plans"], ("coping", coping), lambda: COPING_LABELS[coping]),
    ]


def _group(table: dict[Any, Group], key: Any, label: Callable[[], Any]) -> Group:
    if key not in table:
        table[key] = Group(str(label()))
    return table[key]


def _style_label(assignment: Assignment) -> str:
    schedule = SCHEDULE_LABELS.get(assignment.schedule_kind, assignment.schedule_kind)
    return f"{schedule}, {size_label(assignment.minutes)}"
