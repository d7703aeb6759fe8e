"""Running a round of invitations (crs-and-programs.md §4.2-4.4; categories-and-provinces.md §3).

Who is in the pool, who qualifies and in what order they are invited are the rules of
:mod:`openentry.rules.selection`; this use case gathers the pool at the round's moment, the
round's conditions (program, category, nomination, score range, NOC list, creation window,
province), and records the round, with its cut-off, tie-break (time and id), rules version and
the pool's score bands, and its invitations in one transaction, under a lock on the
round-sequence row so that two rounds never overlap.

Rounds happen in time: a round cannot be held before the latest recorded round (it would invite
candidates the later round already invited, from a pool that round has changed). A round asked
for with a key already recorded returns that round and records nothing, so a repeated command
never invites twice.
"""

from __future__ import annotations

import datetime
import time
from collections.abc import Callable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from numpy.typing import NDArray
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from openentry.db import session_scope
from openentry.db.models import RoundRow
from openentry.db.pool_repository import PoolRepository, PoolStore
from openentry.domain import Invitation, Round, RoundSpec, RoundSpecError
from openentry.domain.moments import iso_utc
from openentry.domain.rounds import Program, RoundKind
from openentry.history.bands import band_counts
from openentry.rules import codes, selection
from openentry.services.eligibility import interested_provinces
from openentry.services.invitations import expiry_date
from openentry.services.pool import PoolState, state_of, utc_now


def _program_or_category(state: PoolState, spec: RoundSpec) -> NDArray[np.bool_]:
    """Program (FSW, CEC, FST) and category rounds read the eligibility engine's assessment of
    the day (a category also needs one of the programs: that is being in the pool)."""
    assessment = state.assessment
    if spec.kind == RoundKind.CATEGORY:
        keys = state.rules.eligibility.category_keys
        if spec.category not in keys or spec.category not in assessment.categories:
            raise RoundSpecError(
                f"--category: unknown category {spec.category!r} on {state.at.date().isoformat()}; "
                f"allowed: {', '.join(keys)}"
            )
        return assessment.categories[str(spec.category)]
    return assessment.programs[str(spec.program)]


def conditions(state: PoolState, spec: RoundSpec) -> list[NDArray[np.bool_]]:
    """The round's own conditions, one flag per stored profile (§4.2)."""
    table = state.table
    found: list[NDArray[np.bool_]] = []
    if spec.kind == RoundKind.PROGRAM and spec.program == Program.PNP:
        nominated = table.column("provincial_nomination").fill_null(False).to_numpy(zero_copy_only=False)
        found.append(np.asarray(nominated, dtype=bool))
    elif spec.kind in (RoundKind.PROGRAM, RoundKind.CATEGORY):
        found.append(_program_or_category(state, spec))
    if spec.crs_min is not None or spec.crs_max is not None:
        found.append(selection.in_score_range(state.crs, spec.crs_min, spec.crs_max))
    if spec.kind == RoundKind.PROVINCIAL:
        if spec.province is not None:
            found.append(interested_provinces(table)[:, codes.PROVINCES.index(spec.province)])
        if spec.nocs:
            listed = pc.is_in(table.column("primary_noc"), value_set=pa.array(list(spec.nocs)))
            found.append(np.asarray(listed.fill_null(False).to_numpy(zero_copy_only=False), dtype=bool))
        if spec.created_from is not None or spec.created_to is not None:
            found.append(selection.created_within(state.submitted_at, spec.created_from, spec.created_to))
    return found


def qualifies(state: PoolState, spec: RoundSpec) -> NDArray[np.bool_]:
    """Who the round may invite (:func:`openentry.rules.selection.qualifies`)."""
    holds = state.holds_noi if spec.invitation_kind == "noi" else state.holds_ita
    return selection.qualifies(state.in_pool, holds, conditions(state, spec))


def _aware(moment: np.datetime64) -> datetime.datetime:
    value = moment.astype("datetime64[us]").item()
    assert isinstance(value, datetime.datetime)
    return value.replace(tzinfo=datetime.UTC)


def _recorded(row: RoundRow, spec: RoundSpec) -> Round:
    """A recorded round read back (the answer to a repeated key)."""
    return Round(
        number=row.number,
        spec=spec,
        cutoff=row.cutoff,
        tiebreak=row.tiebreak,
        rules_version={key: str(value) for key, value in row.rules_version.items()},
        score_bands={key: int(str(value)) for key, value in row.score_bands.items()},
        eligible=row.eligible if row.eligible is not None else 0,
        invitations=(),
        recorded=True,
        tiebreak_id=row.tiebreak_id,
        invited_count=row.invited,
    )


def _repeat(repository: PoolStore, spec: RoundSpec) -> Round | None:
    """The recorded round of ``spec.key``, if any; RoundSpecError when the key was used for a
    different round."""
    if spec.key is None:
        return None
    row = repository.round_by_key(spec.key)
    if row is None:
        return None
    if row.criteria != spec.criteria or row.size != spec.size or row.held_at != spec.at:
        raise RoundSpecError(
            f"--key {spec.key!r} was used for round {row.number} ({row.kind} at {iso_utc(row.held_at)}, "
            f"size {row.size}, criteria {row.criteria}); a key names one round"
        )
    return _recorded(row, spec)


def run_round(
    engine: Engine,
    spec: RoundSpec,
    dry_run: bool = False,
    now: datetime.datetime | None = None,
    timings: dict[str, float] | None = None,
    audit: Callable[[Session, Round], None] | None = None,
) -> Round:
    """Select, rank and (unless ``dry_run``) record a round and its invitations atomically, in
    one unit of work on ``engine`` (:func:`hold_round`).

    ``timings``, when given, receives the seconds spent selecting and writing (with the commit).
    ``audit``, when given, is called with the unit of work's session and the round just recorded,
    before the commit, so that what it writes (the service's audit entry) commits or rolls back
    with the round; it is not called for a dry run nor for a repeated key (nothing recorded).
    """
    timings = {} if timings is None else timings
    with session_scope(engine) as session:
        result = hold_round(PoolRepository(session), spec, dry_run, now, timings)
        # A round read back for a repeated key carries its count and no invitations.
        if audit is not None and result.recorded and result.invited_count is None:
            audit(session, result)
        started = time.perf_counter()
    timings["write"] = timings.get("write", 0.0) + time.perf_counter() - started
    return result


def hold_round(
    store: PoolStore,
    spec: RoundSpec,
    dry_run: bool = False,
    now: datetime.datetime | None = None,
    timings: dict[str, float] | None = None,
) -> Round:
    """The use case: under the pool's lock, return the round already recorded with ``spec.key``,
    or refuse a round before the latest recorded one, or select, rank and record (unless
    ``dry_run``) the round and its invitations through ``store``."""
    now = now or utc_now()
    timings = {} if timings is None else timings
    started = time.perf_counter()
    last_number = store.lock(wait=not dry_run)
    repeated = _repeat(store, spec)
    if repeated is not None:
        return repeated
    latest = store.latest_round()
    if latest is not None and spec.at < latest[1]:
        raise RoundSpecError(
            f"--at {iso_utc(spec.at)} is before round {latest[0]}, recorded at {iso_utc(latest[1])}; "
            "a round is held at or after the latest recorded round"
        )
    categories = (str(spec.category),) if spec.kind == RoundKind.CATEGORY else ()
    state = state_of(store, spec.at, categories=categories)
    mask = qualifies(state, spec)
    invited_rows = selection.rank(state.crs, state.submitted_at, state.ids, mask, spec.size)
    validity = (
        state.rules.rounds.noi_validity_days
        if spec.invitation_kind == "noi"
        else state.rules.rounds.ita_validity_days
    )
    expires_on = expiry_date(spec.at.date(), validity)
    invitations = tuple(
        Invitation(
            candidate_id=str(state.ids[row]),
            rank=position,
            crs=int(state.crs[row]),
            submitted_at=_aware(state.submitted_at[row]),
            kind=spec.invitation_kind,
            expires_on=expires_on,
        )
        for position, row in enumerate(invited_rows, start=1)
    )
    last = invitations[-1] if invitations else None
    result = Round(
        number=last_number + 1,
        spec=spec,
        cutoff=last.crs if last else None,
        tiebreak=last.submitted_at if last else None,
        rules_version=state.rules.version,
        score_bands=band_counts(state.crs[state.in_pool]),
        eligible=int(mask.sum()),
        invitations=invitations,
        recorded=not dry_run,
        tiebreak_id=last.candidate_id if last else None,
    )
    timings["select"] = time.perf_counter() - started
    if dry_run:
        return result
    started = time.perf_counter()
    store.add_round(
        RoundRow(
            id=result.number,
            number=result.number,
            held_at=spec.at,
            kind=spec.kind,
            criteria=spec.criteria,
            size=spec.size,
            invited=len(invitations),
            cutoff=result.cutoff,
            tiebreak=result.tiebreak,
            tiebreak_id=result.tiebreak_id,
            eligible=result.eligible,
            request_key=spec.key,
            rules_version=dict(result.rules_version),
            score_bands=dict(result.score_bands),
            recorded_at=now,
        ),
        [
            {
                "round_id": result.number,
                "candidate_id": invitation.candidate_id,
                "rank": invitation.rank,
                "kind": invitation.kind,
                "crs": invitation.crs,
                "submitted_at": invitation.submitted_at,
                "issued_at": spec.at,
                "expires_on": invitation.expires_on,
            }
            for invitation in invitations
        ],
    )
    timings["write"] = time.perf_counter() - started
    return result
