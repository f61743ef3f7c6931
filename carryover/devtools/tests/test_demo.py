"""The demo practice's eight weeks of activities: realistic, made through the services, and loaded only once."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db import transaction
from django.urls import reverse

from carryover.accounts.models import User
from carryover.devtools.demo import load_demo
from carryover.homework import services
from carryover.homework.models import (
    Assignment,
    AssignmentRevision,
    Comment,
    Draft,
    Entry,
    Goal,
    LadderItem,
    Notice,
    NoticeReason,
    Occurrence,
    OccurrenceStatus,
    Outcome,
    ScheduleKind,
    Visibility,
)

# Friday evening in New York (afternoon in Los Angeles); the eight weeks span the 1 November clock change.
NOW = "2026-11-20 21:00 -05:00"
TODAY = date(2026, 11, 20)
CLIENTS = ["client@example.org", "jordan@example.org", "priya@example.org"]


@pytest.fixture(scope="module")
def demo_loaded(django_db_setup, django_db_blocker):
    """The demo, loaded once for this module (it is the slowest fixture in the suite) inside a transaction that is
    rolled back after the module's last test, so no other test sees it. Each test's own transaction is a savepoint
    inside this one, so what a test changes is still undone before the next."""
    with django_db_blocker.unblock(), transaction.atomic():
        with time_machine.travel(NOW, tick=False):
            created = load_demo()
        yield created
        transaction.set_rollback(True)


@pytest.fixture
def demo(demo_loaded, db):
    with time_machine.travel(NOW, tick=False):
        yield demo_loaded


def member(email: str):
    return User.objects.get(email=email).membership


def counts() -> dict[str, int]:
    models = [Assignment, AssignmentRevision, Occurrence, Entry, Draft, Notice, Comment, Goal, LadderItem]
    return {model.__name__: model.objects.count() for model in models}


def test_each_client_gets_eight_weeks_of_several_activities(demo):
    assert [line for line in demo if "entries for" in line] == [
        line for email in CLIENTS for line in demo if line.endswith(f"entries for {email}")
    ]
    assert 150 <= Entry.objects.count() <= 400  # a few hundred, not thousands
    for email in CLIENTS:
        client = member(email)
        assignments = Assignment.objects.filter(client=client)
        assert assignments.count() >= 2
        assert len({a.template_version.template.key for a in assignments}) >= 2
        first = min(a.start_date for a in assignments)
        assert TODAY - timedelta(days=55) <= first <= TODAY - timedelta(days=49)
        assert client.created_at < min(a.created_at for a in assignments)  # joined before the history starts
        entries = Entry.objects.filter(client=client)
        assert entries.count() >= 30
        latest = entries.order_by("-done_on").first()
        assert latest is not None and latest.done_on >= TODAY - timedelta(days=2)


def test_entries_are_dated_when_they_happened(demo):
    now = datetime.fromisoformat(NOW)
    for entry in Entry.objects.select_related("client__user", "occurrence", "assignment"):
        local = entry.submitted_at.astimezone(entry.client.user.zone)
        assert entry.submitted_at < now and entry.done_on < TODAY
        assert local.date() == entry.done_on and 7 <= local.hour <= 22  # a plausible time of day, either side of DST
        if entry.occurrence is None:
            continue
        assert entry.occurrence.status == entry.outcome and entry.occurrence.closed_at == entry.submitted_at
        assert entry.done_on <= entry.occurrence.due_date
        if entry.assignment.schedule_kind in (ScheduleKind.DAILY, ScheduleKind.WEEKDAYS):
            assert entry.done_on == entry.occurrence.due_date
        if entry.assignment.schedule_kind == ScheduleKind.PER_WEEK:  # spread over the week it was due by
            assert entry.occurrence.due_date - entry.done_on <= timedelta(days=6)
    for occurrence in Occurrence.objects.filter(status=OccurrenceStatus.MISSED):
        assert occurrence.closed_at is not None and occurrence.closed_at < now
        assert occurrence.due_date < TODAY
    assert not Occurrence.objects.filter(due_date__lt=TODAY, status=OccurrenceStatus.PENDING).exists()


def test_sam_climbs_a_fear_ladder_and_distress_falls_on_the_lowest_step(demo):
    sam = member("client@example.org")
    ladder = list(LadderItem.objects.filter(client=sam, archived=False))
    assert len(ladder) == 8 and [item.suds for item in ladder] == sorted(item.suds for item in ladder)
    logs = (
        Entry.objects.filter(client=sam, assignment__template_version__template__key="exposure_practice")
        .exclude(outcome=Outcome.SKIPPED)
        .order_by("done_on")
    )
    suds = {}
    for entry in logs:
        answers = entry.answers
        before, peak, after = (answers[f"suds_{k}"]["value"] for k in ("before", "peak", "after"))
        assert after < before <= peak  # within a practice: it rose, then eased below where it started
        suds.setdefault(answers["ladder_item"]["id"], []).append((peak, after))
    lowest = suds[ladder[0].pk]
    assert len(lowest) >= 3
    assert lowest[0][0] > lowest[-1][0] and lowest[0][1] > lowest[-1][1]  # between practices: it came down
    peaks = [peak for peak, _ in lowest]
    assert sum(peaks[: len(peaks) // 2]) / (len(peaks) // 2) > sum(peaks[len(peaks) // 2 :]) / (
        len(peaks) - len(peaks) // 2
    )
    assert len(suds) >= 3  # and moved up the ladder


def test_there_is_done_partial_skipped_missed_and_private_work(demo):
    past = Occurrence.objects.filter(due_date__lt=TODAY)
    statuses = Counter(past.values_list("status", flat=True))
    assert {OccurrenceStatus.DONE, OccurrenceStatus.PARTIAL, OccurrenceStatus.SKIPPED, OccurrenceStatus.MISSED} <= set(
        statuses
    )
    assert statuses[OccurrenceStatus.DONE] > sum(statuses.values()) / 2  # mostly done
    entries = list(Entry.objects.all())
    private = [e for e in entries if e.visibility == Visibility.PRIVATE]
    assert 0.05 <= len(private) / len(entries) <= 0.2
    for entry in entries:
        if entry.outcome == Outcome.PARTIAL:
            assert entry.fraction in (Decimal("0.25"), Decimal("0.50"), Decimal("0.75")) and entry.barriers
        if entry.outcome == Outcome.SKIPPED:
            assert entry.barriers and entry.visibility == Visibility.SHARED and entry.helpfulness is None
        if entry.outcome == Outcome.DONE:
            assert not entry.barriers
    own_words = [e for e in entries if e.content.get("barrier_other")]
    assert own_words and all("other" in e.barriers for e in own_words)
    assert any(e.talk_next_session for e in entries)
    assert any(e.mood_before is not None for e in entries) and any(e.minutes_spent for e in entries)
    assert Entry.objects.filter(occurrence__isnull=True).exists()  # skills practised on their own
    comments = Comment.objects.select_related("entry")
    assert comments.count() >= 3 and all(not c.entry.is_private for c in comments)
    assert Draft.objects.filter(client=member("client@example.org")).exists()  # something to pick up again


@pytest.mark.parametrize("email", CLIENTS)
def test_adherence_is_neither_nothing_nor_perfect(demo, email):
    adherence = Occurrence.objects.filter(client=member(email)).adherence()
    assert adherence is not None and Decimal(0) < adherence < Decimal(1)


def test_not_working_notices_one_answered_by_an_adjustment(demo):
    sam, priya = member("client@example.org"), member("priya@example.org")
    open_notice = Notice.objects.get(client=sam)
    assert open_notice.reason == NoticeReason.TOO_LONG and open_notice.resolved_at is None and open_notice.note
    answered = Notice.objects.get(client=priya)
    assert answered.reason == NoticeReason.TOO_HARD and answered.resolution == "adjusted"
    assert answered.created_at < answered.resolved_at < datetime.fromisoformat(NOW)
    assignment = answered.assignment
    assert assignment.revision == 2
    unseen = list(services.revisions_unseen(priya))
    assert [r.assignment_id for r in unseen] == [assignment.pk] and "Time" in unseen[0].changed
    changed_on = unseen[0].created_at.astimezone(priya.user.zone).date()
    for entry in Entry.objects.filter(assignment=assignment):
        assert entry.revision == (2 if entry.done_on >= changed_on else 1)


def test_the_demo_pages_show_it(demo, client):
    with time_machine.travel(NOW, tick=False):
        client.force_login(User.objects.get(email="therapist@example.org"))
        for email in CLIENTS:
            page = client.get(reverse("client_detail", args=[member(email).user_id]))
            assert page.status_code == 200
        page = client.get(reverse("client_detail", args=[member("client@example.org").user_id])).content.decode()
        assert "Fear ladder practice" in page and "It takes too long" in page
        client.force_login(User.objects.get(email="priya@example.org"))
        assert "Updated by your therapist" in client.get(reverse("client_home"), follow=True).content.decode()
        entry = Entry.objects.filter(client=member("priya@example.org"), occurrence__isnull=False).first()
        assert client.get(reverse("entry_detail", args=[entry.pk])).status_code == 200


def test_sams_own_history_has_what_my_progress_shows(demo, client):
    """The phone journey of My progress (progress/tests/test_browser_progress.py) rests on these: a thought record
    found by a word Sam wrote, a private entry he can share, and a ladder step whose peak came down."""
    from carryover.homework import patterns

    sam = member("client@example.org")
    entries = list(Entry.objects.filter(client=sam).select_related("template_version__template").order_by("done_on"))
    records = [e for e in entries if e.template_version.template.key == "thought_record_7"]
    assert any("pharmacist" in e.answers.get("situation", "") for e in records)
    assert any(e.is_private for e in records)
    first_step = patterns.exposure_steps(entries)[0]
    assert first_step.name == "Say good morning to a neighbour and make eye contact"
    assert first_step.peak_came_down()


def test_sam_shares_a_little_with_a_support_person(demo, client):
    from carryover.support.models import SupportLink

    link = SupportLink.objects.get(client=member("client@example.org"))
    assert link.supporter.email == "morgan@example.org" and link.share_days and link.assignments.count() == 2
    assert link.nudge_at is not None and not link.entries.exists()
    with time_machine.travel(NOW, tick=False):
        client.force_login(link.supporter)
        page = client.get(reverse("supporting", args=[link.pk])).content.decode()
    assert "Days Sam did something" in page and "Did something" in page


def test_loading_again_changes_nothing(demo):
    before = counts()
    with time_machine.travel(NOW, tick=False):
        assert load_demo() == []
    assert counts() == before
    with time_machine.travel("2026-11-27 21:00 -05:00", tick=False):  # a week later, too
        assert load_demo() == []
    assert counts() == before


def test_jordans_last_session_was_a_review_together(demo, client):
    """The demo's one finished review (demo_together.py): on the last session's day, applied once, confidence 5 in
    the afternoon and 8 after morning coffee; the summary still opens on that session, the next one booked."""
    from carryover.devtools.demo_together import WALKS_LEARNED
    from carryover.review.models import Session
    from carryover.together.agreed import agreed_lines
    from carryover.together.models import ConfidenceCheck, Conversation, Decision

    jordan = member("jordan@example.org")
    conversation = Conversation.objects.get(client=jordan)
    assert Conversation.objects.count() == 1 and not conversation.is_draft
    day = conversation.finished_at.astimezone(jordan.user.zone).date()
    assert day == date(2026, 11, 18)  # Jordan's Wednesday session, two days before NOW
    sessions = Session.objects.filter(client=jordan).order_by("date")
    assert [s.date for s in sessions] == [day - timedelta(weeks=k) for k in range(6, -1, -1)]
    assert sessions.last() == conversation.session and conversation.session.next_date == day + timedelta(weeks=1)
    decisions = {s.assignment.title: s.decision for s in conversation.steps.filter(assignment__isnull=False)}
    walks_title = "Short walks, three times a week"
    reading = "Read: why doing more helps when you're low"
    assert decisions == {"Log one activity a day": Decision.KEEP, reading: Decision.STOP, walks_title: Decision.ADJUST}
    check = ConfidenceCheck.objects.get(conversation=conversation)
    assert (check.first, check.adjustment, check.rating) == (5, "time", 8) and check.assignment.title == walks_title
    walks = check.assignment
    assert walks.revision == 2 and walks.c("if_when") == "After my morning coffee"
    for entry in Entry.objects.filter(assignment=walks):
        assert entry.revision == (2 if entry.done_on >= day else 1)
    lines = agreed_lines(conversation)
    assert WALKS_LEARNED in [line.why for line in lines]
    client.force_login(jordan.user)
    today = client.get(reverse("client_home"), follow=True).content.decode()
    assert "What we agreed on" in today and "We changed it" in today and WALKS_LEARNED in today
