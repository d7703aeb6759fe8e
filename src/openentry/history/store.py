"""Published rounds and Ontario draws in the database: loaded from the bundled CSVs on first use,
updated by imports.

Every import (the bundled ``ee_rounds.csv`` and ``oinp_draws.csv`` the first time, then any IRCC
feed file or newer Ontario draws CSV) is one transaction that writes an ``history_imports`` row,
the rounds or draws it added or corrected, and one ``history_changes`` row per published field it
changed (shared/data/SOURCES.md: IRCC revises its feed after the fact, so what changed is kept).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping, Sequence
from typing import TypeVar

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from openentry.db import session_scope
from openentry.db.history_models import (
    HistoryChangeRow,
    HistoryImportRow,
    ProvincialDrawRow,
    PublishedRoundRow,
)
from openentry.history.bands import FINE_BANDS, SUBTOTAL_BANDS
from openentry.history.catalogue import ImportReport, RecordType, RoundCatalogue, merge_draws, merge_rounds
from openentry.history.feed import BUNDLED_ROUNDS_CSV, bundled_rounds
from openentry.history.provincial import (
    BUNDLED_DRAWS_CSV,
    DrawTargets,
    ProvincialDraw,
    bundled_draws,
    bundled_targets,
)
from openentry.history.rounds import PoolDistribution, PublishedRound, ScoreBand

RowType = TypeVar("RowType", PublishedRoundRow, ProvincialDrawRow)
BUNDLED_SOURCE = f"bundled {BUNDLED_ROUNDS_CSV}"
BUNDLED_DRAWS_SOURCE = f"bundled {BUNDLED_DRAWS_CSV}"


def _bands_to_row(published: PublishedRound) -> list[int] | None:
    pool = published.pool
    if pool is None:
        return None
    return [band.count for band in (*pool.bands, *pool.subtotals)] + [pool.total]


def _pool_from_row(row: PublishedRoundRow) -> PoolDistribution | None:
    counts = row.bands
    if not counts:
        return None
    # Stored as the fine bands, then the subtotals, then the total (_bands_to_row).
    limits = (*FINE_BANDS, *SUBTOTAL_BANDS)
    stored = [ScoreBand(band.low, band.high, count) for band, count in zip(limits, counts[:-1], strict=True)]
    fine, subtotals = tuple(stored[: len(FINE_BANDS)]), tuple(stored[len(FINE_BANDS) :])
    return PoolDistribution(as_of=row.pool_as_of, bands=fine, subtotals=subtotals, total=counts[-1])


def _notes_text(notes: tuple[str, ...]) -> str:
    """Notes are stored one a line in a text column."""
    return "\n".join(notes)


def _notes_from_text(text: str) -> tuple[str, ...]:
    return tuple(note for note in text.split("\n") if note)


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
        notes=_notes_from_text(row.notes),
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
    row.notes = _notes_text(published.notes)
    row.import_id = import_id


def _known_rounds(session: Session) -> list[PublishedRound]:
    return [round_from_row(row) for row in session.scalars(select(PublishedRoundRow))]


def import_rounds(engine: Engine, incoming: list[PublishedRound], source: str) -> ImportReport:
    """Add and correct rounds from ``incoming`` in one transaction; the report says what changed."""
    with session_scope(engine) as session:
        return _import(session, incoming, source)


def _record_import(session: Session, report: ImportReport, source: str) -> int:
    """The ``history_imports`` row and one ``history_changes`` row per changed field; its id."""
    record = HistoryImportRow(
        imported_at=datetime.datetime.now(datetime.UTC),
        source=source[:1000],
        added=len(report.added),
        changed=len(report.changed_rounds),
        unchanged=report.unchanged,
    )
    session.add(record)
    session.flush()
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
    return record.id


def _write_records(
    session: Session,
    merged: Sequence[RecordType],
    report: ImportReport,
    source: str,
    row_type: type[RowType],
    write: Callable[[RowType, RecordType, int], None],
) -> ImportReport:
    """Store what an import added or corrected, with its import record and field changes."""
    if report.is_empty:
        return report
    import_id = _record_import(session, report, source)
    touched = set(report.added) | set(report.changed_rounds)
    existing = {row.number: row for row in session.scalars(select(row_type))}
    for record in merged:
        if record.number in touched:
            row = existing.get(record.number) or row_type(number=record.number)
            write(row, record, import_id)
            session.add(row)
    return report


def _import(session: Session, incoming: list[PublishedRound], source: str) -> ImportReport:
    merged, report = merge_rounds(_known_rounds(session), incoming, source)
    return _write_records(session, merged, report, source, PublishedRoundRow, _write_round)


def _draw_from_row(row: ProvincialDrawRow, targets: Mapping[str, DrawTargets]) -> ProvincialDraw:
    return ProvincialDraw(
        number=row.number,
        date=row.date,
        stream=row.stream,
        label=row.label,
        invitations=row.invitations,
        crs_min=row.crs_min,
        crs_max=row.crs_max,
        profiles_from=row.profiles_from,
        profiles_to=row.profiles_to,
        target_noc_count=row.target_noc_count,
        source=row.source,
        source_kind=row.source_kind,
        notes=_notes_from_text(row.notes),
        # What a draw targeted is the package's own research (data/oinp_draw_targets.csv), not a
        # published field: it is read from the package, so a newer package corrects it everywhere.
        targets=targets.get(row.number),
    )


def _write_draw(row: ProvincialDrawRow, draw: ProvincialDraw, import_id: int) -> None:
    row.date = draw.date
    row.province = draw.province
    row.stream = draw.stream
    row.label = draw.label
    row.invitations = draw.invitations
    row.crs_min = draw.crs_min
    row.crs_max = draw.crs_max
    row.profiles_from = draw.profiles_from
    row.profiles_to = draw.profiles_to
    row.target_noc_count = draw.target_noc_count
    row.source = draw.source
    row.source_kind = draw.source_kind
    row.notes = _notes_text(draw.notes)
    row.import_id = import_id


def _known_draws(session: Session) -> list[ProvincialDraw]:
    targets = bundled_targets()
    return [_draw_from_row(row, targets) for row in session.scalars(select(ProvincialDrawRow))]


def _import_draws(session: Session, incoming: list[ProvincialDraw], source: str) -> ImportReport:
    merged, report = merge_draws(_known_draws(session), incoming, source)
    return _write_records(session, merged, report, source, ProvincialDrawRow, _write_draw)


def import_draws(engine: Engine, incoming: list[ProvincialDraw], source: str) -> ImportReport:
    """Add and correct Ontario draws from ``incoming`` in one transaction."""
    with session_scope(engine) as session:
        return _import_draws(session, incoming, source)


def ensure_loaded(engine: Engine) -> None:
    """First use: load the bundled rounds, and the bundled Ontario draws, into empty tables."""
    with session_scope(engine) as session:
        if not session.scalar(select(func.count()).select_from(PublishedRoundRow)):
            _import(session, bundled_rounds(), BUNDLED_SOURCE)
        if not session.scalar(select(func.count()).select_from(ProvincialDrawRow)):
            _import_draws(session, bundled_draws(), BUNDLED_DRAWS_SOURCE)


def load_catalogue(engine: Engine) -> RoundCatalogue:
    """Every stored round and draw (loading the bundled ones first if the database has none)."""
    ensure_loaded(engine)
    with session_scope(engine) as session:
        return RoundCatalogue(_known_rounds(session), _known_draws(session))


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
