"""Running a round of invitations (crs-and-programs.md §4.2-4.4; categories-and-provinces.md §3).

Candidates who qualify for the round are ranked by CRS on the round date, highest first; ties at
the cut-off are broken by the profile's ``submitted_at`` (earliest first), then by id so that the
same pool and round always give the same invitations. The round, with its cut-off, tie-break
time, rules version and the pool's score bands, and its invitations are written in one
transaction, under a lock on the round-sequence row so that two rounds never overlap.
"""

from __future__ import annotations

import datetime
import time

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from numpy.typing import NDArray
from sqlalchemy import Engine, insert, update

from openentry.db import session_scope
from openentry.db.models import InvitationRow, RoundRow, RoundSequenceRow
from openentry.domain import Invitation, Round, RoundSpec, RoundSpecError
from openentry.rules import codes
from openentry.services.eligibility import eligible_mask, interested_provinces
from openentry.services.invitations import expiry_date
from openentry.services.pool import PoolState, band_counts, lock_pool, pool_at, utc_now


def _eligibility(state: PoolState, spec: RoundSpec) -> NDArray[np.bool_]:
    """Program (FSW, CEC, FST) and category rounds ask the eligibility engine."""
    try:
        if spec.kind == "category":
            mask = eligible_mask(state.table, state.at.date(), category=spec.category)
        else:
            mask = eligible_mask(state.table, state.at.date(), program=spec.program)
    except ValueError as error:
        option = "--category" if spec.kind == "category" else "--program"
        raise RoundSpecError(f"{option}: {error}") from None
    return np.asarray(mask, dtype=bool)


def qualifies(state: PoolState, spec: RoundSpec) -> NDArray[np.bool_]:
    """Who the round may invite: in the pool and meeting every criterion of ``spec``."""
    mask = state.in_pool & ~(state.holds_noi if spec.kind == "provincial" else state.holds_ita)
    if spec.kind == "program" and spec.program == "pnp":
        nominated = (
            state.table.column("provincial_nomination").fill_null(False).to_numpy(zero_copy_only=False)
        )
        mask &= np.asarray(nominated, dtype=bool)
    elif spec.kind in ("program", "category"):
        mask &= _eligibility(state, spec)
    if spec.crs_min is not None:
        mask &= state.crs >= spec.crs_min
    if spec.crs_max is not None:
        mask &= state.crs <= spec.crs_max
    if spec.kind == "provincial":
        if spec.province is not None:
            mask &= interested_provinces(state.table)[:, codes.PROVINCES.index(spec.province)]
        if spec.nocs:
            nocs = state.table.column("primary_noc")
            mask &= (
                pc.is_in(nocs, value_set=pa.array(list(spec.nocs)))
                .fill_null(False)
                .to_numpy(zero_copy_only=False)
            )
        submitted_days = state.submitted_at.astype("datetime64[D]")
        if spec.created_from is not None:
            mask &= submitted_days >= np.datetime64(spec.created_from, "D")
        if spec.created_to is not None:
            mask &= submitted_days <= np.datetime64(spec.created_to, "D")
    return mask


def rank(state: PoolState, mask: NDArray[np.bool_], size: int | None) -> NDArray[np.int64]:
    """Rows to invite, in rank order: CRS descending, then submitted_at, then id."""
    rows = np.flatnonzero(mask)
    if size is not None and len(rows) > size:
        # Only candidates at or above the size-th best score can be invited: sort those alone.
        threshold = np.partition(-state.crs[rows].astype(np.int32), size - 1)[size - 1]
        rows = rows[-state.crs[rows].astype(np.int32) <= threshold]
    ids = np.asarray(state.ids[rows], dtype=str)
    order = np.lexsort((ids, state.submitted_at[rows], -state.crs[rows].astype(np.int32)))
    ranked = rows[order]
    return ranked if size is None else ranked[:size]


def _aware(moment: np.datetime64) -> datetime.datetime:
    value = moment.astype("datetime64[us]").item()
    assert isinstance(value, datetime.datetime)
    return value.replace(tzinfo=datetime.UTC)


def run_round(
    engine: Engine,
    spec: RoundSpec,
    dry_run: bool = False,
    now: datetime.datetime | None = None,
    timings: dict[str, float] | None = None,
) -> Round:
    """Select, rank and (unless ``dry_run``) record a round and its invitations atomically.

    ``timings``, when given, receives the seconds spent selecting and writing (with the commit).
    """
    now = now or utc_now()
    timings = {} if timings is None else timings
    started = time.perf_counter()
    with session_scope(engine) as session:
        last_number = lock_pool(session, wait=not dry_run)
        state = pool_at(session, spec.at)
        mask = qualifies(state, spec)
        invited_rows = rank(state, mask, spec.size)
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
        number = last_number + 1
        result = Round(
            number=number,
            spec=spec,
            cutoff=invitations[-1].crs if invitations else None,
            tiebreak=invitations[-1].submitted_at if invitations else None,
            rules_version=state.rules.version,
            score_bands=band_counts(state.crs[state.in_pool]),
            eligible=int(mask.sum()),
            invitations=invitations,
            recorded=not dry_run,
        )
        timings["select"] = time.perf_counter() - started
        started = time.perf_counter()
        if dry_run:
            return result
        session.add(
            RoundRow(
                id=number,
                number=number,
                held_at=spec.at,
                kind=spec.kind,
                criteria=spec.criteria,
                size=spec.size,
                invited=len(invitations),
                cutoff=result.cutoff,
                tiebreak=result.tiebreak,
                rules_version=dict(result.rules_version),
                score_bands=dict(result.score_bands),
                recorded_at=now,
            )
        )
        session.execute(update(RoundSequenceRow).where(RoundSequenceRow.id == 1).values(last_number=number))
        session.flush()
        if invitations:
            session.execute(
                insert(InvitationRow),
                [
                    {
                        "round_id": number,
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
