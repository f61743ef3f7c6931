"""Every API operation × persona (docs/security.md, A-1 and A-2): the expected status for each persona, and the
request that shows it. `test_api_matrix.py` runs it with tokens; the site-wide access matrix
(accounts/tests/test_access_matrix.py) takes one row per API URL from `session_rows()` and runs it with the session.

A stranger gets 404 and exactly one denied audit row; an allowed caller of client data exactly one allowed row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

PERSONAS = ["client", "other_client", "support", "therapist", "unlinked", "other_practice", "admin"]
THERAPISTS = ("therapist", "unlinked", "other_practice")
CLIENTS = ("client", "other_client")


def only(status: int, *allowed: str) -> dict[str, int]:
    return {persona: status if persona in allowed else 404 for persona in PERSONAS}


@dataclass
class Op:
    expect: dict[str, int]
    path: Callable[[Any, dict], dict] = lambda p, s: {}  # path parameters from (personas, state)
    body: Any = None
    audited: bool = True  # client data: one allowed audit row per call
    extra: dict[str, Any] = field(default_factory=dict)


def bob(p, s) -> dict:
    return {"client_id": p.bob.pk}


def alert(p, s) -> dict:
    """Bob's open alert (the site-wide matrix's state has none: it is made here, as its own rows make theirs)."""
    if "alert" not in s:
        from carryover.accounts.tests.test_access_matrix import measure_state

        s["alert"] = measure_state(p)["alert"]
    return {"alert_id": s["alert"].pk}


def webhook(p, s) -> dict:
    """An endpoint of the admin's practice (practice settings, not client data)."""
    if "webhook" not in s:
        from carryover.api.models import WebhookEndpoint

        s["webhook"] = WebhookEndpoint.objects.create(
            practice=p.practice, url="http://127.0.0.1:9/hook", secret="whsec_AAAA", events=["alert.raised"]
        )
    return {"webhook_id": s["webhook"].pk}


def sue_link(p, s) -> dict:
    """Bob shares with Sue (the persona support person): the link her operations name."""
    from carryover.support.models import SupportLink
    from carryover.support.tests.conftest import linked

    link = SupportLink.objects.of_supporter(p.sue).filter(client=p.bob.membership).first()
    return {"link_id": (link or linked(p.bob, p.sue, "Sue", share_days=True)).pk}


def bulk_job(p, s) -> dict:
    """The admin's bulk FHIR export, built (records/bulk.py, the worker's service), and one of its files."""
    if "bulk_job" not in s:
        from carryover.records.bulk import bulk_export_build, bulk_export_request

        s["bulk_job"] = bulk_export_request(practice=p.practice, actor=p.admin, types=[])
        bulk_export_build(job_id=s["bulk_job"].pk)
    return {"job_id": s["bulk_job"].pk}


OPS: dict[tuple[str, str], Op] = {
    ("get", "/caseload"): Op(only(200, *THERAPISTS)),
    ("get", "/clients/{client_id}"): Op(only(200, "therapist"), bob),
    ("get", "/clients/{client_id}/sessions"): Op(only(200, "therapist"), bob),
    ("post", "/clients/{client_id}/sessions"): Op(only(201, "therapist"), bob, {"date": "2026-03-01"}),
    ("get", "/clients/{client_id}/summary"): Op(only(200, "therapist"), bob),
    ("get", "/clients/{client_id}/assignments"): Op(only(200, "therapist"), bob),
    ("post", "/clients/{client_id}/assignments"): Op(
        only(201, "therapist"), bob, lambda p, s: {"template_id": s["template"].pk}
    ),
    ("get", "/assignments/{assignment_id}"): Op(
        only(200, "therapist"), lambda p, s: {"assignment_id": s["assignment"].pk}
    ),
    ("patch", "/assignments/{assignment_id}"): Op(
        only(200, "therapist"), lambda p, s: {"assignment_id": s["assignment"].pk}, {"title": "A gentler start"}
    ),
    ("post", "/assignments/{assignment_id}/status"): Op(
        only(200, "therapist"), lambda p, s: {"assignment_id": s["assignment"].pk}, {"status": "paused"}
    ),
    ("get", "/templates"): Op(only(200, *THERAPISTS), audited=False),
    ("get", "/templates/{template_id}"): Op(
        only(200, *THERAPISTS), lambda p, s: {"template_id": s["template"].pk}, audited=False
    ),
    ("get", "/clients/{client_id}/entries"): Op(only(200, "therapist"), bob),
    ("get", "/entries/{entry_id}"): Op(only(200, "client", "therapist"), lambda p, s: {"entry_id": s["entry"].pk}),
    ("get", "/clients/{client_id}/measures"): Op(only(200, "therapist"), bob),
    ("get", "/alerts"): Op(only(200, *THERAPISTS)),
    ("post", "/alerts/{alert_id}/acknowledge"): Op(only(200, "therapist"), alert),
    ("post", "/alerts/{alert_id}/resolve"): Op(only(200, "therapist"), alert, {"note": "Called; safe tonight."}),
    ("get", "/me/today"): Op(only(200, *CLIENTS)),
    ("get", "/me/occurrences"): Op(only(200, *CLIENTS)),
    ("get", "/me/entries"): Op(only(200, *CLIENTS)),
    ("get", "/occurrences/{occurrence_id}/draft"): Op(
        only(200, "client"), lambda p, s: {"occurrence_id": s["occurrence"].pk}
    ),
    ("patch", "/occurrences/{occurrence_id}/draft"): Op(
        only(200, "client"), lambda p, s: {"occurrence_id": s["occurrence"].pk}, {"fields": {"a-minutes": "5"}}
    ),
    ("post", "/occurrences/{occurrence_id}/submit"): Op(
        only(201, "client"),
        lambda p, s: {"occurrence_id": s["occurrence"].pk},
        {"outcome": "skipped", "fields": {"o-barriers": ["forgot"]}},
    ),
    ("post", "/me/practice-log"): Op(only(201, *CLIENTS), body={"fields": {"f-skill": "Slow breathing"}}),
    ("post", "/assignments/{assignment_id}/not-working"): Op(
        only(201, "client"), lambda p, s: {"assignment_id": s["assignment"].pk}, {"reason": "unclear"}
    ),
    ("get", "/me/crisis-resources"): Op(only(200, *CLIENTS)),
    ("get", "/me/reminder-settings"): Op(only(200, *CLIENTS)),
    ("put", "/me/reminder-settings"): Op(
        only(200, *CLIENTS),
        body={"enabled": True, "mode": "each", "channels": ["email"], "quiet_start": "22:00", "quiet_end": "07:00"},
    ),
    ("get", "/me/safety-plan"): Op(only(200, *CLIENTS)),
    ("put", "/me/safety-plan"): Op(only(200, *CLIENTS), body={"sections": {"coping": "A walk by the river"}}),
    ("post", "/notices/{notice_id}/resolve"): Op(only(204, "therapist"), lambda p, s: {"notice_id": s["notice"].pk}),
    ("get", "/supporting"): Op(only(200, "support")),
    ("get", "/supporting/{link_id}"): Op(only(200, "support"), sue_link),
    ("post", "/supporting/{link_id}/encouragements"): Op(only(201, "support"), sue_link, {"preset": "thinking"}),
    ("get", "/me/support-persons"): Op(only(200, *CLIENTS)),
    ("post", "/me/support-persons/{link_id}/pause"): Op(only(200, "client"), sue_link, {"paused": True}),
    ("delete", "/me/support-persons/{link_id}"): Op(only(204, "client"), sue_link),
    ("get", "/practice/members"): Op(only(200, "admin"), audited=False),
    ("get", "/practice/invitations"): Op(only(200, "admin"), audited=False),
    ("get", "/practice/audit"): Op(only(200, "admin")),  # reading the log is logged
    ("get", "/practice/webhooks"): Op(only(200, "admin"), audited=False),
    ("post", "/practice/webhooks"): Op(
        only(201, "admin"), body={"url": "http://127.0.0.1:9/hook", "events": ["entry.submitted"]}, audited=False
    ),
    ("delete", "/practice/webhooks/{webhook_id}"): Op(only(204, "admin"), lambda p, s: webhook(p, s), audited=False),
    ("get", "/practice/webhooks/{webhook_id}/deliveries"): Op(
        only(200, "admin"), lambda p, s: webhook(p, s), audited=False
    ),
    # Goals, the ladder, comments, the next session, chart sharing (api/care.py)
    ("get", "/clients/{client_id}/goals"): Op(only(200, "therapist"), bob),
    ("post", "/clients/{client_id}/goals"): Op(only(201, "therapist"), bob, {"text": "Sleep before midnight"}),
    ("get", "/clients/{client_id}/ladder"): Op(only(200, "therapist"), bob),
    ("put", "/clients/{client_id}/ladder"): Op(
        only(200, "therapist"), bob, {"items": [{"description": "Ride the bus one stop", "suds": 40}]}
    ),
    ("get", "/me/ladder"): Op(only(200, *CLIENTS)),
    ("put", "/me/ladder"): Op(only(200, *CLIENTS), body={"items": [{"description": "Call a friend", "suds": 30}]}),
    ("get", "/entries/{entry_id}/comments"): Op(
        only(200, "client", "therapist"), lambda p, s: {"entry_id": s["entry"].pk}
    ),
    ("post", "/entries/{entry_id}/comments"): Op(
        only(201, "therapist"), lambda p, s: {"entry_id": s["entry"].pk}, {"text": "Forgetting is common."}
    ),
    ("put", "/clients/{client_id}/next-session"): Op(
        only(200, "therapist"), bob, lambda p, s: {"next_date": in_14_days()}
    ),
    ("get", "/clients/{client_id}/chart-sharing"): Op(only(200, "therapist"), bob),
    ("put", "/clients/{client_id}/chart-sharing"): Op(only(200, "therapist"), bob, {"shared": True}),
    # Custom worksheets (api/worksheets.py): library data, not client data
    ("post", "/templates"): Op(only(201, *THERAPISTS), body=lambda p, s: worksheet(), audited=False),
    ("put", "/templates/{template_id}"): Op(
        only(200, "therapist"), lambda p, s: own_worksheet(p, s), lambda p, s: worksheet(), audited=False
    ),
    # Invitations (api/invitations.py): creating one writes its own audit row, managing one an allowed row
    ("get", "/invitations"): Op(only(200, *THERAPISTS), audited=False),  # each their own
    # Any therapist may invite a client; the second in the same practice is told one is waiting for that address.
    # (Its audit row: test_more_operations.py.)
    ("post", "/invitations"): Op(
        {**only(201, *THERAPISTS), "unlinked": 409}, body={"email": "new.client@example.test"}, audited=False
    ),
    ("post", "/practice/invitations"): Op(
        only(201, "admin"), body={"email": "new.therapist@example.test", "role": "therapist"}
    ),
    ("post", "/invitations/{invitation_id}/resend"): Op(
        only(200, "therapist", "admin"), lambda p, s: {"invitation_id": s["invitation"].pk}
    ),
    # The therapist revokes it first; the admin, after, is told it was already revoked.
    ("post", "/invitations/{invitation_id}/revoke"): Op(
        {**only(200, "therapist"), "admin": 409}, lambda p, s: {"invitation_id": s["invitation"].pk}
    ),
    # FHIR $export (api/export.py): the kick-off and each file fetched write an export audit row.
    ("get", "/clients/{client_id}/$export"): Op(only(200, "therapist"), bob),
    ("get", "/practice/$export"): Op(only(202, "admin")),
    ("get", "/practice/$export/{job_id}"): Op(only(200, "admin"), bulk_job, audited=False),
    ("get", "/practice/$export/{job_id}/{kind}.ndjson"): Op(
        only(200, "admin"), lambda p, s: {**bulk_job(p, s), "kind": "Patient"}
    ),
    ("delete", "/practice/$export/{job_id}"): Op(only(202, "admin"), bulk_job),
}


def in_14_days() -> str:
    from datetime import date, timedelta

    return (date.today() + timedelta(days=14)).isoformat()


def worksheet() -> dict:
    fields = [{"type": "short_text", "label": "What happened?", "step_title": "Notice"}]
    return {"name": "Evening check", "instructions": "Each evening.", "rationale": "It helps.", "fields": fields}


def own_worksheet(p, s) -> dict:
    """Alice's own worksheet (only its owner may save a new version)."""
    if "worksheet" not in s:
        from carryover.homework.tests.test_builder import shared_worksheet

        s["worksheet"] = shared_worksheet(p)
    return {"template_id": s["worksheet"].pk}


EMPTY_BODY = {"post": 400, "patch": 422, "put": 422}  # the test client posts an empty form, and patches nothing


def _session_row(status_for_everyone: int | None, op: Op, method: str) -> dict:
    expect: dict[str, int | str] = {"anon": 401}
    expect.update({p: status_for_everyone for p in PERSONAS} if status_for_everyone else op.expect)
    return {"expect": expect, "method": method, "kwargs": op.path, "audited": op.audited and not status_for_everyone}


def url_name_of(method: str, path: str) -> str:
    """The Django URL name ninja gave the operation (its function's name) in the API's namespace."""
    from carryover.api.v1 import api

    for _prefix, router in api._routers:
        view = router.path_operations.get(path)
        for operation in view.operations if view else []:
            if method.upper() in operation.methods:
                return f"api-v1:{operation.view_func.__name__}"
    raise KeyError(f"{method.upper()} {path} is not an operation of the API")


def session_rows() -> dict[str, dict]:
    """One row per API URL name for the site-wide matrix, which calls without a body: an operation that needs
    one answers 400 (a form body, not JSON) or 422 (no body) to everyone signed in,
    before any lookup (the full check, with bodies, is test_api_matrix)."""
    rows = {
        url_name_of(method, path): _session_row(EMPTY_BODY[method] if op.body is not None else None, op, method)
        for (method, path), op in OPS.items()
    }
    rows["api_not_found"] = {
        "expect": {p: 404 for p in ["anon", *PERSONAS]},
    }
    rows["api-v1:api-root"] = {"expect": {p: 404 for p in ["anon", *PERSONAS]}}  # nothing at /api/v1/ itself
    rows["api-v1:openapi-json"] = {"expect": {p: 200 for p in ["anon", *PERSONAS]}}
    rows["api-v1:openapi-view"] = {"expect": {p: 200 for p in ["anon", *PERSONAS]}}
    # The account page's tokens: only ever one's own (a stranger's token id changes nothing: api/tests/test_auth.py).
    rows["api_tokens"] = {"expect": {"anon": "login", **{p: 200 for p in PERSONAS}}}
    rows["api_token_revoke"] = {
        "expect": {"anon": "login", **{p: 302 for p in PERSONAS}},
        "method": "post",
        "kwargs": {"pk": 999999},
    }
    # The admin's webhooks page (practice settings, not client data: a refusal is audited, a read is not).
    admin_only = {"anon": "login", **only(200, "admin")}
    rows["webhooks"] = {"expect": admin_only, "audited": False}
    rows["webhook_detail"] = {
        "expect": admin_only,
        "kwargs": lambda p, s: {"pk": webhook(p, s)["webhook_id"]},
        "audited": False,
    }
    rows["webhook_remove"] = {
        "expect": {"anon": "login", **only(302, "admin")},
        "method": "post",
        "kwargs": lambda p, s: {"pk": webhook(p, s)["webhook_id"]},
        "audited": False,
    }
    return rows
