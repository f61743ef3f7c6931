"""How the measures app plugs into the pages of homework and review: through their extension points, never by
being imported by them, and recognised by `Template.kind` rather than a category name."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from carryover.homework import hooks
from carryover.homework.models import Template, TemplateKind, TemplateVersion
from carryover.measures import services
from carryover.review.extensions import caseload_signals, timeline_providers
from carryover.review.timeline import BUILTIN_KINDS

from .helpers import assign_measure

PACKAGE = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.usefixtures("monday")


def _imports(path: Path) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            modules.add(node.module)
        elif isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
    return modules


def test_homework_does_not_import_measures():
    found = {
        str(path.relative_to(PACKAGE)): sorted(m for m in _imports(path) if m.startswith("carryover.measures"))
        for path in (PACKAGE / "homework").rglob("*.py")
        if "tests" not in path.parts
    }
    assert {path: modules for path, modules in found.items() if modules} == {}


def test_template_tags_fetch_nothing():
    """Pages get their data from their views (which fetch through an access helper), never from a tag."""
    for path in PACKAGE.glob("*/templatetags/*.py"):
        fetching = [m for m in _imports(path) if m.split(".")[-1] in {"models", "services", "access"}]
        assert fetching == [], path


def test_a_measure_is_known_by_its_kind_not_its_category(client, personas):
    occurrence = assign_measure(personas.alice, personas.bob).occurrences.order_by("due_date").first()
    version = occurrence.assignment.template_version
    TemplateVersion.objects.filter(pk=version.pk).update(category="Questionnaires")  # a renamed library shelf
    version.refresh_from_db()
    assert services.measure_of(version) == "phq9"
    client.force_login(personas.bob)
    response = client.get(reverse("occurrence_do", args=[occurrence.pk]))
    assert response.url == reverse("measure_do", args=[occurrence.pk])

    Template.objects.filter(pk=version.template_id).update(kind=TemplateKind.ACTIVITY)
    version.refresh_from_db()
    assert services.measure_of(version) is None
    assert client.get(reverse("measure_do", args=[occurrence.pk])).status_code == 404


def test_the_review_filters_list_the_built_ins_first_then_the_measures():
    assert list(timeline_providers.kinds) == [*BUILTIN_KINDS, "score", "alert"]
    # Then the apps above measures (together: a review in progress).
    assert list(caseload_signals.kinds) == ["notice", "flagged", "quiet", "drop", "risk", "worse", "review"]


def test_registering_again_changes_nothing():
    before = list(timeline_providers.providers), dict(timeline_providers.kinds)
    from carryover.measures import review_hooks

    review_hooks.register()
    assert (list(timeline_providers.providers), dict(timeline_providers.kinds)) == before


def test_without_a_risk_watch_a_worksheet_save_fails_loudly(client, personas, monkeypatch):
    """A risk answer must never go unchecked because the app that checks it is missing."""
    from carryover.homework.tests.conftest import assign

    occurrence = assign(personas.alice, personas.bob).occurrences.order_by("due_date").first()
    monkeypatch.setattr(hooks, "_installed", [])
    client.force_login(personas.bob)
    client.raise_request_exception = True
    with pytest.raises(ImproperlyConfigured):
        client.post(reverse("occurrence_do", args=[occurrence.pk]), {"go": "next"})
