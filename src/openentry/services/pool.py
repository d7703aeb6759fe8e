"""The pool: loading profiles in time, and who is in it at a moment (crs-and-programs.md §4.1).

Who is in the pool, who qualifies and who is invited are decided in :mod:`openentry.rules.selection`;
this module gathers the facts those rules read (the profiles as they stood at the moment, the
ledger, the CRS and program eligibility on the day) and stores what a load changes, through
:class:`openentry.db.pool_repository.PoolRepository`.

Loading is all-or-nothing per file: every line is validated first, and one bad line means
nothing is written. An update keeps the original ``submitted_at`` (crs-and-programs.md §4.3);
a profile submitted again after its candidate withdrew it is a new submission, with the new
``submitted_at`` (:func:`kept_submissions`).
Each load is a new version of its profiles, effective from the load's moment (``pool load
--at``, default now): a round at an earlier moment sees the profiles as they stood then. A load
cannot take effect before the latest recorded round, whose pool it would rewrite.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from numpy.typing import NDArray
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from openentry.db import session_scope
from openentry.db.models import RoundRow
from openentry.db.pool_repository import IssuedInvitation, PoolRepository, PoolStore, Withdrawal, conformed
from openentry.domain.moments import iso_utc
from openentry.history.bands import band_counts
from openentry.profiles.columnar import TableError, table_from_profiles
from openentry.profiles.pool_file import PoolLoadError, read_pool_file
from openentry.profiles.schema import Profile
from openentry.rules import language
from openentry.rules import snapshot as rules_package
from openentry.rules.periods import utc_moment64
from openentry.rules.selection import Membership, membership
from openentry.rules.snapshot import RulesSnapshot
from openentry.services.eligibility import RoundFacts, round_facts
from openentry.services.invitations import ACCEPTED, LAPSED, LedgerView, ledger_view
from openentry.services.ordering import PastChangeError, ensure_after_latest_round
from openentry.services.scoring import score_table

__all__ = [
    "LoadResult",
    "PastChangeError",
    "PoolLoadError",
    "PoolState",
    "kept_submissions",
    "load_pool_file",
    "load_pool_profiles",
    "load_pool_table",
    "pool_at",
    "pool_summary",
    "read_pool_file",
]


@dataclass(frozen=True)
class LoadResult:
    source: str
    added: int
    updated: int
    batch: int
    effective_at: datetime.datetime

    def summary(self) -> dict[str, object]:
        return {
            "loaded": self.added + self.updated,
            "added": self.added,
            "updated": self.updated,
            "source": self.source,
            "effective_at": iso_utc(self.effective_at),
        }


def utc_now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


# ---------------------------------------------------------------------------------------------
# Loading


def _profile_texts(raws: Sequence[dict[str, object]], submitted: list[datetime.datetime]) -> list[str]:
    """The profiles as given, as JSON, each with the submitted_at the pool keeps."""
    texts = []
    for raw, moment in zip(raws, submitted, strict=True):
        profile = dict(raw)
        profile["submitted_at"] = iso_utc(moment)
        texts.append(json.dumps(profile, ensure_ascii=False))
    return texts


def _ensure_new_after_latest_round(
    repository: PoolRepository, table: pa.Table, existing: dict[str, datetime.datetime]
) -> None:
    """A new profile stands from its submission: one submitted before the latest recorded round
    would have been in that round's pool."""
    latest = repository.latest_round()
    if latest is None:
        return
    moments = table.column("submitted_at")
    early = pc.less(moments, pa.scalar(latest[1], moments.type)).to_numpy(zero_copy_only=False)
    late_ids = [
        row_id
        for row_id, is_early in zip(table.column("id").to_pylist(), early, strict=True)
        if is_early and row_id not in existing
    ]
    if late_ids:
        shown = ", ".join(late_ids[:5]) + (f" and {len(late_ids) - 5} more" if len(late_ids) > 5 else "")
        raise PastChangeError(
            f"{len(late_ids)} new profile(s) submitted before round {latest[0]}, recorded at "
            f"{iso_utc(latest[1])}, would change that round's pool: {shown}; new profiles are "
            "submitted at or after the latest recorded round"
        )


def kept_submissions(
    repository: PoolRepository, stored: Mapping[str, datetime.datetime], at: datetime.datetime
) -> dict[str, datetime.datetime]:
    """The ``submitted_at`` each stored profile keeps when a new version of it is received at
    ``at``: the stored one (``stored``: id to stored ``submitted_at``), since updating a profile
    does not change its submission timestamp, unless the candidate withdrew that submission by
    then: submitting again is then a new submission, whose timestamp is its own ("deleting and
    re-creating it does", crs-and-programs.md §4.3). The profiles left out are new submissions.

    The one place this rule is decided: pool loads and ``PUT /v1/me/profile`` both ask it."""
    if not stored:
        return {}
    withdrawn = {
        item.candidate_id
        for item in repository.withdrawn_until(at)
        if stored.get(item.candidate_id) == item.submitted_at
    }
    return {name: moment for name, moment in stored.items() if name not in withdrawn}


def _ensure_submitted_after_withdrawal(
    repository: PoolRepository,
    table: pa.Table,
    resubmitted: Mapping[str, datetime.datetime],
    source: str,
) -> None:
    """A profile submitted again after a withdrawal is submitted after it (its new
    ``submitted_at`` is later than the withdrawal), or it would stand withdrawn."""
    if not resubmitted:
        return
    given = dict(zip(table.column("id").to_pylist(), table.column("submitted_at").to_pylist(), strict=True))
    problems = []
    for name, previous in resubmitted.items():
        withdrawn_at = repository.withdrawal_of(name, previous)
        assert withdrawn_at is not None
        if given[name] <= withdrawn_at:
            problems.append(
                (
                    f"profile {name!r}",
                    "submitted_at",
                    f"{iso_utc(given[name])} is not after the profile's withdrawal at "
                    f"{iso_utc(withdrawn_at)}; a profile submitted again after a withdrawal is a new "
                    "submission, submitted after it",
                )
            )
    if problems:
        raise PoolLoadError(source, problems)


def store_table(
    session: Session,
    table: pa.Table,
    source: str,
    raws: Sequence[dict[str, object]] | None = None,
    now: datetime.datetime | None = None,
    effective_at: datetime.datetime | None = None,
) -> LoadResult:
    """Add or update the profiles of a validated SCHEMA table, inside the caller's transaction.

    ``raws`` are the profiles as given (JSON); without them (a columnar load) the profile is kept
    only in the batch's columns. An update keeps the stored ``submitted_at`` and is appended to
    the candidate's history; a profile withdrawn by ``effective_at`` is submitted again, with
    the ``submitted_at`` given (:func:`kept_submissions`). ``effective_at`` (default ``now``):
    when the versions take effect.
    """
    now = now or utc_now()
    effective_at = effective_at or now
    repository = PoolRepository(session)
    repository.lock()
    table = conformed(table)
    ids: list[str] = table.column("id").to_pylist()
    existing = repository.submitted_at_of(ids)
    if existing:
        ensure_after_latest_round(repository, effective_at, "an update taking effect")
    kept = kept_submissions(repository, existing, effective_at)
    resubmitted = {name: moment for name, moment in existing.items() if name not in kept}
    _ensure_submitted_after_withdrawal(repository, table, resubmitted, source)
    _ensure_new_after_latest_round(repository, table, kept)
    if kept:
        given = table.column("submitted_at").to_pylist()
        merged = [kept.get(row_id, moment) for row_id, moment in zip(ids, given, strict=True)]
        index = table.schema.get_field_index("submitted_at")
        table = table.set_column(index, "submitted_at", pa.array(merged, table.schema.field(index).type))
    texts: list[str | None] = (
        list(_profile_texts(raws, table.column("submitted_at").to_pylist()))
        if raws is not None
        else [None] * table.num_rows
    )
    stored = repository.store_batch(table, source, texts, effective_at, now, existing)
    return LoadResult(
        source=source,
        added=stored.added,
        updated=stored.updated,
        batch=stored.batch,
        effective_at=effective_at,
    )


def _load_problems(
    table: pa.Table, places: Sequence[str], effective_at: datetime.datetime
) -> list[tuple[str, str, str]]:
    """What the load itself refuses: a profile submitted after the load takes effect, and
    errors only scoring finds (a score outside its test's scale, a test not accepted), checked on
    the day the load takes effect; a profile that cannot be scored on a round's date is left out
    of that round (see :func:`pool_at`)."""
    problems = [
        (
            places[row],
            "submitted_at",
            f"{iso_utc(moment)} is after the load takes effect ({iso_utc(effective_at)}); "
            "a profile enters the pool when it is submitted",
        )
        for row, moment in enumerate(table.column("submitted_at").to_pylist())
        if moment > effective_at
    ]
    scored = score_table(table, effective_at.astimezone(datetime.UTC).date())
    problems += [(places[row], field, message) for row, (field, message) in sorted(scored.errors.items())]
    return sorted(problems, key=lambda problem: places.index(problem[0]))


def load_pool_file(
    engine: Engine,
    path: Path,
    now: datetime.datetime | None = None,
    at: datetime.datetime | None = None,
) -> LoadResult:
    """Validate a whole file, then add or update its profiles in one transaction, effective
    from ``at`` (default now)."""
    now = now or utc_now()
    profiles, raws, places = read_pool_file(path)
    return load_pool_profiles(engine, profiles, raws, places, str(path), now=now, at=at)


def load_pool_profiles(
    engine: Engine,
    profiles: Sequence[Profile],
    raws: Sequence[dict[str, object]],
    places: Sequence[str],
    source: str,
    now: datetime.datetime | None = None,
    at: datetime.datetime | None = None,
    audit: Callable[[Session, LoadResult], None] | None = None,
) -> LoadResult:
    """Add or update profiles already validated against the contract (``id`` and
    ``submitted_at`` given; ``raws`` as given, ``places`` where each was found) in one
    transaction, effective from ``at`` (default now); PoolLoadError, nothing written, when the
    load refuses one of them.

    ``audit``, when given, is called with the unit of work's session and the result before the
    commit: what it writes commits or rolls back with the profiles."""
    now = now or utc_now()
    effective_at = at or now
    table = table_from_profiles(profiles)
    problems = _load_problems(table, places, effective_at)
    if problems:
        raise PoolLoadError(source, problems)
    with session_scope(engine) as session:
        result = store_table(session, table, source, raws, now, effective_at)
        if audit is not None:
            audit(session, result)
    return result


def load_pool_table(
    engine: Engine,
    table: pa.Table,
    source: str,
    now: datetime.datetime | None = None,
    at: datetime.datetime | None = None,
) -> LoadResult:
    """The columnar fast path (Parquet, synthetic pools): validated column by column."""
    now = now or utc_now()
    effective_at = at or now
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
            problems = _load_problems(conformed(table), places, effective_at)
        except (TableError, pa.ArrowInvalid, pa.ArrowNotImplementedError) as error:
            raise PoolLoadError(source, [("table", "columns", str(error))]) from None
    if problems:
        raise PoolLoadError(source, problems)
    with session_scope(engine) as session:
        return store_table(session, table, source, None, now, effective_at)


# ---------------------------------------------------------------------------------------------
# The pool at a moment


@dataclass(frozen=True)
class PoolState:
    """Every profile stored at ``at``, as it stood then, with its CRS on that day and whether it
    is in the pool.

    ``membership``: who is in the pool and, for the others, the first reason they are not
    (MI 2017-1 s.4(1): a profile with an outstanding invitation stays in it); ``holds_ita`` /
    ``holds_noi``: an outstanding ITA / NOI, which keeps the candidate from another invitation of
    the same kind. ``assessment``: every profile's eligibility on the day (the occupation
    categories asked for only); ``crs`` is 0 for profiles out of the pool.
    """

    at: datetime.datetime
    table: pa.Table
    ids: NDArray[np.object_]
    submitted_at: NDArray[np.datetime64]
    crs: NDArray[np.int16]
    membership: Membership
    holds_ita: NDArray[np.bool_]
    holds_noi: NDArray[np.bool_]
    assessment: RoundFacts
    rules: RulesSnapshot
    ledger: LedgerView

    @property
    def size(self) -> int:
        return len(self.ids)

    @property
    def in_pool(self) -> NDArray[np.bool_]:
        return self.membership.in_pool


def _members(ids: NDArray[np.object_], chosen: frozenset[str]) -> NDArray[np.bool_]:
    """Which of ``ids`` are in ``chosen``. A set lookup per id: numpy's isin over arrays of
    Python strings took 27 s for 200,000 ids against 15,000 invited (a ledger after a few rounds),
    this about 20 ms."""
    if not chosen:
        return np.zeros(len(ids), dtype=bool)
    return np.fromiter((candidate in chosen for candidate in ids), dtype=bool, count=len(ids))


def _with_nominations(table: pa.Table, ids: NDArray[np.object_], nominated: frozenset[str]) -> pa.Table:
    """The table with ``provincial_nomination`` set for the candidates the ledger says were
    nominated by then (crs-and-programs.md §4.6: a nomination adds 600 points)."""
    if not nominated:
        return table
    flags = _members(ids, nominated)
    current = table.column("provincial_nomination").fill_null(False).to_numpy(zero_copy_only=False)
    index = table.schema.get_field_index("provincial_nomination")
    return table.set_column(index, "provincial_nomination", pa.array(np.asarray(current, dtype=bool) | flags))


def _withdrawals(store: PoolStore, at: datetime.datetime) -> list[Withdrawal]:
    """The submissions withdrawn by ``at``."""
    return list(store.withdrawn_until(at))


def _withdrawn_at(
    ids: pa.ChunkedArray, submitted_at: NDArray[np.datetime64], withdrawals: Sequence[Withdrawal]
) -> NDArray[np.datetime64] | None:
    """When each profile's submission (its id and ``submitted_at`` as it stands) was withdrawn,
    NaT where it was not; None when nothing was withdrawn. A withdrawal of an earlier submission
    of a profile submitted again is not its own."""
    if not withdrawals:
        return None
    withdrawn_at = np.full(len(submitted_at), np.datetime64("NaT", "us"))
    names = pa.array([item.candidate_id for item in withdrawals], pa.string())
    rows = pc.index_in(names, value_set=ids.combine_chunks().cast(pa.string()))
    for item, row in zip(withdrawals, rows.to_pylist(), strict=True):
        if row is not None and submitted_at[row] == utc_moment64(item.submitted_at):
            withdrawn_at[row] = utc_moment64(item.withdrawn_at)
    return withdrawn_at


class TablePoolStore:
    """The pool's storage (:class:`openentry.db.pool_repository.PoolStore`) over one table, for
    rounds tried over a pool that is no database (a sweep's Parquet pool, a forecast's synthetic
    pool): every profile standing from its ``submitted_at`` at every moment, and an empty ledger
    (no round held, no invitation, nomination or withdrawal recorded; a profile nominated in the
    table carries its ``provincial_nomination``). Read-only: it records no round."""

    def __init__(self, table: pa.Table) -> None:
        self.table = table

    def lock(self, wait: bool = True) -> int:
        return 0

    def latest_round(self) -> tuple[int, datetime.datetime] | None:
        return None

    def profiles_at(self, at: datetime.datetime, only: str | None = None) -> pa.Table:
        if only is None:
            return self.table
        return self.table.filter(pc.equal(self.table.column("id"), only))

    def invitations_until(self, at: datetime.datetime) -> list[IssuedInvitation]:
        return []

    def outcomes_until(self, at: datetime.datetime) -> dict[int, str]:
        return {}

    def nominated_until(self, at: datetime.datetime) -> frozenset[str]:
        return frozenset()

    def withdrawn_until(self, at: datetime.datetime) -> list[Withdrawal]:
        return []

    def round_by_key(self, key: str) -> RoundRow | None:
        return None

    def add_round(self, row: RoundRow, invitations: Sequence[dict[str, object]]) -> None:
        raise NotImplementedError("a pool over a table records no round")


def state_of(
    repository: PoolStore,
    at: datetime.datetime,
    only: str | None = None,
    categories: Sequence[str] = (),
) -> PoolState:
    """The pool at ``at``: the profiles as they stood then, the ledger, and on the day of ``at``
    their CRS and eligibility (the programs, French, and the occupation ``categories`` asked for);
    who is in the pool is :func:`openentry.rules.selection.membership`. With ``only``, that one
    profile alone.

    A withdrawn submission is out of the pool from its withdrawal; the ledger leaves out its
    invitations from then (:meth:`PoolRepository.invitations_until`): an ITA it held is neither
    outstanding nor lapsed, so it keeps no one from a round and is not why the profile is out."""
    day = at.astimezone(datetime.UTC).date()
    rules = rules_package.at(day)
    table = repository.profiles_at(at, only)
    ids = np.asarray(table.column("id").to_numpy(zero_copy_only=False), dtype=object)
    ledger = ledger_view(repository, at)
    table = _with_nominations(table, ids, ledger.nominated)
    moment = utc_moment64(at)
    submitted = (
        table.column("submitted_at")
        .cast(pa.timestamp("us"))
        .to_numpy(zero_copy_only=False)
        .astype("datetime64[us]")
    )
    test_dates = np.asarray(
        table.column("first_language_test_date").to_numpy(zero_copy_only=False), dtype="datetime64[D]"
    )
    facts = {
        "submitted_at": submitted,
        "moment": moment,
        "pool_duration_months": rules.rounds.pool_duration_months,
        "language_expired": language.expired_on(test_dates, day, rules.language.result_validity_years),
        "applied": _members(ids, ledger.removed.get(ACCEPTED, frozenset())),
        "lapsed": _members(ids, ledger.removed.get(LAPSED, frozenset())),
        "withdrawn_at": _withdrawn_at(table.column("id"), submitted, _withdrawals(repository, at)),
    }
    size = len(ids)
    # Everyone is read, scored and assessed at once: taking the rows still in the pool first
    # would cost more than it saves.
    assessment = round_facts(table, day, categories)
    unscorable = np.zeros(size, dtype=bool)
    unscorable[list(assessment.errors)] = True
    final = membership(**facts, meets_a_program=assessment.meets_a_program, unscorable=unscorable)
    crs = np.where(final.in_pool, assessment.total, 0).astype(np.int16)
    return PoolState(
        at=at,
        table=table,
        ids=ids,
        submitted_at=submitted,
        crs=crs,
        membership=final,
        holds_ita=_members(ids, ledger.holding_ita),
        holds_noi=_members(ids, ledger.holding_noi),
        assessment=assessment,
        rules=rules,
        ledger=ledger,
    )


def pool_at(session: Session, at: datetime.datetime) -> PoolState:
    """Who is in the pool at ``at`` and with what CRS on that day (nominations applied)."""
    return state_of(PoolRepository(session), at)


def pool_summary(engine: Engine, at: datetime.datetime) -> dict[str, object]:
    """The pool at ``at``: size, the score bands of those in it, and why others are not (each
    profile counted once, under the first reason that applies)."""
    with session_scope(engine) as session:
        state = pool_at(session, at)
    return {
        "at": iso_utc(at),
        "stored": state.size,
        "in_pool": int(state.in_pool.sum()),
        "bands": band_counts(state.crs[state.in_pool]),
        "holding_an_ita": int((state.in_pool & state.holds_ita).sum()),
        "holding_an_noi": int((state.in_pool & state.holds_noi).sum()),
        "not_in_pool": state.membership.first_reasons(),
        "rules_version": state.rules.version,
    }
