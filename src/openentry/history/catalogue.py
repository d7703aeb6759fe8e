"""The set of published rounds known to the engine, and how a newer feed updates it.

IRCC revises its feed after the fact: category names are rewritten ("(2023-1)" became
"(Version 1)") and at least one tie-break time was corrected (#262; shared/data/SOURCES.md).
So importing a feed adds the rounds it has that are not known yet, replaces the published
fields that differ, records each change (round, field, old value, new value), and never removes
a round the feed no longer lists. Importing the same feed twice changes nothing.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from openentry.history.rounds import PUBLISHED_FIELDS, PublishedRound, RoundKind, draw_number_key


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


def compare_rounds(old: PublishedRound, new: PublishedRound) -> list[FieldChange]:
    """Published fields whose values differ, in PUBLISHED_FIELDS order."""
    before, after = old.published_values(), new.published_values()
    return [
        FieldChange(new.number, name, before[name], after[name])
        for name in PUBLISHED_FIELDS
        if before[name] != after[name]
    ]


def merge_rounds(
    known: Sequence[PublishedRound], incoming: Iterable[PublishedRound], source: str
) -> tuple[list[PublishedRound], ImportReport]:
    """The known rounds updated by ``incoming``, and the report of what changed."""
    by_number = {published.number: published for published in known}
    added: list[str] = []
    changes: list[FieldChange] = []
    unchanged = 0
    seen: set[str] = set()
    for published in incoming:
        seen.add(published.number)
        previous = by_number.get(published.number)
        if previous is None:
            added.append(published.number)
            by_number[published.number] = published
            continue
        differences = compare_rounds(previous, published)
        if differences:
            changes.extend(differences)
            by_number[published.number] = published
        else:
            unchanged += 1
    absent = tuple(sorted((number for number in by_number if number not in seen), key=draw_number_key))
    merged = sorted(by_number.values(), key=lambda published: published.sort_key)
    report = ImportReport(
        source, tuple(sorted(added, key=draw_number_key)), tuple(changes), unchanged, absent
    )
    return merged, report


class RoundCatalogue:
    """Published rounds by number, oldest first."""

    def __init__(self, rounds: Iterable[PublishedRound]) -> None:
        self._rounds = sorted(rounds, key=lambda published: published.sort_key)
        self._by_number = {published.number: published for published in self._rounds}

    def __len__(self) -> int:
        return len(self._rounds)

    def __iter__(self) -> Iterator[PublishedRound]:
        return iter(self._rounds)

    @property
    def rounds(self) -> list[PublishedRound]:
        return list(self._rounds)

    def get(self, number: str | int) -> PublishedRound | None:
        return self._by_number.get(str(number).strip().lower())

    def select(
        self,
        *,
        kind: RoundKind | None = None,
        program: str | None = None,
        category: str | None = None,
        since: datetime.date | None = None,
        until: datetime.date | None = None,
    ) -> list[PublishedRound]:
        """Rounds matching every filter given."""
        chosen = []
        for published in self._rounds:
            described = published.type
            if kind is not None and described.kind != kind:
                continue
            if program is not None and described.program != program:
                continue
            if category is not None and described.category != category:
                continue
            if since is not None and published.date < since:
                continue
            if until is not None and published.date > until:
                continue
            chosen.append(published)
        return chosen

    def latest_pool_on(self, day: datetime.date) -> PublishedRound | None:
        """The last round on or before ``day`` that published a score distribution."""
        best: PublishedRound | None = None
        for published in self._rounds:
            if published.pool is not None and published.date <= day:
                best = published
        return best
