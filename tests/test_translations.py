"""The Vietnamese catalogue is complete: every entry translated, none fuzzy, and every placeholder
of the English string kept in the Vietnamese one (a lost %(name)s drops a value; a misspelt one
is a KeyError, a 500, on the page). Whether the catalogue holds every string of the source is
`scripts/translate.py --check`, run by `make lint`."""

from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest

CATALOGUE = Path(__file__).resolve().parent.parent / "locale" / "vi" / "LC_MESSAGES" / "django.po"
_PERCENT = re.compile(r"%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[sdifr%]")
_BRACES = re.compile(r"\{[^{}]*\}")


@pytest.fixture(scope="module")
def catalogue() -> polib.POFile:
    return polib.pofile(str(CATALOGUE), wrapwidth=0)


def _label(entry: polib.POEntry) -> str:
    return f"{entry.msgctxt}|{entry.msgid}" if entry.msgctxt else entry.msgid


def _placeholders(entry: polib.POEntry, text: str) -> list[str]:
    if "python-format" in entry.flags:
        return sorted(p for p in _PERCENT.findall(text) if p != "%%")
    if "python-brace-format" in entry.flags:
        return sorted(_BRACES.findall(text))
    return []


def _translations(entry: polib.POEntry) -> list[str]:
    return list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]


def test_the_catalogue_declares_utf8_and_vietnamese_plural_forms(catalogue):
    assert catalogue.metadata["Language"] == "vi"
    assert "charset=UTF-8" in catalogue.metadata["Content-Type"]
    assert catalogue.metadata["Plural-Forms"].replace(" ", "") == "nplurals=1;plural=0;"


def test_every_entry_is_translated(catalogue):
    untranslated = [_label(e) for e in catalogue if not e.obsolete and not e.translated()]

    assert len(catalogue) > 0
    assert untranslated == [], f"{len(untranslated)} untranslated; run scripts/translate.py: {untranslated}"


def test_no_entry_is_fuzzy(catalogue):
    # Django ignores fuzzy entries at runtime: the page would show English.
    fuzzy = [_label(e) for e in catalogue if not e.obsolete and "fuzzy" in e.flags]

    assert fuzzy == [], f"{len(fuzzy)} fuzzy; run scripts/translate.py: {fuzzy}"


def test_every_translation_keeps_the_placeholders_of_its_source(catalogue):
    broken = []
    for entry in catalogue:
        if entry.obsolete or not entry.translated():
            continue
        expected = _placeholders(entry, entry.msgid_plural or entry.msgid)
        for translation in _translations(entry):
            if _placeholders(entry, translation) != expected:
                broken.append(f"{_label(entry)!r} -> {translation!r}")

    assert broken == []
