"""One definition for each rule (issue 12, item 2): a client's today, what counts as missed, adherence and barrier
labels live in homework/models.py, and every page that shows them agrees on the same data, whether or not
occurrences_refresh has recorded what was missed, and whatever the therapist's own time zone."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from carryover.accounts.models import CrisisResource, Membership
from carryover.homework import services as homework
from carryover.homework.models import BarrierCode, Occurrence, barrier_counts, barrier_label, judged_status
from carryover.homework.views import client_work
from carryover.measures.services import STALE_AFTER
from carryover.review.caseload import caseload_rows
from carryover.review.insight import DAYS, caseload_insight
from carryover.review.summary import build_summary
from carryover.review.timeline import timeline_events
from carryover.review.windows import Window

pytestmark = pytest.mark.django_db

# journal_week: Bob (London) 2 done · 3 half · 4, 5 not done · 6 done · 7 not done · 8 done · 9 still open.
JOURNAL_ROW = "<td>1</td><td>{closed}</td><td>3</td><td>1</td><td>{rate}%</td>"


def insight_row(client, therapist) -> str:
    client.force_login(therapist)
    html = client.get(reverse("caseload_insight")).content.decode()
    return html.split('<th scope="row">Journal</th>')[1].split("</tr>")[0]


def test_insight_judges_on_the_clients_today_when_the_therapist_is_already_in_tomorrow(client, personas, journal_week):
    """12:30 in London on the 9th is 01:30 on the 10th in Auckland. Bob's 9th is still his today and open: not
    missed. Judged on Alice's today it was counted as missed (3.5 of 8, 44%), unlike on the caseload."""
    personas.alice.time_zone = "Pacific/Auckland"
    personas.alice.save()
    with time_machine.travel("2026-03-09 12:30 +00:00", tick=False):
        row = insight_row(client, personas.alice)
        [caseload] = caseload_rows(personas.alice.membership, Membership.objects.filter(pk=personas.bob.membership.pk))
    assert JOURNAL_ROW.format(closed=7, rate=50) in row
    assert caseload.a7 == Decimal("0.42")  # the 3rd–9th: the 9th isn't judged there either


def test_insight_judges_on_the_clients_today_when_the_therapist_is_still_in_yesterday(client, personas, journal_week):
    """00:30 in London on the 10th is 17:30 on the 9th in Los Angeles. Bob's 9th passed without an answer: missed,
    though nothing has recorded it yet. Judged on Alice's today it was left out (3.5 of 7, 50%)."""
    personas.alice.time_zone = "America/Los_Angeles"
    personas.alice.save()
    with time_machine.travel("2026-03-10 00:30 +00:00", tick=False):
        row = insight_row(client, personas.alice)
    assert JOURNAL_ROW.format(closed=8, rate=44) in row
    assert Occurrence.objects.get(assignment=journal_week, due_date=date(2026, 3, 9)).status == "pending"


def figures(personas, journal, today: date) -> dict[str, object]:
    """Bob's journal through every page that shows it, for his last 7 days and the insight's 90."""
    bob, alice = personas.bob.membership, personas.alice.membership
    week, quarter = Window(today - timedelta(days=6), today), Window(today - timedelta(days=DAYS - 1), today)
    [row] = caseload_rows(alice, Membership.objects.filter(pk=bob.pk))
    summary = build_summary(bob, week, [], today=today)
    [insight] = caseload_insight(Membership.objects.filter(pk=bob.pk))["templates"]
    work = client_work(bob, today)
    [assignment] = work["assignments"]
    return {
        "7 days": {
            "caseload": row.a7,
            "summary": summary.totals.adherence,
            "client page": assignment["a7"],
            "occurrences": Occurrence.objects.filter(client=bob).due_between(week.start, week.end).adherence(),
        },
        "90 days": {
            "insight": insight.rate,
            "summary": build_summary(bob, quarter, [], today=today).totals.adherence,
            "occurrences": Occurrence.objects.filter(client=bob).due_between(quarter.start, quarter.end).adherence(),
        },
        "missed": {
            "summary": summary.totals.missed,
            "timeline": len(timeline_events(bob, week, kinds={"missed"})),
            "client page": len(work["missed"]),
        },
        "barriers": {"summary": summary.barrier_counts, "insight": insight.top_barriers(n=None)},
    }


def test_every_page_agrees_whether_or_not_the_missed_ones_are_recorded(personas, journal_week):
    """Two days later, before anything has recorded the 9th and 10th as missed: the figures are those of a
    refreshed record, on every page."""
    today = date(2026, 3, 11)
    with time_machine.travel("2026-03-11 09:00 +00:00", tick=False):
        assert not Occurrence.objects.filter(status="missed").exists()
        before = figures(personas, journal_week, today)
        homework.occurrences_refresh(client=personas.bob.membership)
        assert Occurrence.objects.filter(status="missed").count() == 2
        after = figures(personas, journal_week, today)
    # The 5th–10th: 0 + 1 + 0 + 1 + 0 + 0 of 6; the 11th is still open. The 2nd–10th: 3.5 of 9.
    assert before["7 days"] == dict.fromkeys(before["7 days"], Decimal("0.33"))
    assert before["90 days"] == dict.fromkeys(before["90 days"], Decimal("0.39"))
    assert before["missed"] == dict.fromkeys(before["missed"], 2)
    # The summary's week has the 5th's own words; the insight leaves private entries out, as the summary does.
    assert before["barriers"]["summary"] == [("I wasn't sure how", 1), ("Something else", 1)]
    assert before["barriers"]["insight"][0] == ("I wasn't sure how", 2)
    assert after == before


def test_judged_status_and_barrier_labels():
    today = date(2026, 3, 9)
    assert judged_status("pending", date(2026, 3, 8), today) == "missed"
    assert judged_status("pending", today, today) == "pending"
    assert judged_status("done", date(2026, 3, 1), today) == "done"
    assert barrier_label(BarrierCode.FORGOT) == "I forgot"
    assert barrier_label("retired_code") == "retired_code"  # a code no longer offered still reads as something
    from collections import Counter

    assert barrier_counts(Counter(["forgot", "forgot", "other"]), 1) == [("I forgot", 2)]


def test_the_admin_reads_stale_crisis_lines_on_their_own_today(client, personas):
    """12:00 UTC on the 9th is already the 10th in Kiritimati: a line last checked 184 days before the 10th is past
    six months for the admin there, though not by the server's own (UTC) date."""
    personas.admin.time_zone = "Pacific/Kiritimati"
    personas.admin.save()
    resource = CrisisResource.objects.filter(practice=personas.practice).first()
    assert resource is not None
    resource.last_verified = date(2026, 3, 10) - STALE_AFTER - timedelta(days=1)
    resource.save()
    CrisisResource.objects.exclude(pk=resource.pk).update(last_verified=date(2026, 3, 1))
    with time_machine.travel("2026-03-09 12:00 +00:00", tick=False):
        client.force_login(personas.admin)
        page = client.get(reverse("crisis_resources_stale")).content.decode()
    assert resource.name in page
