"""A candidate's own use cases: their profile in the pool, their standing, their invitations.

Issue 13 §2: a candidate's profile has their account's name as its id (interfaces.md §9); it
enters the pool with ``submitted_at`` set by the service on the first submission, and an update
keeps it (crs-and-programs.md §4.3: an updated profile keeps its place in the tie-break). Each
submission is a pool load of one profile (:func:`openentry.services.pool.load_pool_profiles`),
effective when received. A candidate may withdraw the profile
(:func:`openentry.services.withdrawals.withdraw`); sending it again afterwards is a new
submission, with a new ``submitted_at`` (:func:`openentry.services.pool.kept_submissions`). A
candidate answers only their own invitations: a round in which they hold none is "not found",
whether or not the round exists, so that nothing leaks about others.

This module uses no web framework.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from sqlalchemy import Engine, select

from openentry.api.audit import (
    INVITATION_APPLIED,
    INVITATION_DECLINED,
    PROFILE_CREATED,
    PROFILE_UPDATED,
    PROFILE_WITHDRAWN,
    Actor,
    AuditCallback,
    audited,
    candidate_target,
)
from openentry.db import session_scope
from openentry.db.models import CandidateRow, InvitationRow
from openentry.db.pool_repository import PoolRepository
from openentry.domain.moments import iso_utc
from openentry.profiles.schema import ProfileError, parse_profile
from openentry.services.invitations import candidate_history, record_outcome
from openentry.services.pool import LoadResult, kept_submissions, load_pool_profiles, state_of, utc_now
from openentry.services.withdrawals import ensure_invitation_in_use, withdraw

# What a candidate may do with their own invitation, and the entry each writes.
ANSWERS = {"decline": ("declined", INVITATION_DECLINED), "apply": ("applied", INVITATION_APPLIED)}
# The audit entry of a withdrawal (issue 13 §3: a profile created, updated or withdrawn).


class NotFound(LookupError):
    """What was asked for is not the candidate's (or does not exist: the two are not told apart)."""


@dataclass(frozen=True)
class Submitted:
    """A profile as the pool keeps it after a submission."""

    id: str
    submitted_at: datetime.datetime
    created: bool
    effective_at: datetime.datetime

    def as_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "submitted_at": iso_utc(self.submitted_at),
            "created": self.created,
            "effective_at": iso_utc(self.effective_at),
        }


def _stored_submission(engine: Engine, name: str, at: datetime.datetime) -> datetime.datetime | None:
    """The ``submitted_at`` the profile keeps when sent again at ``at`` (None: a new submission,
    the first or one after a withdrawal)."""
    with session_scope(engine) as session:
        repository = PoolRepository(session)
        return kept_submissions(repository, repository.submitted_at_of([name]), at).get(name)


def submit_profile(
    engine: Engine, actor: Actor, raw: object, now: datetime.datetime | None = None
) -> Submitted:
    """Enter or update the candidate's own profile in the pool, effective now.

    ``id`` may be left out (it is the account's name) and ``submitted_at`` too (the service sets
    it: now for a new submission, the first or one after a withdrawal; kept on updates); given,
    they must be those. ProfileError or PoolLoadError (a field and a message) when
    the profile cannot be used, as ``openentry pool load`` reports it.
    """
    now = now or utc_now()
    name = actor.name
    if not isinstance(raw, dict):
        raise ProfileError("profile", f"expected a JSON object, found {type(raw).__name__}")
    given = parse_profile({**raw, "id": raw.get("id", name)})
    if given.id != name:
        raise ProfileError(
            "id", f"{given.id!r} is not yours: your profile's id is your account's name {name!r}"
        )
    stored = _stored_submission(engine, name, now)
    submitted_at = stored or now
    if given.submitted_at is not None and given.submitted_at != submitted_at:
        kept = f"it is {iso_utc(stored)}" if stored else "leave it out"
        raise ProfileError(
            "submitted_at",
            f"set by the service when the profile is first submitted and kept on updates; {kept}",
        )
    profile_raw: dict[str, object] = {**raw, "id": name, "submitted_at": iso_utc(submitted_at)}
    profile = parse_profile(profile_raw, require_id=True)

    def change(audit: AuditCallback[LoadResult]) -> LoadResult:
        return load_pool_profiles(
            engine, [profile], [profile_raw], ["profile"], f"service: {name}", now=now, audit=audit
        )

    action = PROFILE_CREATED if stored is None else PROFILE_UPDATED
    result = audited(engine, actor, action, candidate_target(name), change)
    return Submitted(
        id=name, submitted_at=submitted_at, created=stored is None, effective_at=result.effective_at
    )


def _no_profile(name: str) -> NotFound:
    return NotFound(f"no profile for {name!r} yet; send one with PUT /v1/me/profile")


def own_profile(engine: Engine, name: str) -> dict[str, object]:
    """The candidate's profile as last submitted; NotFound before the first submission."""
    with session_scope(engine) as session:
        row = session.get(CandidateRow, name)
        if row is None or row.profile is None:
            raise _no_profile(name)
        return dict(row.profile)


def standing(engine: Engine, name: str, now: datetime.datetime | None = None) -> dict[str, object]:
    """The candidate today: CRS (nominations included), in the pool or why not, the invitations
    they hold with their deadlines and outcomes, and everything recorded about them."""
    now = now or utc_now()
    with session_scope(engine) as session:
        row = session.get(CandidateRow, name)
        if row is None:
            return {
                "user": name,
                "at": iso_utc(now),
                "submitted_at": None,
                "crs": None,
                "in_pool": False,
                "not_in_pool": "no profile submitted",
                "holding_ita": False,
                "holding_noi": False,
                "invitations": [],
                "history": [],
            }
        state = state_of(PoolRepository(session), now, only=name)
    reason = state.membership.reason_of(0)
    history = candidate_history(engine, name)
    return {
        "user": name,
        "at": iso_utc(now),
        "submitted_at": iso_utc(row.submitted_at),
        "crs": None if 0 in state.assessment.errors else int(state.assessment.total[0]),
        "in_pool": reason is None,
        "not_in_pool": None if reason is None else reason.value,
        "holding_ita": bool(state.holds_ita[0]),
        "holding_noi": bool(state.holds_noi[0]),
        "invitations": invitations_of(history),
        "history": history,
    }


def invitations_of(history: list[dict[str, object]]) -> list[dict[str, object]]:
    """The invitations in a candidate's history, each with what the candidate did with it (the
    entry of the same round recorded after it: declined, applied, expired; None: nothing yet)."""
    answered = {
        entry.get("round"): str(entry["event"])
        for entry in history
        if entry["event"] in ("declined", "applied", "expired")
    }
    return [
        {
            "round": entry["round"],
            "kind": entry["kind"],
            "crs": entry["crs"],
            "issued_at": entry["at"],
            "expires_on": entry["expires_on"],
            "outcome": answered.get(entry["round"]),
        }
        for entry in history
        if entry["event"] == "invited"
    ]


def answer_invitation(
    engine: Engine, actor: Actor, round_number: int, answer: str, now: datetime.datetime | None = None
) -> dict[str, object]:
    """Decline or apply for the candidate's own invitation of ``round_number``, now. NotFound
    when they hold none from that round; LedgerError (from the ledger) when it cannot be answered any more."""
    outcome, action = ANSWERS[answer]
    name = actor.name
    with session_scope(engine) as session:
        invited = session.execute(
            select(InvitationRow.id).where(
                InvitationRow.candidate_id == name, InvitationRow.round_id == round_number
            )
        ).first()
    if invited is None:
        raise NotFound(f"you hold no invitation from round {round_number}")

    at = now or utc_now()

    def change(audit: AuditCallback[dict[str, object]]) -> dict[str, object]:
        ensure_invitation_in_use(engine, name, round_number, at)
        return record_outcome(engine, name, outcome, at, round_number, audit=audit)

    return audited(engine, actor, action, candidate_target(name, round_number), change)


def withdraw_profile(engine: Engine, actor: Actor, now: datetime.datetime | None = None) -> dict[str, object]:
    """Withdraw the candidate's own profile from the pool, now
    (:func:`openentry.services.withdrawals.withdraw`). NotFound before the first submission;
    LedgerError when it cannot be withdrawn (already withdrawn, out of the pool for good)."""
    name = actor.name
    with session_scope(engine) as session:
        if session.get(CandidateRow, name) is None:
            raise _no_profile(name)

    def change(audit: AuditCallback[dict[str, object]]) -> dict[str, object]:
        return withdraw(engine, name, now or utc_now(), audit=audit)

    return audited(engine, actor, PROFILE_WITHDRAWN, candidate_target(name), change)
