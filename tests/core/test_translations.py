"""The French catalogues ship complete, and the compiled .mo files match their .po sources.

A fresh CI machine may have no gettext (msgfmt), so the .mo files are committed; this test fails
when a .po was edited without recompiling (`python manage.py compilemessages`). The .po is read
with polib, the .mo with the standard library's gettext (what Django itself loads at run time).
"""

from __future__ import annotations

import gettext
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation

LOCALE = Path(settings.LOCALE_PATHS[0])
CATALOGUES = [LOCALE / "fr" / "LC_MESSAGES" / f"{domain}.po" for domain in ("django", "djangojs")]


@pytest.mark.parametrize("po_path", CATALOGUES, ids=lambda path: path.name)
def test_french_catalogue_is_complete_without_fuzzy_entries(po_path):
    catalogue = polib.pofile(str(po_path))
    assert len(catalogue) > 20
    untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert not untranslated, f"{po_path.name}: translate {untranslated[:10]}"
    assert not fuzzy, f"{po_path.name}: review the fuzzy entries {fuzzy[:10]}"
    assert not catalogue.metadata_is_fuzzy


@pytest.mark.parametrize("po_path", CATALOGUES, ids=lambda path: path.name)
def test_compiled_catalogue_matches_its_source(po_path):
    mo_path = po_path.with_suffix(".mo")
    assert mo_path.exists(), f"{mo_path.name} is missing: run `python manage.py compilemessages`"
    with mo_path.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = []
    for entry in polib.pofile(str(po_path)).translated_entries():
        if entry.msgid_plural:
            for n, text in ((1, entry.msgstr_plural[0]), (2, entry.msgstr_plural[1])):
                key = (entry.msgctxt + "\x04" if entry.msgctxt else "") + entry.msgid
                if compiled.ngettext(key, entry.msgid_plural, n) != text:
                    stale.append(entry.msgid)
        elif (compiled.pgettext(entry.msgctxt, entry.msgid) if entry.msgctxt else compiled.gettext(entry.msgid)) != (
            entry.msgstr
        ):
            stale.append(entry.msgid)
    assert not stale, (
        f"{mo_path.name} is older than {po_path.name}: run `python manage.py compilemessages` ({stale[:5]})"
    )


def test_django_serves_the_french_words():
    with translation.override("fr"):
        assert translation.gettext("Exceptions: none open.") == "Exceptions : aucune ouverte."
        assert translation.gettext("Acknowledge") == "Prendre en compte"
