"""Measures shown as clinicians read them: the PCL-5 cut-point and cluster rule, detectable beside meaningful change,
the GAD-7 difficulty question, and a "how this is scored" panel with its source wherever a score is shown."""

from __future__ import annotations

from html import unescape
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from carryover.homework.models import Template, TemplateVersion
from carryover.homework.services import VERSION_FIELDS
from carryover.measures import scoring, services
from carryover.measures.instruments import MEASURES, SOURCES
from carryover.measures.models import MeasureResult, RiskAlert

from .helpers import answer, assign_measure, submit

pytestmark = pytest.mark.django_db

# B 1 (q1), C 1 (q6), D 2 (q8, q9), E 2 (q15, q16) rated 2 or more: the cluster rule is just met; total 40.
PCL_RULE_MET = [2, 1, 1, 1, 1, 2, 1, 2, 2, 4, 4, 4, 4, 1, 2, 2, 1, 1, 1, 3]
DOCS = Path(settings.BASE_DIR) / "docs" / "clinical-sources.md"


def test_pcl5_names_its_cut_point_and_shows_the_dsm5_cluster_rule_with_its_counts(client, personas):
    assert sum(PCL_RULE_MET) == 40
    submit(personas.alice, personas.bob, PCL_RULE_MET, key="pcl5")
    client.force_login(personas.alice)
    rule = (
        "Provisional PTSD (DSM-5 cluster rule): met — items rated 2 or more: "
        "B 1 of 5 (needs 1), C 1 of 2 (needs 1), D 6 of 7 (needs 2), E 3 of 6 (needs 2)"
    )
    for url in (reverse("client_measures", args=[personas.bob.pk]), reverse("client_summary", args=[personas.bob.pk])):
        page = client.get(url).content.decode()
        assert (
            "At or above the provisional cut-point of 33" in page
            or "at or above the provisional cut-point of 33" in page
        )
        assert rule in page


def test_pcl5_rule_not_met_says_so():
    result = scoring.score("pcl5", {f"q{n}": 1 for n in range(1, 21)})
    assert result.band_label == "Below the provisional cut-point of 33"
    assert scoring.cluster_rule_text("pcl5", result.flags).startswith("Provisional PTSD (DSM-5 cluster rule): not met")
    assert scoring.cluster_rule_text("phq9", {}) is None


def test_pcl5_change_shows_the_minimum_detectable_beside_the_clinically_meaningful():
    assert scoring.change("pcl5", 40, 33).text == (
        "Detectable improvement, not yet clinically meaningful (-7 points; clinically meaningful is 10)"
    )
    assert scoring.change("pcl5", 40, 45).text == (
        "Detectable deterioration, not yet clinically meaningful (+5 points; clinically meaningful is 10)"
    )
    assert scoring.change("pcl5", 40, 44).text == "No detectable change (+4 points)"
    assert scoring.change("pcl5", 40, 30).text == "Clinically meaningful improvement (-10 points)"
    # The caseload's "reliably worse" still needs the clinically meaningful 10.
    assert scoring.change("pcl5", 30, 39).direction == scoring.NO_CHANGE
    notes = {note.name: note.text for note in scoring.how_scored("pcl5")}
    assert "Minimum detectable change: 5 points" in notes["Change"]
    assert "Clinically meaningful change: 10 points" in notes["Change"]


def test_the_summary_says_no_change_instead_of_plus_zero_and_keeps_the_measure_name(client, personas):
    nine = [2, 2, 2, 2, 1, 1, 1, 1, 1]  # item 9 at 1: an alert
    assignment = assign_measure(personas.alice, personas.bob, schedule_kind="daily")
    first, second = assignment.occurrences.order_by("due_date")[:2]
    services.measure_submit(draft=answer(first, nine))
    services.measure_submit(draft=answer(second, nine))
    client.force_login(personas.alice)
    page = client.get(reverse("client_summary", args=[personas.bob.pk])).content.decode()
    assert "(+0)" not in page and "phq-9" not in page
    assert "since the previous score: no change (same score)" in page
    assert ": PHQ-9 item 9 answered above 0 (open, not yet acknowledged)" in page


def test_gad7_asks_the_unscored_difficulty_question_in_a_new_version_and_old_results_keep_reading(client, personas):
    # The library as it was before the question was added: version 1 with seven steps.
    template = Template.objects.get(key="gad7", practice__isnull=True)
    current = template.latest_version()
    template.versions.all().delete()
    fields = {key: getattr(current, key) for key in VERSION_FIELDS}
    before = TemplateVersion.objects.create(
        template=template, number=1, **{**fields, "schema": {"steps": current.schema["steps"][:7]}}
    )
    assert services.measures_sync() == ["gad7"]  # what migration 0003 runs on an existing database
    latest = template.latest_version()
    assert latest.number == 2 and len(latest.schema["steps"]) == 8
    assert [f["key"] for f in latest.schema["steps"][-1]["fields"]] == ["difficulty"]
    assert not latest.schema["steps"][-1]["fields"][0]["required"]
    assert services.measures_sync() == []  # idempotent

    # A result from the old version, then one from the new with the difficulty answered: both score the 7 items.
    old = assign_measure(personas.alice, personas.bob, key="gad7", schedule_kind="daily")
    old.template_version = before
    old.save(update_fields=["template_version"])
    old_result = services.measure_submit(draft=answer(old.occurrences.order_by("due_date").first(), [1] * 7))
    new = assign_measure(personas.alice, personas.erin, key="gad7", schedule_kind="daily")
    assert new.template_version == latest
    draft = answer(new.occurrences.order_by("due_date").first(), [1] * 7)
    draft.raw = {**draft.raw, "f-difficulty": "very"}
    draft.save()
    new_result = services.measure_submit(draft=draft)
    assert (old_result.total, new_result.total) == (7, 7)
    assert new_result.entry.answers["difficulty"] == "very"
    client.force_login(personas.alice)
    for result in (old_result, new_result):
        page = client.get(reverse("entry_detail", args=[result.entry_id]))
        assert page.status_code == 200
    assert "Very difficult" in client.get(reverse("entry_detail", args=[new_result.entry_id])).content.decode()
    assert "Mild" in client.get(reverse("client_measures", args=[personas.bob.pk])).content.decode()
    assert (old_result.difficulty_text, new_result.difficulty_text) == (None, "Very difficult")
    erin = client.get(reverse("client_measures", args=[personas.erin.pk])).content.decode()
    assert "How difficult these problems made daily life (latest, unscored): Very difficult" in erin
    summary = client.get(reverse("client_summary", args=[personas.erin.pk])).content.decode()
    assert "GAD-7: 7 (Mild)" in summary and "daily life: very difficult (unscored)" in summary


def test_the_client_flow_ends_with_the_optional_difficulty_question(client, personas):
    assignment = assign_measure(personas.alice, personas.bob, key="gad7", schedule_kind="daily")
    occurrence = assignment.occurrences.order_by("due_date").first()
    answer(occurrence, [0] * 7)
    client.force_login(personas.bob)
    url = reverse("measure_do", args=[occurrence.pk])
    page = client.get(url, {"step": 7}).content.decode()
    assert "how difficult have these problems made it for you" in page
    assert "This one is optional and is not added to the score." in page


def test_every_score_surface_has_a_how_this_is_scored_panel_with_sources(client, personas):
    submit(personas.alice, personas.bob, [1, 1, 1, 1, 1, 1, 1, 1, 1])  # item 9 at 1: an alert
    submit(personas.alice, personas.bob, [1] * 7, key="gad7")
    submit(personas.alice, personas.bob, PCL_RULE_MET, key="pcl5")
    client.force_login(personas.alice)
    measures_page = unescape(client.get(reverse("client_measures", args=[personas.bob.pk])).content.decode())
    summary = unescape(client.get(reverse("client_summary", args=[personas.bob.pk])).content.decode())
    alert = unescape(client.get(reverse("alert_detail", args=[RiskAlert.objects.get().pk])).content.decode())
    for key in MEASURES:
        name = MEASURES[key]["name"]
        assert f"How {name} is scored" in measures_page
        for note in scoring.how_scored(key):
            assert f'<dd>{note.text} <span class="small muted">Source: {note.source}.</span></dd>' in measures_page
            assert f"<dt>{name}: {note.name}</dt>" in summary
    assert "How these are scored" in summary and "Source: Blevins et al. (2015)" in summary
    assert "How PHQ-9 is scored" in alert and "Source: Simon et al. (2013)" in alert
    assert "Any answer above 0 on item 9 raises a safety alert" in alert


def test_every_source_and_number_the_panels_cite_is_in_the_repository_docs():
    docs = DOCS.read_text()
    for key, measure in MEASURES.items():
        for source in SOURCES[key].values():
            assert source in docs, source
        for number in (measure.get("caseness"), measure["reliable_change"], measure.get("detectable_change")):
            if number is not None:
                assert f"{number} points" in docs or f"{number} or more" in docs, (key, number)
        for low, high, _, label in measure["bands"]:
            if "cut_point" not in measure:
                assert f"{low}–{high} {label.lower()}" in docs
    assert "33 (published range 31–33" in docs
    assert scoring.PAIR_NOTE.source in docs


def test_existing_results_read_the_same_band_from_their_stored_key(personas):
    result = submit(personas.alice, personas.bob, [4] * 20, key="pcl5")
    stored = MeasureResult.objects.get(pk=result.pk)
    assert stored.band == "above_cut_point" and stored.band_label == "At or above the provisional cut-point of 33"
