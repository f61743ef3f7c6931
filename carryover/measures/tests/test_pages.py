"""Charts, the caseload flags, the safety plan, the crisis lines to check, safety settings and the demo history."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
import time_machine
from django.db import connection
from django.urls import reverse
from django.utils import translation

from carryover.accounts.models import CrisisResource, User
from carryover.conftest import reading_in
from carryover.devtools.demo import load_demo
from carryover.measures import services
from carryover.measures.charts import measure_chart
from carryover.measures.models import AlertStatus, MeasureResult, RiskAlert, SafetyPlan
from carryover.measures.scoring import change
from carryover.review.charts import line_chart

from .helpers import answer, assign_measure


def history(therapist, client, key, totals):
    """One submitted measure per week, with these totals (item 9 at 0)."""
    assignment = assign_measure(therapist, client, key=key, schedule_kind="daily")
    occurrences = list(assignment.occurrences.order_by("due_date"))
    count = 9 if key == "phq9" else 7
    results = []
    for occurrence, total in zip(occurrences, totals, strict=False):
        values = [min(3, total // (count - 1) + (1 if n < total % (count - 1) else 0)) for n in range(count - 1)]
        result = services.measure_submit(draft=answer(occurrence, [*values, 0]))
        MeasureResult.objects.filter(pk=result.pk).update(taken_on=occurrence.due_date)
        results.append(result)
    return results


@pytest.fixture
def bob_history(personas, monday):
    history(personas.alice, personas.bob, "phq9", [18, 17, 11])  # −6 from previous: reliable improvement
    history(personas.alice, personas.bob, "gad7", [9, 10, 14])  # +4 from previous: reliable deterioration


def test_the_change_reads_in_the_therapists_language(client, personas, bob_history):
    """A Spanish-reading therapist reads each change in Spanish, whole ("Mejoría fiable"), on the measures page and
    the client page's panel."""
    client.force_login(personas.alice)
    with reading_in(personas.alice, "es"):
        for url in (
            reverse("client_measures", args=[personas.bob.pk]),
            reverse("client_detail", args=[personas.bob.pk]),
        ):
            page = client.get(url).content.decode()
            assert "Mejoría fiable (-6 puntos)" in page and "Empeoramiento fiable (+4 puntos)" in page, url
            assert "(moderada)" in page and "(moderate)" not in page, url  # PHQ-9 11 and GAD-7 14: their bands
            assert "Reliable improvement (-6" not in page and "Reliable deterioration (+4" not in page, url
        chart = client.get(reverse("measure_chart", args=[personas.bob.pk, "phq9"])).content.decode()
        assert "PHQ-9 a lo largo del tiempo" in chart and "Moderada (10–14)" in chart and "Puntaje" in chart
        assert "over time" not in chart and "Moderate" not in chart
    assert change("pcl5", 40, 34).text == "Detectable improvement, not yet clinically meaningful (-6 points; " + (
        "clinically meaningful is 10)"
    )
    with translation.override("es"):
        assert change("pcl5", 40, 34).text == (
            "Mejoría detectable, aún no clínicamente significativa (-6 puntos; clínicamente significativo desde 10)"
        )
        assert change("gad7", 9, 10).text == "Sin cambio fiable (+1 punto)"
        assert change("phq9", 9, 9).text == "Sin cambio (misma puntuación)"


def test_client_measures_page_shows_change_nhs_outcome_and_a_chart_with_a_text_alternative(
    client, personas, bob_history
):
    client.force_login(personas.alice)
    page = client.get(reverse("client_measures", args=[personas.bob.pk])).content.decode()
    assert "from previous: Reliable improvement (-6 points)" in page
    assert "from previous: Reliable deterioration (+4 points)" in page
    assert "Reliable improvement: no · reliable deterioration: no" in page  # one improving, one worsening
    assert reverse("measure_chart", args=[personas.bob.pk, "phq9"]) in page
    assert "<caption>PHQ-9 scores</caption>" in page and "<td>11</td>" in page
    svg = client.get(reverse("measure_chart", args=[personas.bob.pk, "phq9"]))
    assert svg["Content-Type"] == "image/svg+xml" and svg.content.startswith(b"<svg")
    assert b"Moderately severe (15" in svg.content  # band shading, labelled
    detail = client.get(reverse("client_detail", args=[personas.bob.pk])).content.decode()
    assert "Measures and safety" in detail and "PHQ-9</strong>: 11" in detail


def test_chart_marks_session_days():
    results = [MeasureResult(taken_on=date(2026, 3, 2) + timedelta(days=7 * n), total=t) for n, t in enumerate([9, 5])]
    assert b"Session" not in measure_chart("gad7", results, today=date(2026, 3, 9))
    assert b"Session" in measure_chart("gad7", results, [date(2026, 3, 5)], today=date(2026, 3, 9))


def test_an_empty_chart_is_centred_on_the_clients_today_not_the_servers(client, personas):
    personas.bob.time_zone = "Pacific/Auckland"  # UTC+13 in March
    personas.bob.save()
    client.force_login(personas.alice)
    # 12:30 UTC on Monday 2 March is 01:30 on Tuesday 3 March in Auckland: three days either side of the 3rd.
    with time_machine.travel("2026-03-02 12:30 +00:00", tick=False):
        svg = client.get(reverse("measure_chart", args=[personas.bob.pk, "phq9"])).content.decode()
    days = re.findall(r">(\d+ \w{3})</text>", svg)
    assert days[0] == "28 Feb" and "27 Feb" not in days  # the server's 2 March would start on 27 February


def test_measure_charts_share_the_review_charts_style(personas):
    """One pygal setup (lib/charts.py): the measure chart in the PDF uses the font WeasyPrint has, like the rest."""
    results = [MeasureResult(taken_on=date(2026, 3, 2), total=9)]
    svg = measure_chart("gad7", results, today=date(2026, 3, 9)).decode()
    review = line_chart("Mood", "Mood by day", ["Mon", "Tue"], {"Mood": [3, 5]}).svg
    for picture in (svg, review):
        assert "DejaVu Sans" in picture and not picture.startswith("<?xml")
        assert not re.search(r"<script[^>]*href", picture)  # no tooltip script fetched from pygal's CDN


def test_clients_see_their_charts_only_once_shared(client, personas, bob_history):
    url = reverse("measure_chart", args=[personas.bob.pk, "phq9"])
    client.force_login(personas.bob)
    assert client.get(url).status_code == 404
    assert b"hasn't shared" in client.get(reverse("my_measures")).content
    client.force_login(personas.alice)
    client.post(reverse("client_measures", args=[personas.bob.pk]), {"shared": "on"})
    client.force_login(personas.bob)
    assert client.get(url).status_code == 200
    assert url.encode() in client.get(reverse("my_measures")).content
    client.force_login(personas.erin)  # another client never sees Bob's, shared or not
    assert client.get(url).status_code == 404


def test_caseload_flags_take_a_constant_number_of_queries(personas, bob_history, django_assert_num_queries):
    RiskAlert.objects.create(practice=personas.practice, client=personas.erin.membership, source="help_now")
    bob_id, erin_id, dana_id = (p.membership.pk for p in (personas.bob, personas.erin, personas.dana))
    with django_assert_num_queries(2):
        flags = services.caseload_flags([bob_id, erin_id, dana_id])
    bob, erin = flags[bob_id], flags[erin_id]
    assert bob["open_alerts"] == 0 and erin["open_alerts"] == 1 and flags[dana_id]["latest"] == {}
    assert bob["latest"]["phq9"]["total"] == 11 and bob["latest"]["gad7"]["band"] == "Moderate"
    assert bob["worsening"] == ["GAD-7"] and bob["improving"] == ["PHQ-9"]  # GAD-7 worse, PHQ-9 reliably better
    assert bob["latest"]["gad7"]["from_baseline"].direction == "deteriorated"


def test_safety_plan_is_shared_between_client_and_therapist_and_encrypted(client, personas):
    client.force_login(personas.bob)
    client.post(reverse("safety_plan"), {"warning_signs": "Not sleeping", "reasons": "My dog, Biscuit"})
    client.force_login(personas.alice)
    page = client.get(reverse("client_safety_plan", args=[personas.bob.pk])).content
    assert b"Not sleeping" in page and b"My dog, Biscuit" in page
    plan = {"warning_signs": "Not sleeping", "reasons": "My dog, Biscuit", "help_people": "Sister: 07700 900123"}
    client.post(reverse("client_safety_plan", args=[personas.bob.pk]), plan)
    plan = SafetyPlan.objects.get()
    assert plan.content["help_people"] == "Sister: 07700 900123" and plan.updated_by == personas.alice
    with connection.cursor() as cursor:
        cursor.execute("SELECT content FROM measures_safetyplan")
        assert "Biscuit" not in str(cursor.fetchone()[0])
    client.force_login(personas.bob)
    help_page = client.get(reverse("help")).content
    assert b"Sister: 07700 900123" in help_page  # reachable from "Need help now?"
    client.force_login(personas.frank)
    assert client.get(reverse("client_safety_plan", args=[personas.bob.pk])).status_code == 404


def test_crisis_lines_not_checked_in_six_months_are_listed_for_the_admin(client, personas):
    resources = list(CrisisResource.objects.filter(practice=personas.practice))
    today = date.today()
    CrisisResource.objects.filter(pk=resources[0].pk).update(last_verified=today - timedelta(days=200))
    CrisisResource.objects.filter(pk__in=[r.pk for r in resources[1:]]).update(last_verified=today - timedelta(days=30))
    client.force_login(personas.admin)
    page = client.get(reverse("crisis_resources_stale")).content.decode()
    assert resources[0].name in page and resources[1].name not in page


def test_admin_sets_the_designated_contact_and_escalation_time(client, personas):
    client.force_login(personas.admin)
    page = client.post(reverse("safety_settings"), {"designated_contact": personas.bob.pk, "escalation_minutes": 30})
    assert page.status_code == 200  # a client can't be the designated contact
    page = client.post(reverse("safety_settings"), {"designated_contact": personas.frank.pk, "escalation_minutes": 2})
    assert b"between 5 minutes and 7 days" in page.content
    client.post(reverse("safety_settings"), {"designated_contact": personas.frank.pk, "escalation_minutes": 45})
    settings = services.safety_settings(personas.practice)
    assert (settings.designated_contact, settings.escalation_minutes) == (personas.frank, 45)


@pytest.mark.slow  # loads the whole demo (devtools/tests/test_demo.py covers it in make test)
def test_demo_gives_jordan_weekly_phq9_and_gad7_with_one_followed_up_alert(db):
    with time_machine.travel("2026-11-20 21:00 -05:00", tick=False):
        load_demo()
    jordan = User.objects.get(email="jordan@example.org").membership
    results = MeasureResult.objects.filter(client=jordan)
    assert results.filter(measure="phq9").count() == 7 and results.filter(measure="gad7").count() == 7
    outcome = services.pair_outcome_for(services.client_summaries(jordan))
    assert outcome is not None and outcome.reliable_recovery
    alert = RiskAlert.objects.get(client=jordan)
    assert alert.status == AlertStatus.RESOLVED and alert.resolution_note
    assert SafetyPlan.objects.filter(client=jordan).exists()
