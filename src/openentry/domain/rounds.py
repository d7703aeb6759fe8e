"""Candidates, round specifications, rounds and invitations (crs-and-programs.md §4).

A round invites the best-ranked candidates who qualify: federal rounds (general, program,
category) issue invitations to apply (ITA); provincial rounds issue notifications of interest
(NOI) to candidates in a CRS range, optionally restricted to a NOC list matched on the primary
NOC and a profile-creation window (categories-and-provinces.md §3.1).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from enum import StrEnum

from openentry.domain.moments import iso_utc
from openentry.rules import codes
from openentry.rules.selection import TIEBREAK_ORDER


class RoundKind(StrEnum):
    """The kinds of round (crs-and-programs.md §4.2; categories-and-provinces.md §3)."""

    GENERAL = "general"
    PROGRAM = "program"
    CATEGORY = "category"
    PROVINCIAL = "provincial"


class Program(StrEnum):
    """The programs a program round can be limited to; ``pnp``: candidates with a nomination."""

    FSW = "fsw"
    CEC = "cec"
    FST = "fst"
    PNP = "pnp"


class InvitationKind(StrEnum):
    """An invitation to apply (federal rounds) or a notification of interest (provincial)."""

    ITA = "ita"
    NOI = "noi"


# Quebec selects its own immigrants and runs no provincial nominee program; the other codes of
# the profile's vocabulary can nominate. (Nunavut has no nominee program either by some
# accounts; no source settles it, so it stays — shared/spec/categories-and-provinces.md.)
_NO_NOMINEE_PROGRAM = ("QC",)
Province = StrEnum(  # type: ignore[misc]
    "Province", [(code, code) for code in codes.PROVINCES if code not in _NO_NOMINEE_PROGRAM]
)

ROUND_KINDS = tuple(kind.value for kind in RoundKind)
FEDERAL_KINDS = (RoundKind.GENERAL.value, RoundKind.PROGRAM.value, RoundKind.CATEGORY.value)
PROGRAMS = tuple(program.value for program in Program)
INVITATION_KINDS = tuple(kind.value for kind in InvitationKind)
PROVINCES: tuple[str, ...] = tuple(province.value for province in Province)
_NOC = re.compile(r"^\d{5}$")
_KEY = re.compile(r"^[A-Za-z0-9._:-]{1,200}$")


class RoundSpecError(ValueError):
    """A round specification that cannot be run (one clear sentence naming the option)."""


@dataclass(frozen=True)
class RoundSpec:
    """What a round asks for. Build it with :meth:`create`, which checks every combination."""

    at: datetime.datetime
    kind: str
    size: int | None = None
    program: str | None = None
    category: str | None = None
    crs_min: int | None = None
    crs_max: int | None = None
    nocs: tuple[str, ...] = ()
    created_from: datetime.date | None = None
    created_to: datetime.date | None = None
    province: str | None = None
    everyone: bool = False
    key: str | None = None

    @property
    def invitation_kind(self) -> str:
        return "noi" if self.kind == "provincial" else "ita"

    @property
    def criteria(self) -> dict[str, object]:
        """The criteria as recorded with the round (JSON-ready)."""
        criteria: dict[str, object] = {"kind": self.kind}
        optional: dict[str, object] = {
            "program": self.program,
            "category": self.category,
            "crs_min": self.crs_min,
            "crs_max": self.crs_max,
            "nocs": list(self.nocs) or None,
            "created_from": self.created_from.isoformat() if self.created_from else None,
            "created_to": self.created_to.isoformat() if self.created_to else None,
            "province": self.province,
            "all": True if self.everyone else None,
        }
        criteria.update({key: value for key, value in optional.items() if value is not None})
        return criteria

    @classmethod
    def create(
        cls,
        at: datetime.datetime,
        kind: str | None = None,
        size: int | None = None,
        program: str | None = None,
        category: str | None = None,
        crs_min: int | None = None,
        crs_max: int | None = None,
        nocs: tuple[str, ...] = (),
        created_from: datetime.date | None = None,
        created_to: datetime.date | None = None,
        province: str | None = None,
        everyone: bool = False,
        key: str | None = None,
    ) -> RoundSpec:
        """A checked specification; the kind follows from --program / --category when not given.

        A round with no size and no score range would invite everyone who qualifies: it must be
        asked for (``everyone``, ``--all``), never fall out of a forgotten option.
        """
        if at.tzinfo is None:
            raise RoundSpecError(f"--at: {at.isoformat()} has no time zone; give one, e.g. {at.isoformat()}Z")
        if kind is None:
            kind = (
                "program" if program else "category" if category else "provincial" if province else "general"
            )
        if kind not in ROUND_KINDS:
            raise RoundSpecError(
                f"--kind: {kind!r} is not a round kind; expected one of {', '.join(ROUND_KINDS)}"
            )
        if program is not None and program not in PROGRAMS:
            raise RoundSpecError(
                f"--program: {program!r} is not a program; expected one of {', '.join(PROGRAMS)}"
            )
        if kind == "program" and program is None:
            raise RoundSpecError("--kind program needs --program (fsw, cec, fst or pnp)")
        if program is not None and kind != "program":
            raise RoundSpecError(f"--program is for --kind program, not {kind}")
        if kind == "category" and not category:
            raise RoundSpecError("--kind category needs --category KEY")
        if category is not None and kind != "category":
            raise RoundSpecError(f"--category is for --kind category, not {kind}")
        if size is not None and size < 1:
            raise RoundSpecError(f"--size: {size} invitations; a round invites at least 1")
        if everyone and size is not None:
            raise RoundSpecError(f"--all invites everyone who qualifies; it cannot go with --size {size}")
        if size is None and crs_min is None and crs_max is None and not everyone:
            raise RoundSpecError(
                "give --size N or a score range (--crs-min, --crs-max); --all invites everyone who qualifies"
            )
        if key is not None and not _KEY.match(key):
            raise RoundSpecError(f"--key: {key!r} must be 1-200 characters of A-Z a-z 0-9 . _ : -")
        if crs_min is not None and crs_max is not None and crs_min > crs_max:
            raise RoundSpecError(f"--crs-min {crs_min} is above --crs-max {crs_max}")
        for noc in nocs:
            if not _NOC.match(noc):
                raise RoundSpecError(f"--noc: {noc!r} is not a 5-digit NOC 2021 code")
        if created_from is not None and created_to is not None and created_from > created_to:
            raise RoundSpecError(f"--created-from {created_from} is after --created-to {created_to}")
        if kind == "provincial":
            if province is not None and province not in PROVINCES:
                raise RoundSpecError(
                    f"--province: {province!r} is not a province code; expected one of {', '.join(PROVINCES)}"
                )
        elif province is not None or nocs or created_from is not None or created_to is not None:
            raise RoundSpecError(
                "--province, --noc, --created-from and --created-to are for --kind provincial"
            )
        return cls(
            at=at.astimezone(datetime.UTC),
            kind=kind,
            size=size,
            program=program,
            category=category,
            crs_min=crs_min,
            crs_max=crs_max,
            nocs=tuple(nocs),
            created_from=created_from,
            created_to=created_to,
            province=province,
            everyone=everyone,
            key=key,
        )


@dataclass(frozen=True)
class Invitation:
    """An invitation issued in a round: the candidate, their CRS on the round date, the deadline."""

    candidate_id: str
    rank: int
    crs: int
    submitted_at: datetime.datetime
    kind: str
    expires_on: datetime.date

    def as_json(self) -> dict[str, object]:
        return {
            "id": self.candidate_id,
            "crs": self.crs,
            "submitted_at": iso_utc(self.submitted_at),
            "kind": self.kind,
            "expires_on": self.expires_on.isoformat(),
        }


@dataclass(frozen=True)
class Round:
    """A round as run: its number (None for a dry run never recorded), outcome and context."""

    number: int
    spec: RoundSpec
    cutoff: int | None
    tiebreak: datetime.datetime | None
    rules_version: dict[str, object]
    score_bands: dict[str, int]
    eligible: int
    invitations: tuple[Invitation, ...] = field(repr=False)
    recorded: bool = True
    tiebreak_id: str | None = None
    invited_count: int | None = None  # a round read back from the record, without its invitations

    @property
    def invited(self) -> int:
        return len(self.invitations) if self.invited_count is None else self.invited_count

    def summary(self) -> dict[str, object]:
        """The one JSON object `openentry round run` prints (interfaces.md §3)."""
        return {
            "round": self.number,
            "invited": self.invited,
            "cutoff": self.cutoff,
            "tiebreak": None if self.tiebreak is None else iso_utc(self.tiebreak),
            "tiebreak_id": self.tiebreak_id,
            "tiebreak_order": TIEBREAK_ORDER,
            "kind": self.spec.kind,
            "at": iso_utc(self.spec.at),
            "size": self.spec.size,
            "criteria": self.spec.criteria,
            "eligible": self.eligible,
            "rules_version": self.rules_version,
            "recorded": self.recorded,
            "key": self.spec.key,
        }


@dataclass(frozen=True)
class Candidate:
    """A profile in the pool on a given moment and where it stands."""

    id: str
    submitted_at: datetime.datetime
    expires_at: datetime.datetime
    in_pool: bool
    reason: str | None = None
