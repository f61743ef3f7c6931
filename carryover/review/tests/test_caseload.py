"""The caseload: its order, filters, search, and signals plugged in through review/extensions.py."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import time_machine
from django.urls import reverse

from carryover.homework import services
from carryover.review import extensions
from carryover.review.caseload import drop_signal
from carryover.review.extensions import CaseloadContext, Signal
from carryover.review.services import session_record

NOW = "2026-03-09 09:00 +00:00"


def rows_of(html: str) -> list[str]:
    """Client names in the order the caseload lists them."""
    import re

    return re.findall(r'<a id="client-\d+" href="[^"]+">([^<]+)</a>', html)


def test_caseload_lists_adherence_signals_and_sorts_by_need(client, personas, journal_week):
    bob = personas.bob.membership
    services.notice_create(client=bob, assignment=journal_week, reason="too_long", note="")
    session_record(therapist=personas.alice.membership, client=bob, date=date(2026, 3, 2), next_date=date(2026, 3, 16))
    with time_machine.travel(NOW, tick=False):
        client.force_login(personas.alice)
        html = client.get(reverse("caseload")).content.decode()
    assert rows_of(html) == ["Bob Client", "Erin Client"]  # Bob: a notice and a flagged entry; Erin: no activity
    bob_row = html[html.index("Bob Client") : html.index("Erin Client")]
    assert "“Not working”" in bob_row and "1 to talk about" in bob_row
    # Last 7 days (3–9 March, the 9th still open): 0.5 + 0 + 0 + 1 + 0 + 1 over 6; last 30: 3.5 over 7.
    assert "42%" in bob_row and "50%" in bob_row
    assert "Mon 16 Mar" in bob_row
    assert "No activity yet" in html[html.index("Erin Client") :]


def test_caseload_filter_and_search(client, personas, journal_week):
    services.notice_create(client=personas.bob.membership, assignment=journal_week, reason="unclear", note="")
    with time_machine.travel(NOW, tick=False):
        client.force_login(personas.alice)
        url = reverse("caseload")
        assert rows_of(client.get(url, {"q": "erin"}).content.decode()) == ["Erin Client"]
        assert rows_of(client.get(url, {"q": "HARBOUR.TEST"}).content.decode()) == ["Bob Client", "Erin Client"]
        assert rows_of(client.get(url, {"show": "notice"}).content.decode()) == ["Bob Client"]
        assert rows_of(client.get(url, {"show": "quiet"}).content.decode()) == ["Erin Client"]
        assert rows_of(client.get(url, {"show": "no-such-filter"}).content.decode()) == ["Bob Client", "Erin Client"]
        nobody = client.get(url, {"q": "zzz" * 50}).content.decode()
    assert "No client matches" in nobody and rows_of(nobody) == []


def test_a_plugged_in_risk_signal_sorts_above_everything(client, personas, journal_week, monkeypatch):
    """How the measures app plugs in: a provider over the whole caseload; level "risk" comes first."""
    services.notice_create(client=personas.bob.membership, assignment=journal_week, reason="unclear", note="")
    erin_id = personas.erin.membership.pk

    def risk_alerts(ctx: CaseloadContext) -> dict[int, list[Signal]]:
        return {erin_id: [Signal("risk", "Risk alert", 1, "risk")]} if erin_id in ctx.ids else {}

    signals = extensions.caseload_signals
    monkeypatch.setattr(signals, "providers", [*signals.providers])
    monkeypatch.setattr(signals, "kinds", {**signals.kinds})
    signals.register(risk_alerts, kinds={"risk": "Risk alerts"})
    with time_machine.travel(NOW, tick=False):
        client.force_login(personas.alice)
        html = client.get(reverse("caseload")).content.decode()
        assert rows_of(html) == ["Erin Client", "Bob Client"]
        assert '<span class="chip risk">Risk alert</span>' in html
        assert rows_of(client.get(reverse("caseload"), {"show": "risk"}).content.decode()) == ["Erin Client"]


def test_adherence_drop_arithmetic():
    """A drop is the last 7 days' adherence against the three weeks before, 0.30 or more below."""
    ctx = CaseloadContext(
        therapist=None,
        ids=[1, 2, 3],
        today={},
        last_session={},
        last_activity={},
        adherence={
            1: {"a7": Decimal("0.50"), "a30": Decimal("0.88"), "before": Decimal("1.00")},
            2: {"a7": Decimal("0.80"), "a30": Decimal("0.80"), "before": Decimal("0.80")},
            3: {"a7": Decimal("0.71"), "a30": None, "before": Decimal("1.00")},  # 0.29: not quite
        },
        quiet_days=7,
    )  # type: ignore[arg-type]
    assert drop_signal(ctx) == {1: [Signal("drop", "Adherence down 50 points", 25)]}


def test_admin_sets_the_quiet_days_and_the_caseload_follows(client, personas, journal_week):
    from carryover.review.models import ReviewSettings

    with time_machine.travel(NOW, tick=False):
        client.force_login(personas.admin)
        bad = client.post(reverse("review_settings"), {"quiet_days": "1"})
        assert "greater than or equal to 2" in bad.content.decode() and not ReviewSettings.objects.exists()
        assert client.post(reverse("review_settings"), {"quiet_days": "3"}).status_code == 302
        assert ReviewSettings.quiet_days_for(personas.practice.pk) == 3
        # Bob's last entry was submitted at 09:00 today: not quiet at 3 days, nor at 7.
        client.force_login(personas.alice)
        html = client.get(reverse("caseload")).content.decode()
    assert "Quiet for" not in html
    with time_machine.travel("2026-03-12 10:00 +00:00", tick=False):
        client.force_login(personas.alice)
        html = client.get(reverse("caseload")).content.decode()
    assert "Quiet for 3 days" in html


def test_a_long_caseload_is_drawn_a_page_at_a_time_those_needing_attention_first(
    client, personas, journal_week, monkeypatch
):
    from carryover.review import views

    monkeypatch.setattr(views, "CASELOAD_PAGE", 1)
    services.notice_create(client=personas.bob.membership, assignment=journal_week, reason="too_long", note="")
    client.force_login(personas.alice)
    with time_machine.travel(NOW, tick=False):
        first = client.get(reverse("caseload")).content.decode()
        second = client.get(reverse("caseload"), {"page": "2"}).content.decode()
        beyond = client.get(reverse("caseload"), {"page": "99"})
        nonsense = client.get(reverse("caseload"), {"page": "two"})
        searched = client.get(reverse("caseload"), {"q": "erin", "page": "1"}).content.decode()
    assert rows_of(first) == ["Bob Client"] and "Clients 1–1 of 2" in first and 'href="?page=2"' in first
    assert rows_of(second) == ["Erin Client"] and 'href="?page=1"' in second
    assert beyond.status_code == nonsense.status_code == 200  # the last page, and the first: never an error
    assert rows_of(beyond.content.decode()) == ["Erin Client"]
    assert rows_of(nonsense.content.decode()) == ["Bob Client"]
    assert rows_of(searched) == ["Erin Client"] and "Clients 1" not in searched  # one page: no pager
