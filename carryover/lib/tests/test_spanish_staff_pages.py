"""Languages (issue 17), the staff side: a therapist and a practice admin whose account reads Spanish get every page
of the practice, records, API, reminders and support screens in Spanish, and the emails Carryover sends them too.
The checker is the client side's (`test_languages.ENGLISH_ONLY`), with the staff pages' own words added below."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from carryover.accounts.models import Role, User
from carryover.api.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint, WebhookEvent
from carryover.conftest import PASSWORD, link, make_person, reading_in
from carryover.homework import services as hw
from carryover.homework.tests.conftest import assign, monday  # noqa: F401  (Monday 2 March 2026, 09:00 London)
from carryover.records.erasure import closure_email, closure_request
from carryover.records.models import ExportStatus, PracticeArchive
from carryover.reminders.therapists import digests_send

from .test_languages import ENGLISH_ONLY, visible_text

# Words of the staff pages' English interface that none of the data on them (names, emails, crisis lines, the
# practice's terms) contains: one of them on a Spanish page is a string left unmarked or untranslated.
STAFF_ENGLISH = re.compile(
    r"\b(Invite|Invitation|Members|Resend|Revoke|Caseload|Needs attention|Audit log|Filter|Newer|Older|Refused|"
    r"Allowed|Record retention|Archive|Endpoints?|Delivery|Create|Import|Export|Download|"
    r"Suggest|Support persons|Crisis resources|Change the country|Cancel|Nothing|None|Never|Expires|"
    r"Last used|Daily summary|What happened|failed|closed their account|legal hold|two-factor|passkey|if any|"
    r"What to do)\b"
)


def english_left(page) -> list[str]:
    assert page.status_code == 200, page
    text = visible_text(page.content)
    return sorted(set(ENGLISH_ONLY.findall(text)) | set(STAFF_ENGLISH.findall(text)))


@pytest.fixture
def world(personas):
    """What makes the staff pages show their lists rather than their empty states."""
    practice = personas.practice
    endpoint = WebhookEndpoint.objects.create(
        practice=practice, url="https://receiver.example/hook", events=["entry.submitted"], failures_in_a_row=2
    )
    event = WebhookEvent.objects.create(public_id="msg_1", practice=practice, type="entry.submitted")
    WebhookDelivery.objects.create(event=event, endpoint=endpoint, status=DeliveryStatus.PENDING, attempts=2)
    now = timezone.now()
    PracticeArchive.objects.create(
        practice=practice,
        requested_by=personas.admin,
        status=ExportStatus.READY,
        size=2048,
        expires_at=now + timedelta(days=1),
    )
    closure_request(client=personas.erin.membership, actor=personas.erin)
    return endpoint


def test_a_spanish_reading_admin_reads_every_practice_page_in_spanish(client, personas, world):
    admin = personas.admin
    client.force_login(admin)
    with reading_in(admin, "es"):
        invited = client.post(
            reverse("invite_staff"), {"email": "new@harbour.test", "name": "Nuria", "role": "therapist"}, follow=True
        )
        assert "Se creó la invitación para new@harbour.test" in visible_text(invited.content)
        assert english_left(invited) == []  # the practice's page, with the invitation listed
        assert "Invitaciones" in visible_text(invited.content) and "Consultorio" in visible_text(invited.content)
        data = {"name": "Harbour Practice", "country": "US", "terminology": "activities", "terms": "Be kind."}
        country = client.post(reverse("practice_settings"), data)
        assert "¿Cambiar el país a Estados Unidos?" in visible_text(country.content)
        assert english_left(country) == []
        for name in ("invite_staff", "practice_settings", "practice_crisis_resources", "audit_log", "api_tokens"):
            assert english_left(client.get(reverse(name))) == [], name
        for name in ("webhooks", "practice_archive", "practice_retention", "reminder_failures", "profile"):
            assert english_left(client.get(reverse(name))) == [], name
        detail = client.get(reverse("webhook_detail", args=[world.pk]))
        assert english_left(detail) == [] and "Registro de entregas" in visible_text(detail.content)
        filtered = client.get(reverse("audit_log"), {"start": "2026-03-02", "end": "2026-03-01"})
        assert "“Hasta” debe ser igual o posterior a “Desde”." in visible_text(filtered.content)


def test_a_spanish_reading_therapist_reads_her_pages_in_spanish(client, personas, world):
    alice, bob, erin = personas.alice, personas.bob, personas.erin
    client.force_login(alice)
    with reading_in(alice, "es"):
        token = client.post(reverse("api_tokens"), {"name": "EHR", "areas": ["review"], "days": "30"}, follow=True)
        assert "Copie ahora su token nuevo." in visible_text(token.content) and english_left(token) == []
        suggest = {"form": "invite", "name": "Jo", "email": "jo@example.test"}
        support = client.post(reverse("client_support", args=[bob.pk]), suggest, follow=True)
        assert "Se sugirió Jo al cliente." in visible_text(support.content) and english_left(support) == []
        for name in ("therapist_attention", "invite_client", "client_import", "api_tokens"):
            assert english_left(client.get(reverse(name))) == [], name
        records = client.get(reverse("client_records", args=[erin.pk]))
        assert english_left(records) == [] and "Erin Client cerró su cuenta el" in visible_text(records.content)
        assert english_left(client.get(reverse("client_records", args=[bob.pk]))) == []
        assert english_left(client.get(reverse("client_support", args=[erin.pk]))) == []


def test_the_second_factor_pages_read_spanish(client, personas):
    newcomer = make_person(personas.practice, "nuevo@harbour.test", "Nuevo Terapeuta", Role.THERAPIST, mfa=False)
    client.force_login(newcomer)
    with reading_in(newcomer, "es"):
        assert client.get(reverse("caseload")).url == reverse("mfa_required")
        required = client.get(reverse("mfa_required"))
        assert english_left(required) == [] and "Un paso más" in visible_text(required.content)
        assert client.post(reverse("account_reauthenticate"), {"password": PASSWORD}).status_code == 302
        assert english_left(client.get(reverse("mfa_add_webauthn"))) == []
    client.logout()
    # Before the second step nobody is signed in yet: the page follows the browser's language.
    signing_in = client.post("/accounts/login/", {"login": personas.alice.email, "password": PASSWORD})
    assert signing_in.url == reverse("mfa_authenticate")
    second_step = client.get(reverse("mfa_authenticate"), HTTP_ACCEPT_LANGUAGE="es")
    assert english_left(second_step) == [] and "Segundo paso" in visible_text(second_step.content)


def test_the_english_reading_staff_still_read_english(client, personas, world):
    client.force_login(personas.admin)
    page = visible_text(client.get(reverse("practice_home")).content)
    assert "Invite a colleague" in page and "Members" in page and "Practice" in page
    page = visible_text(client.get(reverse("webhooks")).content)
    assert "2 failed attempts in a row." in page


def test_emails_to_a_spanish_reading_therapist_come_in_spanish(personas):
    alice, frank = personas.alice, personas.frank
    link(frank, personas.erin)  # two therapists, each told in their own language
    closure = closure_request(client=personas.erin.membership, actor=personas.erin)
    mail.outbox.clear()
    with reading_in(alice, "es"):
        closure_email(closure_id=closure.pk)
    by_reader = {message.to[0]: message for message in mail.outbox}
    spanish, english = by_reader[alice.email], by_reader[frank.email]
    assert spanish.subject == "Un cliente cerró su cuenta de Carryover"
    assert "Un cliente suyo cerró su cuenta" in spanish.body and "closed" not in spanish.body
    assert english.subject == "A client closed their Carryover account"  # Frank reads English: his own language


@pytest.mark.usefixtures("monday")
def test_the_daily_summary_reaches_a_spanish_reading_therapist_in_spanish(client, personas):
    alice = personas.alice
    assignment = assign(alice, personas.bob, key="journal")
    hw.notice_create(client=personas.bob.membership, assignment=assignment, reason="too_hard", note="")
    client.force_login(alice)
    assert client.post(reverse("therapist_attention"), {"enabled": "on", "time": "17:15"}).status_code == 302
    User.objects.filter(pk=alice.pk).update(language="es")  # the worker sends it, in no request's language
    mail.outbox.clear()
    assert digests_send(now=datetime(2026, 3, 2, 17, 15, tzinfo=UTC)) == 1
    (message,) = mail.outbox
    assert re.fullmatch(r"Carryover: \d+ asuntos? pueden? requerir su atención", message.subject), message.subject
    assert "Avisos de “Esto no me está funcionando” abiertos: 1" in message.body
    assert "Since yesterday" not in message.body
