"""The pool: loading profiles, and who is in it at a given moment (crs-and-programs.md §4.1).

A profile stays in the pool until the earliest of: 12 months after ``submitted_at``
(``rounds.pool_duration``); its first-language result turning 2 years old
(``language.result_validity``); an ITA it let expire or accepted (applied). A candidate holding
an outstanding ITA is not invited again; one who declined returns to the pool until the
original expiry. A nomination recorded in the ledger gives the profile
``provincial_nomination`` from that moment.

Loading is all-or-nothing per file: every line is validated first, and one bad line means
nothing is written. An update keeps the original ``submitted_at`` (crs-and-programs.md §4.3).
Each load appends its validated profiles as one Arrow batch, which rounds read in bulk; the
newest batch holding an id gives its current profile.
"""

from __future__ import annotations

import csv as csv_text
import datetime
import io
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as csv
from numpy.typing import NDArray
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from openentry.db import session_scope
from openentry.db.models import CandidateEventRow, CandidateRow, PoolBatchRow, RoundSequenceRow
from openentry.profiles.columnar import SCHEMA, TableError, table_from_profiles
from openentry.profiles.schema import Profile, ProfileError, parse_profile
from openentry.rules import language
from openentry.rules import snapshot as rules_package
from openentry.rules.periods import add_months
from openentry.rules.snapshot import RulesSnapshot
from openentry.services.invitations import LedgerView, ledger_view
from openentry.services.scoring import score_table


class PoolLoadError(ValueError):
    """A pool file that cannot be loaded; ``problems`` lists (where, field, message)."""

    def __init__(self, source: str, problems: Sequence[tuple[str, str, str]]) -> None:
        self.source = source
        self.problems = list(problems)
        shown = "; ".join(f"{where}: {field}: {message}" for where, field, message in self.problems[:5])
        more = f" (and {len(self.problems) - 5} more)" if len(self.problems) > 5 else ""
        super().__init__(f"{source}: {len(self.problems)} invalid profile(s), nothing loaded: {shown}{more}")


@dataclass(frozen=True)
class LoadResult:
    source: str
    added: int
    updated: int
    batch: int

    def summary(self) -> dict[str, object]:
        return {
            "loaded": self.added + self.updated,
            "added": self.added,
            "updated": self.updated,
            "source": self.source,
        }


def utc_now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


# ---------------------------------------------------------------------------------------------
# Reading a pool file


def read_pool_file(path: Path) -> tuple[list[Profile], list[dict[str, object]], list[str]]:
    """Validated profiles of a JSON (object or array) or JSON Lines file; raises PoolLoadError.

    Errors name the line (JSON Lines) or the item (JSON array) at fault.
    """
    source = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise PoolLoadError(source, [("file", "file", f"cannot read: {error}")]) from None
    entries: list[tuple[str, object]] = []
    problems: list[tuple[str, str, str]] = []
    stripped = text.strip()
    document: object = None
    is_document = False
    if stripped.startswith(("[", "{")) and not path.name.endswith(".jsonl"):
        try:
            document = json.loads(stripped)
            is_document = True
        except json.JSONDecodeError:
            is_document = False
    if is_document:
        items = document if isinstance(document, list) else [document]
        entries = [(f"item {number}", item) for number, item in enumerate(items, start=1)]
    else:
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                entries.append((f"line {number}", json.loads(line)))
            except json.JSONDecodeError as error:
                problems.append((f"line {number}", "profile", f"not valid JSON ({error.msg})"))
    if not entries and not problems:
        raise PoolLoadError(source, [("file", "file", "holds no profile")])
    profiles: list[Profile] = []
    raws: list[dict[str, object]] = []
    places: list[str] = []
    seen: dict[str, str] = {}
    for where, raw in entries:
        try:
            profile = parse_profile(raw, require_id=True)
            if profile.submitted_at is None:
                raise ProfileError("submitted_at", "required in a pool (ISO 8601 date-time with offset)")
        except ProfileError as error:
            problems.append((where, error.field, error.message))
            continue
        assert profile.id is not None and isinstance(raw, dict)
        if profile.id in seen:
            problems.append((where, "id", f"{profile.id!r} already given at {seen[profile.id]}"))
            continue
        seen[profile.id] = where
        profiles.append(profile)
        raws.append(raw)
        places.append(where)
    if problems:
        raise PoolLoadError(source, problems)
    return profiles, raws, places


# ---------------------------------------------------------------------------------------------
# Writing


def lock_pool(session: Session, wait: bool = True) -> int:
    """The last round number; with ``wait``, lock the round-sequence row first so writers of the
    pool and rounds go one at a time (PostgreSQL ``SELECT ... FOR UPDATE``; SQLite transactions
    already begin with ``BEGIN IMMEDIATE``)."""
    query = select(RoundSequenceRow.last_number).where(RoundSequenceRow.id == 1)
    number = session.execute(query.with_for_update() if wait else query).scalar_one()
    return int(number)


def _ipc_bytes(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    options = pa.ipc.IpcWriteOptions(compression="zstd")
    with pa.ipc.new_stream(sink, table.schema, options=options) as writer:
        writer.write_table(table)
    return bytes(sink.getvalue().to_pybytes())


def _table_from_ipc(data: bytes) -> pa.Table:
    return pa.ipc.open_stream(pa.py_buffer(data)).read_all()


def _conformed(table: pa.Table) -> pa.Table:
    """The table with exactly SCHEMA's columns and types (absent optional columns as nulls)."""
    if table.schema.equals(SCHEMA):
        return table
    arrays = [
        table.column(field.name).cast(field.type)
        if field.name in table.column_names
        else pa.nulls(table.num_rows, field.type)
        for field in SCHEMA
    ]
    return pa.Table.from_arrays(arrays, schema=SCHEMA)


def _existing_submitted_at(session: Session, ids: list[str]) -> dict[str, datetime.datetime]:
    found: dict[str, datetime.datetime] = {}
    for start in range(0, len(ids), 5000):
        chunk = ids[start : start + 5000]
        rows = session.execute(
            select(CandidateRow.id, CandidateRow.submitted_at).where(CandidateRow.id.in_(chunk))
        )
        found.update({row_id: submitted for row_id, submitted in rows})
    return found


_CANDIDATE_COLUMNS = ("id", "submitted_at", "primary_noc", "profile", "batch_id", "updated_at")
# How SQLAlchemy's DateTime stores a value in SQLite; Arrow's %S carries the microseconds.
_SQLITE_DATETIME = "%Y-%m-%d %H:%M:%S"


def _insert_candidates(session: Session, rows: pa.Table) -> None:
    """Bulk insert of new candidates (columns ``_CANDIDATE_COLUMNS``, ``profile`` as JSON text).

    PostgreSQL: ``COPY ... FROM STDIN`` of a CSV written by Arrow. SQLite: the driver's
    executemany over the columns, datetimes already in SQLAlchemy's stored form.
    """
    if rows.num_rows == 0:
        return
    connection = session.connection()
    names = ", ".join(_CANDIDATE_COLUMNS)
    if connection.dialect.name == "postgresql":
        buffer = io.BytesIO()
        csv.write_csv(rows, buffer, csv.WriteOptions(include_header=False))
        raw = connection.connection.dbapi_connection
        assert raw is not None
        statement = f"COPY pool_candidates ({names}) FROM STDIN WITH (FORMAT csv)"
        with raw.cursor() as cursor, cursor.copy(statement) as copy:  # type: ignore[attr-defined]
            copy.write(buffer.getvalue())
        return
    columns = [
        pc.strftime(rows.column(name), _SQLITE_DATETIME)
        if name in ("submitted_at", "updated_at")
        else rows.column(name)
        for name in _CANDIDATE_COLUMNS
    ]
    values = list(zip(*(column.to_pylist() for column in columns), strict=True))
    placeholders = ", ".join("?" for _ in _CANDIDATE_COLUMNS)
    connection.exec_driver_sql(f"INSERT INTO pool_candidates ({names}) VALUES ({placeholders})", values)


def _profile_texts(raws: Sequence[dict[str, object]], submitted: list[datetime.datetime]) -> list[str]:
    """The profiles as given, as JSON, each with the submitted_at the pool keeps."""
    texts = []
    for raw, moment in zip(raws, submitted, strict=True):
        profile = dict(raw)
        profile["submitted_at"] = moment.isoformat().replace("+00:00", "Z")
        texts.append(json.dumps(profile, ensure_ascii=False))
    return texts


def store_table(
    session: Session,
    table: pa.Table,
    source: str,
    raws: Sequence[dict[str, object]] | None = None,
    now: datetime.datetime | None = None,
) -> LoadResult:
    """Add or update the profiles of a validated SCHEMA table, inside the caller's transaction.

    ``raws`` are the profiles as given (JSON); without them (a columnar load) the profile is kept
    only in the batch's columns. An update keeps the stored ``submitted_at`` and is appended to
    the candidate's history.
    """
    now = now or utc_now()
    lock_pool(session)
    table = _conformed(table)
    ids: list[str] = table.column("id").to_pylist()
    is_empty = session.execute(select(CandidateRow.id).limit(1)).first() is None
    existing = {} if is_empty else _existing_submitted_at(session, ids)
    if existing:
        given = table.column("submitted_at").to_pylist()
        merged = [existing.get(row_id, moment) for row_id, moment in zip(ids, given, strict=True)]
        index = table.schema.get_field_index("submitted_at")
        table = table.set_column(index, "submitted_at", pa.array(merged, SCHEMA.field("submitted_at").type))
    batch = PoolBatchRow(
        loaded_at=now, source=source[:1000], profile_count=table.num_rows, columns=_ipc_bytes(table)
    )
    session.add(batch)
    session.flush()
    texts: list[str | None] = (
        list(_profile_texts(raws, table.column("submitted_at").to_pylist()))
        if raws is not None
        else [None] * table.num_rows
    )
    is_new = np.array([row_id not in existing for row_id in ids], dtype=bool)
    for row in np.flatnonzero(~is_new):
        row_id = ids[row]
        profile = None if texts[row] is None else json.loads(str(texts[row]))
        session.execute(
            update(CandidateRow)
            .where(CandidateRow.id == row_id)
            .values(
                profile=profile,
                primary_noc=table.column("primary_noc")[row].as_py(),
                batch_id=batch.id,
                updated_at=now,
            )
        )
        session.add(
            CandidateEventRow(
                candidate_id=row_id,
                kind="updated",
                occurred_at=now,
                recorded_at=now,
                detail={"batch": batch.id},
            )
        )
    new = table.filter(pa.array(is_new)) if existing else table
    size = new.num_rows
    rows = pa.table(
        {
            "id": new.column("id"),
            "submitted_at": new.column("submitted_at"),
            "primary_noc": new.column("primary_noc"),
            "profile": pa.array(
                [text for text, keep in zip(texts, is_new, strict=True) if keep], pa.string()
            ),
            "batch_id": pa.array(np.full(size, batch.id, dtype=np.int64)),
            "updated_at": pa.array([now] * size, SCHEMA.field("submitted_at").type),
        }
    )
    _insert_candidates(session, rows)
    return LoadResult(source=source, added=size, updated=int((~is_new).sum()), batch=batch.id)


def _scoring_problems(
    table: pa.Table, places: Sequence[str], day: datetime.date
) -> list[tuple[str, str, str]]:
    """Errors that only scoring finds (a score outside its test's scale, a test not accepted),
    checked on the day of the load; a profile that cannot be scored on a round's date is left
    out of that round (see :func:`pool_at`)."""
    scored = score_table(table, day)
    return [(places[row], field, message) for row, (field, message) in sorted(scored.errors.items())]


def load_pool_file(engine: Engine, path: Path, now: datetime.datetime | None = None) -> LoadResult:
    """Validate a whole file, then add or update its profiles in one transaction."""
    profiles, raws, places = read_pool_file(path)
    table = table_from_profiles(profiles)
    problems = _scoring_problems(table, places, (now or utc_now()).date())
    if problems:
        raise PoolLoadError(str(path), problems)
    with session_scope(engine) as session:
        return store_table(session, table, str(path), raws, now)


def load_pool_table(
    engine: Engine, table: pa.Table, source: str, now: datetime.datetime | None = None
) -> LoadResult:
    """The columnar fast path (Parquet, synthetic pools): validated column by column."""
    problems: list[tuple[str, str, str]] = []
    if "id" not in table.column_names or table.column("id").null_count:
        problems.append(("table", "id", "required in a pool"))
    elif len(pc.unique(table.column("id"))) != table.num_rows:
        problems.append(("table", "id", "ids must be unique within a file"))
    if "submitted_at" not in table.column_names or table.column("submitted_at").null_count:
        problems.append(("table", "submitted_at", "required in a pool"))
    if not problems:
        places = [f"row {row + 1}" for row in range(table.num_rows)]
        try:
            problems = _scoring_problems(table, places, (now or utc_now()).date())
        except TableError as error:
            raise PoolLoadError(source, [("table", "columns", str(error))]) from None
    if problems:
        raise PoolLoadError(source, problems)
    with session_scope(engine) as session:
        return store_table(session, table, source, None, now)


# ---------------------------------------------------------------------------------------------
# The pool at a moment


@dataclass(frozen=True)
class PoolState:
    """Every stored profile with its CRS on the day of ``at`` and whether it is in the pool.

    ``in_pool``: in the pool (MI 2017-1 s.4(1): a profile with an outstanding invitation stays
    in it); ``holds_ita`` / ``holds_noi``: an outstanding ITA / NOI, which keeps the candidate
    from another invitation of the same kind.
    """

    at: datetime.datetime
    table: pa.Table
    ids: NDArray[np.object_]
    submitted_at: NDArray[np.datetime64]
    crs: NDArray[np.int16]
    in_pool: NDArray[np.bool_]
    holds_ita: NDArray[np.bool_]
    holds_noi: NDArray[np.bool_]
    reasons: dict[str, NDArray[np.bool_]]
    rules: RulesSnapshot
    ledger: LedgerView

    @property
    def size(self) -> int:
        return len(self.ids)


def current_table(session: Session) -> pa.Table:
    """The current version of every stored profile (newest batch wins), as one SCHEMA table."""
    batches = [
        _table_from_ipc(data)
        for data in session.execute(select(PoolBatchRow.columns).order_by(PoolBatchRow.id.desc())).scalars()
    ]
    if not batches:
        return SCHEMA.empty_table()
    if len(batches) == 1:
        return batches[0]
    combined = pa.concat_tables(batches)  # newest first
    codes = pc.dictionary_encode(combined.column("id")).combine_chunks().indices.to_numpy()
    first = np.empty(int(codes.max()) + 1, dtype=np.int64)
    positions = np.arange(len(codes), dtype=np.int64)
    first[codes[::-1]] = positions[::-1]  # the last assignment wins: the first (newest) position
    return combined.take(pa.array(np.sort(first)))


def _members(ids: NDArray[np.object_], chosen: frozenset[str]) -> NDArray[np.bool_]:
    """Which of ``ids`` are in ``chosen``."""
    if not chosen:
        return np.zeros(len(ids), dtype=bool)
    return np.asarray(np.isin(ids, np.array(sorted(chosen), dtype=object)), dtype=bool)


def _moment(at: datetime.datetime) -> np.datetime64:
    return np.datetime64(at.astimezone(datetime.UTC).replace(tzinfo=None), "us")


def pool_at(session: Session, at: datetime.datetime) -> PoolState:
    """Who is in the pool at ``at`` and with what CRS on that day (nominations applied)."""
    day = at.astimezone(datetime.UTC).date()
    rules = rules_package.at(day)
    table = current_table(session)
    ids = np.asarray(table.column("id").to_numpy(zero_copy_only=False), dtype=object)
    ledger = ledger_view(session, at)
    if ledger.nominated:
        nominated = np.isin(ids, np.array(sorted(ledger.nominated), dtype=object))
        current = table.column("provincial_nomination").fill_null(False).to_numpy(zero_copy_only=False)
        table = table.set_column(
            table.schema.get_field_index("provincial_nomination"),
            "provincial_nomination",
            pa.array(np.asarray(current, dtype=bool) | nominated),
        )
    moment = _moment(at)
    submitted = (
        table.column("submitted_at")
        .cast(pa.timestamp("us"))
        .to_numpy(zero_copy_only=False)
        .astype("datetime64[us]")
    )
    test_dates = table.column("first_language_test_date").to_numpy(zero_copy_only=False)
    test_dates = np.asarray(test_dates, dtype="datetime64[D]")
    reasons: dict[str, NDArray[np.bool_]] = {
        "not yet submitted": submitted > moment,
        "pool expiry": add_months(submitted, rules.rounds.pool_duration_months) <= moment,
        "language result expired": language.expired_on(test_dates, day, rules.language.result_validity_years),
    }
    for reason, candidate_ids in ledger.removed.items():
        reasons[reason] = _members(ids, candidate_ids)
    # Only profiles still in the pool are scored; the others keep a CRS of 0.
    in_pool = ~np.logical_or.reduce(list(reasons.values()))
    rows = np.flatnonzero(in_pool)
    scored = score_table(table if len(rows) == len(ids) else table.take(pa.array(rows)), day)
    crs = np.zeros(len(ids), dtype=np.int16)
    crs[rows] = scored.scores.total
    unscorable = np.zeros(len(ids), dtype=bool)
    unscorable[rows[list(scored.errors)]] = True
    reasons["cannot be scored"] = unscorable
    in_pool &= ~unscorable
    return PoolState(
        at=at,
        table=table,
        ids=ids,
        submitted_at=submitted,
        crs=crs,
        in_pool=in_pool,
        holds_ita=_members(ids, ledger.holding_ita),
        holds_noi=_members(ids, ledger.holding_noi),
        reasons=reasons,
        rules=rules,
        ledger=ledger,
    )


# ---------------------------------------------------------------------------------------------
# Score bands (IRCC's "distribution of candidates in the pool")


@cache
def score_bands() -> tuple[tuple[str, int, int], ...]:
    """IRCC's bands, from the ``pool_*`` columns of the published rounds: (name, low, high)."""
    text = resources.files("openentry.data").joinpath("ee_rounds.csv").read_text(encoding="utf-8")
    header = next(csv_text.reader(io.StringIO(text)))
    bands = []
    for column in header:
        parts = column.split("_")
        if column.startswith("pool_") and len(parts) == 3 and parts[1].isdigit():
            bands.append((column.removeprefix("pool_"), int(parts[1]), int(parts[2])))
    return tuple(bands)


def band_counts(crs: NDArray[np.int16]) -> dict[str, int]:
    """Candidates per IRCC band (the 451-500 and 401-450 bands with their 10-point sub-bands)."""
    counts = {name: int(np.count_nonzero((crs >= low) & (crs <= high))) for name, low, high in score_bands()}
    counts["total"] = len(crs)
    return counts


def pool_summary(engine: Engine, at: datetime.datetime) -> dict[str, object]:
    """The pool at ``at``: size, the score bands of those in it, and why others are not."""
    with session_scope(engine) as session:
        state = pool_at(session, at)
    return {
        "at": at.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z"),
        "stored": state.size,
        "in_pool": int(state.in_pool.sum()),
        "bands": band_counts(state.crs[state.in_pool]),
        "holding_an_ita": int((state.in_pool & state.holds_ita).sum()),
        "holding_an_noi": int((state.in_pool & state.holds_noi).sum()),
        "not_in_pool": {reason: int(mask.sum()) for reason, mask in state.reasons.items()},
        "rules_version": state.rules.version,
    }


ProgressCallback = Callable[[int], None]
