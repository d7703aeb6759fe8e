"""Kinds of round as the forecast tells them apart: general, each program, each category.

IRCC holds general rounds (every program), program rounds (CEC, FSW, FST, PNP) and, since 2023,
category rounds (French, healthcare, STEM …; shared/spec/crs-and-programs.md §4.2, §4.5). Each
kind draws from its own part of the pool, at its own cadence and size, so the forecast models each
apart. A kind's key is ``general``, the program code (``cec``, ``fsw``, ``fst``, ``pnp``) or the
category key (``french``, ``healthcare`` …; the keys never collide). A category's list version
("Version 1", "2026-Version 3") is carried by its rounds but does not split the kind: a new
version changes who qualifies gradually, and the share of the pool a kind reaches is re-estimated
from every round anyway (forecast/pool.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from openentry.history.rounds import PublishedRound, RoundType

GENERAL = "general"
PROVINCIAL_NOMINEE = "pnp"


@dataclass(frozen=True, order=True)
class RoundKey:
    """One kind of round: ``kind`` is general, program or category (interfaces.md §8)."""

    kind: str
    program: str | None = None
    category: str | None = None

    @property
    def key(self) -> str:
        """``general``, the program code or the category key."""
        return self.program or self.category or self.kind

    def as_dict(self) -> dict[str, object]:
        return {"kind": self.kind, "program": self.program, "category": self.category}


def round_key(described: RoundType) -> RoundKey | None:
    """The kind a published round belongs to; None for a round of no known kind."""
    if described.kind == "general":
        return RoundKey(GENERAL)
    if described.kind == "program" and described.program:
        return RoundKey("program", program=described.program)
    if described.kind == "category" and described.category:
        return RoundKey("category", category=described.category)
    return None


def key_of(published: PublishedRound) -> RoundKey | None:
    return round_key(published.type)
