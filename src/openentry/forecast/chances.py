"""A candidate's chances: the probability of at least one invitation within 1, 3, 6 and 12 months.

For each profile (interfaces.md §8, ``openentry chances``):

1. its CRS on the day asked about (the scorer, services/scoring.py). The score is held for the
   months ahead: the month-by-month timeline (age, work years, test expiry) is not used yet;
2. the kinds of round it qualifies for that day (services/eligibility.py): general rounds when it
   is in the pool (eligible for FSW, CEC or FST), each program it is eligible for, each category
   it meets with its work rules (a category also needs one of the programs), PNP rounds when it
   holds a provincial nomination. Only kinds held in the 12 months before that day are expected
   again (forecast/outlook.py); the others are taken as not held;
3. each of those kinds' rounds simulated over the months ahead (forecast/outlook.py, ``DRAWS``
   futures with a fixed seed): the profile is invited by a simulated round whose cut-off is at or
   below its score (at the cut-off score itself IRCC invites some and not others by the tie-break;
   it is counted as invited). The probability within N months is the share of futures with such a
   round within N calendar months; it cannot fall as N grows. Kinds are simulated independently.

``rounds`` lists, for each kind the profile qualifies for, the probability that a round of that
kind invites it within the longest horizon: which kinds carry its chances.

How good these probabilities are is measured in the backtest (forecast/backtest.py, Brier score
against the past year's frequency).
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from openentry.forecast.kinds import GENERAL, PROVINCIAL_NOMINEE, RoundKey
from openentry.forecast.outlook import SimulatedRounds, outlook, simulate
from openentry.forecast.pool import PoolView
from openentry.forecast.service import ForecastInputError, view_on
from openentry.history.rounds import PublishedRound
from openentry.services.eligibility import eligibility_profiles
from openentry.services.scoring import RawProfile, score_profiles

DEFAULT_MONTHS = (1, 3, 6, 12)
LONGEST_MONTHS = 60
ACTIVE_DAYS = 365  # kinds held in this many days before the day asked about are expected again
SCORE_BASIS = "the CRS on the day asked about, held for the months ahead"


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` calendar months later (the month's last day when it is shorter)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def qualifying_kinds(line: dict[str, object], nominated: bool, active: Sequence[RoundKey]) -> list[RoundKey]:
    """The active kinds a profile's eligibility line (interfaces.md §4) qualifies it for."""
    programs = line.get("programs")
    categories = line.get("categories")
    eligible_programs = {
        name
        for name, decision in (programs.items() if isinstance(programs, dict) else [])
        if isinstance(decision, dict) and decision.get("eligible") is True
    }
    in_pool = bool(eligible_programs)
    chosen: list[RoundKey] = []
    for key in active:
        if key.kind == GENERAL:
            qualifies = in_pool
        elif key.program == PROVINCIAL_NOMINEE:
            qualifies = in_pool and nominated
        elif key.program is not None:
            qualifies = key.program in eligible_programs
        else:
            decision = categories.get(key.category or "") if isinstance(categories, dict) else None
            qualifies = in_pool and isinstance(decision, dict) and decision.get("eligible") is True
        if qualifies:
            chosen.append(key)
    return chosen


def _invited(simulated: SimulatedRounds, crs: int, horizon_days: float) -> NDArray[np.bool_]:
    """For each future: a round of the kind within the horizon cut at or below ``crs``."""
    invited: NDArray[np.bool_] = simulated.first_within(horizon_days) <= crs
    return invited


class Simulations:
    """The simulated rounds of each kind, made once and shared by every profile."""

    def __init__(self, view: PoolView, horizon_days: float) -> None:
        self.view = view
        self.horizon_days = horizon_days
        self.active = view.kinds_since(view.day - datetime.timedelta(days=ACTIVE_DAYS))
        self._made: dict[RoundKey, SimulatedRounds] = {}

    def of(self, key: RoundKey) -> SimulatedRounds:
        if key not in self._made:
            self._made[key] = simulate(self.view, outlook(self.view, key), self.horizon_days)
        return self._made[key]


def profile_chances(
    simulations: Simulations, crs: int, kinds: Sequence[RoundKey], months: Sequence[int]
) -> dict[str, object]:
    """``within`` (by months) and ``rounds`` (by kind) for one profile's score and kinds."""
    day = simulations.view.day
    horizons = {number: float((add_months(day, number) - day).days) for number in months}
    within: dict[str, float] = {}
    for number in sorted(months):
        invited = np.zeros(0, dtype=bool)
        for key in kinds:
            by_kind = _invited(simulations.of(key), crs, horizons[number])
            invited = by_kind if invited.size == 0 else invited | by_kind
        within[str(number)] = round(float(invited.mean()), 3) if invited.size else 0.0
    longest = horizons[max(months)]
    rounds = []
    for key in kinds:
        simulated = simulations.of(key)
        rounds.append(
            {
                **key.as_dict(),
                "key": key.key,
                "probability": round(float(_invited(simulated, crs, longest).mean()), 3),
                "expected_rounds": round(float((simulated.days <= longest).sum(axis=1).mean()), 1),
            }
        )
    rounds.sort(key=lambda item: (-float(str(item["probability"])), str(item["key"])))
    return {"within": within, "rounds": rounds}


def chances_profiles(
    raw_profiles: Sequence[RawProfile],
    view: PoolView,
    months: Sequence[int] = DEFAULT_MONTHS,
    require_id: bool = False,
) -> list[dict[str, object]]:
    """One line per profile, in input order: its chances, or its error as ``openentry score``."""
    day = view.day
    scores = score_profiles(raw_profiles, day, require_id=require_id)
    eligibility = eligibility_profiles(raw_profiles, day, require_id=require_id)
    simulations = Simulations(view, float((add_months(day, max(months)) - day).days))
    results: list[dict[str, object]] = []
    for raw, scored, line in zip(raw_profiles, scores, eligibility, strict=True):
        if "error" in scored:
            results.append(scored)
            continue
        if "error" in line:
            results.append(line)
            continue
        crs = int(str(scored["total"]))
        nominated = isinstance(raw.value, dict) and raw.value.get("provincial_nomination") is True
        kinds = qualifying_kinds(line, nominated, simulations.active)
        results.append(
            {
                "id": scored["id"],
                "crs": crs,
                **profile_chances(simulations, crs, kinds, months),
                "as_of": day.isoformat(),
                "score_basis": SCORE_BASIS,
            }
        )
    return results


def parse_months(text: str | None) -> tuple[int, ...]:
    """``--months 1,3,6,12``: whole months from 1 to LONGEST_MONTHS, in increasing order."""
    if text is None:
        return DEFAULT_MONTHS
    parts = [part.strip() for part in text.split(",")]
    if any(not part.isdigit() for part in parts):
        raise ForecastInputError(
            f"--months: {text!r} must be whole numbers of months separated by commas (1,3,6,12)"
        )
    numbers = sorted({int(part) for part in parts})
    if numbers[0] < 1 or numbers[-1] > LONGEST_MONTHS:
        raise ForecastInputError(f"--months: {text!r}: each must be from 1 to {LONGEST_MONTHS} months")
    return tuple(numbers)


def chances(
    raw_profiles: Sequence[RawProfile],
    rounds: Sequence[PublishedRound],
    as_of: datetime.date,
    months: Sequence[int] = DEFAULT_MONTHS,
    require_id: bool = False,
) -> list[dict[str, object]]:
    """``openentry chances`` (interfaces.md §8): one line per profile, in input order, from the
    rounds published before ``as_of``."""
    return chances_profiles(raw_profiles, view_on(rounds, as_of), months, require_id=require_id)
