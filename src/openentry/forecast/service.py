"""Use cases of the forecast commands: the next rounds and the backtest (a profile's chances are
forecast/chances.py's, on a view checked here).

Each takes the published rounds as the history database holds them (so ``openentry history
import`` of a newer feed counts) and checks what it is asked before any work: a day before any
round, before the first published pool distribution, an unknown kind or an empty history is a
:class:`ForecastInputError` whose text names the option and what is allowed (one line, exit 2 on
the command line).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import TYPE_CHECKING

from openentry.forecast.backtest import DEFAULT_START, Backtest, backtest
from openentry.forecast.kinds import RoundKey, key_of
from openentry.forecast.outlook import next_round, outlook
from openentry.forecast.pool import PoolView, fit
from openentry.history.rounds import PublishedRound
from openentry.rules import using_tree

if TYPE_CHECKING:
    from openentry.forecast.overlay import CutoffTranslation, ProgressFactory
    from openentry.rules.overlay import RulesOverlay

ACTIVE_DAYS = 365


class ForecastInputError(ValueError):
    """A forecast asked for what the history cannot answer (one line naming the option)."""


def _usable(rounds: Sequence[PublishedRound]) -> list[PublishedRound]:
    usable = [item for item in rounds if key_of(item) is not None]
    if not usable:
        raise ForecastInputError(
            "the history holds no published round; import IRCC's rounds feed "
            "with openentry history import FILE"
        )
    return sorted(usable, key=lambda item: (item.date, item.sort_key))


def _first_pool(rounds: Sequence[PublishedRound]) -> PublishedRound:
    with_pool = [item for item in rounds if item.pool is not None]
    if not with_pool:
        raise ForecastInputError("the history holds no published pool distribution; a forecast needs one")
    return with_pool[0]


def check_day(rounds: Sequence[PublishedRound], day: datetime.date, option: str) -> list[PublishedRound]:
    """The usable rounds, after checking that a forecast on ``day`` has rounds and a published
    pool distribution strictly before it."""
    usable = _usable(rounds)
    first = usable[0]
    if day <= first.date:
        raise ForecastInputError(
            f"{option}: {day.isoformat()} is not after the first published round (#{first.number}, "
            f"{first.date.isoformat()}); a forecast reads only rounds before its day"
        )
    pool = _first_pool(usable)
    if day <= pool.date:
        raise ForecastInputError(
            f"{option}: no pool distribution was published before {day.isoformat()}; the first came with "
            f"round #{pool.number} on {pool.date.isoformat()}, so give a day after it"
        )
    return usable


def _known_kind(rounds: Sequence[PublishedRound], text: str, option: str) -> RoundKey:
    keys = sorted({key for item in rounds if (key := key_of(item)) is not None}, key=lambda key: key.key)
    for key in keys:
        if key.key == text:
            return key
    raise ForecastInputError(
        f"{option}: {text!r} is not a kind of round in the history; "
        f"known: {', '.join(key.key for key in keys)}"
    )


def view_on(rounds: Sequence[PublishedRound], as_of: datetime.date, option: str = "--as-of") -> PoolView:
    """The pool model fitted on every round strictly before ``as_of``."""
    return fit(check_day(rounds, as_of, option), as_of)


def forecast_next(
    rounds: Sequence[PublishedRound],
    as_of: datetime.date,
    kind: str | None = None,
    overlay: RulesOverlay | None = None,
    progress: ProgressFactory | None = None,
    pool_size: int | None = None,
) -> dict[str, object]:
    """``forecast next`` (interfaces.md §8): the next round of each kind held in the year before.

    With a rule ``overlay``, the law's forecast (fitted under the law: the rounds were held under
    it) has its cut-offs and their intervals translated to the overlay (forecast/overlay.py), each
    round keeping the law's under ``under_law``; the result says how (``overlay_method``)."""
    if overlay is None:
        return _forecast_next(rounds, as_of, kind)
    from openentry.forecast.overlay import CutoffTranslation

    with using_tree(None):
        result = _forecast_next(rounds, as_of, kind)
    translation = CutoffTranslation(overlay, as_of, pool_size=pool_size, progress=progress)
    forecasts = result["rounds"]
    assert isinstance(forecasts, list)
    result["rounds"] = [translated_round(translation, item) for item in forecasts]
    result["overlay_method"] = translation.describe()
    result["synthetic_pool"] = translation.pool_fields()
    return result


def translated_round(translation: CutoffTranslation, forecast: dict[str, object]) -> dict[str, object]:
    """One round of ``forecast next`` with its cut-off and interval translated to the overlay on the
    round's day (a monotone mapping: the interval's bounds stay its bounds)."""
    from openentry.forecast.overlay import mapping_fields

    day = datetime.date.fromisoformat(str(forecast["date"]))
    key = RoundKey(
        str(forecast["kind"]),
        forecast["program"] if isinstance(forecast["program"], str) else None,
        forecast["category"] if isinstance(forecast["category"], str) else None,
    )
    mapping = translation.mapping(day, key)
    fields = ("cutoff", "cutoff_low", "cutoff_high")
    law = {field: int(str(forecast[field])) for field in fields}
    translated = mapping.apply([law[field] for field in fields])
    return {
        **forecast,
        **{field: int(value) for field, value in zip(fields, translated, strict=True)},
        "under_law": law,
        **mapping_fields(mapping, translation.translation_day(day)),
    }


def _forecast_next(
    rounds: Sequence[PublishedRound], as_of: datetime.date, kind: str | None
) -> dict[str, object]:
    usable = check_day(rounds, as_of, "--as-of")
    before = [item for item in usable if item.date < as_of]
    wanted = _known_kind(before, kind, "--kind") if kind is not None else None
    view = fit(before, as_of)
    active = view.kinds_since(as_of - datetime.timedelta(days=ACTIVE_DAYS))
    if wanted is not None:
        if wanted not in active:
            last = view.rounds_of(wanted)[-1]
            raise ForecastInputError(
                f"--kind: no {wanted.key} round in the 12 months before {as_of.isoformat()} (the last was "
                f"#{last.number} on {last.date.isoformat()}); "
                "forecast next covers the kinds held in that year"
            )
        active = [wanted]
    forecasts = [next_round(view, outlook(view, key)) for key in active]
    forecasts.sort(key=lambda forecast: (forecast.day, forecast.kind.key.key))
    return {
        "as_of": as_of.isoformat(),
        "rounds": [forecast.as_dict() for forecast in forecasts],
        "data_through": before[-1].date.isoformat(),
        "pool_distribution_of": view.anchored_on.isoformat(),
    }


def run_backtest(
    rounds: Sequence[PublishedRound],
    start: datetime.date | None = None,
    end: datetime.date | None = None,
    given_size: bool = False,
    kind: str | None = None,
    calibrate: bool = True,
) -> Backtest:
    """``forecast backtest`` (interfaces.md §8) over ``start`` to ``end`` inclusive."""
    start = start or DEFAULT_START
    usable = check_day(rounds, start, "--from")
    if end is not None and end < start:
        raise ForecastInputError(f"--to: {end.isoformat()} is before --from {start.isoformat()}")
    last_day = usable[-1].date
    if start > last_day:
        raise ForecastInputError(
            f"--from: {start.isoformat()} is after the last published round (#{usable[-1].number}, "
            f"{last_day.isoformat()})"
        )
    wanted = _known_kind(usable, kind, "--kind") if kind is not None else None
    result = backtest(usable, start, end, given_size=given_size, calibrate=calibrate, only=wanted)
    if wanted is None:
        return result
    return Backtest(
        result.start,
        result.end,
        result.given_size,
        tuple(item for item in result.rounds if item.key == wanted),
        tuple(item for item in result.unmatched if item[2] == wanted.key),
        result.calibration,
    )
