"""A sweep's specification: a grid of scenarios (rule overlays × round kinds × sizes, and
optionally × schedules) from one day.

The spec is a YAML file (docs/sweeps.md)::

    day: 2027-03-01                  # the rounds' day: held at 00:00 UTC, rules in force that day
    overlays:                        # name -> rule overlay, relative to this file; null: the law
      law: null
      canadian_work: overlays/canadian_work.yaml
    rounds:                          # round kinds as `openentry round run` names them
      - {kind: general}
      - {kind: program, program: cec}
      - {kind: category, category: french}
    sizes: [1500, 3000, 7500]
    schedule: {rounds: 6, every_days: 14}   # optional: a schedule, or a list of them

Without ``schedule`` each scenario is one round on ``day``. With it, each scenario is its round
held ``rounds`` times, every ``every_days`` days from ``day``, over the same pool, the ledger of
the earlier rounds kept (``cluster/sweep.py``).

Everything is checked before a single scenario runs: every key of the spec, every overlay (read
and applied to the law by :func:`openentry.rules.overlay.parse_overlay`, which names the overlay
file and the key at fault), every round (by :meth:`openentry.domain.RoundSpec.create`, the check
``round run`` uses), and every category against the categories in force on the day under each
overlay. A mistake is a :class:`SweepSpecError` naming the spec file and the key.

A scenario carries its overlay's bytes rather than the parsed tree: a few hundred bytes travel
to the workers, and each worker parses an overlay once (``cluster/sweep.py``).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from openentry import rules as rules_package
from openentry.domain.rounds import FEDERAL_KINDS, RoundKind, RoundSpec, RoundSpecError
from openentry.rules.overlay import OverlayError, RulesOverlay, overlay_of
from openentry.rules.tree import brief

# ``day`` rather than ``on``: YAML 1.1 (PyYAML) reads a bare ``on`` key as the boolean true.
SPEC_KEYS = ("day", "overlays", "rounds", "sizes", "schedule")
ROUND_KEYS = ("kind", "program", "category")
SCHEDULE_KEYS = ("rounds", "every_days")
# The most rounds a schedule holds: a year of weekly rounds. Each round scores the whole pool
# again, so a longer schedule is hours on a large pool; and the pool's profiles leave it after
# a year (the law's pool duration) anyway.
MAX_SCHEDULED_ROUNDS = 52
# A sweep runs the federal rounds, which invite a number of candidates; a provincial draw picks
# by score range and occupation lists rather than by size.
SWEPT_KINDS: tuple[str, ...] = FEDERAL_KINDS
# The name of the scenarios run under the law as it is, when the spec names no overlay.
LAW = "law"
_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
_OPTION = re.compile(r"--([a-z][a-z-]*)")


class SweepSpecError(ValueError):
    """A sweep spec that cannot be run: one line naming the file and the key at fault."""


@dataclass(frozen=True)
class SweptRound:
    """One round kind of the grid: general, a program round or a category round."""

    kind: str
    program: str | None = None
    category: str | None = None

    @property
    def label(self) -> str:
        """``general``, ``program:cec``, ``category:french``."""
        detail = self.program or self.category
        return self.kind if detail is None else f"{self.kind}:{detail}"


@dataclass(frozen=True)
class Schedule:
    """Rounds of one kind and size held one after the other: ``rounds`` of them, ``every_days``
    days apart (None when there is one round)."""

    rounds: int
    every_days: int | None = None

    @property
    def label(self) -> str:
        """``6 rounds every 14 days``, ``1 round``: the output's ``schedule`` column."""
        if self.rounds == 1:
            return "1 round"
        return f"{self.rounds} rounds every {self.every_days} days"

    @property
    def tag(self) -> str:
        """``6x14d``, ``1x``: the last part of a scheduled scenario's name."""
        return f"{self.rounds}x" if self.rounds == 1 else f"{self.rounds}x{self.every_days}d"

    def days(self, first: datetime.date) -> list[datetime.date]:
        """The rounds' days, the first on ``first``."""
        step = datetime.timedelta(days=self.every_days or 0)
        return [first + step * position for position in range(self.rounds)]


@dataclass(frozen=True)
class Scenario:
    """One round of the grid: under one overlay (None: the law), of one kind and size, on one day;
    or, with a ``schedule``, that round held on each day of the schedule from ``day``."""

    index: int
    overlay_name: str
    overlay_path: str | None
    overlay_source: bytes | None
    overlay_sha256: str | None
    round: SweptRound
    size: int
    day: datetime.date
    schedule: Schedule | None = None

    @property
    def name(self) -> str:
        """``canadian_work/program:cec/3000`` (``.../3000/6x14d`` with a schedule): how outputs
        and failures name the scenario."""
        name = f"{self.overlay_name}/{self.round.label}/{self.size}"
        return name if self.schedule is None else f"{name}/{self.schedule.tag}"

    @property
    def moment(self) -> datetime.datetime:
        """The round is held at the start of its day (UTC): a profile submitted that day is not in it."""
        return _start_of(self.day)

    def round_days(self) -> list[datetime.date]:
        """The days of the scenario's rounds: ``day`` alone, or each day of its schedule."""
        return [self.day] if self.schedule is None else self.schedule.days(self.day)

    def round_spec(self, day: datetime.date | None = None) -> RoundSpec:
        """The scenario's round on ``day`` (default: its first)."""
        return RoundSpec.create(
            at=_start_of(day or self.day),
            kind=self.round.kind,
            size=self.size,
            program=self.round.program,
            category=self.round.category,
        )


def _start_of(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(0, 0), tzinfo=datetime.UTC)


@dataclass(frozen=True)
class SweptOverlay:
    """An overlay of the grid by its name in the spec, checked (None for the law as it is)."""

    name: str
    overlay: RulesOverlay | None = None


@dataclass(frozen=True)
class SweepSpec:
    """A checked spec: the day, the overlays by name, the rounds, the sizes and the schedules
    (empty: no ``schedule`` key, each scenario one round)."""

    path: str
    day: datetime.date
    overlays: tuple[SweptOverlay, ...]
    rounds: tuple[SweptRound, ...]
    sizes: tuple[int, ...]
    schedules: tuple[Schedule, ...] = ()

    def scenarios(self) -> list[Scenario]:
        """Every scenario, overlay by overlay (the order the plot and the output keep): the
        scenarios of one overlay run one after the other, so a worker scores the pool under an
        overlay once for all of them."""
        found: list[Scenario] = []
        schedules: tuple[Schedule | None, ...] = self.schedules or (None,)
        for choice in self.overlays:
            overlay = choice.overlay
            for swept in self.rounds:
                for size in self.sizes:
                    for schedule in schedules:
                        found.append(
                            Scenario(
                                index=len(found),
                                overlay_name=choice.name,
                                overlay_path=None if overlay is None else overlay.path,
                                overlay_source=None if overlay is None else overlay.content,
                                overlay_sha256=None if overlay is None else overlay.short_digest,
                                round=swept,
                                size=size,
                                day=self.day,
                                schedule=schedule,
                            )
                        )
        return found


def _day(raw: object, where: str) -> datetime.date:
    if isinstance(raw, datetime.datetime):
        raise SweepSpecError(f"{where}: {brief(raw)} is a moment; give a day (YYYY-MM-DD)")
    if isinstance(raw, datetime.date):
        return raw
    if isinstance(raw, str):
        try:
            return datetime.date.fromisoformat(raw.strip())
        except ValueError:
            pass
    raise SweepSpecError(f"{where}: {brief(raw)} is not a day (YYYY-MM-DD)")


def _overlays(raw: object, folder: Path, where: str) -> tuple[SweptOverlay, ...]:
    if raw is None:
        return (SweptOverlay(LAW),)
    if not isinstance(raw, dict) or not raw:
        raise SweepSpecError(
            f"{where}: must map each scenario's name to a rule overlay file (null: the law), "
            f"like {{{LAW}: null, canadian_work: overlays/canadian_work.yaml}}"
        )
    chosen: list[SweptOverlay] = []
    for name, value in raw.items():
        key = f"{where}.{name}"
        if not isinstance(name, str) or not _NAME.match(name):
            raise SweepSpecError(f"{key}: a name is 1-64 characters of A-Z a-z 0-9 . _ -")
        if value is None:
            chosen.append(SweptOverlay(name))
            continue
        if not isinstance(value, str) or not value.strip():
            raise SweepSpecError(f"{key}: {brief(value)} is not a file name (or null for the law)")
        chosen.append(_overlay(name, folder / value.strip(), value.strip(), key))
    return tuple(chosen)


def _read(file: Path, named: str, wanted: str) -> bytes:
    """The bytes of ``file``; a SweepSpecError naming it as ``named`` when it cannot be read
    (``wanted``: what to give instead of a folder)."""
    try:
        return file.read_bytes()
    except FileNotFoundError:
        raise SweepSpecError(f"{named}: no such file") from None
    except IsADirectoryError:
        raise SweepSpecError(f"{named}: is a folder; give {wanted}") from None
    except OSError as error:
        raise SweepSpecError(f"{named}: cannot read it ({error.strerror or error})") from None


def _overlay(name: str, file: Path, given: str, key: str) -> SweptOverlay:
    content = _read(file, f"{key}: {given}", "a rule overlay's .yaml file")
    try:
        overlay = overlay_of(content, str(file))
    except OverlayError as error:
        raise SweepSpecError(f"{key}: {error}") from None
    return SweptOverlay(name, overlay)


def _in_spec_words(message: str) -> str:
    """A RoundSpec message as a spec says it: ``--program`` is the key ``program``."""
    return _OPTION.sub(lambda match: match.group(1).replace("-", "_"), message)


def _round(raw: object, where: str, day: datetime.date) -> SweptRound:
    if not isinstance(raw, dict):
        raise SweepSpecError(f"{where}: must be a mapping like {{kind: program, program: cec}}")
    unknown = sorted(str(key) for key in raw if key not in ROUND_KEYS)
    if unknown:
        raise SweepSpecError(f"{where}: unknown key {unknown[0]!r}; a round has {', '.join(ROUND_KEYS)}")
    kind = raw.get("kind")
    if kind is not None and kind not in SWEPT_KINDS:
        if kind == RoundKind.PROVINCIAL:
            raise SweepSpecError(
                f"{where}.kind: a sweep runs rounds of a size: {', '.join(SWEPT_KINDS)} (not provincial)"
            )
        raise SweepSpecError(
            f"{where}.kind: {brief(kind)} is not a round kind; expected one of {', '.join(SWEPT_KINDS)}"
        )
    for key in ("program", "category"):
        if key in raw and not isinstance(raw[key], str):
            raise SweepSpecError(f"{where}.{key}: {brief(raw[key])} is not a name")
    program, category = raw.get("program"), raw.get("category")
    try:
        spec = RoundSpec.create(
            at=datetime.datetime.combine(day, datetime.time(0, 0), tzinfo=datetime.UTC),
            kind=kind,
            size=1,
            program=program,
            category=category,
        )
    except RoundSpecError as error:
        raise SweepSpecError(f"{where}: {_in_spec_words(str(error))}") from None
    return SweptRound(spec.kind, spec.program, spec.category)


def _sizes(raw: object, where: str) -> tuple[int, ...]:
    if not isinstance(raw, list) or not raw:
        raise SweepSpecError(f"{where}: must list the rounds' sizes, like [1500, 3000, 7500]")
    sizes: list[int] = []
    for position, size in enumerate(raw):
        if not isinstance(size, int) or isinstance(size, bool) or size < 1:
            raise SweepSpecError(
                f"{where}[{position}]: {brief(size)} is not a number of invitations (1 or more)"
            )
        if size in sizes:
            raise SweepSpecError(f"{where}[{position}]: {size} is listed twice")
        sizes.append(size)
    return tuple(sizes)


def _schedule(raw: object, where: str) -> Schedule:
    if not isinstance(raw, dict):
        raise SweepSpecError(f"{where}: must be a mapping like {{rounds: 6, every_days: 14}}")
    unknown = sorted(str(key) for key in raw if key not in SCHEDULE_KEYS)
    if unknown:
        raise SweepSpecError(
            f"{where}: unknown key {unknown[0]!r}; a schedule has {', '.join(SCHEDULE_KEYS)}"
        )
    if "rounds" not in raw:
        raise SweepSpecError(f"{where}.rounds: missing")
    rounds = raw["rounds"]
    if not isinstance(rounds, int) or isinstance(rounds, bool) or not 1 <= rounds <= MAX_SCHEDULED_ROUNDS:
        raise SweepSpecError(
            f"{where}.rounds: {brief(rounds)} is not a number of rounds (1 to {MAX_SCHEDULED_ROUNDS})"
        )
    every = raw.get("every_days")
    if every is None:
        if rounds > 1:
            raise SweepSpecError(f"{where}.every_days: missing (the days between two rounds)")
        return Schedule(1)
    if not isinstance(every, int) or isinstance(every, bool) or every < 1:
        raise SweepSpecError(f"{where}.every_days: {brief(every)} is not a number of days (1 or more)")
    return Schedule(rounds, every if rounds > 1 else None)


def _schedules(raw: object, where: str) -> tuple[Schedule, ...]:
    """One schedule (a mapping) or a list of them."""
    if isinstance(raw, dict):
        return (_schedule(raw, where),)
    if not isinstance(raw, list) or not raw:
        raise SweepSpecError(
            f"{where}: must be a schedule like {{rounds: 6, every_days: 14}}, or a list of them"
        )
    schedules: list[Schedule] = []
    for position, item in enumerate(raw):
        schedule = _schedule(item, f"{where}[{position}]")
        if schedule in schedules:
            raise SweepSpecError(f"{where}[{position}]: {schedule.label} is listed twice")
        schedules.append(schedule)
    return tuple(schedules)


def _check_categories(
    rounds: tuple[SweptRound, ...],
    overlays: tuple[SweptOverlay, ...],
    days: list[datetime.date],
    path: str,
) -> None:
    """Every category round's category is in force on every round's day under every overlay."""
    for choice in overlays:
        overlay = choice.overlay
        for day in days:
            with rules_package.using_tree(None if overlay is None else overlay.tree):
                keys = rules_package.at(day).eligibility.category_keys
            for position, swept in enumerate(rounds):
                if swept.category is not None and swept.category not in keys:
                    under = "" if overlay is None else f" under overlay {choice.name}"
                    raise SweepSpecError(
                        f"{path}: rounds[{position}].category: {swept.category!r} is not a category in "
                        f"force on {day.isoformat()}{under}; expected one of {', '.join(keys)}"
                    )


def parse_spec(content: bytes, path: str, folder: Path) -> SweepSpec:
    """A spec's bytes read and checked; overlay files are found relative to ``folder``."""
    try:
        document = yaml.safe_load(content.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise SweepSpecError(f"{path}: not UTF-8 text") from None
    except yaml.YAMLError as error:
        raise SweepSpecError(f"{path}: not valid YAML ({' '.join(str(error).split())})") from None
    if not isinstance(document, dict):
        raise SweepSpecError(f"{path}: must be a mapping with the keys {', '.join(SPEC_KEYS)}")
    if any(key is True for key in document):  # a bare ``on:`` key, which YAML 1.1 reads as true
        raise SweepSpecError(f"{path}: unknown key 'on'; the rounds' day is given as day: YYYY-MM-DD")
    unknown = sorted(str(key) for key in document if key not in SPEC_KEYS)
    if unknown:
        raise SweepSpecError(f"{path}: unknown key {unknown[0]!r}; a sweep has {', '.join(SPEC_KEYS)}")
    for key in ("day", "rounds", "sizes"):
        if key not in document:
            raise SweepSpecError(f"{path}: {key}: missing")
    day = _day(document["day"], f"{path}: day")
    raw_rounds = document["rounds"]
    if not isinstance(raw_rounds, list) or not raw_rounds:
        raise SweepSpecError(f"{path}: rounds: must list the rounds, like [{{kind: general}}]")
    rounds = tuple(_round(raw, f"{path}: rounds[{position}]", day) for position, raw in enumerate(raw_rounds))
    for position, swept in enumerate(rounds):
        if swept in rounds[:position]:
            raise SweepSpecError(f"{path}: rounds[{position}]: {swept.label} is listed twice")
    sizes = _sizes(document["sizes"], f"{path}: sizes")
    schedules = _schedules(document["schedule"], f"{path}: schedule") if "schedule" in document else ()
    overlays = _overlays(document.get("overlays"), folder, f"{path}: overlays")
    days = sorted({round_day for schedule in schedules for round_day in schedule.days(day)} | {day})
    _check_categories(rounds, overlays, days, path)
    return SweepSpec(path=path, day=day, overlays=overlays, rounds=rounds, sizes=sizes, schedules=schedules)


def load_spec(path: str | Path) -> SweepSpec:
    """The spec in the file at ``path``, checked (overlays relative to its folder)."""
    shown = str(path)
    file = Path(path)
    return parse_spec(_read(file, shown, "a sweep's .yaml file"), shown, file.parent)
