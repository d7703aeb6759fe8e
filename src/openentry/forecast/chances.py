"""A candidate's chances: the probability of at least one invitation within 1, 3, 6 and 12 months.

For each profile (interfaces.md §8, ``openentry chances``):

1. its CRS and the programs and categories it meets, day by day over the months ahead: the
   timeline of the what-if issue (services/timeline.py: age follows the birth date, work years
   the work history, a language result stops counting at 2 years, the profile leaves the pool 12
   months after ``submitted_at``, the law changes on its dates);
2. the kinds of round it qualifies for on each day: general rounds while it is in the pool
   (meets FSW, CEC or FST), each program it meets, each category it meets (work rules included;
   a category also needs a program), PNP rounds while it is in the pool with a provincial
   nomination. Only kinds held in the 12 months before that day are expected again
   (forecast/outlook.py); the others are taken as not held;
3. each of those kinds' rounds simulated over the months ahead (forecast/outlook.py, ``DRAWS``
   futures with a fixed seed): the profile is invited by a simulated round of a kind it qualifies
   for on that round's day whose cut-off is at or below its score that day (at the cut-off score
   itself IRCC invites some and not others by the tie-break; it is counted as invited). The
   probability within N months is the share of futures with such a round within N calendar
   months; it cannot fall as N grows. Kinds are simulated independently.

``rounds`` lists, for each kind the profile qualifies for at some point, the probability that a
round of that kind invites it within the longest horizon: which kinds carry its chances.

Under a rule overlay (``--rules-overlay``), the profile is read under the overlay and each
simulated cut-off, forecast from rounds held under the law, is translated to the overlay on its
round's day (forecast/overlay.py: rank matching over a synthetic pool), so that a score under
the overlay is compared with a cut-off under the same rules.

How good these probabilities are is measured in the backtest (forecast/backtest.py, Brier score
against the past year's frequency).
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from openentry.forecast.kinds import GENERAL, PROVINCIAL_NOMINEE, RoundKey
from openentry.forecast.outlook import DRAWS, SimulatedRounds, outlook, simulate
from openentry.forecast.pool import PoolView
from openentry.forecast.service import ForecastInputError, view_on
from openentry.history.rounds import PublishedRound
from openentry.rules import using_tree
from openentry.services.scoring import RawProfile, validate_profiles
from openentry.services.timeline import Timeline, timeline
from openentry.services.whatif import failure_lines

if TYPE_CHECKING:
    from openentry.forecast.overlay import CutoffTranslation, ProgressFactory
    from openentry.rules.overlay import RulesOverlay

DEFAULT_MONTHS = (1, 3, 6, 12)
LONGEST_MONTHS = 60
ACTIVE_DAYS = 365  # kinds held in this many days before the day asked about are expected again
SCORE_BASIS = "the timeline: the CRS, programs and categories day by day ahead (openentry timeline)"


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` calendar months later (the month's last day when it is shorter)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class ProfilePath:
    """A profile's score and the kinds it qualifies for, as step functions of the day: from
    ``days[i]`` days after the day asked about (``days[0] == 0``) they are ``totals[i]`` and
    ``qualifies[key][i]``."""

    days: NDArray[np.float64]
    totals: NDArray[np.int64]
    qualifies: dict[RoundKey, NDArray[np.bool_]]

    def step(self, days: NDArray[np.float64]) -> NDArray[np.int64]:
        """The step in force on each of ``days``."""
        index = np.searchsorted(self.days, days, side="right") - 1
        step: NDArray[np.int64] = np.maximum(index, 0).astype(np.int64)
        return step


def _qualifies(key: RoundKey, in_pool: bool, meets: frozenset[str], nominated: bool) -> bool:
    if not in_pool:
        return False
    if key.kind == GENERAL:
        return True
    if key.program == PROVINCIAL_NOMINEE:
        return nominated
    return (key.program or key.category or "") in meets


def profile_path(found: Timeline, nominated: bool, active: Sequence[RoundKey]) -> ProfilePath:
    """The step functions of a profile's timeline (its first day, then every event)."""
    start = found.start
    days = [0.0]
    totals = [found.total]
    states = [(found.in_pool, frozenset(found.meets))]
    for event in found.events:
        meets = (states[-1][1] | frozenset(event.gained)) - frozenset(event.lost)
        days.append(float((event.on - start).days))
        totals.append(event.total)
        states.append((event.in_pool, meets))
    return ProfilePath(
        days=np.array(days),
        totals=np.array(totals, dtype=np.int64),
        qualifies={
            key: np.array([_qualifies(key, in_pool, meets, nominated) for in_pool, meets in states])
            for key in active
        },
    )


def _invited(simulated: SimulatedRounds, path: ProfilePath, horizon_days: float) -> NDArray[np.bool_]:
    """For each future: a round of the kind within the horizon, on a day the profile qualifies for
    the kind, cut at or below its score that day."""
    step = path.step(simulated.days)
    qualifies = path.qualifies[simulated.key][step]
    reached = (simulated.days <= horizon_days) & qualifies & (simulated.cutoffs <= path.totals[step])
    invited: NDArray[np.bool_] = np.any(reached, axis=1)
    return invited


class Simulations:
    """The simulated rounds of each kind, made once and shared by every profile; under a rule
    overlay (``translation``), each simulated cut-off translated to it on its round's day
    (forecast/overlay.py)."""

    def __init__(
        self, view: PoolView, horizon_days: float, translation: CutoffTranslation | None = None
    ) -> None:
        self.view = view
        self.horizon_days = horizon_days
        self.translation = translation
        self.active = view.kinds_since(view.day - datetime.timedelta(days=ACTIVE_DAYS))
        self._made: dict[RoundKey, SimulatedRounds] = {}

    def of(self, key: RoundKey) -> SimulatedRounds:
        if key not in self._made:
            simulated = simulate(self.view, outlook(self.view, key), self.horizon_days)
            if self.translation is not None:
                simulated = self.translation.simulated(self.view.day, simulated)
            self._made[key] = simulated
        return self._made[key]


def profile_chances(simulations: Simulations, path: ProfilePath, months: Sequence[int]) -> dict[str, object]:
    """``within`` (by months) and ``rounds`` (by kind) for one profile's path."""
    day = simulations.view.day
    horizons = {number: float((add_months(day, number) - day).days) for number in months}
    kinds = [key for key in simulations.active if path.qualifies[key].any()]
    within: dict[str, float] = {}
    for number in sorted(months):
        invited = np.zeros(DRAWS, dtype=bool)
        for key in kinds:
            invited |= _invited(simulations.of(key), path, horizons[number])
        within[str(number)] = round(float(invited.mean()), 3)
    longest = horizons[max(months)]
    rounds = []
    for key in kinds:
        simulated = simulations.of(key)
        rounds.append(
            {
                **key.as_dict(),
                "key": key.key,
                "probability": round(float(_invited(simulated, path, longest).mean()), 3),
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
    translation: CutoffTranslation | None = None,
) -> list[dict[str, object]]:
    """One line per profile, in input order: its chances, or its error as ``openentry score``.
    The profiles are read under the rules in use (a rule overlay's when one is); the simulated
    cut-offs are the law's, translated by ``translation`` when given."""
    day = view.day
    valid, positions, errors = validate_profiles(raw_profiles, require_id)
    results: list[dict[str, object]] = [{} for _ in raw_profiles]
    for position, line in failure_lines(raw_profiles, errors).items():
        results[position] = line
    simulations = Simulations(view, float((add_months(day, max(months)) - day).days), translation)
    timelines = timeline(tuple(valid), day, max(months))
    for position, profile, found in zip(positions, valid, timelines, strict=True):
        if not isinstance(found, Timeline):
            results[position] = found.as_dict()
            continue
        path = profile_path(found, profile.provincial_nomination, simulations.active)
        results[position] = {
            "id": found.id,
            "crs": found.total,
            **profile_chances(simulations, path, months),
            "as_of": day.isoformat(),
            "score_basis": SCORE_BASIS,
        }
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
    overlay: RulesOverlay | None = None,
    progress: ProgressFactory | None = None,
    pool_size: int | None = None,
) -> list[dict[str, object]]:
    """``openentry chances`` (interfaces.md §8): one line per profile, in input order, from the
    rounds published before ``as_of``.

    With a rule ``overlay``: the pool model is fitted under the law (the rounds were held under
    it), the profiles' scores, programs and categories are the overlay's, and every simulated
    cut-off is translated to the overlay on its day (forecast/overlay.py); each line says how
    (``overlay_method``)."""
    if overlay is None:
        return chances_profiles(raw_profiles, view_on(rounds, as_of), months, require_id=require_id)
    from openentry.forecast.overlay import CutoffTranslation

    with using_tree(None):
        view = view_on(rounds, as_of)
    translation = CutoffTranslation(overlay, as_of, pool_size=pool_size, progress=progress)
    with using_tree(overlay.tree):
        results = chances_profiles(raw_profiles, view, months, require_id=require_id, translation=translation)
    method = translation.describe()
    return [{**line, "overlay_method": method} for line in results]
