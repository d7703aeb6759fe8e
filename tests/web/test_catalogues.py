"""The French catalogue is complete: every text the pages show (extracted from the web package's
code and templates as ``python -m openentry.web.catalogue`` does) has a French entry, not empty,
not fuzzy, with the same placeholders; and the pages read it as shipped (the .po)."""

from __future__ import annotations

import re

from openentry.web.catalogue import extracted, read_catalogue
from openentry.web.i18n import FRENCH, catalogue_path, gettext, ngettext
from openentry.web.messages import WORDINGS, WORDS

PLACEHOLDER = re.compile(r"%\((\w+)\)s|%%")
# Values a French sentence may leave out: pydantic's English detail of a bad date, and a bound
# the French sentence states in words ("au plus tôt l'ouverture d'Entrée express, le %(day)s").
LEFT_OUT = {"detail", "bound"}


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


def test_every_text_of_the_pages_has_a_french_entry() -> None:
    french = read_catalogue(catalogue_path(FRENCH.code), FRENCH.locale)
    texts = [message for message in extracted() if message.id]
    assert len(texts) > 500
    problems = []
    for message in texts:
        entry = french.get(message.id)
        if entry is None:
            problems.append(f"missing: {message.id!r}")
            continue
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        if not all(strings):
            problems.append(f"empty: {message.id!r}")
        if entry.fuzzy:
            problems.append(f"fuzzy: {message.id!r}")
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        for string in strings:
            english = placeholders(ids[-1])
            kept = [name for name in english if name not in LEFT_OUT]
            if string and placeholders(string) not in (english, kept):
                problems.append(f"placeholders differ: {message.id!r} -> {string!r}")
    assert problems == []


def test_the_catalogue_holds_no_text_the_pages_no_longer_show() -> None:
    french = read_catalogue(catalogue_path(FRENCH.code), FRENCH.locale)
    shown = {message.id for message in extracted() if message.id}
    assert {message.id for message in french if message.id} - shown == set()


def test_the_pages_read_the_shipped_catalogue() -> None:
    assert gettext("fr", "Calculator") == "Calculateur"
    assert ngettext("fr", "%(num)s day left", "%(num)s days left", 1) % {"num": 1} == "1 jour restant"
    assert ngettext("fr", "%(num)s day left", "%(num)s days left", 12) % {"num": 12} == "12 jours restants"
    assert gettext("en", "Calculator") == "Calculator"
    # Every word of the engine has its own French (CEC is CEC in both languages).
    assert [word for word in WORDS.values() if gettext("fr", word) == word] == ["CEC"]
    assert all(gettext("fr", wording) != wording for wording in WORDINGS)
