"""Alert times are read in the reader's own time zone, with the zone named, on every surface; the summary and the
timeline place an alert on the client's own day. Issue 10, item 5: a New York therapist saw an alert raised at 23:00
on 30 Nov as "1 Dec 2026 04:00", and the summary listed it as a "Safety alert of 1 Dec" for a New York client."""

from __future__ import annotations

import pytest
import time_machine
from django.urls import reverse

from carryover.conftest import link
from carryover.lib.times import moment_text
from carryover.measures.models import RiskAlert

pytestmark = pytest.mark.django_db

RAISED = "2026-12-01 04:00 +00:00"  # 23:00 on Monday 30 Nov in New York; 04:00 on Tuesday 1 Dec in London
NEW_YORK = "30 Nov 2026, 23:00 New York time"
LONDON = "1 Dec 2026, 04:00 London time"


def in_zone(user, zone: str) -> None:
    user.time_zone = zone
    user.save(update_fields=["time_zone"])


@pytest.fixture
def alerts(client, personas):
    """Bob (New York) and Erin (London) each ask for help at the same moment; Alice, their therapist, is in New York."""
    in_zone(personas.alice, "America/New_York")
    in_zone(personas.bob, "America/New_York")
    with time_machine.travel(RAISED, tick=False):
        for person in (personas.bob, personas.erin):
            client.force_login(person)
            assert client.post(reverse("help_request")).status_code == 302
    return RiskAlert.objects.get(client__user=personas.bob), RiskAlert.objects.get(client__user=personas.erin)


def pages_for(client, reader, bob_alert) -> dict[str, str]:
    bob = bob_alert.client.user_id
    urls = {
        "alerts": reverse("alerts"),
        "alert": reverse("alert_detail", args=[bob_alert.pk]),
        "caseload": reverse("caseload"),
        "client panel": reverse("client_detail", args=[bob]),
        "timeline": reverse("client_timeline", args=[bob]),
        "summary": reverse("client_summary", args=[bob]),
    }
    with time_machine.travel("2026-12-01 05:00 +00:00", tick=False):
        client.force_login(reader)
        pages = {}
        for name, url in urls.items():
            response = client.get(url)
            assert response.status_code == 200, name
            pages[name] = response.content.decode()
    return pages


def test_a_new_york_therapist_reads_the_alert_in_new_york_time_everywhere(client, personas, alerts):
    bob_alert, _ = alerts
    for name, page in pages_for(client, personas.alice, bob_alert).items():
        assert NEW_YORK in page, name
        assert "1 Dec 2026 04:00" not in page and "1 Dec 04:00" not in page, name  # the unlabelled UTC reading


def test_the_summary_and_timeline_put_the_alert_on_the_clients_own_day(client, personas, alerts):
    bob_alert, erin_alert = alerts
    pages = pages_for(client, personas.alice, bob_alert)
    # Bob lives in New York: his day was Monday 30 Nov, not 1 Dec.
    assert "Safety alert of Mon 30 Nov: Client asked for help now (open, not yet acknowledged)" in pages["summary"]
    assert f"raised {NEW_YORK}" in pages["summary"]
    assert "Monday 30 November 2026" in pages["timeline"]  # the day heading the alert is listed under
    # Erin lives in London: the same moment is her Tuesday 1 Dec, read by Alice in New York time.
    with time_machine.travel("2026-12-01 05:00 +00:00", tick=False):
        client.force_login(personas.alice)
        summary = client.get(reverse("client_summary", args=[personas.erin.pk])).content.decode()
        timeline = client.get(reverse("client_timeline", args=[personas.erin.pk])).content.decode()
    assert "Safety alert of Tue 1 Dec" in summary and f"raised {NEW_YORK}" in summary
    assert "Tuesday 1 December 2026" in timeline and NEW_YORK in timeline
    assert reverse("alert_detail", args=[erin_alert.pk]) in timeline


def test_another_reader_of_the_same_alert_reads_it_in_their_own_zone(client, personas, alerts):
    """Frank covers for Alice from London: the same alert, the same client day, his own clock."""
    bob_alert, _ = alerts
    link(personas.frank, personas.bob)
    for name, page in pages_for(client, personas.frank, bob_alert).items():
        assert LONDON in page and NEW_YORK not in page, name
    assert "Safety alert of Mon 30 Nov" in pages_for(client, personas.frank, bob_alert)["summary"]


def test_acknowledged_and_resolved_times_are_in_the_readers_zone_too(client, personas, alerts):
    bob_alert, _ = alerts
    with time_machine.travel("2026-12-01 04:20 +00:00", tick=False):
        client.force_login(personas.alice)
        client.post(reverse("alert_acknowledge", args=[bob_alert.pk]))
    with time_machine.travel("2026-12-01 05:45 +00:00", tick=False):
        client.force_login(personas.alice)  # a new sign-in: the first one has gone idle
        client.post(reverse("alert_resolve", args=[bob_alert.pk]), {"note": "Spoke on the phone."})
        page = client.get(reverse("alert_detail", args=[bob_alert.pk])).content.decode()
    assert "30 Nov 2026, 23:20 New York time" in page and "1 Dec 2026, 00:45 New York time" in page


@pytest.mark.slow  # WeasyPrint draws the PDF
def test_the_pdf_shows_the_moment_in_the_readers_zone(client, personas, alerts, monkeypatch):
    import weasyprint

    seen = []
    real = weasyprint.HTML

    def spy(*args, **kwargs):
        seen.append(kwargs["string"])
        return real(*args, **kwargs)

    monkeypatch.setattr(weasyprint, "HTML", spy)
    with time_machine.travel("2026-12-01 05:00 +00:00", tick=False):
        client.force_login(personas.alice)
        response = client.get(reverse("client_summary_pdf", args=[personas.bob.pk]))
    assert response.content.startswith(b"%PDF")
    [html] = seen
    assert "Safety alert of Mon 30 Nov" in html and f"raised {NEW_YORK}" in html and LONDON not in html
    assert "prepared 1 Dec 2026, 00:00 New York time" in html


@pytest.mark.parametrize(
    ("zone", "expected"),
    [
        ("America/New_York", "30 Nov 2026, 23:00 New York time"),
        ("Europe/London", "1 Dec 2026, 04:00 London time"),
        ("America/Argentina/Buenos_Aires", "1 Dec 2026, 01:00 Buenos Aires time"),
        ("Asia/Kolkata", "1 Dec 2026, 09:30 Kolkata time"),
        ("UTC", "1 Dec 2026, 04:00 UTC"),
        ("Etc/GMT+5", "30 Nov 2026, 23:00 UTC-05:00"),  # POSIX sign: Etc/GMT+5 is five hours *behind* UTC
        ("EST5EDT", "30 Nov 2026, 23:00 UTC-05:00"),
    ],
)
def test_the_zone_is_named_by_its_place_or_else_by_its_offset(zone, expected):
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    assert moment_text(datetime(2026, 12, 1, 4, 0, tzinfo=UTC), ZoneInfo(zone)) == expected


def test_summer_time_is_followed(personas):
    """New York is UTC−4 in July: the label names the place, and the hour follows its clock."""
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    assert moment_text(datetime(2026, 7, 1, 3, 0, tzinfo=UTC), ZoneInfo("America/New_York")) == (
        "30 Jun 2026, 23:00 New York time"
    )
