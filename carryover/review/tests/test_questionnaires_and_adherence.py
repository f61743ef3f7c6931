"""Adherence is about activities (issue 10, item 8): questionnaires are left out of it on every page that shows it,
and counted on their own. Completing only questionnaires once moved a client's caseload figures from 73%/72% to
94%/84%, which could hide an adherence drop."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from carryover.accounts.models import Membership
from carryover.homework import services as homework
from carryover.homework.models import Occurrence, Tally, Template, TemplateKind
from carryover.homework.tests.conftest import assign
from carryover.homework.views import client_work
from carryover.measures import services as measures
from carryover.measures.tests.helpers import answer, assign_measure
from carryover.review.caseload import caseload_rows
from carryover.review.insight import caseload_insight
from carryover.review.summary import build_summary
from carryover.review.tests.conftest import answer as answer_activity
from carryover.review.windows import Window

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 9)  # journal_week's Monday: the 2nd–8th are closed, the 9th is still open
PHQ9 = [1, 1, 1, 1, 1, 1, 1, 1, 0]
GAD7 = [1, 1, 1, 1, 1, 1, 1]


def figures(personas, journal) -> dict[str, object]:
    """Bob's journal adherence through every caller that shows it, for the last 7 days (3rd–9th) and 30 days."""
    bob, alice = personas.bob.membership, personas.alice.membership
    [row] = caseload_rows(alice, Membership.objects.filter(pk=bob.pk))
    summary = build_summary(bob, Window(date(2026, 3, 3), TODAY), [], today=TODAY)
    summary_30 = build_summary(bob, Window(date(2026, 2, 8), TODAY), [], today=TODAY)
    work = {r["assignment"].pk: r for r in client_work(bob, TODAY)["assignments"]}
    templates = caseload_insight(Membership.objects.filter(pk=bob.pk))["templates"]
    return {
        "caseload 7": row.a7,
        "caseload 30": row.a30,
        "summary 7": summary.totals.adherence,
        "summary 30": summary_30.totals.adherence,
        "homework 7": Occurrence.objects.filter(client=bob).due_between(date(2026, 3, 3), TODAY).adherence(),
        "homework 30": Occurrence.objects.filter(client=bob).due_between(date(2026, 2, 8), TODAY).adherence(),
        "client page 7": work[journal.pk]["a7"],
        "client page 30": work[journal.pk]["a30"],
        "insight": [(group.label, group.rate) for group in templates],
        "summary rows": [stat.assignment.title for stat in summary.assignments],
        "drop signal": [s.kind for s in row.signals if s.kind == "drop"],
    }


def test_every_caller_agrees_and_answering_questionnaires_moves_none_of_them(personas, journal_week):
    journal = journal_week
    phq9 = assign_measure(personas.alice, personas.bob, "phq9", start_date="2026-03-02")
    gad7 = assign_measure(personas.alice, personas.bob, "gad7", start_date="2026-03-02")
    before = figures(personas, journal)
    # One definition, the same number wherever it is shown: (0.5 + 0 + 0 + 1 + 0 + 1) / 6 for the 3rd–8th,
    # (1 + 0.5 + 0 + 0 + 1 + 0 + 1) / 7 for the whole week; the 9th is still open and isn't judged yet.
    assert {key: before[key] for key in before if key.endswith(" 7")} == dict.fromkeys(
        ("caseload 7", "summary 7", "homework 7", "client page 7"), Decimal("0.42")
    )
    assert {key: before[key] for key in before if key.endswith(" 30")} == dict.fromkeys(
        ("caseload 30", "summary 30", "homework 30", "client page 30"), Decimal("0.50")
    )
    assert before["insight"] == [("Journal", Decimal("0.50"))]
    assert before["summary rows"] == ["Evening journal"]

    for assignment, values in ((phq9, PHQ9), (gad7, GAD7)):
        first = assignment.occurrences.get(due_date=date(2026, 3, 2))
        measures.measure_submit(draft=answer(first, values))
    assert Occurrence.objects.questionnaires().filter(status="done").count() == 2
    assert figures(personas, journal) == before


def test_questionnaires_are_shown_on_their_own(client, personas, journal_week):
    phq9 = assign_measure(personas.alice, personas.bob, "phq9", start_date="2026-03-02")
    gad7 = assign_measure(personas.alice, personas.bob, "gad7", start_date="2026-03-02")
    measures.measure_submit(draft=answer(phq9.occurrences.get(due_date=date(2026, 3, 2)), PHQ9))
    client.force_login(personas.alice)

    caseload = client.get(reverse("caseload")).content.decode()
    # The 2nd: one answered, one passed without an answer; the 9th's two are due today and not judged yet.
    assert "1 of 2 questionnaires answered, 2 still open" in caseload
    assert "leaves questionnaires out" in caseload

    summary = client.get(reverse("client_summary", args=[personas.bob.pk]), {"start": "2026-03-02"}).content.decode()
    assert "counted apart from activities: 1 of 2 questionnaires answered, 2 still open." in summary
    assert "Questionnaires are not activities and are left out of it." in summary
    table = summary[summary.index('<table class="table compact adherence">') : summary.index("</table>")]
    assert "Evening journal" in table and "PHQ-9" not in table and "GAD-7" not in table

    page = client.get(reverse("client_detail", args=[personas.bob.pk])).content.decode()
    rows = {title: row for title, row in re.findall(r"<td>([^<]+)(?:<span.*?)?<br>.*?</td>(.*?)</tr>", page, re.S)}
    assert "1 of 1 questionnaire answered, 1 still open" in rows[phq9.title]
    assert "0 of 1 questionnaire answered, 1 still open" in rows[gad7.title]
    assert "Questionnaires are left out of it" in page


def test_a_drop_in_activities_shows_even_when_questionnaires_are_all_answered(personas):
    """The case the issue saw: activities fall away while the questionnaires keep being answered."""
    bob = personas.bob.membership
    with time_machine.travel("2026-03-02 09:00 +00:00", tick=False) as clock:
        journal = assign(personas.alice, personas.bob, key="journal", title="Evening journal", start_date="2026-02-02")
        phq9 = assign_measure(personas.alice, personas.bob, "phq9", schedule_kind="daily", start_date="2026-02-23")
        clock.move_to("2026-03-09 09:00 +00:00")
        homework.occurrences_refresh(client=bob)
        for occurrence in journal.occurrences.filter(due_date__lt=date(2026, 3, 2)):
            answer_activity(occurrence, "done")  # four good weeks before; nothing since the 2nd
        for occurrence in phq9.occurrences.filter(due_date__lt=TODAY):
            measures.measure_submit(draft=answer(occurrence, PHQ9))  # answered every day, through the bad week
        [row] = caseload_rows(personas.alice.membership, Membership.objects.filter(pk=bob.pk))
    assert row.a7 == Decimal("0.00") and row.questionnaires.answered == 14
    # 19 of the 20 days before (the 2nd, missed, is among them) against none of the last 7.
    assert [s.label for s in row.signals if s.kind == "drop"] == ["Adherence down 95 points"]


def test_the_built_in_measures_are_questionnaires_and_everything_else_an_activity(personas):
    measures.measures_sync()
    kinds = dict(Template.objects.filter(practice__isnull=True).values_list("key", "kind"))
    assert {key for key, kind in kinds.items() if kind == TemplateKind.QUESTIONNAIRE} == {"phq9", "gad7", "pcl5"}
    assert kinds["journal"] == TemplateKind.ACTIVITY


def test_a_tally_says_what_it_counts():
    assert str(Tally(answered=2, due=2)) == "2 of 2 questionnaires answered"
    assert str(Tally(answered=0, due=1, open=1)) == "0 of 1 questionnaire answered, 1 still open"
    assert not Tally()


def test_the_migration_marks_the_measures_already_in_the_library(personas):
    """Existing installations: measures assigned before this change leave activity adherence for their history too."""
    from importlib import import_module

    from django.apps import apps

    measures.measures_sync()
    Template.objects.update(kind=TemplateKind.ACTIVITY)  # as an installation was before the field existed
    import_module("carryover.measures.migrations.0003_measures_are_questionnaires").mark_questionnaires(apps, None)
    questionnaires = Template.objects.filter(kind=TemplateKind.QUESTIONNAIRE)
    assert sorted(questionnaires.values_list("key", flat=True)) == ["gad7", "pcl5", "phq9"]
