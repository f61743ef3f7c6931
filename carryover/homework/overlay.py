"""Built-in worksheets and questionnaires in the reader's language, at display time.

A translation is an *overlay*: for one built-in (by its key) and one language, the translated text of every
client-facing string of the definition, named by its path (`instructions`, `step2.help`, `situation.label`,
`thoughts.belief.max_label`, `status.choice.done`, `thoughts.mark_one`). Only text is replaced: keys, field types,
choice values, risk rules and the schema's shape never change, so answers, drafts, charts and scores are the same
whatever language a client read the worksheet in.

Rules, each held by `homework/tests/test_overlay.py`:
- An overlay is complete: exactly the paths of its built-in's current definition, no missing, no extra
  (`check_overlay`, run over every registered overlay by the tests; a missing text would show in English).
- A text is translated only where the version shown still has the English the overlay was written for. An older
  version whose wording differs keeps its English there, rather than showing a translation of other words; a
  practice's own worksheets and a therapist's own instructions are never translated.
- The language is the one active when the page is drawn (`translation.get_language()`), or the `language` given
  where text is made outside a request. A language with no overlay shows the English.

The library's Spanish is `homework/builtin_es.py`; the measures register theirs from their app (`measures/apps.py`),
since homework may not import measures.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from django.utils import translation

if TYPE_CHECKING:
    from .models import TemplateVersion

TOP_TEXTS = ("name", "summary", "instructions", "rationale")
FIELD_TEXTS = ("label", "help", "min_label", "max_label", "unit")

# language → built-in key → (the English paths the overlay was written for, the translated paths)
_OVERLAYS: dict[str, dict[str, tuple[dict[str, str], dict[str, str]]]] = {}


class OverlayError(Exception):
    """An overlay that does not fit its built-in: a missing or extra text."""


def _slots(definition: Mapping[str, Any]) -> Iterator[tuple[str, Any, Any]]:
    """(path, container, index) of every client-facing text of a definition or a version's texts."""
    for key in TOP_TEXTS:
        if definition.get(key):
            yield key, definition, key
    for number, step in enumerate(definition.get("schema", {}).get("steps", [])):
        for key in ("title", "help"):
            if step.get(key):
                yield f"step{number}.{key}", step, key
        for field in step.get("fields", []):
            yield from _field_slots(field, field["key"])


def _field_slots(field: Mapping[str, Any], prefix: str) -> Iterator[tuple[str, Any, Any]]:
    for key in FIELD_TEXTS:
        if field.get(key):
            yield f"{prefix}.{key}", field, key
    for choice in field.get("choices") or []:
        yield f"{prefix}.choice.{choice[0]}", choice, 1
    if field.get("mark_one"):
        yield f"{prefix}.mark_one", field["mark_one"], "label"
    for sub in field.get("item_fields") or []:
        yield from _field_slots(sub, f"{prefix}.{sub['key']}")


def text_paths(definition: Mapping[str, Any]) -> dict[str, str]:
    """Every client-facing text of a built-in definition, by path."""
    return {path: container[index] for path, container, index in _slots(definition)}


def check_overlay(definition: Mapping[str, Any], overlay: Mapping[str, str]) -> None:
    english = text_paths(definition)
    missing, extra = sorted(set(english) - set(overlay)), sorted(set(overlay) - set(english))
    empty = sorted(path for path, text in overlay.items() if not str(text).strip())
    if missing or extra or empty:
        raise OverlayError(f"{definition['key']}: missing {missing}, extra {extra}, empty {empty}")


def register(language: str, definition: Mapping[str, Any], overlay: Mapping[str, str]) -> None:
    """Offer `overlay` as the `language` text of this built-in. A text it lacks is shown in English: starting the
    app never fails on a translation; the completeness test does (`check_overlay`)."""
    _OVERLAYS.setdefault(language, {})[definition["key"]] = (text_paths(definition), dict(overlay))


def registered(language: str) -> dict[str, dict[str, str]]:
    return {key: overlay for key, (_, overlay) in _OVERLAYS.get(language, {}).items()}


def reader_language(language: str | None = None) -> str:
    """The base language of `language`, or of the one active now ("es-mx" → "es")."""
    return (language or translation.get_language() or "en").split("-")[0].lower()


def _overlay_for(version: TemplateVersion, language: str | None) -> tuple[dict[str, str], dict[str, str]] | None:
    overlays = _OVERLAYS.get(reader_language(language))
    if not overlays:  # English, or a language with no overlay: no query, nothing to do
        return None
    key = _builtin_key(version)
    return overlays.get(key) if key else None


def _builtin_key(version: TemplateVersion) -> str:
    """The built-in's key, or "" for a practice's own worksheet, which stays as written."""
    template = version.template
    return "" if template.practice_id is not None else template.key or ""


def untranslated(version: TemplateVersion, language: str | None = None) -> str | None:
    """ "en" when the reader's language is not English and this built-in has no text in it (the PCL-5 in Spanish):
    the page marks its words lang="en", so a screen reader and the Listen voice read them as English. None otherwise
    (English readers, translated built-ins, a practice's own worksheet, whose language is the writer's)."""
    if reader_language(language) == "en":
        return None
    key = _builtin_key(version)
    return "en" if key and key not in _OVERLAYS.get(reader_language(language), {}) else None


def _same(a: str, b: str) -> bool:
    return " ".join(str(a).split()) == " ".join(str(b).split())


def _apply(texts: dict[str, Any], found: tuple[dict[str, str], dict[str, str]]) -> dict[str, Any]:
    english, overlay = found
    for path, container, index in _slots(texts):
        if path in overlay and _same(container[index], english.get(path, "")):
            container[index] = overlay[path]
    return texts


def localized(version: TemplateVersion, language: str | None = None) -> dict[str, Any]:
    """The version's name, summary, instructions, rationale and schema in the reader's language (a copy)."""
    texts = {key: getattr(version, key) for key in TOP_TEXTS}
    texts["schema"] = version.schema
    found = _overlay_for(version, language)
    if found is None:
        return texts
    return _apply(copy.deepcopy(texts), found)


def localized_schema(version: TemplateVersion, language: str | None = None) -> dict[str, Any]:
    return localized(version, language)["schema"]


def translated_text(version: TemplateVersion, key: str, text: str, language: str | None = None) -> str:
    """`text`, which stands in for the version's `key` (an assignment's copy of the worksheet's instructions), in
    the reader's language if it is still the built-in's own words; otherwise as written."""
    found = _overlay_for(version, language)
    if found is None or not _same(text, getattr(version, key)):
        return text
    english, overlay = found
    return overlay[key] if key in overlay and _same(text, english.get(key, "")) else text
