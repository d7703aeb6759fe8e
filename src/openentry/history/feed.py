"""Reading IRCC's rounds feed (``ee_rounds_123_en.json``) and the bundled rounds CSV.

The feed is https://www.canada.ca/content/dam/ircc/documents/json/ee_rounds_123_en.json: an
object ``{"classes": …, "rounds": [...]}`` whose rounds carry text fields only. Its quirks, all
listed in shared/data/SOURCES.md and handled here:

- draw numbers such as ``91a`` and ``91b`` (two rounds on one day);
- numbers with thousands separators (``"3,000"``);
- tie-break and draw times in many spellings (``"July 3rd 2026 at 21:35:13 UTC"``,
  ``"March 02. 2024 at 01:58:34 UTC"``, ``"May 31, 2024 at12:48:30 UTC"``,
  ``"June 19, 2023 06:41:05 UTC"``, a missing ``UTC``, a stray ``AM``/``PM`` after a 24-hour
  clock, a date repeated in ISO form); one value has no year (#208) and is left unparsed;
- zeros meaning "not published" (the score distribution of rounds before 2022, an empty
  ``drawCutOff`` before #77);
- subtotal bands: ``dd3`` and ``dd9`` are the sums of ``dd4``-``dd8`` and ``dd10``-``dd14``;
- category names rewritten after the fact (handled by :func:`openentry.history.rounds.round_type`).

Every time is returned timezone-aware in UTC: IRCC publishes them in UTC.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from openentry.history.bands import FINE_BANDS, SCORE_BANDS, SUBTOTAL_BANDS
from openentry.history.rounds import PoolDistribution, PublishedRound, ScoreBand

BUNDLED_ROUNDS_CSV = "ee_rounds.csv"
BUNDLED_FEED = "raw/ee_rounds_123_en.2026-08-07.json"

_MONTHS = {
    name: number
    for number, name in enumerate(
        (
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ),
        start=1,
    )
}
_PUBLISHED_MOMENT = re.compile(
    r"^(?P<month>[a-z]+)\.?\s*(?P<day>\d{1,2})(?:st|nd|rd|th)?[\s,.]*(?P<year>\d{4})?[\s,.]*"
    r"(?:at)?\s*(?:\d{4}-\d{2}-\d{2}\s+)?"
    r"(?P<hour>\d{1,2}):(?P<minute>\d{2}):(?P<second>\d{2})\s*(?P<half>am|pm)?\s*(?:utc)?$"
)


class FeedError(ValueError):
    """The feed (or CSV) is not in the expected shape; the message names the round and field."""


@dataclass(frozen=True)
class ParsedMoment:
    """A published date-time read as UTC, and what had to be assumed to read it."""

    moment: datetime.datetime | None
    caveats: tuple[str, ...]


def parse_published_moment(text: str | None) -> ParsedMoment:
    """Read one of IRCC's date-time spellings as an aware UTC datetime (None when blank or unreadable).

    A 24-hour clock followed by ``AM``/``PM`` keeps its 24-hour reading (``15:48:39 AM`` is
    15:48:39); a 12-hour clock takes the marker into account. No ``UTC`` is read as UTC.
    """
    if text is None or not text.strip():
        return ParsedMoment(None, ())
    normalised = " ".join(text.strip().lower().split())
    match = _PUBLISHED_MOMENT.match(normalised)
    if match is None or match.group("month") not in _MONTHS:
        return ParsedMoment(None, (f"unparseable published text {text!r}",))
    if match.group("year") is None:
        return ParsedMoment(None, (f"no year in published text {text!r}",))
    caveats: list[str] = []
    hour = int(match.group("hour"))
    half = match.group("half")
    if half is not None:
        if hour > 12:
            caveats.append("AM/PM marker dropped, clock read as 24h")
        elif hour == 0:
            caveats.append("AM/PM marker after hour 0 dropped")
        elif half == "pm" and hour < 12:
            hour += 12
        elif half == "am" and hour == 12:
            hour = 0
    if "utc" not in normalised:
        caveats.append("no 'UTC' in published text, read as UTC")
    moment = datetime.datetime(
        int(match.group("year")),
        _MONTHS[match.group("month")],
        int(match.group("day")),
        hour,
        int(match.group("minute")),
        int(match.group("second")),
        tzinfo=datetime.UTC,
    )
    return ParsedMoment(moment, tuple(caveats))


def parse_count(text: str | None) -> int | None:
    """``"3,000"`` -> 3000; blank -> None."""
    if text is None or not text.strip():
        return None
    cleaned = text.strip().replace(",", "").replace(" ", "")
    if not cleaned.isdigit():
        raise FeedError(f"{text!r} is not a whole number")
    return int(cleaned)


def parse_long_date(text: str | None) -> datetime.date | None:
    """``"August 3, 2026"`` -> 2026-08-03; blank -> None."""
    if text is None or not text.strip():
        return None
    match = re.fullmatch(r"([A-Za-z]+)\.?\s*(\d{1,2})(?:st|nd|rd|th)?[\s,.]*(\d{4})", " ".join(text.split()))
    if match is None or match.group(1).lower() not in _MONTHS:
        raise FeedError(f"{text!r} is not a date like 'August 3, 2026'")
    return datetime.date(int(match.group(3)), _MONTHS[match.group(1).lower()], int(match.group(2)))


def distribution_from_counts(
    as_of: datetime.date | None, counts: Mapping[tuple[int, int], int | None]
) -> PoolDistribution | None:
    """Bands by (low, high) plus the total under (0, 1200): None when unpublished (blank or all zero)."""
    values = [counts.get((band.low, band.high)) for band in SCORE_BANDS]
    total = counts.get((0, 1200))
    if total is None or total == 0 or any(value is None for value in values):
        return None
    fine, subtotals = (
        tuple(ScoreBand(band.low, band.high, int(counts[(band.low, band.high)] or 0)) for band in bands)
        for bands in (FINE_BANDS, SUBTOTAL_BANDS)
    )
    return PoolDistribution(as_of=as_of, bands=fine, subtotals=subtotals, total=total)


def round_from_feed(entry: Mapping[str, object]) -> PublishedRound:
    """One feed entry as a PublishedRound; raises FeedError naming the round and the field."""
    number = str(entry.get("drawNumber", "")).strip()
    try:
        return _round_from_feed(number, entry)
    except (FeedError, ValueError) as error:
        raise FeedError(f"round {number or '?'}: {error}") from None


def _text(entry: Mapping[str, object], key: str) -> str:
    value = entry.get(key)
    if value is None:
        return ""
    if not isinstance(value, str | int):
        raise FeedError(f"{key} is not text")
    return str(value).strip()


def _round_from_feed(number: str, entry: Mapping[str, object]) -> PublishedRound:
    if not re.fullmatch(r"\d+[a-z]?", number):
        raise FeedError(f"drawNumber {number!r} is not digits with an optional letter")
    notes: list[str] = []
    tiebreak_text = " ".join(_text(entry, "drawCutOff").split()) or None
    tiebreak = parse_published_moment(tiebreak_text)
    notes.extend(f"tiebreak: {caveat}" for caveat in tiebreak.caveats)
    draw_time = parse_published_moment(_text(entry, "drawDateTime") or None)
    notes.extend(f"draw_datetime: {caveat}" for caveat in draw_time.caveats)
    counts: dict[tuple[int, int], int | None] = {
        # dd1 to dd17 are the published bands in IRCC's order (history/bands.py), dd18 the total.
        (band.low, band.high): parse_count(_text(entry, f"dd{index}"))
        for index, band in enumerate(SCORE_BANDS, start=1)
    }
    counts[(0, 1200)] = parse_count(_text(entry, "dd18"))
    pool = distribution_from_counts(parse_long_date(_text(entry, "drawDistributionAsOn")), counts)
    cutoff = parse_count(_text(entry, "drawCRS"))
    invitations = parse_count(_text(entry, "drawSize"))
    return PublishedRound(
        number=number,
        date=datetime.date.fromisoformat(_text(entry, "drawDate")),
        name=" ".join(_text(entry, "drawName").split()),
        invitations=invitations or None,
        cutoff=cutoff or None,
        tiebreak=tiebreak.moment,
        tiebreak_published=tiebreak_text,
        draw_datetime=draw_time.moment,
        programs=_text(entry, "drawText2") or None,
        pool=pool,
        source="ircc_feed",
        notes=tuple(notes),
    )


def rounds_from_feed_document(document: object) -> list[PublishedRound]:
    """Every round of a decoded feed, oldest first."""
    if not isinstance(document, dict) or not isinstance(document.get("rounds"), list):
        raise FeedError('the feed is not an object with a "rounds" list')
    rounds = []
    for entry in document["rounds"]:
        if not isinstance(entry, dict):
            raise FeedError("a round of the feed is not an object")
        rounds.append(round_from_feed(entry))
    numbers = [published.number for published in rounds]
    duplicated = sorted({number for number in numbers if numbers.count(number) > 1})
    if duplicated:
        raise FeedError(f"the feed lists round(s) {', '.join(duplicated)} more than once")
    return sorted(rounds, key=lambda published: published.sort_key)


def read_feed(path: str | Path) -> list[PublishedRound]:
    """Read a feed file saved from canada.ca; FeedError when it is not valid JSON of that shape."""
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8-sig"))
    except json.JSONDecodeError as error:
        raise FeedError(f"not valid JSON ({error.msg}, line {error.lineno})") from None
    return rounds_from_feed_document(document)


def bundled_feed() -> list[PublishedRound]:
    """IRCC's feed as saved on 2026-08-07, shipped with the package."""
    with resources.as_file(resources.files("openentry.data").joinpath(BUNDLED_FEED)) as path:
        return read_feed(path)


def _csv_moment(value: str) -> datetime.datetime | None:
    return (
        datetime.datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(datetime.UTC)
        if value
        else None
    )


def round_from_csv_row(row: Mapping[str, str]) -> PublishedRound:
    """One row of the bundled ``ee_rounds.csv`` (columns documented in data/SOURCES.md)."""
    number = row["draw_number"].strip()
    try:
        counts: dict[tuple[int, int], int | None] = {
            (band.low, band.high): parse_count(row[band.column]) for band in SCORE_BANDS
        }
        counts[(0, 1200)] = parse_count(row["pool_total"])
        as_of = datetime.date.fromisoformat(row["pool_as_of"]) if row["pool_as_of"] else None
        return PublishedRound(
            number=number,
            date=datetime.date.fromisoformat(row["date"]),
            name=" ".join(row["round_type"].split()),
            invitations=parse_count(row["invitations"]),
            cutoff=parse_count(row["crs_cutoff"]),
            tiebreak=_csv_moment(row["tiebreak_datetime"]),
            tiebreak_published=row["tiebreak_published"] or None,
            draw_datetime=_csv_moment(row["draw_datetime"]),
            programs=row["programs"] or None,
            pool=distribution_from_counts(as_of, counts),
            source=row["source"],
            notes=tuple(note.strip() for note in row["notes"].split(";") if note.strip()),
        )
    except (KeyError, ValueError) as error:
        raise FeedError(f"ee_rounds.csv round {number or '?'}: {error}") from None


def rounds_from_csv_rows(rows: Iterable[Mapping[str, str]]) -> list[PublishedRound]:
    return sorted((round_from_csv_row(row) for row in rows), key=lambda published: published.sort_key)


def bundled_rounds() -> list[PublishedRound]:
    """The 438 rounds shipped in ``openentry/data/ee_rounds.csv`` (#1 to #437, 91a and 91b)."""
    text = resources.files("openentry.data").joinpath(BUNDLED_ROUNDS_CSV).read_text(encoding="utf-8")
    return rounds_from_csv_rows(csv.DictReader(io.StringIO(text)))
