"""The portal's translations are complete and compiled: every .po entry translated and none fuzzy, and each committed
.mo holds exactly what its .po says (run `make messages` after changing a marked string, then translate)."""

from __future__ import annotations

import gettext
from pathlib import Path

import pytest
from django.conf import settings

from tests.po_files import po_entries

LOCALE = Path(settings.LOCALE_PATHS[0])
TRANSLATED = [code for code, _ in settings.LANGUAGES if code != "en"]


def _po(language: str) -> Path:
    return LOCALE / language / "LC_MESSAGES" / "django.po"


def test_every_language_but_english_has_a_catalog():
    assert sorted(TRANSLATED) == ["de", "es", "fr", "it"]
    assert all(_po(language).exists() for language in TRANSLATED)


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_entry_is_translated_and_none_is_fuzzy(language):
    header, *entries = po_entries(_po(language))
    assert header.msgid == "" and "fuzzy" not in header.flags and f"Language: {language}\n" in header.msgstr[0]
    assert len(entries) > 100
    untranslated = [e.msgid for e in entries if not e.msgstr or not all(e.msgstr.values())]
    fuzzy = [e.msgid for e in entries if "fuzzy" in e.flags]
    obsolete = [e.msgid for e in entries if e.obsolete]
    assert (untranslated, fuzzy, obsolete) == ([], [], [])


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_committed_mo_is_the_compiled_po(language):
    with (_po(language).with_suffix(".mo")).open("rb") as mo:
        compiled: dict = gettext.GNUTranslations(mo)._catalog  # type: ignore[attr-defined]  # the parsed catalog
    expected: dict = {}
    for entry in po_entries(_po(language)):
        key = entry.msgid if entry.msgctxt is None else f"{entry.msgctxt}\x04{entry.msgid}"
        if entry.msgid_plural:
            expected.update({(key, n): text for n, text in entry.msgstr.items()})
        else:
            expected[key] = entry.msgstr[0]
    # msgfmt leaves the header's POT-Creation-Date out; what the header decides (plural forms, charset) must agree.
    header, expected_header = compiled.pop(""), expected.pop("")
    assert _plural_forms(header) == _plural_forms(expected_header) and "charset=UTF-8" in header
    assert compiled == expected


def _plural_forms(header: str) -> str:
    return next(line for line in header.splitlines() if line.startswith("Plural-Forms:"))
