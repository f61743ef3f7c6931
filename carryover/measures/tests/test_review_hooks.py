"""Measures on the review pages: risk first on the caseload, scores and alerts in the summary, PDF and timeline."""

from __future__ import annotations

import pytest
from django.urls import reverse

from carryover.measures.models import RiskAlert

from .helpers import submit

pytestmark = pytest.mark.django_db

NINE_WITH_RISK = [2, 3, 2, 2, 1, 3, 2, 1, 2]
NINE_NO_RISK = [1, 1, 1, 1, 1, 1, 1, 1, 0]


def test_a_client_with_an_open_alert_is_first_on_the_caseload_and_stays_there_until_resolved(client, personas):
    submit(personas.alice, personas.erin, NINE_NO_RISK)  # Erin answered; no alert
    submit(personas.alice, personas.bob, NINE_WITH_RISK)
    client.force_login(personas.alice)
    page = client.get(reverse("caseload")).content.decode()
    rows = page[page.index('<table class="table caseload">') :]
    assert rows.index(f"client-{personas.bob.pk}") < rows.index(f"client-{personas.erin.pk}")
    assert "Safety alert: not yet acknowledged" in rows
    only_risk = client.get(reverse("caseload"), {"show": "risk"}).content.decode()
    assert f"client-{personas.bob.pk}" in only_risk and f"client-{personas.erin.pk}" not in only_risk

    alert = RiskAlert.objects.get()
    client.post(reverse("alert_acknowledge", args=[alert.pk]))
    assert "Safety alert: acknowledged, not resolved" in client.get(reverse("caseload")).content.decode()
    client.post(reverse("alert_resolve", args=[alert.pk]), {"note": "Spoke on the phone."})
    assert "Safety alert:" not in client.get(reverse("caseload")).content.decode()


def test_summary_and_pdf_show_safety_first_and_the_scores_with_a_chart(client, personas):
    submit(personas.alice, personas.bob, NINE_WITH_RISK)
    client.force_login(personas.alice)
    page = client.get(reverse("client_summary", args=[personas.bob.pk])).content.decode()
    assert "Safety alert of" in page and "(open, not yet acknowledged)" in page
    assert "PHQ-9: 18 (Moderately severe)" in page and "question 9 answered 2" in page
    assert page.index("Safety alert of") < page.index("PHQ-9: 18")
    assert 'alt="Chart: PHQ-9 over time.' in page
    pdf = client.get(reverse("client_summary_pdf", args=[personas.bob.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_a_zero_on_question_9_is_not_called_safe_in_the_summary(client, personas):
    submit(personas.alice, personas.bob, NINE_NO_RISK)
    client.force_login(personas.alice)
    page = client.get(reverse("client_summary", args=[personas.bob.pk])).content.decode()
    assert "question 9 answered 0 (does not rule out risk)" in page
    assert "Safety alert of" not in page and "safe" not in page.lower().replace("safety", "")


def test_timeline_shows_scores_and_alerts_and_filters_them(client, personas):
    submit(personas.alice, personas.bob, NINE_WITH_RISK)
    client.force_login(personas.alice)
    url = reverse("client_timeline", args=[personas.bob.pk])
    page = client.get(url).content.decode()
    assert "Score 18 (Moderately severe)" in page and reverse("alert_detail", args=[RiskAlert.objects.get().pk]) in page
    only_scores = client.get(url, {"kind": "score"}).content.decode()
    assert "Score 18" in only_scores and "Safety alert of" not in only_scores


def test_charts_mark_the_recorded_sessions_and_appear_on_the_timeline(client, personas):
    from carryover.review.models import Session

    submit(personas.alice, personas.bob, NINE_NO_RISK)
    client.force_login(personas.alice)
    chart_url = reverse("measure_chart", args=[personas.bob.pk, "phq9"])
    assert b"Session" not in client.get(chart_url).content  # no session recorded: no marker in the legend
    Session.objects.create(client=personas.bob.membership, therapist=personas.alice.membership, date="2026-03-01")
    assert b"Session" in client.get(chart_url).content
    timeline = client.get(reverse("client_timeline", args=[personas.bob.pk])).content.decode()
    assert chart_url in timeline and "Questionnaire scores over time (PHQ-9)" in timeline
