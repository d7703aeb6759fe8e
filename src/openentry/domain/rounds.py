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

ROUND_KINDS = ("general", "program", "category", "provincial")
FEDERAL_KINDS = ("general", "program", "category")
PROGRAMS = ("fsw", "cec", "fst", "pnp")
INVITATION_KINDS = ("ita", "noi")
PROVINCES = ("AB", "BC", "MB", "NB", "NL", "NS", "NT", "NU", "ON", "PE", "SK", "YT")
_NOC = re.compile(r"^\d{5}$")


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
    ) -> RoundSpec:
        """A checked specification; the kind follows from --program / --category when not given."""
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
            "submitted_at": self.submitted_at.isoformat().replace("+00:00", "Z"),
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
    rules_version: dict[str, str]
    score_bands: dict[str, int]
    eligible: int
    invitations: tuple[Invitation, ...] = field(repr=False)
    recorded: bool = True

    @property
    def invited(self) -> int:
        return len(self.invitations)

    def summary(self) -> dict[str, object]:
        """The one JSON object `openentry round run` prints (interfaces.md §3)."""
        return {
            "round": self.number,
            "invited": self.invited,
            "cutoff": self.cutoff,
            "tiebreak": None if self.tiebreak is None else self.tiebreak.isoformat().replace("+00:00", "Z"),
            "kind": self.spec.kind,
            "at": self.spec.at.isoformat().replace("+00:00", "Z"),
            "size": self.spec.size,
            "criteria": self.spec.criteria,
            "eligible": self.eligible,
            "rules_version": self.rules_version,
            "recorded": self.recorded,
        }


@dataclass(frozen=True)
class Candidate:
    """A profile in the pool on a given moment and where it stands."""

    id: str
    submitted_at: datetime.datetime
    expires_at: datetime.datetime
    in_pool: bool
    reason: str | None = None
