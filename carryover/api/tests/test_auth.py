"""Tokens and sessions: who may call, with what (api/auth.py)."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from django.urls import reverse
from django.utils import timezone

from carryover.api.models import ApiToken
from carryover.api.services import token_create
from carryover.lib.redact import redact

from .helpers import call, is_problem, token_for

CASELOAD = "/api/v1/caseload"


def test_a_token_is_stored_hashed_and_works(client, personas):
    secret = token_for(personas.alice)
    stored = ApiToken.objects.get()
    assert secret not in (stored.token_hash, stored.prefix) and stored.prefix == secret[:10]
    response = call(client, "get", CASELOAD, secret)
    assert response.status_code == 200
    assert {row["client_id"] for row in response.json()["items"]} == {personas.bob.pk, personas.erin.pk}
    stored.refresh_from_db()
    assert stored.last_used_at is not None


def test_no_wrong_revoked_or_expired_token_gets_401(client, personas):
    assert is_problem(call(client, "get", CASELOAD), 401)
    response = call(client, "get", CASELOAD, "co_not-a-real-token")
    is_problem(response, 401)
    assert response["WWW-Authenticate"].startswith("Bearer")
    revoked = token_for(personas.alice)
    ApiToken.objects.update(revoked_at=timezone.now())
    is_problem(call(client, "get", CASELOAD, revoked), 401)
    expiring = token_for(personas.alice, days=7)
    assert call(client, "get", CASELOAD, expiring).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(days=7, seconds=1)):
        is_problem(call(client, "get", CASELOAD, expiring), 401)


def test_a_read_only_token_cannot_write(client, personas):
    from carryover.homework.models import Template

    secret = token_for(personas.alice, write=False)
    template = Template.objects.get(key="journal")
    body = {"template_id": template.pk}
    response = call(client, "post", f"/api/v1/clients/{personas.bob.pk}/assignments", secret, body)
    assert is_problem(response, 403)["detail"] == "This token does not allow write."
    assert not personas.bob.membership.assignments.exists()


def test_a_token_reaches_only_its_areas(client, personas):
    secret = token_for(personas.alice, areas=["measures"])
    assert is_problem(call(client, "get", CASELOAD, secret), 403)["type"].endswith("#scope")
    assert call(client, "get", "/api/v1/alerts", secret).status_code == 200


def test_a_token_in_the_query_string_is_refused(client, personas):
    secret = token_for(personas.alice)
    for name in ("access_token", "token", "api_key"):
        body = is_problem(call(client, "get", f"{CASELOAD}?{name}={secret}"), 400)
        assert body["errors"][0]["field"] == "query"
        # even alongside a good header: the token is in the URL now, and should be revoked
        is_problem(call(client, "get", f"{CASELOAD}?{name}={secret}", secret), 400)
        assert secret not in redact(f'127.0.0.1 "GET {CASELOAD}?limit=5&{name}={secret}" 400')


def test_a_clinician_needs_two_factor_for_a_token_and_to_use_one(client, personas):
    from allauth.mfa.models import Authenticator

    secret = token_for(personas.alice)
    Authenticator.objects.filter(user=personas.alice).delete()
    assert is_problem(call(client, "get", CASELOAD, secret), 403)["type"].endswith("#mfa_required")
    import pytest

    from carryover.api.services import TokenRefused

    with pytest.raises(TokenRefused):
        token_create(user=personas.alice, name="x", can_write=False, areas=["review"], days=7)
    token_create(user=personas.bob, name="a client needs no second factor", can_write=False, areas=["homework"], days=7)


def test_the_session_works_same_site_and_writes_need_csrf(personas):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(personas.alice)
    assert browser.get(CASELOAD).status_code == 200
    response = browser.post("/api/v1/alerts/1/acknowledge", content_type="application/json")
    assert is_problem(response, 403)["type"].endswith("#csrf")


def test_the_account_page_creates_a_token_shown_once_and_revokes_it(client, personas):
    client.force_login(personas.bob)
    data = {"name": "My phone app", "areas": ["homework", "measures"], "days": "30"}
    assert client.post(reverse("api_tokens"), data).url == reverse("api_tokens")
    response = client.get(reverse("api_tokens"))
    assert response["Cache-Control"] == "no-store"
    token = ApiToken.objects.get(user=personas.bob)
    secret = response.context["secret"]
    assert secret.encode() in response.content and not token.can_write
    assert secret.encode() not in client.get(reverse("api_tokens")).content
    assert call(client, "get", "/api/v1/me/today", secret).status_code == 200
    client.post(reverse("api_token_revoke", args=[token.pk]))
    client.logout()
    is_problem(call(client, "get", "/api/v1/me/today", secret), 401)
