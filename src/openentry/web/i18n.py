"""The pages' two languages: gettext catalogues (Babel) and numbers and dates written per locale.

English is the language of the source (the msgids); French comes from
``locales/fr/LC_MESSAGES/messages.po``. The catalogue is read as it is shipped, a ``.po`` file,
and compiled to the binary ``.mo`` form in memory the first time a French page is rendered
(Babel's ``read_po`` and ``write_mo``): nothing is compiled at build time, so the same files work
from a wheel and from an editable install, and a ``.mo`` can never be older than its ``.po``.
A fuzzy or empty entry is left out by ``write_mo`` (the English text then shows); the tests
refuse a catalogue with one (tests/web/test_catalogues.py).

Numbers, percentages and dates are written with Babel's data for ``en_CA`` and ``fr_CA``
(``12,345`` / ``12 345``; ``Jan 5, 2026`` / ``5 janv. 2026``).
"""

from __future__ import annotations

import datetime
import functools
import io
from dataclasses import dataclass
from pathlib import Path

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent
from babel.support import NullTranslations, Translations

LOCALES_DIRECTORY = Path(__file__).parent / "locales"
CATALOGUE_DOMAIN = "messages"


@dataclass(frozen=True)
class Language:
    """One language of the pages: its code (``<html lang>``), Babel locale and URL prefix."""

    code: str
    locale: str
    prefix: str
    name: str  # the language's name in itself, for the link that switches to it


ENGLISH = Language(code="en", locale="en_CA", prefix="", name="English")
FRENCH = Language(code="fr", locale="fr_CA", prefix="/fr", name="Français")
LANGUAGES: tuple[Language, ...] = (ENGLISH, FRENCH)
LANGUAGES_BY_CODE = {language.code: language for language in LANGUAGES}


def catalogue_path(code: str) -> Path:
    """The ``.po`` file of a language (English has none: its texts are the msgids)."""
    return LOCALES_DIRECTORY / code / "LC_MESSAGES" / f"{CATALOGUE_DOMAIN}.po"


@functools.cache
def translations(code: str) -> NullTranslations:
    """The language's translations, its ``.po`` compiled in memory when first asked for."""
    if code == ENGLISH.code:
        return NullTranslations()
    with catalogue_path(code).open("rb") as handle:
        catalogue = read_po(handle, locale=LANGUAGES_BY_CODE[code].locale, domain=CATALOGUE_DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalogue)
    compiled.seek(0)
    return Translations(compiled, domain=CATALOGUE_DOMAIN)


def gettext(code: str, message: str) -> str:
    """``message`` in the language ``code``."""
    return translations(code).gettext(message)


def ngettext(code: str, singular: str, plural: str, count: int) -> str:
    return translations(code).ngettext(singular, plural, count)


def N_(message: str) -> str:
    """Marks ``message`` for the catalogue; it is translated where it is shown."""
    return message


@functools.cache
def babel_locale(code: str) -> Locale:
    return Locale.parse(LANGUAGES_BY_CODE[code].locale)


def number(value: float | int | None, code: str, digits: int | None = None) -> str:
    """A number as the language writes it (``12,345.5`` / ``12 345,5``); an em dash for none."""
    if value is None:
        return "—"
    pattern = None if digits is None else "#,##0." + "0" * digits if digits else "#,##0"
    return format_decimal(value, format=pattern, locale=LANGUAGES_BY_CODE[code].locale)


def percent(value: float | None, code: str) -> str:
    """A share as a percentage (``24%`` / ``24 %``)."""
    if value is None:
        return "—"
    return format_percent(value, locale=LANGUAGES_BY_CODE[code].locale)


def day(value: datetime.date | str | None, code: str, style: str = "medium") -> str:
    """A date as the language writes it (``Jan 5, 2026`` / ``5 janv. 2026``); ISO text is read."""
    if value is None or value == "":
        return "—"
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value[:10])
        except ValueError:
            return str(value)
    return str(format_date(value, format=style, locale=LANGUAGES_BY_CODE[code].locale))


def moment(value: datetime.datetime | str | None, code: str) -> str:
    """A date-time in UTC as the language writes it, marked UTC."""
    if value is None or value == "":
        return "—"
    if isinstance(value, str):
        try:
            value = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return str(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.UTC)
    text = format_datetime(
        value.astimezone(datetime.UTC),
        format="medium",
        tzinfo=datetime.UTC,
        locale=LANGUAGES_BY_CODE[code].locale,
    )
    return f"{text} UTC"


def chart_locale(code: str) -> dict[str, object]:
    """The number and time conventions of the language for the charts (d3's ``formatLocale`` and
    ``timeFormatLocale`` objects, which vega-embed takes), built from Babel's data so that charts
    and pages write numbers and dates alike."""
    locale = babel_locale(code)
    symbols = locale.number_symbols.get("latn", locale.number_symbols)
    months = locale.months["format"]
    days = locale.days["format"]
    # d3 lists days from Sunday; Babel numbers them from Monday (0) to Sunday (6).
    week = [6, 0, 1, 2, 3, 4, 5]
    return {
        "number": {
            "decimal": symbols["decimal"],
            "thousands": symbols["group"],
            "grouping": [3],
            "currency": ["$", ""] if code == ENGLISH.code else ["", "\u00a0$"],
            "percent": "%" if code == ENGLISH.code else "\u00a0%",
        },
        "time": {
            "dateTime": "%a %b %e %X %Y" if code == ENGLISH.code else "%A %e %B %Y à %X",
            "date": "%Y-%m-%d",
            "time": "%H:%M:%S",
            "periods": ["AM", "PM"] if code == ENGLISH.code else ["", ""],
            "days": [str(days["wide"][index]) for index in week],
            "shortDays": [str(days["abbreviated"][index]) for index in week],
            "months": [str(months["wide"][index]) for index in range(1, 13)],
            "shortMonths": [str(months["abbreviated"][index]) for index in range(1, 13)],
        },
    }
