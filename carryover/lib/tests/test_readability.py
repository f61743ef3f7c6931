"""Plain language (issue 17): what a client reads is at or below US school grade 8.

The measure is the Flesch–Kincaid grade level (textstat, with the CMU pronouncing dictionary for syllables). It is
unreliable on a few words, so:
- a text of at least `ALONE` words (a worksheet's summary, instructions, why it helps, a long help text; a
  paragraph of a client's page) is scored on its own;
- the short texts of one worksheet (step titles, questions, help, choices) are scored together, as one passage,
  and so are all the paragraphs of one client-facing template.

The one exception, with its reason (`VALIDATED`): the questionnaires' items, stems and answer scales are
published, validated wording and are never reworded. Only the English is checked; lane `content` reviews the Spanish.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest
import textstat

from carryover.accounts import crisis
from carryover.homework.builtin import BUILTIN_TEMPLATES
from carryover.measures.instruments import MEASURE_TEMPLATES

GRADE = 8.0
ALONE = 12  # words: shorter texts are scored with their neighbours
APPS = Path(__file__).resolve().parents[2]  # carryover/

VALIDATED = (
    "PHQ-9, GAD-7 and PCL-5 items, stems and answer scales: scored and compared with published norms only in their "
    "validated wording (docs/clinical-sources.md). Our own summary, instructions and rationale for each are checked."
)

# The templates a client (or a visitor, or a support person) reads: their own pages, the worksheet flow and every
# field, the crisis surfaces. Therapists' and admins' pages are not in the promise.
CLIENT_TEMPLATES = [
    "templates/base.html",
    "templates/error.html",
    "templates/_crisis_resources.html",
    "templates/_listen.html",
    "templates/accounts/help.html",
    "templates/accounts/profile.html",
    "templates/accounts/_display.html",
    "templates/accounts/_devices.html",
    "templates/accounts/invitation_*.html",
    "homework/templates/homework/flow.html",
    "homework/templates/homework/today.html",
    "homework/templates/homework/today/*.html",
    "homework/templates/homework/assignment_client.html",
    "homework/templates/homework/not_working.html",
    "homework/templates/homework/_ten.html",
    "homework/templates/homework/fields/*.html",
    "measures/templates/measures/crisis*.html",
    "measures/templates/measures/safety_plan.html",
    "measures/templates/measures/flow.html",
    "measures/templates/measures/mine.html",
    "measures/templates/measures/skip.html",
    "progress/templates/progress/*.html",
    "reminders/templates/reminders/settings.html",
    "reminders/templates/reminders/later.html",
    "reminders/templates/reminders/calendar.html",
    "records/templates/records/my_data.html",
    "support/templates/support/home.html",
    "support/templates/support/settings.html",
    "support/templates/support/link.html",
    "support/templates/support/_today.html",
    "together/templates/together/_today.html",
]

INLINE_TAGS = re.compile(r"</?(a|strong|em|b|i|span|abbr|code|time|small)\b[^>]*>")


def grade(text: str) -> float:
    """The Flesch–Kincaid grade to one decimal, as readability tools report it (8.03 is grade 8.0)."""
    return round(float(textstat.flesch_kincaid_grade(text)), 1)


def passage(texts: Iterable[str]) -> str:
    """Short texts as one passage, each a sentence of its own (a question without a full stop is still one)."""
    return " ".join(t if t[-1] in ".?!:…" else f"{t}." for t in (" ".join(t.split()) for t in texts) if t)


def worksheet_texts(template: dict, *, exempt_questions: str | None) -> Iterator[str]:
    """Every text a client reads in one worksheet, its questions aside when they are exempt (with the reason)."""
    yield template["summary"]
    yield template["instructions"]
    yield template["rationale"]
    if exempt_questions:
        return
    for step in template["schema"]["steps"]:
        yield step["title"]
        yield step.get("help", "")
        for field in [*step["fields"], *(sub for f in step["fields"] for sub in f.get("item_fields", []))]:
            yield field["label"]
            yield field.get("help", "")
            yield from (label for _, label in field.get("choices", []))
            yield from (field.get(end, "") for end in ("min_label", "max_label"))


def too_hard(texts: list[str]) -> list[str]:
    """The long texts above the grade, and the short ones together if their passage is."""
    long = [t for t in texts if len(t.split()) >= ALONE]
    failures = [f"{grade(t):.1f}: {t}" for t in long if grade(t) > GRADE]
    short = passage(t for t in texts if t and len(t.split()) < ALONE)
    if len(short.split()) >= ALONE and grade(short) > GRADE:
        failures.append(f"{grade(short):.1f} (the short texts together): {short}")
    return failures


LIBRARY = [(t, None) for t in BUILTIN_TEMPLATES] + [(t, VALIDATED) for t in MEASURE_TEMPLATES]


@pytest.mark.parametrize(("template", "exempt"), LIBRARY, ids=[t["key"] for t, _ in LIBRARY])
def test_every_worksheet_of_the_library_reads_at_grade_8_or_below(template, exempt):
    assert too_hard([t for t in worksheet_texts(template, exempt_questions=exempt) if t]) == []


def test_the_crisis_lines_read_at_grade_8_or_below():
    texts = [line["how"] for defaults in crisis.DEFAULTS.values() for line in defaults.lines]
    assert too_hard(texts) == []


def visible_text(source: str) -> list[str]:
    """A template's paragraphs as a person sees them: tags and comments out, a value shown as one short word
    ("it"), and a paragraph broken wherever a block tag or a template tag is (an {% if %} starts a new one)."""
    source = re.sub(r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}|{#.*?#}", "", source, flags=re.S)
    source = re.sub(r"<(script|style)\b.*?</\1>", "", source, flags=re.S)
    source = re.sub(r"{%\s*translate\s+([\"'])(.*?)\1.*?%}", r"\2", source)
    source = re.sub(r"{%.*?%}", "\n", source, flags=re.S)
    source = re.sub(r"{{.*?}}", "it", source, flags=re.S)
    source = re.sub(r"<[^>]*>", "\n", INLINE_TAGS.sub("", source), flags=re.S)
    paragraphs = (" ".join(chunk.split()) for chunk in source.split("\n"))
    return [p for p in paragraphs if re.search(r"[A-Za-z]{2}", p)]


def client_templates() -> list[Path]:
    found = {pattern: sorted(APPS.glob(pattern)) for pattern in CLIENT_TEMPLATES}
    moved = [pattern for pattern, paths in found.items() if not paths]
    assert not moved, f"listed in CLIENT_TEMPLATES but not found (moved?): {moved}"
    return [path for paths in found.values() for path in paths]


@pytest.mark.parametrize("path", client_templates(), ids=lambda p: str(p.relative_to(APPS)))
def test_every_client_page_reads_at_grade_8_or_below(path):
    assert too_hard(visible_text(path.read_text())) == []


def test_the_check_fails_a_text_written_for_specialists():
    """The measure itself: a sentence from a journal abstract fails, its plain rewrite passes."""
    hard = (
        "Cognitive restructuring interventions demonstrated statistically significant improvements in "
        "psychological functioning across heterogeneous populations."
    )
    plain = "Learning to question your thoughts helped many different people feel better."
    assert too_hard([hard]) and not too_hard([plain])
    assert visible_text("<p>Hello {{ name }}, <strong>welcome</strong>.</p>{% if x %}<p>Bye.</p>{% endif %}") == [
        "Hello it, welcome.",
        "Bye.",
    ]
