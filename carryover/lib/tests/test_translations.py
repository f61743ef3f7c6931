"""The shipped catalogues: every marked string translated, nothing fuzzy, placeholders kept, and the compiled .mo
that Django reads built from the .po beside it (`make compilemessages`), so a fresh clone needs no gettext."""

from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings

CATALOGUES = sorted(Path(settings.LOCALE_PATHS[0]).glob("*/LC_MESSAGES/django.po"))
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def entries(po: polib.POFile):
    return [entry for entry in po if not entry.obsolete]


def test_spanish_is_shipped():
    assert [path.parts[-3] for path in CATALOGUES] == ["es"]


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda path: path.parts[-3])
def test_every_string_is_translated_and_none_is_fuzzy(path):
    po = polib.pofile(str(path))
    assert not po.metadata_is_fuzzy, f"{path}: the header is marked fuzzy"
    fuzzy = [entry.msgid for entry in po.fuzzy_entries()]
    missing = [entry.msgid for entry in po.untranslated_entries()]
    assert not fuzzy, f"{path}: fuzzy translations (check them, then remove the flag): {fuzzy[:10]}"
    assert not missing, f"{path}: untranslated strings (run `make messages`, translate them): {missing[:10]}"


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda path: path.parts[-3])
def test_translations_keep_the_placeholders_of_the_english(path):
    for entry in entries(polib.pofile(str(path))):
        wanted = set(PLACEHOLDER.findall(entry.msgid + (entry.msgid_plural or "")))
        for text in [entry.msgstr] if not entry.msgid_plural else list(entry.msgstr_plural.values()):
            assert set(PLACEHOLDER.findall(text)) == wanted, f"{entry.msgid!r} → {text!r}"


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda path: path.parts[-3])
def test_the_compiled_catalogue_is_built_from_the_po_beside_it(path):
    po = {(e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural.get(0) for e in entries(polib.pofile(str(path)))}
    mo_path = path.with_suffix(".mo")
    assert mo_path.exists(), f"{mo_path} is missing: run `make compilemessages` and commit it"
    mo = {(e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural.get(0) for e in polib.mofile(str(mo_path)) if e.msgid}
    assert mo == po, f"{mo_path} is older than its .po: run `make compilemessages` and commit it"
