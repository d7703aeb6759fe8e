"""Who is in the pool, who qualifies for a round, and who is invited (crs-and-programs.md §4.1-4.3).

One decision, one place: live rounds, the pool's summary, nominations and the replay of IRCC's
published rounds all call these functions, over arrays (one entry per profile).

- **The pool** (MI 2017-1 s.4(1), §4.1): a profile that meets at least one program (FSW, CEC,
  FST) is in the pool from its submission until the earliest of: 12 months after it was
  submitted (``rounds.pool_duration``), no longer meeting any program's criteria (a language
  result 2 years old or more counts as not meeting them, s.3(4)), or, once invited, the day it
  applies or lets the invitation lapse. Declining returns it to the pool. A candidate may
  withdraw the profile: the submission is out of the pool from the moment it is withdrawn; a
  profile submitted again is a new submission (§4.3: deleting and re-creating a profile changes
  its submission timestamp), in the pool from its new ``submitted_at``.
- **Qualifying for a round** (§4.2): in the pool, not holding an outstanding invitation of the
  round's kind (an ITA for a federal round, an NOI for a provincial one), and meeting every
  condition of the round (program, category, nomination, score range, NOC list, creation window,
  province of interest).
- **Rank and tie-break** (§4.3; canada.ca round #205): highest CRS first; "if more than one
  candidate has the lowest score, the cut-off is based on the date and time they submitted their
  Express Entry profiles" (earliest first). Two profiles submitted at the same instant are
  ordered by id in ascending code-point order, so a round is deterministic and its record (the
  tie-break time and the id of the last candidate invited) decides every tie exactly.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from numpy.typing import NDArray

from openentry.rules.periods import add_months

Flags = NDArray[np.bool_]
Moments = NDArray[np.datetime64]

TIEBREAK_ORDER = (
    "CRS descending, then submitted_at ascending (the earliest profile first), then id ascending "
    "in code-point order for profiles submitted at the same instant"
)


class PoolReason(StrEnum):
    """Why a stored profile is not in the pool at a moment, in the order they are checked."""

    NOT_YET_SUBMITTED = "not yet submitted"
    # Right after submission: a withdrawal is recorded only while the submission has not left
    # the pool for good (not expired, applied or lapsed; services/withdrawals.py), so it came
    # first in time; what follows it (the 12 months running out) or what the day's assessment
    # finds (a language result expired, no program) is not why the profile is out.
    WITHDRAWN = "withdrawn by the candidate"
    POOL_EXPIRY = "pool expiry"
    APPLIED = "applied after an ITA"
    LAPSED = "let an ITA expire"
    LANGUAGE_EXPIRED = "language result expired"
    MEETS_NO_PROGRAM = "meets no program"
    CANNOT_BE_SCORED = "cannot be scored"


@dataclass(frozen=True)
class Membership:
    """Who is in the pool, and for each reason the profiles it takes out first: a profile out
    for several reasons is counted once, under the first in :class:`PoolReason`'s order."""

    reasons: Mapping[PoolReason, Flags]
    in_pool: Flags

    def first_reasons(self) -> dict[str, int]:
        """How many profiles each reason takes out of the pool (they add up to those out)."""
        return {reason.value: int(mask.sum()) for reason, mask in self.reasons.items()}

    def reason_of(self, row: int) -> PoolReason | None:
        """The first reason profile ``row`` is out of the pool (None: it is in)."""
        for reason, mask in self.reasons.items():
            if mask[row]:
                return reason
        return None


def expires_at(submitted_at: Moments, pool_duration_months: int) -> Moments:
    """The moment each profile leaves the pool by age (12 calendar months after submission)."""
    return add_months(submitted_at, pool_duration_months)


def membership(
    *,
    submitted_at: Moments,
    moment: np.datetime64,
    pool_duration_months: int,
    language_expired: Flags,
    meets_a_program: Flags,
    applied: Flags | None = None,
    lapsed: Flags | None = None,
    unscorable: Flags | None = None,
    withdrawn_at: Moments | None = None,
) -> Membership:
    """Who is in the pool at ``moment`` (MI 2017-1 s.4(1)); every argument is one entry a profile.

    ``meets_a_program``: eligible for FSW, CEC or FST on the day; ``applied`` / ``lapsed``: the
    latest ITA was accepted or let expire by then; ``unscorable``: the profile cannot be scored
    on the day (a result not accepted then), so it cannot be ranked; ``withdrawn_at``: when the
    candidate withdrew the submission the profile stands on (NaT: not withdrawn), out from then
    on (a profile submitted again stands on its new submission, which no withdrawal of the
    earlier one concerns: the caller gives NaT for it). The reasons are checked in
    :class:`PoolReason`'s order and a profile already out is not looked at again, so a fact may
    be left unknown (any value) for the profiles an earlier reason takes out.
    """
    size = len(submitted_at)
    none = np.zeros(size, dtype=bool)
    # NaT (not withdrawn) compares false.
    withdrawn = none if withdrawn_at is None else np.asarray(withdrawn_at <= moment, dtype=bool)
    checks: dict[PoolReason, Flags] = {
        PoolReason.NOT_YET_SUBMITTED: submitted_at > moment,
        PoolReason.WITHDRAWN: withdrawn,
        PoolReason.POOL_EXPIRY: expires_at(submitted_at, pool_duration_months) <= moment,
        PoolReason.APPLIED: none if applied is None else np.asarray(applied, dtype=bool),
        PoolReason.LAPSED: none if lapsed is None else np.asarray(lapsed, dtype=bool),
        PoolReason.LANGUAGE_EXPIRED: np.asarray(language_expired, dtype=bool),
        PoolReason.MEETS_NO_PROGRAM: ~np.asarray(meets_a_program, dtype=bool),
        PoolReason.CANNOT_BE_SCORED: none if unscorable is None else np.asarray(unscorable, dtype=bool),
    }
    remaining = np.ones(size, dtype=bool)
    reasons: dict[PoolReason, Flags] = {}
    for reason, mask in checks.items():
        reasons[reason] = mask & remaining
        remaining = remaining & ~mask
    return Membership(reasons=reasons, in_pool=remaining)


def qualifies(in_pool: Flags, holds_invitation: Flags, conditions: Sequence[Flags] = ()) -> Flags:
    """Who a round may invite: in the pool, no outstanding invitation of the round's kind, and
    every condition of the round met (§4.2)."""
    mask = in_pool & ~holds_invitation
    for condition in conditions:
        mask = mask & condition
    return mask


def in_score_range(crs: NDArray[np.integer], low: int | None, high: int | None) -> Flags:
    """The round's CRS range, both ends included (a provincial draw's notified range)."""
    mask = np.ones(len(crs), dtype=bool)
    if low is not None:
        mask &= crs >= low
    if high is not None:
        mask &= crs <= high
    return mask


def created_within(submitted_at: Moments, first: datetime.date | None, last: datetime.date | None) -> Flags:
    """Profiles created inside a provincial draw's window, both days included
    (categories-and-provinces.md §3.1)."""
    days = submitted_at.astype("datetime64[D]")
    mask = np.ones(len(days), dtype=bool)
    if first is not None:
        mask &= days >= np.datetime64(first, "D")
    if last is not None:
        mask &= days <= np.datetime64(last, "D")
    return mask


def rank(
    crs: NDArray[np.integer],
    submitted_at: Moments,
    ids: NDArray[np.object_] | NDArray[np.str_],
    mask: Flags,
    size: int | None,
) -> NDArray[np.int64]:
    """Rows to invite, in rank order (:data:`TIEBREAK_ORDER`); all who qualify when ``size`` is None."""
    rows = np.flatnonzero(mask)
    scores = crs[rows].astype(np.int32)
    if size is not None and len(rows) > size:
        # Only candidates at or above the size-th best score can be invited: sort those alone.
        threshold = np.partition(-scores, size - 1)[size - 1]
        keep = -scores <= threshold
        rows, scores = rows[keep], scores[keep]
    order = np.lexsort((np.asarray(ids[rows], dtype=str), submitted_at[rows], -scores))
    ranked = rows[order]
    return ranked if size is None else ranked[:size]


def invited_at_cutoff(
    crs: NDArray[np.integer],
    submitted_at: Moments,
    ids: NDArray[np.object_] | NDArray[np.str_],
    cutoff: int,
    tiebreak: np.datetime64 | None,
    tiebreak_id: str | None = None,
) -> Flags:
    """Who a round with this cut-off and tie-break invites among those who qualify: everyone
    above the cut-off, and at the cut-off those submitted before the tie-break time, or at it
    with an id not after ``tiebreak_id``. With no tie-break time (IRCC published none before
    round #77), everyone at the cut-off; with no ``tiebreak_id`` (IRCC's rounds), everyone
    submitted at or before the tie-break time."""
    above: Flags = np.asarray(crs > cutoff, dtype=bool)
    at_cutoff: Flags = np.asarray(crs == cutoff, dtype=bool)
    if tiebreak is None:
        return above | at_cutoff
    before: Flags = np.asarray(submitted_at < tiebreak, dtype=bool)
    same: Flags = np.asarray(submitted_at == tiebreak, dtype=bool)
    if tiebreak_id is not None:
        same = same & (np.asarray(ids, dtype=str) <= tiebreak_id)
    invited: Flags = above | (at_cutoff & (before | same))
    return invited
