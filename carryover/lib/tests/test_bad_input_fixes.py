"""One test per 500 the bad-input sweep (test_bad_input_sweep.py) found, each fixed with a clear answer."""

from __future__ import annotations

import pytest
from django.urls import reverse

from carryover.audit.models import AuditEvent
from carryover.lib.converters import parse_id


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("42", 42),
        (" 7 ", 7),
        ("9" * 18, int("9" * 18)),
        ("9" * 19, None),
        ("²", None),
        ("-1", None),
        ("", None),
        (None, None),
        ("4x", None),
    ],
)
def test_parse_id(text, expected):
    assert parse_id(text) == expected


@pytest.mark.parametrize("digits", [19, 30])
def test_an_id_past_64_bit_integers_is_a_plain_404(client, personas, digits):
    """It used to crash the query (and the audit row for it) with a 500; now the URL simply doesn't match."""
    client.force_login(personas.alice)
    before = AuditEvent.objects.count()
    response = client.get(f"/clients/{'9' * digits}/summary/")
    assert response.status_code == 404 and b"Page not found" in response.content
    assert AuditEvent.objects.count() == before
    assert client.get(f"/clients/{'9' * 18}/summary/").status_code == 404  # the largest id still reaches the view
    assert AuditEvent.objects.count() == before + 1  # denied, and audited


def test_library_for_a_client_id_past_64_bits_is_a_404(client, personas):
    client.force_login(personas.alice)
    assert client.get(reverse("library"), {"for": "9" * 30}).status_code == 404
    assert client.get(reverse("library"), {"for": "²"}).status_code == 404
    assert client.get(reverse("library"), {"for": personas.bob.pk}).status_code == 200


def test_a_measure_step_that_only_looks_like_a_number_shows_the_first_step(client, personas):
    from carryover.measures.tests.helpers import assign_measure

    occurrence = assign_measure(personas.alice, personas.bob).occurrences.order_by("due_date").first()
    client.force_login(personas.bob)
    for step in ("²", "9" * 30):
        response = client.get(reverse("measure_do", args=[occurrence.pk]), {"step": step})
        assert response.status_code == 200
        assert 'name="step" value="0"' in response.content.decode()


def test_audit_log_dates_out_of_range_are_a_form_error_keeping_what_was_typed(client, personas):
    client.force_login(personas.admin)
    response = client.get(reverse("audit_log"), {"start": "2026-01-01", "end": "9999-12-31"})
    assert response.status_code == 200  # "the day after" 9999-12-31 was an OverflowError
    page = response.content.decode()
    assert "Ensure this value is less than or equal to 2999-12-31" in page
    assert 'value="9999-12-31"' in page


def test_caseload_search_with_a_nul_byte_is_a_search(client, personas):
    """PostgreSQL refuses NUL in a query (a 500 there); it can't be typed, so it is dropped."""
    client.force_login(personas.alice)
    response = client.get(reverse("caseload"), {"q": "Bob\x00"})
    assert response.status_code == 200
    assert "Bob Client" in response.content.decode() and "Erin Client" not in response.content.decode()


def test_an_unanswered_question_stays_out_of_the_url(client, personas):
    """Finishing a PHQ-9 with item 9 (thoughts of self-harm) unanswered redirected to `?missing=f-q9`: a URL
    kept in browser history and proxies, telling which question the client left out."""
    from carryover.measures.instruments import MEASURES
    from carryover.measures.tests.helpers import answer, assign_measure

    occurrence = assign_measure(personas.alice, personas.bob).occurrences.order_by("due_date").first()
    answer(occurrence, [1] * 8)
    last = len(MEASURES["phq9"]["items"])  # the optional last question, after item 9
    client.force_login(personas.bob)
    url = reverse("measure_do", args=[occurrence.pk])
    response = client.post(url, {"step": str(last), "go": "finish"})
    assert response.status_code == 302
    assert response.url == f"{url}?step={last - 1}"  # back at item 9, and nothing more
    assert "still need an answer" in client.get(response.url).content.decode()
