"""Plain domain objects of the pool and its rounds: no framework, no database (shared/STYLE.md)."""

from openentry.domain.rounds import (
    FEDERAL_KINDS,
    INVITATION_KINDS,
    PROGRAMS,
    ROUND_KINDS,
    Candidate,
    Invitation,
    Round,
    RoundSpec,
    RoundSpecError,
)

__all__ = [
    "FEDERAL_KINDS",
    "INVITATION_KINDS",
    "PROGRAMS",
    "ROUND_KINDS",
    "Candidate",
    "Invitation",
    "Round",
    "RoundSpec",
    "RoundSpecError",
]
