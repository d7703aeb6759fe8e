"""The main job in one command: replicate a published round over a synthetic pool.

A synthetic pool following the CRS distribution IRCC published with the round
(:func:`openentry.forecast.synthetic.generate_pool`) is loaded into the database, and the same
kind of round (general, program, category) is run on the round's own date and time. The
pool is smaller than the real one for speed, so the number of invitations is scaled by the same
ratio; the cut-off is then comparable with the published one.
"""

from __future__ import annotations

import datetime
import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Engine

from openentry.domain import Round, RoundSpec
from openentry.forecast.synthetic import NoPublishedDistributionError, generate_pool, latest_distribution
from openentry.history.feed import bundled_rounds
from openentry.history.rounds import PublishedRound
from openentry.services.pool import load_pool_table
from openentry.services.rounds import run_round

DEFAULT_ROUND = "327"  # 2024-11-20, healthcare occupations, 3,000 invitations, cut-off 463
DEFAULT_POOL_SIZE = 50_000


class DemoError(ValueError):
    """The round asked for cannot be replicated (unknown, or of a kind with no replica yet)."""


@dataclass(frozen=True)
class DemoResult:
    published: PublishedRound
    published_pool: int | None
    pool_size: int
    replica: Round
    seconds: dict[str, float]


def published_round(number: str) -> PublishedRound:
    for published in bundled_rounds():
        if published.number == number:
            return published
    raise DemoError(f"no published round #{number} in the bundled rounds")


def replicable_round(number: str) -> PublishedRound:
    """The published round ``number`` if the demo can replicate it: a general, program or category
    round with a published number of invitations, on or after the first published pool
    distribution (the synthetic pool follows it). DemoError says what is allowed otherwise."""
    published = published_round(number)
    if published.invitations is None:
        raise DemoError(f"round #{number} has no published number of invitations")
    try:
        latest_distribution(published.date)
    except NoPublishedDistributionError as error:
        raise DemoError(
            f"round #{number} ({published.date.isoformat()}) cannot be replicated: IRCC published no "
            f"pool distribution on or before that day; give a round from #{error.first_round} "
            f"({error.first_date.isoformat()}) on"
        ) from None
    replica_spec(published, 1)
    return published


def replica_spec(published: PublishedRound, size: int) -> RoundSpec:
    """The round to run: same moment, kind, program or category; ``size`` invitations."""
    kind = published.type
    if kind.kind not in ("general", "program", "category"):
        raise DemoError(f"round #{published.number} ({published.name}) is not a round the demo can replicate")
    moment = published.draw_datetime or datetime.datetime.combine(
        published.date, datetime.time(12), datetime.UTC
    )
    return RoundSpec.create(
        at=moment,
        kind=kind.kind,
        size=size,
        program=kind.program if kind.kind == "program" else None,
        category=kind.category if kind.kind == "category" else None,
    )


def replicate_round(
    engine: Engine,
    number: str = DEFAULT_ROUND,
    pool_size: int = DEFAULT_POOL_SIZE,
    seed: int = 1,
    advance: Callable[[int], None] | None = None,
) -> DemoResult:
    """Generate, load and run; returns the replica next to the published round, with timings."""
    published = replicable_round(number)
    assert published.invitations is not None
    real_pool = published.pool.total if published.pool is not None else None
    scale = pool_size / real_pool if real_pool else 1.0
    size = max(1, round(published.invitations * scale))
    spec = replica_spec(published, size)
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    table = generate_pool(pool_size, seed, published.date, advance)
    seconds["generate"] = time.perf_counter() - started
    started = time.perf_counter()
    load_pool_table(engine, table, f"synthetic pool of {pool_size:,} (seed {seed}, {published.date})")
    seconds["load"] = time.perf_counter() - started
    started = time.perf_counter()
    replica = run_round(engine, spec)
    seconds["round"] = time.perf_counter() - started
    return DemoResult(
        published=published, published_pool=real_pool, pool_size=pool_size, replica=replica, seconds=seconds
    )
