"""Totals over published rounds: invitations and rounds by period and kind, cut-off ranges.

A round's "kind label" separates what readers compare: general rounds, each program (CEC, FSW,
FST, PNP) and each category (French, healthcare, STEM …), as IRCC's yearly summaries do
(shared/spec/categories-and-provinces.md §1.6, yearly totals).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from openentry.history.provincial import STREAMS_BY_KEY, ProvincialDraw
from openentry.history.rounds import PublishedRound

PROGRAM_LABELS = {"cec": "CEC", "fsw": "FSW", "fst": "FST", "pnp": "PNP"}
Counted = PublishedRound | ProvincialDraw


def kind_label(published: Counted) -> str:
    """``general``, ``CEC``/``FSW``/``FST``/``PNP``, the category key (``healthcare`` …), or
    ``Ontario HCP`` / ``Ontario FSSW`` / ``Ontario Skilled Trades`` for Ontario's draws (NOIs)."""
    described = published.type
    if described.kind == "provincial":
        return f"Ontario {STREAMS_BY_KEY[described.stream or ''].short}"
    if described.kind == "program":
        return PROGRAM_LABELS[described.program or ""]
    if described.kind == "category":
        return described.category or "category"
    return described.kind


def broad_label(published: Counted) -> str:
    """Five groups: general, PNP, other programs, categories, provincial (Ontario's NOIs)."""
    described = published.type
    if described.kind == "program":
        return "PNP" if described.program == "pnp" else "program (CEC, FSW, FST)"
    return "category" if described.kind == "category" else described.kind


@dataclass(frozen=True)
class PeriodTotal:
    period: str  # "2024" or "2024-11"
    label: str
    rounds: int
    invitations: int
    lowest_cutoff: int | None
    highest_cutoff: int | None

    def as_dict(self) -> dict[str, object]:
        return {
            "period": self.period,
            "kind": self.label,
            "rounds": self.rounds,
            "invitations": self.invitations,
            "lowest_cutoff": self.lowest_cutoff,
            "highest_cutoff": self.highest_cutoff,
        }


def totals_by_period(rounds: Iterable[Counted], by: str = "year", detailed: bool = True) -> list[PeriodTotal]:
    """Rounds, invitations and cut-off range per period (``year`` or ``month``) and kind label.
    For Ontario's draws, invitations are NOIs and the cut-off is the lowest CRS notified."""
    if by not in ("year", "month"):
        raise ValueError("by must be 'year' or 'month'")
    groups: dict[tuple[str, str], list[Counted]] = defaultdict(list)
    for published in rounds:
        period = str(published.date.year) if by == "year" else published.date.strftime("%Y-%m")
        label = kind_label(published) if detailed else broad_label(published)
        groups[(period, label)].append(published)
    totals = []
    for (period, label), members in sorted(groups.items()):
        cutoffs = [member.cutoff for member in members if member.cutoff is not None]
        totals.append(
            PeriodTotal(
                period=period,
                label=label,
                rounds=len(members),
                invitations=sum(member.invitations or 0 for member in members),
                lowest_cutoff=min(cutoffs) if cutoffs else None,
                highest_cutoff=max(cutoffs) if cutoffs else None,
            )
        )
    return totals
