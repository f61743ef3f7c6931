"""The worksheets' own charts: drawn from the answers each built-in declares, and loud when a declaration and a
schema part ways (a renamed answer key used to drop its chart without a word)."""

from __future__ import annotations

import importlib.util
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.utils import translation

from carryover.homework import builtin
from carryover.homework.fields import SchemaError
from carryover.homework.models import Entry, Outcome, Template
from carryover.review import instruments


def builtin_as_if_edited(tmp_path: Path, *renames: tuple[str, str]):
    """Import homework/builtin.py as it would be with each (old, new) text replaced in its source."""
    source = Path(builtin.__file__).read_text()
    for old, new in renames:
        assert source.count(old) == 1, old
        source = source.replace(old, new)
    path = tmp_path / "builtin_edited.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location("carryover.homework.builtin_edited", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


PEAK_FIELD = ('_suds("suds_peak",', '_suds("suds_highest",')


def test_renaming_a_charted_answer_key_fails_when_the_library_is_imported(tmp_path):
    with pytest.raises(SchemaError, match="exposure_practice: chart 'exposure' reads 'suds_peak'"):
        builtin_as_if_edited(tmp_path, PEAK_FIELD)
    intensity = (
        '"intensity",\n                        "How strong',
        '"strength",\n                        "How strong',
    )
    with pytest.raises(SchemaError, match="thought_record_7: chart 'rerated_moods' reads 'emotions.intensity'"):
        builtin_as_if_edited(tmp_path, intensity)


def test_renaming_an_answer_with_its_chart_declaration_keeps_the_chart(tmp_path):
    edited = builtin_as_if_edited(tmp_path, PEAK_FIELD, ('"peak": "suds_peak"', '"peak": "suds_highest"'))
    assert edited.charted("exposure")["exposure_practice"]["peak"] == "suds_highest"


def test_a_chart_that_no_built_in_declares_is_an_error_not_an_empty_picture():
    with pytest.raises(KeyError, match="exposures"):
        builtin.charted("exposures")
    with pytest.raises(KeyError, match="exposure_practice"):
        builtin.charted("exposure", ("step", "before", "highest", "after"))


def _rating(value: int, low: int = 0, high: int = 10) -> dict:
    return {"value": value, "min": low, "max": high}


def _entries(key: str, answers: list[dict]) -> list[Entry]:
    version = Template.objects.get(key=key, practice=None).latest_version()
    start = date(2026, 3, 2)
    return [
        Entry(template_version=version, content={"answers": a}, outcome=Outcome.DONE, done_on=start + timedelta(days=n))
        for n, a in enumerate(answers)
    ]


@pytest.mark.django_db
def test_each_built_in_chart_is_drawn_from_its_worksheets_answers():
    step = {"id": 7, "description": "Ride the bus one stop", "suds": 60}
    suds = [
        {"suds_before": _rating(b, 0, 100), "suds_peak": _rating(p, 0, 100), "suds_after": _rating(a, 0, 100)}
        for b, p, a in ((50, 80, 40), (40, 60, 20))
    ]
    exposure = _entries("exposure_practice", [{"ladder_item": step, **answers} for answers in suds])
    moods = {"emotions": [{"emotion": "Anxious", "intensity": _rating(80, 0, 100)}]}
    rerated = {"emotions_after": [{"label": "Anxious", "value": 40, "min": 0, "max": 100}]}
    thoughts = _entries("thought_record_7", [{**moods, **rerated}])
    mastery = _entries("activity_log", [{"mastery": _rating(3), "pleasure": _rating(6)}])
    ace = _entries("activity_log_ace", [{"achievement": _rating(2), "closeness": _rating(5), "enjoyment": _rating(7)}])
    tension = _entries("relaxation", [{"tension_before": _rating(8), "tension_after": _rating(3)}])
    with translation.override("es"):  # a Spanish-reading therapist's summary: titles, descriptions and days
        spanish = {c.title: c for c in instruments.charts_for([*exposure, *thoughts, *tension])}
    assert set(spanish) == {
        "Exposición: Ride the bus one stop",  # the ladder step as the client wrote it
        "Registros de pensamientos: emoción antes y después de volver a puntuar",
        "Relajación: tensión antes y después",
    }
    bus = spanish["Exposición: Ride the bus one stop"]
    assert "El malestar máximo pasó de 80 en la primera a 60 en la última." in bus.alt
    assert bus.columns == ["", "Antes", "Máximo", "Después"] and "Peak" not in bus.svg
    charts = {c.title: c for c in instruments.charts_for([*exposure, *thoughts, *mastery, *ace, *tension])}
    assert set(charts) == {
        "Exposure: Ride the bus one stop",
        "Thought records: mood before and after re-rating",
        "Activities: ratings by day",
        "Relaxation: tension before and after",
    }
    assert (
        "Peak distress went from 80 at the first to 60 at the latest." in charts["Exposure: Ride the bus one stop"].alt
    )
    assert "averaged 80 before and 40 after" in charts["Thought records: mood before and after re-rating"].alt
    assert "on average 8.0 before, 3.0 after" in charts["Relaxation: tension before and after"].alt
    ratings = [c for c in instruments.charts_for([*mastery, *ace]) if c.title == "Activities: ratings by day"]
    assert len(ratings) == 2 and "Achievement (mastery)" in ratings[0].svg and "Closeness" in ratings[1].svg
