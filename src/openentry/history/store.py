"""Published rounds in the database: loaded from the bundled CSV on first use, updated by imports.

Every import (the bundled ``ee_rounds.csv`` the first time, then any IRCC feed file) is one
transaction that writes an ``history_imports`` row, the rounds it added or corrected, and one
``history_changes`` row per published field it changed (shared/data/SOURCES.md: IRCC revises
its feed after the fact, so what changed is kept).
"""

from __future__ import annotations

import datetime

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from openentry.db import session_scope
from openentry.db.history_models import HistoryChangeRow, HistoryImportRow, PublishedRoundRow
from openentry.history.catalogue import ImportReport, RoundCatalogue, merge_rounds
from openentry.history.feed import BUNDLED_ROUNDS_CSV, bundled_rounds
from openentry.history.rounds import (
    FINE_BAND_LIMITS,
    SUBTOTAL_BAND_LIMITS,
    PoolDistribution,
    PublishedRound,
    ScoreBand,
)

BUNDLED_SOURCE = f"bundled {BUNDLED_ROUNDS_CSV}"


def _bands_to_row(published: PublishedRound) -> list[int] | None:
    pool = published.pool
    if pool is None:
        return None
    return [band.count for band in (*pool.bands, *pool.subtotals)] + [pool.total]


def _pool_from_row(row: PublishedRoundRow) -> PoolDistribution | None:
    counts = row.bands
    if not counts:
        return None
    fine_count = len(FINE_BAND_LIMITS)
    fine = tuple(ScoreBand(low, high, counts[index]) for index, (low, high) in enumerate(FINE_BAND_LIMITS))
    subtotals = tuple(
        ScoreBand(low, high, counts[fine_count + index])
        for index, (low, high) in enumerate(SUBTOTAL_BAND_LIMITS)
    )
    return PoolDistribution(as_of=row.pool_as_of, bands=fine, subtotals=subtotals, total=counts[-1])


def round_from_row(row: PublishedRoundRow) -> PublishedRound:
    return PublishedRound(
        number=row.number,
        date=row.date,
        name=row.name,
        invitations=row.invitations,
        cutoff=row.cutoff,
        tiebreak=row.tiebreak,
        tiebreak_published=row.tiebreak_published,
        draw_datetime=row.draw_datetime,
        programs=row.programs,
        pool=_pool_from_row(row),
        source=row.source,
        notes=tuple(note for note in row.notes.split("\n") if note),
    )


def _write_round(row: PublishedRoundRow, published: PublishedRound, import_id: int) -> None:
    described = published.type
    row.date = published.date
    row.name = published.name
    row.kind = described.kind
    row.program = described.program
    row.category = described.category
    row.list_version = described.list_version
    row.invitations = published.invitations
    row.cutoff = published.cutoff
    row.tiebreak = published.tiebreak
    row.tiebreak_published = published.tiebreak_published
    row.draw_datetime = published.draw_datetime
    row.programs = published.programs
    row.pool_as_of = published.pool.as_of if published.pool else None
    row.bands = _bands_to_row(published)
    row.source = published.source
    row.notes = "\n".join(published.notes)
    row.import_id = import_id


def _known_rounds(session: Session) -> list[PublishedRound]:
    return [round_from_row(row) for row in session.scalars(select(PublishedRoundRow))]


def import_rounds(engine: Engine, incoming: list[PublishedRound], source: str) -> ImportReport:
    """Add and correct rounds from ``incoming`` in one transaction; the report says what changed."""
    with session_scope(engine) as session:
        return _import(session, incoming, source)


def _import(session: Session, incoming: list[PublishedRound], source: str) -> ImportReport:
    known = _known_rounds(session)
    merged, report = merge_rounds(known, incoming, source)
    if report.is_empty:
        return report
    record = HistoryImportRow(
        imported_at=datetime.datetime.now(datetime.UTC),
        source=source[:1000],
        added=len(report.added),
        changed=len(report.changed_rounds),
        unchanged=report.unchanged,
    )
    session.add(record)
    session.flush()
    touched = set(report.added) | set(report.changed_rounds)
    existing = {row.number: row for row in session.scalars(select(PublishedRoundRow))}
    for published in merged:
        if published.number not in touched:
            continue
        row = existing.get(published.number) or PublishedRoundRow(number=published.number)
        _write_round(row, published, record.id)
        session.add(row)
    for change in report.changes:
        session.add(
            HistoryChangeRow(
                import_id=record.id,
                round_number=change.number,
                field=change.field,
                old_value=change.old,
                new_value=change.new,
            )
        )
    return report


def ensure_loaded(engine: Engine) -> None:
    """First use: load the bundled rounds when the table is empty."""
    with session_scope(engine) as session:
        count = session.scalar(select(func.count()).select_from(PublishedRoundRow))
        if not count:
            _import(session, bundled_rounds(), BUNDLED_SOURCE)


def load_catalogue(engine: Engine) -> RoundCatalogue:
    """Every stored round (loading the bundled ones first if the database has none)."""
    ensure_loaded(engine)
    with session_scope(engine) as session:
        return RoundCatalogue(_known_rounds(session))


def import_history(engine: Engine) -> list[dict[str, object]]:
    """Every import, oldest first, with its changes."""
    with session_scope(engine) as session:
        imports = session.scalars(select(HistoryImportRow).order_by(HistoryImportRow.id)).all()
        changes = session.scalars(select(HistoryChangeRow).order_by(HistoryChangeRow.id)).all()
        return [
            {
                "id": record.id,
                "imported_at": record.imported_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "source": record.source,
                "added": record.added,
                "changed": record.changed,
                "unchanged": record.unchanged,
                "changes": [
                    {
                        "round": change.round_number,
                        "field": change.field,
                        "old": change.old_value,
                        "new": change.new_value,
                    }
                    for change in changes
                    if change.import_id == record.id
                ],
            }
            for record in imports
        ]
