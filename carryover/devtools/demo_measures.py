"""Demo measures (`make run` only; never production): Jordan Lee, low mood, answers a PHQ-9 and a GAD-7 every week
for seven weeks, scores falling from the moderate/moderately severe range towards mild, with one week of item 9
answered "several days" that his therapist followed up and resolved.

Made through the assignment form and `measure_submit`, then dated back to when it would have happened, like the
homework demo (devtools/demo_homework.py)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

from carryover.accounts.models import Membership
from carryover.homework import services as homework
from carryover.homework.forms import AssignmentForm
from carryover.homework.models import Assignment, Entry, Occurrence, Template, local_today
from carryover.measures import services
from carryover.measures.instruments import MEASURES
from carryover.measures.models import MeasureResult, RiskAlert

DEMO_CLIENT = "jordan@example.org"
WEEKS = 7
TOTALS = {"phq9": [17, 16, 15, 13, 11, 9, 8], "gad7": [13, 12, 12, 10, 9, 7, 6]}
ITEM9_WEEK = 1  # the second week


def _spread(total: int, count: int, top: int) -> list[int]:
    values = [min(top, total // count + (1 if n < total % count else 0)) for n in range(count)]
    return values


def load_measures_demo(*, therapist: Membership, clients: Sequence[Membership], today: date | None = None) -> list[str]:
    client = next((c for c in clients if c.user.email == DEMO_CLIENT), None)
    if client is None or MeasureResult.objects.filter(client=client).exists():
        return []
    services.measures_sync()
    today = today or local_today(client.user)
    zone = client.user.zone
    start = today - timedelta(days=7 * WEEKS)
    created = 0
    for key, totals in TOTALS.items():
        version = Template.objects.get(key=key, practice__isnull=True).latest_version()
        form = AssignmentForm(
            {
                "title": MEASURES[key]["title"],
                "instructions": version.instructions,
                "rationale": version.rationale,
                "minutes": version.minutes,
                "schedule_kind": "weekdays",
                "weekdays": [str(start.weekday())],
                "start_date": start.isoformat(),
                "formats": ["write"],
            },
            allowed_formats=version.formats,
        )
        assert form.is_valid(), form.errors
        assignment = homework.assignment_create(
            therapist=therapist, client=client, version=version, data=form.data_object(), assigned_on=start
        )
        Assignment.objects.filter(pk=assignment.pk).update(
            created_at=datetime.combine(start, time(10), zone), updated_at=datetime.combine(start, time(10), zone)
        )
        past = assignment.occurrences.filter(due_date__lt=today).order_by("due_date")
        for week, (occurrence, total) in enumerate(zip(past, totals, strict=False)):
            count = len(MEASURES[key]["items"])
            item9 = 1 if key == "phq9" and week == ITEM9_WEEK else 0
            values = _spread(total - item9, count - 1, 3) + [item9] if key == "phq9" else _spread(total, count, 3)
            draft = homework.draft_for(client=client, occurrence=occurrence, version=version)
            homework.draft_save(draft=draft, updates={f"f-q{n}": str(v) for n, v in enumerate(values, start=1)})
            result = services.measure_submit(draft=draft)
            moment = datetime.combine(occurrence.due_date, time(19, 30), zone)
            Entry.objects.filter(pk=result.entry_id).update(done_on=occurrence.due_date, submitted_at=moment)
            Occurrence.objects.filter(pk=occurrence.pk).update(closed_at=moment)
            MeasureResult.objects.filter(pk=result.pk).update(taken_on=occurrence.due_date, created_at=moment)
            _follow_up(therapist, entry_id=result.entry_id, moment=moment)
            created += 1
    _safety_plan(client, therapist)
    return [f"{created} questionnaires and a safety plan for {client.user.email}"]


def _follow_up(therapist: Membership, *, entry_id: int, moment: datetime) -> None:
    """The item-9 week: the therapist phoned the next morning and resolved the alert."""
    alert = RiskAlert.objects.filter(entry_id=entry_id).first()
    if alert is None:
        return
    services.alert_resolve(
        alert=alert,
        actor=therapist.user,
        note="Phoned the next morning: passive thoughts, no plan or intent. Safety plan reviewed together.",
    )
    RiskAlert.objects.filter(pk=alert.pk).update(
        created_at=moment,
        acknowledged_at=moment + timedelta(hours=14),
        resolved_at=moment + timedelta(hours=14, minutes=20),
    )


def _safety_plan(client: Membership, therapist: Membership) -> None:
    """Jordan's safety plan, written with his therapist (the six steps of Stanley & Brown, and reasons)."""
    services.safety_plan_save(
        client=client,
        actor=therapist.user,
        content={
            "warning_signs": "Staying in bed past noon; not answering messages; thinking 'what's the point'.",
            "coping": "Shower and get dressed; a short walk round the park; music from the playlist we made.",
            "distraction": "Coffee with Sam; the library; my sister's on Sundays.",
            "help_people": "My sister (in my phone as 'Ana'); Sam.",
            "professionals": "My therapist in office hours; my GP; the crisis lines under 'Need help now?'.",
            "environment": "Ask Ana to keep my spare medication at hers.",
            "reasons": "My niece; the allotment in spring; finishing the course.",
        },
    )
