"""Role × URL matrix (docs/security.md, A-1 and A-2): every URL the project serves has an expected outcome per persona.

A URL pattern without a row here fails `test_every_url_is_in_the_matrix`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from http.cookies import SimpleCookie

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from carryover.accounts.models import Invitation, Role
from carryover.accounts.services import invitation_create
from carryover.api.tests.matrix import session_rows as api_session_rows
from carryover.audit.models import AuditEvent, Outcome
from carryover.conftest import Personas
from carryover.homework.tests.test_builder import shared_worksheet
from carryover.records.tests.helpers import ready_archive, ready_export

PERSONAS = ["anon", "client", "other_client", "support", "therapist", "unlinked", "other_practice", "admin"]
LOGIN = "login"  # 302 to the sign-in page


def who(personas, name):
    return {
        "anon": None,
        "client": personas.bob,
        "other_client": personas.erin,
        "support": personas.sue,
        "therapist": personas.alice,
        "unlinked": personas.frank,
        "other_practice": personas.charlie,
        "admin": personas.admin,
    }[name]


@dataclass
class Row:
    expect: dict[str, int | str]
    method: str = "get"
    kwargs: object = field(default_factory=dict)  # dict, or a function of (personas, state) -> dict
    audited: bool = False  # reads/writes client data: one audit row per signed-in request


def everyone(outcome, **overrides) -> dict[str, int | str]:
    return {persona: overrides.get(persona, outcome) for persona in PERSONAS}


def signed_in(outcome, **overrides) -> dict[str, int | str]:
    return everyone(outcome, **{"anon": LOGIN, **overrides})


def only(outcome, *allowed: str, **overrides) -> dict[str, int | str]:
    """`outcome` for the `allowed` personas, 404 for every other signed-in persona, sign-in for anonymous."""
    expect = signed_in(404)
    expect.update({persona: outcome for persona in allowed}, **overrides)
    return expect


THERAPISTS = ("therapist", "unlinked", "other_practice")
CLIENTS = ("client", "other_client")
HOME_REDIRECT = 302  # signed-in people visiting sign-in pages are sent home


MATRIX: dict[str, Row] = {
    # --- Carryover's own pages -------------------------------------------------------------------------
    "home": Row(signed_in(302)),  # sent to their role's home
    "client_home": Row(only(200, *CLIENTS), audited=True),
    "welcome_dismiss": Row(only(302, *CLIENTS), method="post", audited=True),
    "caseload": Row(only(200, *THERAPISTS), audited=True),
    "invite_client": Row(only(200, *THERAPISTS)),
    # --- Homework (client side) ---
    "occurrence_do": Row(only(200, "client"), kwargs=lambda p, s: {"pk": s["occurrence"].pk}, audited=True),
    "occurrence_offline": Row(  # an empty body is not a submission: refused with the reason
        only(400, "client"), method="post", kwargs=lambda p, s: {"pk": s["occurrence"].pk}, audited=True
    ),
    "practice_log": Row(only(200, *CLIENTS), audited=True),
    "draft_autosave": Row(only(200, "client"), method="post", kwargs=lambda p, s: {"pk": s["draft"].pk}, audited=True),
    "assignment_detail": Row(only(200, "client"), kwargs=lambda p, s: {"pk": s["assignment"].pk}, audited=True),
    "assignment_not_working": Row(only(200, "client"), kwargs=lambda p, s: {"pk": s["assignment"].pk}, audited=True),
    "revision_seen": Row(
        only(302, "client"), method="post", kwargs=lambda p, s: {"pk": s["revision"].pk}, audited=True
    ),
    "ladder": Row(only(200, *CLIENTS), audited=True),
    "entry_detail": Row(only(200, "client", "therapist"), kwargs=lambda p, s: {"pk": s["entry"].pk}, audited=True),
    "attachment_view": Row(
        only(200, "client", "therapist"), kwargs=lambda p, s: {"pk": s["attachment"].pk}, audited=True
    ),
    # --- My progress: the client's own history, no one else's page (not the therapist's, not a support person's) ---
    "my_entries": Row(only(200, *CLIENTS), audited=True),
    "my_entry": Row(only(200, "client"), kwargs=lambda p, s: {"pk": s["entry"].pk}, audited=True),
    # An empty body changes nothing: the entry's page comes back saying what to choose.
    "my_entry_visibility": Row(
        only(302, "client"), method="post", kwargs=lambda p, s: {"pk": s["entry"].pk}, audited=True
    ),
    "my_entry_talk": Row(only(302, "client"), method="post", kwargs=lambda p, s: {"pk": s["entry"].pk}, audited=True),
    "my_patterns": Row(only(200, *CLIENTS), audited=True),
    "my_patterns_pdf": Row(only(200, *CLIENTS), audited=True),
    # --- Homework (therapist side) ---
    "template_preview": Row(only(200, *THERAPISTS), kwargs=lambda p, s: {"pk": s["template"].pk}),
    "assign": Row(
        only(200, "therapist"),
        kwargs=lambda p, s: {"client_id": p.bob.pk, "template_id": s["template"].pk},
        audited=True,
    ),
    "goal_new": Row(only(200, "therapist"), kwargs=lambda p, s: {"client_id": p.bob.pk}, audited=True),
    "client_ladder": Row(only(200, "therapist"), kwargs=lambda p, s: {"client_id": p.bob.pk}, audited=True),
    "assignment_edit": Row(only(200, "therapist"), kwargs=lambda p, s: {"pk": s["assignment"].pk}, audited=True),
    "assignment_status": Row(
        only(302, "therapist"), method="post", kwargs=lambda p, s: {"pk": s["assignment"].pk}, audited=True
    ),
    "notice_resolve": Row(
        only(302, "therapist"), method="post", kwargs=lambda p, s: {"pk": s["notice"].pk}, audited=True
    ),
    "client_detail": Row(
        only(404, *THERAPISTS, therapist=200), kwargs=lambda p, s: {"client_id": p.bob.pk}, audited=True
    ),
    # --- Review (therapist side) ---
    "caseload_insight": Row(only(200, *THERAPISTS), audited=True),
    "review_settings": Row(only(200, "admin")),
    "client_summary": Row(
        only(404, *THERAPISTS, therapist=200), kwargs=lambda p, s: {"client_id": p.bob.pk}, audited=True
    ),
    "client_summary_pdf": Row(
        only(404, *THERAPISTS, therapist=200), kwargs=lambda p, s: {"client_id": p.bob.pk}, audited=True
    ),
    "chart_image": Row(
        only(200, "client", "therapist"), kwargs=lambda p, s: published_chart(p), audited=True
    ),  # one of Bob's charts: his care team and Bob see it
    "client_sessions": Row(
        only(404, *THERAPISTS, therapist=200), kwargs=lambda p, s: {"client_id": p.bob.pk}, audited=True
    ),
    # With no session recorded for Bob yet, the page comes back explaining why nothing can be rebooked.
    "client_next_session": Row(
        only(404, *THERAPISTS, therapist=200),
        method="post",
        kwargs=lambda p, s: {"client_id": p.bob.pk},
        audited=True,
    ),
    "session_delete": Row(
        only(404, *THERAPISTS, therapist=302), method="post", kwargs=lambda p, s: {"pk": s["session"].pk}, audited=True
    ),
    "client_timeline": Row(
        only(404, *THERAPISTS, therapist=200), kwargs=lambda p, s: {"client_id": p.bob.pk}, audited=True
    ),
    # --- Review together (therapist in session; the client's confidence check) ---
    "together_start": Row(
        only(404, *THERAPISTS, therapist=200), kwargs=lambda p, s: {"client_id": p.bob.pk}, audited=True
    ),
    "together_step": Row(
        only(200, "therapist"), kwargs=lambda p, s: {"pk": together_state(p)["step"].pk}, audited=True
    ),
    "together_change": Row(
        only(200, "therapist"), kwargs=lambda p, s: {"pk": together_state(p)["step"].pk}, audited=True
    ),
    "together_remove": Row(  # a GET goes back to the step; removing is a POST (together/tests/test_pages.py)
        only(302, "therapist"), kwargs=lambda p, s: {"pk": together_state(p)["step"].pk}, audited=True
    ),
    "together_discard": Row(
        only(200, "therapist"), kwargs=lambda p, s: {"pk": together_state(p)["draft"].pk}, audited=True
    ),
    "together_new": Row(
        only(200, "therapist"), kwargs=lambda p, s: {"pk": together_state(p)["draft"].pk}, audited=True
    ),
    "together_finish": Row(
        only(200, "therapist"), kwargs=lambda p, s: {"pk": together_state(p)["draft"].pk}, audited=True
    ),
    "together_sure": Row(only(200, "client"), kwargs=lambda p, s: {"pk": s["assignment"].pk}, audited=True),
    # --- Records (exports, FHIR, closure, retention) ---
    "my_data": Row(only(200, *CLIENTS), audited=True),
    "my_data_export": Row(only(302, *CLIENTS), method="post", audited=True),
    "my_data_close": Row(only(302, *CLIENTS), method="post", audited=True),  # unconfirmed: nothing closes
    # Bob's link works once, for Bob (first in line); everyone after him gets 404.
    "export_download": Row(only(404, client=200), kwargs=lambda p, s: ready_export(p), audited=True),
    "client_records": Row(
        only(404, *THERAPISTS, therapist=200), kwargs=lambda p, s: {"client_id": p.bob.pk}, audited=True
    ),
    "client_records_export": Row(
        only(404, *THERAPISTS, therapist=302), method="post", kwargs=lambda p, s: {"client_id": p.bob.pk}, audited=True
    ),
    "client_fhir": Row(
        only(404, *THERAPISTS, therapist=200), kwargs=lambda p, s: {"client_id": p.bob.pk}, audited=True
    ),
    "client_hold": Row(
        only(404, *THERAPISTS, therapist=302), method="post", kwargs=lambda p, s: {"client_id": p.bob.pk}, audited=True
    ),
    "practice_retention": Row(only(200, "admin")),
    "client_import": Row(only(200, *THERAPISTS)),
    "practice_archive": Row(only(200, "admin")),
    "practice_archive_download": Row(only(404, admin=200), kwargs=lambda p, s: ready_archive(p), audited=True),
    "together_my_way": Row(only(200, "client"), kwargs=lambda p, s: {"pk": said_4(s["assignment"]).pk}, audited=True),
    "library": Row(only(200, *THERAPISTS)),
    "template_new": Row(only(200, *THERAPISTS)),
    "template_copy": Row(only(200, *THERAPISTS), kwargs=lambda p, s: {"pk": s["template"].pk}),
    "favourite_toggle": Row(only(302, *THERAPISTS), method="post", kwargs=lambda p, s: {"pk": s["template"].pk}),
    # Only the owner edits a worksheet, even one shared with the practice.
    "template_edit": Row(only(404, *THERAPISTS, therapist=200), kwargs=lambda p, s: {"pk": shared_worksheet(p).pk}),
    # --- Measures and safety ---
    "measure_do": Row(only(200, "client"), kwargs=lambda p, s: {"pk": measure_state(p)["occurrence"].pk}, audited=True),
    "measure_offline": Row(  # an empty body is not a submission: refused with the reason
        only(400, "client"), method="post", kwargs=lambda p, s: {"pk": measure_state(p)["occurrence"].pk}, audited=True
    ),
    "crisis_support": Row(only(200, *CLIENTS), audited=True),
    "crisis_seen": Row(only(204, *CLIENTS), method="post", audited=True),
    "help_request": Row(only(302, *CLIENTS), method="post", audited=True),
    "safety_plan": Row(only(200, *CLIENTS), audited=True),
    "my_measures": Row(only(200, *CLIENTS), audited=True),
    "measure_chart": Row(
        only(200, "client", "therapist"), kwargs=lambda p, s: measure_state(p)["chart"], audited=True
    ),  # Bob's charts, shared with Bob
    "alerts": Row(only(200, *THERAPISTS), audited=True),
    "alert_detail": Row(only(200, "therapist"), kwargs=lambda p, s: {"pk": measure_state(p)["alert"].pk}, audited=True),
    "alert_acknowledge": Row(
        only(302, "therapist"), method="post", kwargs=lambda p, s: {"pk": measure_state(p)["alert"].pk}, audited=True
    ),
    "alert_resolve": Row(  # no note: the form is shown again
        only(200, "therapist"), method="post", kwargs=lambda p, s: {"pk": measure_state(p)["alert"].pk}, audited=True
    ),
    "client_measures": Row(only(200, "therapist"), kwargs=lambda p, s: {"client_id": p.bob.pk}, audited=True),
    "client_safety_plan": Row(only(200, "therapist"), kwargs=lambda p, s: {"client_id": p.bob.pk}, audited=True),
    "crisis_resources_stale": Row(only(200, "admin")),
    "safety_settings": Row(only(200, "admin")),
    "practice_home": Row(only(200, "admin")),
    "practice_settings": Row(only(200, "admin")),
    "practice_crisis_resources": Row(only(200, "admin")),
    "invite_staff": Row(only(200, "admin")),
    "audit_log": Row(only(200, "admin")),
    "invitation_resend": Row(
        only(404, *THERAPISTS, "admin", therapist=302, admin=302),
        method="post",
        kwargs=lambda p, s: {"pk": s["invitation"].pk},
        audited=True,
    ),
    "invitation_revoke": Row(
        only(404, *THERAPISTS, "admin", therapist=302, admin=302),
        method="post",
        kwargs=lambda p, s: {"pk": s["invitation"].pk},
        audited=True,
    ),
    "invitation_request_link": Row(everyone(200)),
    "invitation_accept": Row(everyone(404), kwargs={"token": "not-a-real-token"}),
    # --- Support persons (Sue shares Bob's world; test_support_matrix.py adds supporters of others) ---
    "support_settings": Row(only(200, *CLIENTS), audited=True),
    "support_link": Row(only(200, "client"), kwargs=lambda p, s: {"pk": support_state(p).pk}, audited=True),
    "support_preview": Row(
        only(200, "client"), method="post", kwargs=lambda p, s: {"pk": support_state(p).pk}, audited=True
    ),
    "support_pause": Row(
        only(302, "client"), method="post", kwargs=lambda p, s: {"pk": support_state(p).pk}, audited=True
    ),
    "support_remove": Row(
        only(302, "client"), method="post", kwargs=lambda p, s: {"pk": support_state(p).pk}, audited=True
    ),
    "support_send_invitation": Row(  # already accepted: said so, nothing sent
        only(302, "client"), method="post", kwargs=lambda p, s: {"pk": support_state(p).pk}, audited=True
    ),
    "support_share_entry": Row(  # no entry named: said so, nothing shared
        only(302, "client"), method="post", kwargs=lambda p, s: {"pk": support_state(p).pk}, audited=True
    ),
    "guardian_resend": Row(
        only(404, *THERAPISTS, therapist=302), method="post", kwargs=lambda p, s: {"pk": guardian(p).pk}, audited=True
    ),
    "guardian_remove": Row(
        only(404, *THERAPISTS, therapist=302), method="post", kwargs=lambda p, s: {"pk": guardian(p).pk}, audited=True
    ),
    "support_home": Row(only(200, "support"), audited=True),
    "support_worried": Row(only(200, "support")),
    "supporting": Row(only(200, "support"), kwargs=lambda p, s: {"pk": support_state(p).pk}, audited=True),
    "support_accept": Row(  # Erin invited Sue's address; Sue already has an account
        only(302, "support"), method="post", kwargs=lambda p, s: {"pk": support_waiting(p).pk}, audited=True
    ),
    "client_support": Row(
        only(404, *THERAPISTS, therapist=200), kwargs=lambda p, s: {"client_id": p.bob.pk}, audited=True
    ),
    # --- reminders ---
    "reminder_settings": Row(only(200, *CLIENTS), audited=True),
    "reminder_later": Row(only(200, *CLIENTS), audited=True),
    "reminder_feed_token": Row(only(302, *CLIENTS), method="post", audited=True),
    "calendar_page": Row(only(200, *CLIENTS), audited=True),
    "calendar_feed": Row(everyone(404)),  # without its secret key
    "push_subscribe": Row(only(400, *CLIENTS), method="post", audited=True),  # an empty body is refused clearly
    "push_unsubscribe": Row(only(302, *CLIENTS), method="post", kwargs={"pk": 999999}, audited=True),
    "reminder_failures": Row(only(200, "admin"), audited=True),
    "therapist_attention": Row(only(200, *THERAPISTS), audited=True),
    "web_manifest": Row(everyone(200)),
    "service_worker": Row(everyone(200)),
    "help": Row(everyone(200)),
    "profile": Row(signed_in(200)),
    "sign_out_other_devices": Row(signed_in(302), method="post"),  # only ever one's own sessions
    "profile_display": Row(signed_in(302), method="post"),  # only ever one's own account's look
    "usersessions_list": Row(everyone(302)),  # allauth's device page: sent to the account page, which has the list
    "mfa_required": Row(signed_in(302)),
    "session_ping": Row(signed_in(204), method="post"),
    # --- django-allauth: sign-in, password, email, two-factor -----------------------------------------
    "account_login": Row(everyone(HOME_REDIRECT, anon=200)),
    "account_logout": Row(signed_in(200)),
    "account_inactive": Row(everyone(200)),
    "account_signup": Row(everyone(HOME_REDIRECT, anon=200)),  # shows "sign-up is closed"
    "account_reauthenticate": Row(signed_in(200)),
    "account_email": Row(signed_in(200)),
    "account_email_verification_sent": Row(everyone(200)),
    "account_change_password": Row(signed_in(200)),
    "account_set_password": Row(signed_in(302)),  # everyone has a password: sent to "change password"
    "account_reset_password": Row(everyone(200)),
    "account_confirm_login_code": Row(signed_in(302)),  # login by code is off
    "account_confirm_email": Row(everyone(200), kwargs={"key": "not-a-key"}),
    "account_reset_password_from_key_done": Row(everyone(200)),
    "account_reset_password_from_key": Row(everyone(200), kwargs={"uidb36": "1", "key": "not-a-key"}),
    "account_reset_password_done": Row(everyone(200)),
    "mfa_index": Row(signed_in(200)),
    "mfa_authenticate": Row(signed_in(302)),  # only during a sign-in that awaits a code
    "mfa_reauthenticate": Row(signed_in(200, client=302, other_client=302, support=302)),
    # Changing two-factor settings first asks for the password again (a 302 to reauthenticate).
    "mfa_activate_totp": Row(signed_in(302)),
    "mfa_deactivate_totp": Row(signed_in(302, client=404, other_client=404, support=404)),
    "mfa_view_recovery_codes": Row(signed_in(404)),
    "mfa_generate_recovery_codes": Row(signed_in(302)),
    "mfa_download_recovery_codes": Row(signed_in(404)),
    # Passkeys: the list is one's own; adding, renaming and removing first ask for the password again, and only
    # then look the key up among the person's own (test_passkeys.py shows a stranger's key is a 404).
    "mfa_list_webauthn": Row(signed_in(200)),
    "mfa_add_webauthn": Row(signed_in(302)),
    "mfa_edit_webauthn": Row(signed_in(302), kwargs=lambda p, s: {"pk": bobs_passkey(p).pk}),
    "mfa_remove_webauthn": Row(signed_in(302), kwargs=lambda p, s: {"pk": bobs_passkey(p).pk}),
    "mfa_reauthenticate_webauthn": Row(signed_in(302)),  # no passkey of one's own: sent to the password form
    # Without the script's "Accept: application/json" the challenge endpoint sends people to the sign-in page.
    "mfa_login_webauthn": Row(everyone(HOME_REDIRECT, anon=LOGIN)),
}


# The REST API: one row per URL, called with the session and no body (carryover/api/tests/matrix.py; every
# operation × persona with tokens and bodies is api/tests/test_api_matrix.py).
MATRIX.update({name: Row(**row) for name, row in api_session_rows().items()})


def bobs_passkey(personas):
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.create(
        user=personas.bob, type=Authenticator.Type.WEBAUTHN, data={"name": "Bob's phone", "credential": {}}
    )


def homework_state(personas) -> dict:
    """One of each of Bob's homework objects, made by the same services the views call."""
    from carryover.homework import services as hw
    from carryover.homework.attachments import attachment_store
    from carryover.homework.models import AssignmentRevision, Draft, Template
    from carryover.homework.tests.conftest import assign
    from carryover.homework.tests.media_samples import image
    from carryover.review.services import session_record

    invitation = invitation_create(inviter=personas.alice, email="invitee@example.test", role=Role.CLIENT)
    assignment = assign(personas.alice, personas.bob, key="journal", formats=["write", "draw"])
    occurrences = list(assignment.occurrences.order_by("due_date"))
    entry = hw.skip_occurrence(client=personas.bob.membership, occurrence=occurrences[1], barriers=["forgot"])
    draft = hw.draft_for(client=personas.bob.membership, occurrence=occurrences[0], version=assignment.template_version)
    png = image("PNG")
    attachment = attachment_store(draft=draft, field_key="drawing", field_type="drawing", data=png)
    attachment.entry, attachment.draft = entry, None
    attachment.save()
    return {
        "invitation": invitation,
        "assignment": assignment,
        "occurrence": occurrences[0],
        "draft": Draft.objects.get(pk=draft.pk),
        "entry": entry,
        "attachment": attachment,
        "revision": AssignmentRevision.objects.get(assignment=assignment),
        "notice": hw.notice_create(client=personas.bob.membership, assignment=assignment, reason="unclear", note=""),
        "template": Template.objects.get(key="journal"),
        "session": session_record(
            therapist=personas.alice.membership, client=personas.bob.membership, date=occurrences[0].due_date
        ),
    }


def together_state(personas) -> dict:
    """Alice's review with Bob, in progress (his journal from homework_state is its first step)."""
    from carryover.together.services import conversation_start

    draft = conversation_start(
        therapist=personas.alice.membership, client=personas.bob.membership, today=date(2026, 3, 2)
    )
    return {"draft": draft, "step": draft.steps.first()}


def said_4(assignment):
    """Bob said 4 out of 10 about his journal: he may change when or how he does it himself."""
    from carryover.together.services import confidence_record

    confidence_record(assignment=assignment, rating=4, adjustment="time")
    return assignment


def measure_state(personas) -> dict:
    """Bob's PHQ-9 with item 9 answered 1 (an open alert), and his charts shared with him."""
    from carryover.measures.services import charts_share_set
    from carryover.measures.tests.helpers import submit

    result = submit(personas.alice, personas.bob, [1] * 9)
    charts_share_set(client=personas.bob.membership, shared=True)
    occurrence = result.entry.assignment.occurrences.filter(status="pending").order_by("due_date").first()
    return {
        "occurrence": occurrence,
        "alert": result.entry.risk_alert,
        "chart": {"client_id": personas.bob.pk, "measure": "phq9"},
    }


def support_state(personas):
    """Bob shares with Sue (the persona support person), as an accepted invitation leaves it."""
    from carryover.support.tests.conftest import linked

    return linked(personas.bob, personas.sue, "Sue", share_days=True)


def support_waiting(personas):
    """Erin invites Sue's address: accounts tells Sue to sign in, where she can accept."""
    from carryover.support.services import link_invite

    return link_invite(client=personas.erin.membership, actor=personas.erin, name="Sue", email=personas.sue.email)


def guardian(personas):
    """Alice invited a guardian for Bob, marked as a minor (once: the sweeps ask for it again)."""
    from carryover.support.models import SupportLink
    from carryover.support.services import link_invite

    actor, client = personas.alice, personas.bob.membership
    return SupportLink.objects.current().filter(client=client, is_guardian=True).first() or link_invite(
        client=client, actor=actor, name="Mum", email="mum@family.test", is_guardian=True
    )


def published_chart(personas) -> dict:
    from carryover.review.charts import bar_chart, publish

    chart = bar_chart("What got in the way", "Forgot, twice.", [("I forgot", 2)])
    publish([chart], personas.bob.pk)
    return {"client_id": personas.bob.pk, "chart_key": chart.key}


def url_names(patterns=None) -> set[str]:
    names = set()
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            inner = url_names(pattern.url_patterns)
            names |= {f"{pattern.namespace}:{name}" for name in inner} if pattern.namespace else inner
        elif isinstance(pattern, URLPattern):
            names.add(pattern.name)
    return names


def test_every_url_is_in_the_matrix():
    served = url_names()
    assert None not in served, "every URL pattern needs a name"
    assert served - MATRIX.keys() == set(), "add these URLs to the access matrix"
    assert MATRIX.keys() - served == set(), "these matrix rows name URLs that no longer exist"


def outcome_of(response) -> int | str:
    if response.status_code == 302 and response.url.startswith(reverse("account_login")):
        return LOGIN
    return response.status_code


# Rows whose page is drawn at length (a PDF, the OpenAPI document) for each of the eight personas: in the slow group.
HEAVY = {"client_summary_pdf", "my_patterns_pdf", "api-v1:openapi-json"}


@dataclass
class World:
    personas: Personas
    state: dict  # Bob's homework objects (homework_state)
    sessions: dict[str, str]  # each signed-in persona's session cookie


def session_of(user) -> str:
    """A session signed in as `user`, as `client.force_login` leaves it, for a test to present as its cookie."""
    signed_in = Client()
    signed_in.force_login(user)
    return signed_in.cookies[settings.SESSION_COOKIE_NAME].value


def world_of(personas) -> World:
    sessions = {persona: session_of(who(personas, persona)) for persona in PERSONAS if persona != "anon"}
    return World(personas, homework_state(personas), sessions)


def sign_in_as(client, world: World, persona: str) -> None:
    """As `client.logout()` then `client.force_login(...)`: no cookie of an earlier request, only the session."""
    client.cookies = SimpleCookie()
    if persona in world.sessions:
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[persona]


@pytest.mark.parametrize(
    "name", [pytest.param(name, marks=pytest.mark.slow) if name in HEAVY else name for name in sorted(MATRIX)]
)
def test_access_matrix(client, matrix_world, name):
    row = MATRIX[name]
    world = matrix_world
    personas, state = world.personas, world.state
    kwargs = row.kwargs(personas, state) if callable(row.kwargs) else row.kwargs
    url = reverse(name, kwargs=kwargs)
    got = {}
    for persona in PERSONAS:
        sign_in_as(client, world, persona)
        user = who(personas, persona)
        before = AuditEvent.objects.count()
        response = getattr(client, row.method)(url)
        got[persona] = outcome_of(response)
        new_events = list(AuditEvent.objects.order_by("id")[before:])
        if user is not None and url_is_ours(name) and row.expect["anon"] in (LOGIN, 401):
            if got[persona] == 404:
                assert [e.outcome for e in new_events] == [Outcome.DENIED], f"{name}: {persona} refused, unaudited"
                assert b"Page not found" in response.content or response["Content-Type"] == "application/problem+json"
            elif row.audited:
                assert [e.outcome for e in new_events] == [Outcome.ALLOWED], f"{name}: {persona} not audited once"
    assert got == row.expect
    Invitation.objects.all().delete()


def url_is_ours(name: str) -> bool:
    return not name.startswith(("account_", "mfa_"))
