"""The set of published rounds known to the engine, and how a newer feed updates it.

IRCC revises its feed after the fact: category names are rewritten ("(2023-1)" became
"(Version 1)") and at least one tie-break time was corrected (#262; shared/data/SOURCES.md).
Ontario's draws (history/provincial.py) are merged the same way, keyed by their ids.
So importing a feed adds the rounds it has that are not known yet, replaces the published
fields that differ, records each change (round, field, old value, new value), and never removes
a round the feed no longer lists. Importing the same feed twice changes nothing.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

from openentry.cli.errors import UsageError
from openentry.history.provincial import PROVINCIAL_FIELDS, ProvincialDraw, draw_as_dict
from openentry.history.rounds import (
    PUBLISHED_FIELDS,
    PublishedRound,
    RoundKind,
    draw_number_key,
    round_as_dict,
)


@dataclass(frozen=True)
class FieldChange:
    """One published field of one round that an import changed."""

    number: str
    field: str
    old: object
    new: object

    def as_dict(self) -> dict[str, object]:
        return {"round": self.number, "field": self.field, "old": self.old, "new": self.new}


@dataclass(frozen=True)
class ImportReport:
    """What importing a feed did: rounds added, fields changed, rounds unchanged."""

    source: str
    added: tuple[str, ...]
    changes: tuple[FieldChange, ...]
    unchanged: int
    absent: tuple[str, ...]  # known rounds the feed does not list (kept)

    @property
    def changed_rounds(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(change.number for change in self.changes))

    @property
    def is_empty(self) -> bool:
        return not self.added and not self.changes

    def as_dict(self) -> dict[str, object]:
        return {
            "source": self.source,
            "added": list(self.added),
            "changed": list(self.changed_rounds),
            "unchanged": self.unchanged,
            "absent_from_feed": list(self.absent),
            "changes": [change.as_dict() for change in self.changes],
        }


class Record(Protocol):
    """What an import compares: a published round or an Ontario draw."""

    @property
    def number(self) -> str: ...

    @property
    def date(self) -> datetime.date: ...

    def published_values(self) -> dict[str, object]: ...


RecordType = TypeVar("RecordType", bound=Record)


def compare_records(old: Record, new: Record, fields: Sequence[str] = PUBLISHED_FIELDS) -> list[FieldChange]:
    """Published fields whose values differ, in the order of ``fields``."""
    before, after = old.published_values(), new.published_values()
    return [
        FieldChange(new.number, name, before[name], after[name])
        for name in fields
        if before[name] != after[name]
    ]


def merge_records(
    known: Sequence[RecordType],
    incoming: Iterable[RecordType],
    source: str,
    fields: Sequence[str],
    order: Callable[[str], tuple[int, str]],
) -> tuple[list[RecordType], ImportReport]:
    """The known records updated by ``incoming`` (keyed by ``number``), and the report of what changed."""
    by_number = {record.number: record for record in known}
    added: list[str] = []
    changes: list[FieldChange] = []
    unchanged = 0
    seen: set[str] = set()
    for record in incoming:
        seen.add(record.number)
        previous = by_number.get(record.number)
        if previous is None:
            added.append(record.number)
            by_number[record.number] = record
            continue
        differences = compare_records(previous, record, fields)
        if differences:
            changes.extend(differences)
            by_number[record.number] = record
        else:
            unchanged += 1
    absent = tuple(sorted((number for number in by_number if number not in seen), key=order))
    merged = sorted(by_number.values(), key=lambda record: order(record.number))
    report = ImportReport(source, tuple(sorted(added, key=order)), tuple(changes), unchanged, absent)
    return merged, report


def merge_rounds(
    known: Sequence[PublishedRound], incoming: Iterable[PublishedRound], source: str
) -> tuple[list[PublishedRound], ImportReport]:
    """The known rounds updated by ``incoming``, and the report of what changed."""
    return merge_records(known, incoming, source, PUBLISHED_FIELDS, draw_number_key)


def _draw_order(number: str) -> tuple[int, str]:
    # Draw ids start with the province and the ISO date, so text order is date order.
    return 0, number


def merge_draws(
    known: Sequence[ProvincialDraw], incoming: Iterable[ProvincialDraw], source: str
) -> tuple[list[ProvincialDraw], ImportReport]:
    """The known Ontario draws updated by ``incoming``, and the report of what changed."""
    return merge_records(known, incoming, source, PROVINCIAL_FIELDS, _draw_order)


AnyRound = PublishedRound | ProvincialDraw


class RoundCatalogue:
    """IRCC's published rounds by number, oldest first, and Ontario's draws by id."""

    def __init__(self, rounds: Iterable[PublishedRound], draws: Iterable[ProvincialDraw] = ()) -> None:
        self._rounds = sorted(rounds, key=lambda published: published.sort_key)
        self._by_number = {published.number: published for published in self._rounds}
        self._draws = sorted(draws, key=lambda draw: draw.sort_key)
        self._draws_by_id = {draw.number: draw for draw in self._draws}

    def __len__(self) -> int:
        return len(self._rounds)

    def __iter__(self) -> Iterator[PublishedRound]:
        return iter(self._rounds)

    @property
    def rounds(self) -> list[PublishedRound]:
        """IRCC's rounds (federal), oldest first."""
        return list(self._rounds)

    @property
    def draws(self) -> list[ProvincialDraw]:
        """Ontario's Express Entry draws, oldest first."""
        return list(self._draws)

    def get(self, number: str | int) -> PublishedRound | None:
        return self._by_number.get(str(number).strip().lower())

    def get_draw(self, number: str) -> ProvincialDraw | None:
        return self._draws_by_id.get(number.strip().lower())

    def draws_starting(self, prefix: str) -> list[ProvincialDraw]:
        """Draws whose id starts with ``prefix`` (``on-2024-03-07`` finds that day's draws)."""
        wanted = prefix.strip().lower()
        return [draw for draw in self._draws if draw.number.startswith(wanted)]

    def select(
        self,
        *,
        kind: RoundKind | None = None,
        program: str | None = None,
        category: str | None = None,
        stream: str | None = None,
        since: datetime.date | None = None,
        until: datetime.date | None = None,
    ) -> list[AnyRound]:
        """Rounds and draws matching every filter given, by date (federal first on a shared day).

        ``stream`` (an eligibility stream key such as ``on_hcp``) selects provincial draws only;
        ``program`` and ``category`` select federal rounds only.
        """
        chosen: list[AnyRound] = []
        candidates: list[AnyRound] = [*self._rounds, *self._draws]
        for published in candidates:
            described = published.type
            if kind is not None and described.kind != kind:
                continue
            if program is not None and described.program != program:
                continue
            if category is not None and described.category != category:
                continue
            if stream is not None and described.stream != stream:
                continue
            if since is not None and published.date < since:
                continue
            if until is not None and published.date > until:
                continue
            chosen.append(published)
        return sorted(chosen, key=lambda item: (item.date, isinstance(item, ProvincialDraw)))

    def latest_pool_on(self, day: datetime.date) -> PublishedRound | None:
        """The last round on or before ``day`` that published a score distribution."""
        best: PublishedRound | None = None
        for published in self._rounds:
            if published.pool is not None and published.date <= day:
                best = published
        return best


class UnknownRound(UsageError, LookupError):
    """No published round nor Ontario draw answers to the number asked for (one line: a command
    exits 2 with it, the service answers 404)."""


def find_published(catalogue: RoundCatalogue, number: str) -> AnyRound:
    """IRCC's round ``number``, or the Ontario draw with that id (or the one id starting so).

    UnknownRound naming the known rounds, or the draws a prefix matches, otherwise."""
    published = catalogue.get(number)
    if published is not None:
        return published
    draw = catalogue.get_draw(number)
    if draw is not None:
        return draw
    matches = catalogue.draws_starting(number) if number.strip().lower().startswith("on-") else []
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise UnknownRound(
            f"{number!r} names {len(matches)} Ontario draws: {', '.join(draw.number for draw in matches)}"
        )
    first, last = catalogue.rounds[0].number, catalogue.rounds[-1].number
    raise UnknownRound(
        f"round {number!r} is neither a published round (known: #{first} to #{last}) nor an Ontario draw "
        "id (on-YYYY-MM-DD-stream-…, see history list --kind provincial)"
    )


def published_as_dict(published: AnyRound) -> dict[str, object]:
    """A round or a draw as ``history show --json`` prints it (interfaces.md §6)."""
    return draw_as_dict(published) if isinstance(published, ProvincialDraw) else round_as_dict(published)
