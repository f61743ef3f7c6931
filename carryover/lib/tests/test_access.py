"""The shared access building blocks (carryover.lib.access) and the helpers built on them: a refusal is always a
404 with a denied audit row, and no app reaches into another app's private helpers to get one."""

import ast
from pathlib import Path

import pytest
from django.http import Http404
from django.test import RequestFactory

from carryover.accounts.access import get_practice_for_admin
from carryover.audit.models import Action, AuditEvent, Outcome

PACKAGE = Path(__file__).resolve().parents[2]


def _request(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


@pytest.mark.parametrize("who", ["alice", "bob", "sue", "charlie"])
def test_practice_for_admin_refuses_others_with_a_denied_audit_row(personas, who):
    user = getattr(personas, who)
    with pytest.raises(Http404):
        get_practice_for_admin(_request(user))
    event = AuditEvent.objects.get()
    assert (event.actor_id, event.outcome, event.action, event.object_type) == (
        user.pk,
        Outcome.DENIED,
        Action.READ,
        "practice",
    )
    assert event.practice_id == user.membership.practice_id


def test_practice_for_admin_gives_the_admin_their_own_practice(personas):
    assert get_practice_for_admin(_request(personas.admin)) == personas.practice
    assert not AuditEvent.objects.filter(outcome=Outcome.DENIED).exists()


def _private_imports_across_apps() -> list[str]:
    found = []
    for path in PACKAGE.rglob("*.py"):
        app = path.relative_to(PACKAGE).parts[0]
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.ImportFrom) or not (node.module or "").startswith("carryover."):
                continue
            source_app = node.module.split(".")[1]  # type: ignore[union-attr]
            private = [alias.name for alias in node.names if alias.name.startswith("_")]
            if private and source_app != app:
                found.append(f"{path.relative_to(PACKAGE)}: {node.module} {private}")
    return found


def test_no_app_imports_another_apps_private_helpers():
    assert _private_imports_across_apps() == []
