"""Published rounds of invitations as plain domain objects, and what kind of round each one was.

IRCC publishes every Express Entry round with its Ministerial Instructions: "the date and time of
the round, the number of invitations, the round type, the CRS score of the lowest-ranked candidate
invited and the tie-breaking date/time" (shared/spec/crs-and-programs.md §4.2, canada.ca round
#205 page). Round types are general (all programs), program-specific (PNP, CEC, FSW, FST) and,
since 2023, category-based (§4.2, §4.5). The round's name carries the category list's version:
"Version 1" = the 2023-24 lists, "Version 2" = the 2025 lists, "2026-Version N" = the 2026 lists
(shared/spec/categories-and-provinces.md §1.6); IRCC also rewrote older labels after the fact
("(2023-1)", "(2024-1)" became "(Version 1)", shared/data/SOURCES.md), so both spellings map to
the same category key and version.

Ontario's Express Entry draws (notifications of interest) are a fourth kind, ``provincial``.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from typing import Literal

RoundKind = Literal["general", "program", "category", "provincial", "unknown"]

# Fields a newer feed may correct; the importer compares exactly these (rounds.py is the one place
# that names them, so the database, the change log and the tests agree).
PUBLISHED_FIELDS: tuple[str, ...] = (
    "date",
    "name",
    "invitations",
    "cutoff",
    "tiebreak",
    "tiebreak_published",
    "draw_datetime",
    "programs",
    "pool_as_of",
    "bands",
)


@dataclass(frozen=True)
class ScoreBand:
    """Candidates in the pool with a CRS from ``low`` to ``high`` inclusive."""

    low: int
    high: int
    count: int


@dataclass(frozen=True)
class PoolDistribution:
    """The pool's CRS distribution IRCC published with a round ("as on" a date, maybe unknown)."""

    as_of: datetime.date | None
    bands: tuple[ScoreBand, ...]  # history.bands.FINE_BANDS: the 15 that do not overlap, highest first
    subtotals: tuple[ScoreBand, ...]  # history.bands.SUBTOTAL_BANDS (451-500, 401-450) as published
    total: int

    def as_dict(self) -> dict[str, object]:
        return {
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "total": self.total,
            "bands": [{"from": band.low, "to": band.high, "count": band.count} for band in self.bands],
            "subtotals": [
                {"from": band.low, "to": band.high, "count": band.count} for band in self.subtotals
            ],
        }


@dataclass(frozen=True)
class RoundType:
    """What a round's name says about how candidates were selected."""

    kind: RoundKind
    program: str | None = None  # fsw, cec, fst, pnp
    category: str | None = None  # ee_category_nocs.csv category_key, or french
    list_version: int | None = None  # N of "Version N" / "2026-Version N"
    list_version_label: str | None = None  # as written in the name
    province: str | None = None  # provincial draws: ON
    stream: str | None = None  # provincial draws: the eligibility stream key (on_hcp …)


@dataclass(frozen=True)
class PublishedRound:
    """One round of invitations as IRCC published it; ``number`` is IRCC's (``91a`` included)."""

    number: str
    date: datetime.date
    name: str
    invitations: int | None
    cutoff: int | None
    tiebreak: datetime.datetime | None
    tiebreak_published: str | None
    draw_datetime: datetime.datetime | None
    programs: str | None
    pool: PoolDistribution | None
    source: str = ""
    notes: tuple[str, ...] = field(default=())

    @property
    def type(self) -> RoundType:
        return round_type(self.name)

    @property
    def sort_key(self) -> tuple[int, str]:
        return draw_number_key(self.number)

    def published_values(self) -> dict[str, object]:
        """The fields a feed publishes, in comparable form (see PUBLISHED_FIELDS)."""
        pool = self.pool
        return {
            "date": self.date.isoformat(),
            "name": self.name,
            "invitations": self.invitations,
            "cutoff": self.cutoff,
            "tiebreak": _iso(self.tiebreak),
            "tiebreak_published": self.tiebreak_published,
            "draw_datetime": _iso(self.draw_datetime),
            "programs": self.programs,
            "pool_as_of": pool.as_of.isoformat() if pool and pool.as_of else None,
            "bands": [band.count for band in (*pool.bands, *pool.subtotals)] + [pool.total] if pool else None,
        }


def _iso(moment: datetime.datetime | None) -> str | None:
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


def draw_number_key(number: str) -> tuple[int, str]:
    """Sort key: ``91a`` comes after ``91`` and before ``92``."""
    match = re.fullmatch(r"(\d+)([a-z]*)", number.strip().lower())
    if match is None:
        raise ValueError(f"draw number {number!r} is not digits with an optional letter")
    return int(match.group(1)), match.group(2)


# Category names, matched on words of the round's name (case-insensitive). The keys are the
# category_key values of ee_category_nocs.csv plus "french" (interfaces.md §3).
_CATEGORY_WORDS: tuple[tuple[str, str], ...] = (
    (r"\bfrench\b", "french"),
    (r"\bhealthcare\b", "healthcare"),
    (r"\bstem\b", "stem"),
    (r"\btrades?\b", "trades"),
    (r"\btransport\b", "transport"),
    (r"\bagricultur", "agriculture"),
    (r"\beducation\b", "education"),
    (r"\bphysicians?\b", "physicians"),
    (r"\bsenior managers?\b", "senior_managers"),
    (r"\bresearchers?\b", "researchers"),
    (r"\bmilitary\b", "skilled_military"),
)
_PROGRAM_NAMES: dict[str, str] = {
    "provincial nominee program": "pnp",
    "canadian experience class": "cec",
    "federal skilled trades": "fst",
    "federal skilled trades program": "fst",
    "federal skilled worker": "fsw",
    "federal skilled worker program": "fsw",
}
_GENERAL_NAMES = frozenset({"no program specified", "general"})
# "(Version 1)", "2026-Version 3", and the older "(2023-1)" spelling IRCC later rewrote.
_VERSION = re.compile(
    r"(?:(?P<year>\d{4})-)?version\s*(?P<number>\d+)|\((?P<old_year>\d{4})-(?P<old_number>\d+)\)"
)


def round_type(name: str) -> RoundType:
    """The kind, program or category and list version named by IRCC's ``drawName``."""
    text = " ".join(name.split()).lower()
    if text in _GENERAL_NAMES:
        return RoundType("general")
    if text in _PROGRAM_NAMES:
        return RoundType("program", program=_PROGRAM_NAMES[text])
    for pattern, key in _CATEGORY_WORDS:
        if re.search(pattern, text):
            version = _VERSION.search(text)
            number: int | None = None
            label: str | None = None
            if version is not None:
                number = int(version.group("number") or version.group("old_number"))
                label = name[version.start() : version.end()].strip("()")
            return RoundType("category", category=key, list_version=number, list_version_label=label)
    return RoundType("unknown")


def round_as_dict(published: PublishedRound) -> dict[str, object]:
    """A round as JSON (interfaces.md §6, ``history show N --json``)."""
    described = published.type
    number: int | str = int(published.number) if published.number.isdigit() else published.number
    return {
        "number": number,
        "date": published.date.isoformat(),
        "name": published.name,
        "kind": described.kind,
        "program": described.program,
        "category": described.category,
        "list_version": described.list_version,
        "list_version_label": described.list_version_label,
        "invitations": published.invitations,
        "cutoff": published.cutoff,
        "tiebreak": _iso(published.tiebreak),
        "tiebreak_published": published.tiebreak_published,
        "draw_datetime": _iso(published.draw_datetime),
        "programs": published.programs,
        "pool": published.pool.as_dict() if published.pool else None,
        "source": published.source,
        "notes": list(published.notes),
    }
