"""A large, realistic practice for the review benchmark: therapists × clients × a year of daily activity.

Rows are made with bulk_create in big batches (the services would take hours for a million entries); the shape
is what the services produce: occurrences per schedule, entries with encrypted answers in each worksheet's
format, barriers on partial and skipped ones, private entries, open notices, weekly sessions.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from allauth.mfa.totp.internal.auth import TOTP
from django.db import transaction
from django.utils import timezone

from carryover.accounts.models import CareLink, Membership, Practice, Role, User
from carryover.homework.models import (
    Assignment,
    AssignmentRevision,
    BarrierCode,
    Entry,
    LadderItem,
    Notice,
    Occurrence,
    Outcome,
    ScheduleKind,
    Template,
    Visibility,
)
from carryover.review.models import Session

PRACTICE = "Bench practice (generated)"
ZONES = ["America/New_York", "America/Chicago", "Europe/London", "Australia/Sydney"]
BATCH = 5000
BARRIERS = [c for c in BarrierCode.values if c != BarrierCode.OTHER]


def rating(value: float, low: int = 0, high: int = 10) -> dict[str, int]:
    return {"value": int(min(high, max(low, round(value)))), "min": low, "max": high}


def journal(rng: random.Random, progress: float, ctx: dict) -> dict[str, Any]:
    return {"entry": rng.choice(["A long day at work.", "Slept badly, felt flat.", "Walked by the river, felt ok."])}


def relaxation(rng: random.Random, progress: float, ctx: dict) -> dict[str, Any]:
    before = rng.uniform(4, 8) - progress
    return {
        "technique": "breathing",
        "minutes": rng.randint(5, 15),
        "tension_before": rating(before),
        "tension_after": rating(before - 1 - 2 * progress),
    }


def activity(rng: random.Random, progress: float, ctx: dict) -> dict[str, Any]:
    mastery, pleasure = rng.uniform(3, 6) + 3 * progress, rng.uniform(2, 6) + 3 * progress
    what = rng.choice(["Walk", "Call a friend", "Cook dinner"])
    return {"activity": what, "status": "done", "mastery": rating(mastery), "pleasure": rating(pleasure)}


def thought_record(rng: random.Random, progress: float, ctx: dict) -> dict[str, Any]:
    first = rng.randint(55, 90)
    return {
        "situation": "A meeting at work.",
        "emotions": [{"emotion": "Anxious", "intensity": rating(first, 0, 100)}],
        "thoughts": [{"thought": "They think I'm not up to it.", "belief": rating(70, 0, 100), "marked": True}],
        "evidence_for": "My voice shook.",
        "evidence_against": "Nobody commented; the work was fine.",
        "balanced_thought": "A shaky voice is common and says little about my work.",
        "emotions_after": [{"label": "Anxious", "value": int(first - 15 - 20 * progress), "min": 0, "max": 100}],
    }


def exposure(rng: random.Random, progress: float, ctx: dict) -> dict[str, Any]:
    item = ctx["ladder"][min(int(progress * len(ctx["ladder"])), len(ctx["ladder"]) - 1)]
    peak = rng.randint(40, 80) * (1 - progress / 2)
    return {
        "ladder_item": item,
        "suds_before": rating(peak - 10, 0, 100),
        "suds_peak": rating(peak, 0, 100),
        "suds_after": rating(peak / 2, 0, 100),
        "minutes": rng.randint(10, 40),
        "learned": "It passed.",
    }


PLANS: list[tuple[tuple[str, Callable], tuple[str, Callable]]] = [
    (("relaxation", relaxation), ("thought_record_7", thought_record)),
    (("activity_log", activity), ("exposure_practice", exposure)),
    (("journal", journal), ("relaxation", relaxation)),
]


def generate(*, therapists: int, clients: int, days: int, seed: int = 7, out=print) -> Practice:
    rng = random.Random(seed)
    practice = Practice.objects.create(name=PRACTICE, country="GB")
    versions = {t.key: t.latest_version() for t in Template.objects.filter(practice__isnull=True)}
    for t in range(therapists):
        with transaction.atomic():
            therapist_with_clients(rng, practice, versions, t, clients, days)
        out(f"  therapist {t + 1}/{therapists}: {clients} clients, {Entry.objects.count()} entries so far")
    return practice


def therapist_with_clients(rng, practice, versions, t: int, count: int, days: int) -> None:
    therapist, members = _people(practice, t, count)
    ladders = _ladders(members)
    assignments = _assignments(rng, practice, therapist, members, versions, days)
    occurrences, entries = _occurrences_and_entries(rng, assignments, ladders, members, days)
    Occurrence.objects.bulk_create(occurrences, batch_size=BATCH)
    Entry.objects.bulk_create(entries, batch_size=BATCH)
    _sessions_and_notices(therapist, members, assignments, days)


def _people(practice: Practice, t: int, count: int) -> tuple[Membership, list[Membership]]:
    therapist_user = User.objects.create(
        email=f"bench-therapist-{t}@bench.invalid", name=f"Therapist {t}", password="!", time_zone="Europe/London"
    )
    therapist = Membership.objects.create(user=therapist_user, practice=practice, role=Role.THERAPIST)
    TOTP.activate(therapist_user, "JBSWY3DPEHPK3PXP")
    users = User.objects.bulk_create(
        User(
            email=f"bench-client-{t}-{c}@bench.invalid",
            name=f"Client {t}-{c}",
            password="!",
            time_zone=ZONES[c % len(ZONES)],
        )
        for c in range(count)
    )
    members = Membership.objects.bulk_create(
        Membership(user=u, practice=practice, role=Role.CLIENT, consented_terms_version=1) for u in users
    )
    CareLink.objects.bulk_create(CareLink(practice=practice, therapist=therapist, client=m) for m in members)
    return therapist, members


def _ladders(members: list[Membership]) -> dict[int, list[LadderItem]]:
    ladders = {}
    for m in members:
        ladders[m.pk] = [LadderItem(client=m, description=f"Step {n}", suds=20 + 15 * n, position=n) for n in range(4)]
    LadderItem.objects.bulk_create([item for items in ladders.values() for item in items], batch_size=BATCH)
    return ladders


def _assignments(rng, practice, therapist, members, versions, days: int) -> list[tuple[Assignment, Callable, date]]:
    """A daily and a three-a-week activity per client, started `days` ago; with each, its answer maker and the
    client's today."""
    assignments: list[tuple[Assignment, Callable, date]] = []
    for i, m in enumerate(members):
        today = timezone.now().astimezone(m.user.zone).date()
        start = today - timedelta(days=days - 1)
        (daily_key, daily_fn), (weekly_key, weekly_fn) = PLANS[i % len(PLANS)]
        plan = ((daily_key, daily_fn, ScheduleKind.DAILY), (weekly_key, weekly_fn, ScheduleKind.PER_WEEK))
        for key, fn, kind in plan:
            a = Assignment(
                practice=practice,
                client=m,
                therapist=therapist,
                template_version=versions[key],
                content={
                    "title": f"{versions[key].name} ({'daily' if kind == ScheduleKind.DAILY else '3 a week'})",
                    "instructions": "As we discussed.",
                    "rationale": "It helps.",
                },
                minutes=rng.choice([5, 10, 15, 20]),
                formats=["write"],
                schedule_kind=kind,
                times_per_week=3 if kind == ScheduleKind.PER_WEEK else None,
                start_date=start,
            )
            assignments.append((a, fn, today))
    Assignment.objects.bulk_create([a for a, _, _ in assignments], batch_size=BATCH)
    AssignmentRevision.objects.bulk_create(
        [AssignmentRevision(assignment=a, number=1, snapshot={"title": a.title}) for a, _, _ in assignments],
        batch_size=BATCH,
    )
    return assignments


def _occurrences_and_entries(rng, assignments, ladders, members, days: int) -> tuple[list[Occurrence], list[Entry]]:
    occurrences = []
    for a, _, today in assignments:
        for due, slot in a.due_dates(a.start_date, today + timedelta(days=7)):
            occurrences.append(Occurrence(assignment=a, client=a.client, due_date=due, slot=slot))
    # Outcomes are decided before anything is written: occurrences go in already closed (bulk_update of a
    # million rows is far slower than getting them right the first time).
    by_assignment = {a.pk: (a, fn, today) for a, fn, today in assignments}
    entries = []
    habit = {m.pk: rng.uniform(0.45, 0.9) for m in members}
    for o in occurrences:
        a, fn, today = by_assignment[o.assignment_id]
        if o.due_date >= today and a.schedule_kind == ScheduleKind.DAILY:
            continue
        progress = (o.due_date - a.start_date).days / max(days, 1)
        roll = rng.random()
        good = habit[o.client_id]
        if roll > good + 0.08:  # missed, or this week's still open
            if o.due_date < today:
                o.status, o.credit, o.closed_at = "missed", Decimal(0), _at(o.due_date + timedelta(days=1), 0, a)
            continue
        outcome = Outcome.DONE if roll < good * 0.8 else Outcome.PARTIAL if roll < good else Outcome.SKIPPED
        day = o.due_date if a.schedule_kind == ScheduleKind.DAILY else o.due_date - timedelta(days=rng.randint(0, 6))
        if day >= today:
            continue
        answers = fn(rng, progress, {"ladder": [i.as_choice() for i in ladders[o.client_id]]})
        e = _entry(rng, o, a, outcome=outcome, day=day, answers=answers)
        entries.append(e)
        o.status, o.credit, o.closed_at = outcome, e.credit(), e.submitted_at
    return occurrences, entries


def _entry(rng, o: Occurrence, a: Assignment, *, outcome: str, day: date, answers: dict[str, Any]) -> Entry:
    did_some = outcome != Outcome.SKIPPED
    barriers = rng.sample(BARRIERS, 1) if outcome != Outcome.DONE else []
    e = Entry(
        client_id=o.client_id,
        assignment=a,
        occurrence=o,
        template_version_id=a.template_version_id,
        revision=1,
        outcome=outcome,
        fraction=Decimal("0.50") if outcome == Outcome.PARTIAL else None,
        barriers=barriers,
        content={"answers": answers if did_some else {}, "barrier_other": ""},
        minutes_spent=max(1, int(a.minutes * rng.uniform(0.5, 2.2))) if did_some else None,
        helpfulness=rng.randint(2, 9) if did_some else None,
        difficulty=rng.randint(1, 8) if did_some else None,
        mood_before=rng.randint(3, 6) if rng.random() < 0.3 else None,
        talk_next_session=rng.random() < 0.03,
        visibility=Visibility.PRIVATE if rng.random() < 0.08 else Visibility.SHARED,
        done_on=day,
        submitted_at=_at(day, rng.randint(17, 22), a),
    )
    if e.mood_before is not None:
        e.mood_after = min(10, e.mood_before + rng.randint(0, 2))
    return e


def _sessions_and_notices(therapist, members, assignments, days: int) -> None:
    sessions, notices = [], []
    for i, m in enumerate(members):
        today = timezone.now().astimezone(m.user.zone).date()
        for week in range(days // 7, 0, -1):
            day = today - timedelta(days=7 * week - (i % 7))
            if day < today:
                sessions.append(Session(client=m, therapist=therapist, date=day, next_date=day + timedelta(days=7)))
        if i % 12 == 0:
            a = next(a for a, _, _ in assignments if a.client_id == m.pk)
            notices.append(Notice(assignment=a, client=m, reason="too_long", note="It takes too long."))
    Session.objects.bulk_create(sessions, batch_size=BATCH)
    Notice.objects.bulk_create(notices)


def _at(day: date, hour: int, assignment: Assignment) -> datetime:
    return datetime.combine(day, time(hour, 30), assignment.client.user.zone)
