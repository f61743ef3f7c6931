"""Bad input never gives a 500 (docs/security.md, "Who may open what"): every URL in the access matrix, as each
persona allowed to use it, gets garbage query strings, out-of-range ids and empty or garbage POST bodies.

The test client re-raises any exception a view lets escape, so a crash fails here even before the status check.
"""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.urls import get_resolver, reverse
from django.urls.converters import IntConverter

from carryover.accounts.tests.test_access_matrix import LOGIN, MATRIX, PERSONAS, sign_in_as

HUGE = 10**30  # beyond any database integer
LONG = "x" * 5000
NUL = "a\x00b"  # PostgreSQL refuses NUL in text
MARK = 987654321
ODD_IDS = ["0", "9" * 18, "9" * 19, "9" * 30]  # 19 digits and more are past 64-bit integers

# Each query mixes a date case (the review windows) with garbage for the other parameters pages read.
GARBAGE_QUERIES = [
    {
        "start": "2026-13-45",
        "end": "1999-01-01",
        "kind": "zzz",
        "show": "zzz",
        "paper": "zzz",
        "assignment": "abc",
        "measure": "zzz",
        "action": "zzz",
        "skip": "zzz",
        "month": "2026-13",
        "period": "zzz",
        "activity": "abc",
    },
    {
        "start": "2026-05-01",
        "end": "1999-01-01",
        "q": LONG,
        "key": NUL,
        "page": "-1",
        "next": "//evil.example",
        "country": NUL,
    },
    {
        "start": "0001-01-01",
        "end": "9999-12-31",
        "assignment": str(HUGE),
        "kind": NUL,
        "show": NUL,
        "paper": NUL,
        "for": str(HUGE),
        "step": str(HUGE),
        "page": str(HUGE),
        "activity": str(HUGE),
        "month": NUL,
    },
    {"start": "9999-12-31", "q": NUL, "for": "²", "step": "²", "page": "²", "key": LONG},  # "²".isdigit() is True
    {"end": "0001-01-01"},
    {"start": LONG, "end": NUL, "country": LONG},
]

# Slow pages (a PDF drawn per request; hundreds of time zones listed) get a lighter sweep, as one persona. Each
# PDF runs its page's code (the summary's, My patterns'), which is swept in full.
LIGHT = {
    "client_summary_pdf": 1,
    "my_patterns_pdf": 1,
    "profile": 3,
}  # how many of GARBAGE_BODIES (the PDF ignores a body)
LIGHT_QUERIES = GARBAGE_QUERIES[:3]

GARBAGE_FIELDS = {
    "date": "2026-13-45",
    "next_date": "1999-01-01",
    "note": LONG,
    "start": "zzz",
    "end": NUL,
    "quiet_days": str(HUGE),
    "escalation_minutes": "-1",
    "designated_contact": "abc",
    "when": "zzz",
    "mode": "zzz",
    "enabled": "zzz",
    "time": "25:99",
    "quiet_start": NUL,
    "quiet_end": "zzz",
    "channel_0": "zzz",
    "channel_1": "zzz",
    "shared": "zzz",
    "action": "zzz",
    "reason": "zzz",
    "barriers": "zzz",
    "status": "zzz",
    "email": "not-an-email",
    "name": NUL,
    "kind": "zzz",
    "q": NUL,
    "visibility": "zzz",
    "talk": NUL,
    "activity": str(HUGE),
    "month": "zzz",
    "nudge_at": "25:99",
    "assignments": ["zzz", str(HUGE)],
    "entries": str(HUGE),
    "preset": "zzz",
    "text": "<script>" + LONG,
    "form": "invite",
    "guardian": "zzz",
    "is_minor": NUL,
}
# The step-by-step forms (homework and measures), assigning, ladders and sessions: far dates, huge numbers.
FLOW_FIELDS = {
    "go": "finish",
    "step": "²",
    "f-q1": NUL,
    "f-q9": "99",
    "o-outcome": "zzz",
    "o-fraction": "²",
    "o-barriers": ["zzz", NUL],
    "a-minutes": str(HUGE),
    "a-mood_before": "zzz",
    "a-visibility": "zzz",
    "a-talk": NUL,
    "title": NUL,
    "minutes": str(HUGE),
    "schedule_kind": "per_week",
    "times_per_week": str(HUGE),
    "weekdays": "zzz",
    "start_date": "9999-12-31",
    "end_date": "0001-01-01",
    "date": "0001-01-01",
    "next_date": "9999-12-31",
    "goal": str(HUGE),
    "formats": "zzz",
    "form-TOTAL_FORMS": "zzz",
    "form-INITIAL_FORMS": "2",
    "form-0-id": str(HUGE),
    "form-0-suds": str(HUGE),
    "id": str(HUGE),
    "suds": "²",
}
GARBAGE_BODIES = [
    ({}, None),
    (GARBAGE_FIELDS, None),
    (FLOW_FIELDS, None),
    ({**FLOW_FIELDS, "go": "next", "step": str(HUGE), "start_date": "0001-01-01", "end_date": "9999-12-31"}, None),
    ("not json at all", "application/json"),
    ("[1, 2, 3]", "application/json"),
    ('{"subscription": {"endpoint": "' + LONG + '"}}', "application/json"),
    ({"form": "suggest", "link": str(HUGE), "days": NUL}, None),  # a therapist's suggested scope
]


ROLE_OF = {
    "client": "client",
    "other_client": "client",
    "therapist": "therapist",
    "unlinked": "therapist",
    "other_practice": "therapist",
    "support": "support",
    "admin": "admin",
}


def allowed_personas(name: str) -> list[str]:
    """One persona per role allowed to use the page (the others of that role run the same code), and anonymous
    visitors of public pages (a calendar feed's secret address is one)."""
    expect = MATRIX[name].expect
    allowed = [p for p, outcome in expect.items() if outcome not in (404, LOGIN) and p != "anon"]
    return list({ROLE_OF[p]: p for p in reversed(allowed)}.values()) + (
        ["anon"] if expect["anon"] not in (LOGIN, 401) else []
    )


def int_kwargs(name: str) -> list[str]:
    resolver = get_resolver()
    namespace, _, name = name.rpartition(":")
    if namespace:  # the REST API's names (api-v1:…)
        resolver = resolver.namespace_dict[namespace][1]
    possibilities, _pattern, _defaults, converters = resolver.reverse_dict.getlist(name)[0]
    return [key for key in possibilities[0][1] if isinstance(converters.get(key), IntConverter)]


# django-allauth's own pages are left to allauth, except the passkey endpoints, which parse what a device sends:
# accounts/tests/test_passkeys.py::test_garbage_passkey_answers_get_a_clear_refusal sweeps those.
SWEPT = sorted(name for name in MATRIX if allowed_personas(name) and not name.startswith(("account_", "mfa_")))


def _send(client, method: str, url: str, **extra):
    response = getattr(client, method)(url, **extra)
    assert response.status_code < 500, f"{method.upper()} {url[:200]} gave {response.status_code}"
    return response


@pytest.mark.parametrize("name", SWEPT)
@pytest.mark.slow  # every URL × persona × garbage (~160 tests, a third of the suite's time)
def test_bad_input_never_gives_a_500(client, matrix_world, name):
    row = MATRIX[name]
    personas, state = matrix_world.personas, matrix_world.state
    kwargs = row.kwargs(personas, state) if callable(row.kwargs) else dict(row.kwargs)
    url = reverse(name, kwargs=kwargs)
    odd_urls = [
        reverse(name, kwargs={**kwargs, key: MARK}).replace(str(MARK), value)
        for key in int_kwargs(name)
        for value in ODD_IDS
    ]
    light = name in LIGHT
    for persona in allowed_personas(name)[: 1 if light else None]:
        sign_in_as(client, matrix_world, persona)
        for query in LIGHT_QUERIES if light else GARBAGE_QUERIES:
            _send(client, "get", url, QUERY_STRING=urlencode(query))
        for body, content_type in GARBAGE_BODIES[: LIGHT.get(name)]:
            extra = {"content_type": content_type} if content_type else {}
            _send(client, "post", url, data=body, **extra)
        for odd in odd_urls:
            assert _send(client, row.method, odd).status_code in (302, 404)  # removing what isn't there: done


def test_the_sweep_covers_every_url_with_an_id():
    with_ids = {name for name in SWEPT if int_kwargs(name)}
    assert {"session_delete", "alert_detail", "client_summary", "client_timeline", "push_unsubscribe"} <= with_ids
    assert set(PERSONAS) >= {p for name in SWEPT for p in allowed_personas(name)}
    assert "calendar_feed" in SWEPT and allowed_personas("calendar_feed") == ["anon"]
    assert sorted(allowed_personas("profile")) == ["admin", "client", "support", "therapist"]
