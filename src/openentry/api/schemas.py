"""What the service's routes take and give, as named, documented schemas (OpenAPI 3.1).

Profiles are the contract's own model (:class:`openentry.profiles.schema.Profile`, interfaces.md
§1), added to the document as they are; the results are the objects the commands print, each
described here with its fields. These classes are the API's, apart from the database rows and
the domain objects (shared/STYLE.md, habit 6); routes hand back the services' own JSON objects,
which these schemas describe.
"""

from __future__ import annotations

import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from openentry.cli.database import parse_moment
from openentry.domain import RoundSpec
from openentry.domain.rounds import PROGRAMS, PROVINCES, ROUND_KINDS

_OPEN = ConfigDict(extra="allow")


class FieldMessage(BaseModel):
    """A field path and one sentence about it (a warning, or why a profile was refused)."""

    field: str = Field(description="The field's path, e.g. first_language.reading")
    message: str = Field(description="What is wrong or worth knowing, and what is allowed")


class ProfileErrorLine(BaseModel):
    """A profile of a list that could not be used: its id (when it had one) and the error, as
    ``openentry score`` prints it on that profile's line."""

    id: str | None = Field(description="The profile's id, when it gave a valid one")
    error: FieldMessage


class ScoreLine(BaseModel):
    """One profile's CRS (interfaces.md §2): the total and its four sections; with ``explain``,
    IRCC's 16 itemised lines, the scoring date and the rules version."""

    model_config = _OPEN

    id: str | None = Field(description="The profile's id (null when it gave none)")
    total: int = Field(description="CRS total")
    core: int = Field(description="A. Core / human capital factors")
    spouse: int = Field(description="B. Spouse or common-law partner factors")
    transferability: int = Field(description="C. Skill transferability factors")
    additional: int = Field(description="D. Additional points")
    lines: dict[str, int] | None = Field(default=None, description="IRCC's 16 itemised lines (explain)")
    on: datetime.date | None = Field(default=None, description="The scoring date (explain)")
    rules: dict[str, str] | None = Field(
        default=None, description="The rules version: the era's first day and the parameters' hash (explain)"
    )
    warnings: list[FieldMessage] | None = Field(default=None, description="What was scored with a caveat")


class Decision(BaseModel):
    """Eligible or not for one program, category or provincial stream, with the reasons."""

    model_config = _OPEN

    eligible: bool
    reasons: list[str] = Field(description="Which rule failed and by how much, or what qualified")


class EligibilityLine(BaseModel):
    """One profile's eligibility (interfaces.md §4): every program, every category and every
    provincial stream in force on the date."""

    model_config = _OPEN

    id: str | None
    programs: dict[str, Decision] = Field(description="fsw (with its grid points), cec, fst")
    categories: dict[str, Decision] = Field(description="Every category in force, by key")
    provincial: dict[str, Decision] = Field(description="Every provincial stream modelled, by key")


class PublishedRound(BaseModel):
    """A published round as ``openentry history show N --json`` prints it (interfaces.md §6), or
    an Ontario draw (with its stream, range and window)."""

    model_config = _OPEN

    number: int | str = Field(description="IRCC's round number (327, 91a) or an Ontario draw id")
    date: datetime.date
    name: str
    kind: str = Field(description="general, program, category or provincial")
    invitations: int | None
    cutoff: int | None = Field(description="The lowest CRS invited (an Ontario draw: the lowest notified)")


class HistoryCheckLine(BaseModel):
    """Would the profile have been invited in the round (``openentry history check --round N``)."""

    model_config = _OPEN

    id: str | None
    round: int | str
    invited: bool
    crs: int = Field(description="The profile's CRS on the round's date under that date's rules")
    reasons: list[str] = Field(description="Why it would or would not have been invited")


class Change(BaseModel):
    """One change a person can make (interfaces.md §7): in words, as edits to the profile, and
    the total it leads to."""

    model_config = _OPEN

    change: str = Field(description='The change in words, e.g. "writing from CLB 8 to CLB 9"')
    edits: dict[str, Any] = Field(description="Field path: the value it becomes, in the profile's own terms")
    total: int
    gain: int


class WhatIfLine(BaseModel):
    """The single changes that raise the profile's CRS, largest gain first (``openentry whatif``)."""

    model_config = _OPEN

    id: str | None
    total: int
    changes: list[Change]


class TimelineLine(BaseModel):
    """The days on which the profile's CRS, programs or categories change by themselves, and its
    total month by month (``openentry timeline``)."""

    model_config = _OPEN

    id: str | None
    events: list[dict[str, Any]] = Field(description="on, total, delta, why")
    months: list[dict[str, Any]] = Field(description="The total on the first day of each month")


class ChancesLine(BaseModel):
    """The probability of at least one invitation within so many months (``openentry chances``)."""

    model_config = _OPEN

    id: str | None
    crs: int
    within: dict[str, float] = Field(description="Months: probability, never falling with the months")
    rounds: list[dict[str, Any]] = Field(description="The kinds of round and the probability from each")


class Health(BaseModel):
    """The service answers."""

    status: str = Field(description="ok")
    version: str = Field(description="openentry's version")


class RoundRequest(BaseModel):
    """A round of invitations: the options of ``openentry round run`` as fields (interfaces.md
    §3), ``dry_run`` included. ``at`` is required; give ``size`` or a score range, or ``all``."""

    model_config = ConfigDict(extra="forbid")

    at: str = Field(description="Date-time of the round, e.g. 2024-11-20T14:00:00Z (no offset: UTC)")
    size: int | None = Field(default=None, description="Number of invitations")
    kind: str | None = Field(default=None, description=f"One of {', '.join(ROUND_KINDS)}")
    program: str | None = Field(default=None, description=f"One of {', '.join(PROGRAMS)}")
    category: str | None = Field(default=None, description="Category key (e.g. healthcare, french)")
    crs_min: int | None = Field(default=None, description="Lowest CRS invited")
    crs_max: int | None = Field(default=None, description="Highest CRS invited")
    noc: list[str] = Field(default_factory=list, description="Primary NOC codes (provincial rounds)")
    created_from: datetime.date | None = Field(default=None, description="Profiles submitted from this day")
    created_to: datetime.date | None = Field(default=None, description="Profiles submitted up to this day")
    province: str | None = Field(
        default=None, description=f"Province of a provincial round: {', '.join(PROVINCES)}"
    )
    all: bool = Field(default=False, description="Invite everyone who qualifies (no size, no score range)")
    key: str | None = Field(
        default=None, description="Idempotency key: a repeat with a recorded key returns that round"
    )
    dry_run: bool = Field(default=False, description="Select and answer, record nothing")

    def spec(self) -> RoundSpec:
        """The round's specification, checked as ``round run`` checks it (RoundSpecError, or a
        UsageError about ``at``)."""
        return RoundSpec.create(
            at=parse_moment(self.at),
            kind=self.kind,
            size=self.size,
            program=self.program,
            category=self.category,
            crs_min=self.crs_min,
            crs_max=self.crs_max,
            nocs=tuple(code.strip() for code in self.noc if code.strip()),
            created_from=self.created_from,
            created_to=self.created_to,
            province=self.province.upper() if self.province else None,
            everyone=self.all,
            key=self.key,
        )


class RoundSummary(BaseModel):
    """A round as ``openentry round run`` prints it (interfaces.md §3)."""

    model_config = _OPEN

    round: int = Field(description="The round's number (the next number, for a dry run)")
    invited: int
    cutoff: int | None = Field(description="The CRS of the last candidate invited")
    tiebreak: str | None = Field(description="The submission time of the last candidate invited")
    tiebreak_id: str | None = Field(description="The id of the last candidate invited")
    kind: str
    at: str
    size: int | None
    criteria: dict[str, object]
    eligible: int = Field(description="How many candidates qualified")
    rules_version: dict[str, str]
    recorded: bool = Field(description="False for a dry run")
    key: str | None


class InvitationLine(BaseModel):
    """One invitation of a round (``openentry round invitations``), in rank order."""

    id: str = Field(description="The candidate's id")
    crs: int
    submitted_at: str
    kind: str = Field(description="ita or noi")
    expires_on: datetime.date = Field(description="The last day it can be acted on")


class NominationRequest(BaseModel):
    """A province's nomination of a candidate in the pool (``openentry pool nominate``)."""

    model_config = ConfigDict(extra="forbid")

    candidate: str = Field(description="The candidate's id")
    province: str = Field(description=f"The nominating province: {', '.join(PROVINCES)}")
    at: str = Field(description="Date-time of the nomination")

    def moment(self) -> datetime.datetime:
        return parse_moment(self.at)


class ExpiryRequest(BaseModel):
    """An invitation let lapse, recorded after its last valid day (``openentry invitation expire``)."""

    model_config = ConfigDict(extra="forbid")

    candidate: str = Field(description="The candidate's id")
    at: str = Field(description="When it is recorded (after the last valid day)")
    round: int | None = Field(default=None, description="The round's invitation (default: the latest)")

    def moment(self) -> datetime.datetime:
        return parse_moment(self.at)


class LedgerChange(BaseModel):
    """A change recorded in the invitations ledger."""

    model_config = _OPEN

    id: str = Field(description="The candidate's id")
    recorded: str = Field(description="declined, applied, expired or nominated")
    round: int | None = Field(default=None, description="The invitation's round")
    kind: str | None = Field(default=None, description="ita or noi")
    province: str | None = Field(default=None, description="The nominating province")


class PoolSummary(BaseModel):
    """The pool at a moment (``openentry pool summary``): IRCC's score bands of the profiles in
    it, and why the others are out."""

    model_config = _OPEN

    at: str
    stored: int = Field(description="Profiles stored")
    in_pool: int = Field(description="Profiles in the pool at that moment")
    bands: dict[str, int] = Field(description="Profiles in the pool by IRCC's score band")
    not_in_pool: dict[str, int] = Field(description="The others, by the first reason they are out")


class WithdrawalReceipt(BaseModel):
    """A candidate's profile withdrawn from the pool (``POST /v1/me/withdraw``): out of the pool
    from ``at`` until it is submitted again (a new submission, with a new ``submitted_at``)."""

    id: str = Field(description="The profile's id: the account's name")
    recorded: str = Field(description="Always withdrawn")
    at: str = Field(description="When the profile was withdrawn")
    submitted_at: str = Field(description="The submission withdrawn")
    invitations_not_used: list[dict[str, object]] = Field(
        description="The invitations it held, which are not used (round, kind, expires_on)"
    )


class ProfileReceipt(BaseModel):
    """A candidate's profile as the pool keeps it after ``PUT /v1/me/profile``."""

    id: str = Field(description="The profile's id: the account's name")
    submitted_at: str = Field(description="Set by the service on the first submission, kept on updates")
    created: bool = Field(description="True on the first submission, False for an update")
    effective_at: str = Field(description="When this version takes effect in the pool")


class Standing(BaseModel):
    """A candidate's own standing today: the CRS the pool gives them, whether they are in the
    pool, the invitations they hold and everything recorded about them."""

    model_config = _OPEN

    user: str
    at: str = Field(description="The moment of this answer")
    submitted_at: str | None = Field(description="When the profile entered the pool (null: no profile yet)")
    crs: int | None = Field(
        description="The CRS today, nominations included (null: no profile or unscorable)"
    )
    in_pool: bool
    not_in_pool: str | None = Field(description="Why the profile is out of the pool, when it is")
    holding_ita: bool = Field(description="An invitation to apply is outstanding")
    holding_noi: bool = Field(description="A provincial notification of interest is outstanding")
    invitations: list[dict[str, object]] = Field(
        description="Every invitation: round, kind, CRS, the last day to act (expires_on) and its outcome"
    )
    history: list[dict[str, object]] = Field(
        description="Everything recorded about the candidate, oldest first"
    )


class NewUserRequest(BaseModel):
    """An account to make (``openentry user add``)."""

    model_config = ConfigDict(extra="forbid")

    user: str = Field(description="The account's name; a candidate's is their profile's id")
    role: str = Field(description="candidate, analyst, officer or admin")


class NewUser(BaseModel):
    """An account just made, with its token: shown this once, kept nowhere."""

    user: str
    role: str
    token: str = Field(description="Send it as Authorization: Bearer TOKEN")


class UserLine(BaseModel):
    """An account (never its token)."""

    user: str
    role: str
    created_at: str
    revoked_at: str | None


class AuditLine(BaseModel):
    """One entry of the audit trail: who, in what role, did what to what, when, in which request,
    and how it ended."""

    id: int = Field(description="Entries are numbered in the order written")
    at: str
    actor: str = Field(description="The account's name (or the operating-system user at the command line)")
    role: str
    action: str = Field(description="e.g. profile.created, round.recorded, invitation.declined, user.added")
    object: str = Field(description="What changed, e.g. round:3, candidate:alice, user:bob")
    request_id: str | None
    outcome: str = Field(description="ok; refused (the reason in detail); failed")
    detail: dict[str, Any] = Field(description="The change's particulars, or why it was refused")
