"""Ontario's Express Entry draws (notifications of interest), as published, and what each targeted.

Ontario searched the federal pool and sent a notification of interest (NOI) to the profiles that
matched a draw: the stream's requirements, interest in Ontario or all provinces, a profile created
inside the draw's window, the primary NOC on the draw's list (targeted draws), and a CRS inside the
range Ontario published, which is the range of the candidates it notified
(shared/spec/categories-and-provinces.md §3.1, §3.5). The streams ran until 2026-06-25 (§3.8).

The draws come from ``data/oinp_draws.csv`` (57 rows transcribed from ontario.ca copies, aggregators
and news pages; data/SOURCES.md). Ontario gives its draws no number, so each gets an id made of the
province, date, stream and the first word of the draw's label: ``on-2024-03-07-hcp-health``.
The occupation lists of targeted draws, where a source gives them, are in
``data/oinp_draw_targets.csv`` (one row per draw id, with its source and whether it is inferred).
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources

from openentry.history.feed import FeedError, parse_count
from openentry.history.rounds import RoundType

BUNDLED_DRAWS_CSV = "oinp_draws.csv"
BUNDLED_TARGETS_CSV = "oinp_draw_targets.csv"
PROVINCE = "ON"


@dataclass(frozen=True)
class Stream:
    """An Ontario Express Entry stream: its code in oinp_draws.csv, id slug, eligibility key, name
    and short name."""

    code: str
    slug: str
    key: str
    name: str
    short: str


STREAMS: dict[str, Stream] = {
    stream.code: stream
    for stream in (
        Stream("HCP", "hcp", "on_hcp", "Human Capital Priorities", "HCP"),
        Stream("FSSW", "fssw", "on_fssw", "French-Speaking Skilled Worker", "FSSW"),
        Stream("SKILLED_TRADES", "skilled-trades", "on_skilled_trades", "Skilled Trades", "Skilled Trades"),
    )
}
STREAMS_BY_KEY: dict[str, Stream] = {stream.key: stream for stream in STREAMS.values()}

# Fields a corrected oinp_draws.csv may change; an import compares exactly these.
PROVINCIAL_FIELDS: tuple[str, ...] = (
    "date",
    "stream",
    "label",
    "invitations",
    "crs_min",
    "crs_max",
    "profiles_from",
    "profiles_to",
    "target_noc_count",
    "source",
    "source_kind",
    "notes",
)
_NOC_PREFIX = re.compile(r"\d{1,5}")
_DRAW_ID = re.compile(r"[a-z]{2}-\d{4}-\d{2}-\d{2}-[a-z-]+")


@dataclass(frozen=True)
class DrawTargets:
    """What a draw was limited to beyond its stream: NOC 2021 code prefixes on the primary NOC, and a
    federal program (the 2020-05-13 tech draw notified CEC candidates only)."""

    federal_program: str | None
    include: tuple[str, ...]
    exclude: tuple[str, ...]
    inferred: bool
    source: str
    notes: str

    def matches(self, noc: str | None) -> bool:
        """Whether a primary NOC is on the list (an empty ``include`` means no occupation list)."""
        if noc is None:
            return False
        included = any(noc.startswith(prefix) for prefix in self.include)
        return included and not any(noc.startswith(prefix) for prefix in self.exclude)

    def describe(self) -> str:
        included = ", ".join(self.include)
        text = (
            f"NOC 2021 codes starting {included}" if any(len(code) < 5 for code in self.include) else included
        )
        if self.exclude:
            text += f", except {', '.join(self.exclude)}"
        return text

    def as_dict(self) -> dict[str, object]:
        return {
            "federal_program": self.federal_program,
            "nocs": list(self.include),
            "except": list(self.exclude),
            "inferred": self.inferred,
            "source": self.source,
            "notes": self.notes,
        }


@dataclass(frozen=True)
class ProvincialDraw:
    """One Ontario Express Entry draw as published; ``number`` is its id (``on-2024-03-07-hcp-health``)."""

    number: str
    date: datetime.date
    stream: str  # code: HCP, FSSW, SKILLED_TRADES
    label: str
    invitations: int | None
    crs_min: int | None
    crs_max: int | None
    profiles_from: datetime.date | None
    profiles_to: datetime.date | None
    target_noc_count: int | None
    source: str
    source_kind: str
    notes: tuple[str, ...] = field(default=())
    targets: DrawTargets | None = None

    @property
    def province(self) -> str:
        return PROVINCE

    @property
    def stream_info(self) -> Stream:
        return STREAMS[self.stream]

    @property
    def name(self) -> str:
        label = f": {self.label}" if self.label else ""
        return f"Ontario {self.stream_info.name}{label}"

    @property
    def cutoff(self) -> int | None:
        """The lowest CRS notified (what a reader compares with a federal cut-off)."""
        return self.crs_min

    @property
    def type(self) -> RoundType:
        return RoundType("provincial", province=PROVINCE, stream=self.stream_info.key)

    @property
    def sort_key(self) -> tuple[int, str]:
        return self.date.toordinal(), self.number

    @property
    def targeted(self) -> bool | None:
        """True for a targeted draw, False for a general one, None when the source does not say."""
        if not self.label:
            return None
        return self.label.split()[0].strip(",").lower() != "general"

    def published_values(self) -> dict[str, object]:
        return {
            "date": self.date.isoformat(),
            "stream": self.stream,
            "label": self.label,
            "invitations": self.invitations,
            "crs_min": self.crs_min,
            "crs_max": self.crs_max,
            "profiles_from": self.profiles_from.isoformat() if self.profiles_from else None,
            "profiles_to": self.profiles_to.isoformat() if self.profiles_to else None,
            "target_noc_count": self.target_noc_count,
            "source": self.source,
            "source_kind": self.source_kind,
            "notes": "; ".join(self.notes),
        }


def draw_id(day: datetime.date, stream: str, label: str) -> str:
    """``on-YYYY-MM-DD-<stream>[-<first word of the label>]``."""
    words = re.findall(r"[a-z]+", label.lower())
    suffix = f"-{words[0]}" if words else ""
    return f"{PROVINCE.lower()}-{day.isoformat()}-{STREAMS[stream].slug}{suffix}"


def _optional_date(text: str, column: str) -> datetime.date | None:
    if not text.strip():
        return None
    try:
        return datetime.date.fromisoformat(text.strip())
    except ValueError:
        raise FeedError(f"{column} {text!r} is not a date YYYY-MM-DD") from None


def _column(row: Mapping[str, str | None], name: str) -> str:
    value = row.get(name)
    if value is None:
        raise FeedError(f"column {name!r} is missing")
    return value.strip()


def draw_from_csv_row(row: Mapping[str, str | None], targets: Mapping[str, DrawTargets]) -> ProvincialDraw:
    """One row of ``oinp_draws.csv``; FeedError names the row's date and stream and the field."""
    where = f"{row.get('date') or '?'} {row.get('stream') or '?'}"
    try:
        stream = _column(row, "stream")
        if stream not in STREAMS:
            raise FeedError(f"stream {stream!r} is not one of {', '.join(STREAMS)}")
        day = _optional_date(_column(row, "date"), "date")
        if day is None:
            raise FeedError("date is empty")
        label = " ".join(_column(row, "draw_label").split())
        crs_min = parse_count(_column(row, "crs_min"))
        crs_max = parse_count(_column(row, "crs_max"))
        if crs_min is not None and crs_max is not None and crs_min > crs_max:
            raise FeedError(f"crs_min {crs_min} is above crs_max {crs_max}")
        start = _optional_date(_column(row, "profiles_from"), "profiles_from")
        end = _optional_date(_column(row, "profiles_to"), "profiles_to")
        if start is not None and end is not None and start > end:
            raise FeedError(f"profiles_from {start} is after profiles_to {end}")
        number = draw_id(day, stream, label)
        notes = _column(row, "notes")
        return ProvincialDraw(
            number=number,
            date=day,
            stream=stream,
            label=label,
            invitations=parse_count(_column(row, "nois")),
            crs_min=crs_min,
            crs_max=crs_max,
            profiles_from=start,
            profiles_to=end,
            target_noc_count=parse_count(_column(row, "target_nocs")),
            source=_column(row, "source"),
            source_kind=_column(row, "source_kind"),
            notes=tuple(note.strip() for note in notes.split(";") if note.strip()),
            targets=targets.get(number),
        )
    except FeedError as error:
        raise FeedError(f"Ontario draw {where}: {error}") from None


def draws_from_csv_rows(
    rows: Iterable[Mapping[str, str | None]], targets: Mapping[str, DrawTargets] | None = None
) -> list[ProvincialDraw]:
    """Every draw of an ``oinp_draws.csv``, oldest first; two rows with one id are an error."""
    known_targets = bundled_targets() if targets is None else targets
    draws = [draw_from_csv_row(row, known_targets) for row in rows]
    seen: dict[str, ProvincialDraw] = {}
    for draw in draws:
        if draw.number in seen:
            raise FeedError(
                f"Ontario draws: two rows give the id {draw.number} (same date, stream and first word "
                "of the label); make the labels differ"
            )
        seen[draw.number] = draw
    return sorted(draws, key=lambda draw: draw.sort_key)


def is_draws_csv(columns: Iterable[str]) -> bool:
    """Whether a CSV header is that of ``oinp_draws.csv`` (rather than ``ee_rounds.csv``)."""
    names = set(columns)
    return {"stream", "draw_label", "nois", "crs_min"} <= names


def targets_from_csv_rows(rows: Iterable[Mapping[str, str | None]]) -> dict[str, DrawTargets]:
    targets: dict[str, DrawTargets] = {}
    for row in rows:
        number = _column(row, "draw")
        if not _DRAW_ID.fullmatch(number) or number in targets:
            raise FeedError(f"{BUNDLED_TARGETS_CSV}: draw {number!r} is not a draw id or is listed twice")
        include = tuple(_column(row, "include_nocs").split())
        exclude = tuple(_column(row, "exclude_nocs").split())
        if not all(_NOC_PREFIX.fullmatch(code) for code in (*include, *exclude)):
            raise FeedError(f"{BUNDLED_TARGETS_CSV}: draw {number}: NOC codes must be 1 to 5 digits")
        program = _column(row, "federal_program") or None
        targets[number] = DrawTargets(
            federal_program=program,
            include=include,
            exclude=exclude,
            inferred=_column(row, "inferred") == "yes",
            source=_column(row, "source"),
            notes=_column(row, "notes"),
        )
    return targets


def _bundled_text(name: str) -> str:
    return resources.files("openentry.data").joinpath(name).read_text(encoding="utf-8")


def bundled_targets() -> dict[str, DrawTargets]:
    """The occupation lists (and program limits) of the draws whose lists a source gives."""
    return targets_from_csv_rows(csv.DictReader(io.StringIO(_bundled_text(BUNDLED_TARGETS_CSV))))


def bundled_draws() -> list[ProvincialDraw]:
    """The 57 Ontario draws shipped in ``openentry/data/oinp_draws.csv``."""
    return draws_from_csv_rows(csv.DictReader(io.StringIO(_bundled_text(BUNDLED_DRAWS_CSV))))


def _iso(day: datetime.date | None) -> str | None:
    return day.isoformat() if day else None


def draw_as_dict(draw: ProvincialDraw) -> dict[str, object]:
    """A draw as JSON (``history show on-… --json``): the fields of a federal round where they
    apply (kind, invitations = NOIs, cut-off = lowest CRS notified) and the draw's own."""
    return {
        "number": draw.number,
        "date": draw.date.isoformat(),
        "name": draw.name,
        "kind": "provincial",
        "province": draw.province,
        "stream": draw.stream_info.key,
        "label": draw.label,
        "targeted": draw.targeted,
        "invitations": draw.invitations,
        "invitation_kind": "noi",
        "cutoff": draw.crs_min,
        "crs_min": draw.crs_min,
        "crs_max": draw.crs_max,
        "profiles_from": _iso(draw.profiles_from),
        "profiles_to": _iso(draw.profiles_to),
        "target_noc_count": draw.target_noc_count,
        "targets": draw.targets.as_dict() if draw.targets else None,
        "source": draw.source,
        "source_kind": draw.source_kind,
        "notes": list(draw.notes),
    }
