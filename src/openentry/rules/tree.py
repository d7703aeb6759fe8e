"""The law as dated data: load, validate and resolve the parameter tree.

Every point value, threshold and table of the rules lives in a YAML file under
``rules/parameters/``; the path is the dotted name (``crs/core/age.yaml`` is
``crs.core.age``). A file maps effective dates to values; the newest date not after the
day asked for wins, and ``null`` means the quantity is not in force (repealed, or not yet
introduced). Every file names its unit and, for every date, the sources it comes from: a
list of ``{title, url}`` mappings, each optionally ``secondary: true`` (a transcription or
commentary rather than the instrument itself) and with an optional ``note``, the primary
instrument first where one exists::

    reference:
      2017-06-06:
        - title: Ministerial Instructions ... 2017-1
          url: https://www.canada.ca/...
        - title: Express Entry Improvements, Spring 2017
          url: http://immigrationblog.ca.pwc.com/...
          secondary: true

The loader checks the whole tree once, at start-up: known keys only, a unit and a
description, dates strictly increasing, sources of the shape above for every dated value
and no reference without a value, and every file starting on the same first day (the launch
of Express Entry), so no quantity has a gap at the start of the rules.

The tree's digest (the rules version a result carries) hashes every file that decides a
result: the parameter files and the data files the rules read (:func:`rule_data_files`).
"""

from __future__ import annotations

import datetime
import hashlib
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

PARAMETERS_DIRECTORY = Path(__file__).parent / "parameters"

# libyaml's loader when PyYAML was built with it (it nearly always is): the same documents as
# the pure-Python SafeLoader, read several times faster.
YAML_LOADER: type[yaml.CSafeLoader] | type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str) -> object:
    """A YAML document read safely (plain data only), with the C loader when present."""
    return yaml.load(text, Loader=YAML_LOADER)


_REQUIRED_KEYS = frozenset({"description", "unit", "reference", "values"})
_SOURCE_KEYS = ("title", "url", "secondary", "note")
_REQUIRED_SOURCE_KEYS = ("title", "url")
_WEB_ADDRESS = re.compile(r"https?://\S+")


class ParameterError(ValueError):
    """The parameter tree is malformed, or a value was asked for outside it."""


@dataclass(frozen=True)
class Source:
    """One source of a dated value: a title, its address, and whether it is secondary (a
    transcription or commentary rather than the instrument itself or IRCC's own page), with an
    optional note (what the source says, or how it was checked). ``url`` is None only for a
    source stated in words, which :func:`parse_sources` accepts for callers other than the
    parameter tree."""

    title: str
    url: str | None
    secondary: bool = False
    note: str | None = None


@dataclass(frozen=True)
class DatedValue:
    """One value of a parameter, in force from ``effective`` until the next dated value,
    with its sources (the primary instrument first where one exists)."""

    effective: datetime.date
    value: object
    sources: tuple[Source, ...]

    @property
    def reference(self) -> str:
        """The sources as one line of text: each title, with its address in angle brackets."""
        return "; ".join(
            source.title if source.url is None else f"{source.title} <{source.url}>"
            for source in self.sources
        )


@dataclass(frozen=True)
class Parameter:
    """One quantity of the law: its dotted name, description, unit and dated values."""

    name: str
    description: str
    unit: str
    history: tuple[DatedValue, ...]

    def entry_at(self, day: datetime.date) -> DatedValue:
        """The dated value in force on ``day`` (the newest effective date not after it)."""
        found: DatedValue | None = None
        for entry in self.history:
            if entry.effective <= day:
                found = entry
            else:
                break
        if found is None:
            raise ParameterError(
                f"{self.name}: no value before {self.history[0].effective.isoformat()} "
                f"(asked for {day.isoformat()}); the rules begin on that day"
            )
        return found

    def value_at(self, day: datetime.date) -> object:
        return self.entry_at(day).value

    @property
    def effective_dates(self) -> tuple[datetime.date, ...]:
        return tuple(entry.effective for entry in self.history)


def brief(value: object, limit: int = 60) -> str:
    """``repr(value)``, cut to ``limit`` characters so an error stays one readable line."""
    shown = repr(value)
    return shown if len(shown) <= limit else shown[: limit - 3] + "..."


def _is_web_address(url: object) -> bool:
    """An http(s) address with something after the scheme and no whitespace."""
    return isinstance(url, str) and _WEB_ADDRESS.fullmatch(url) is not None


def _source(raw: object, where: str) -> Source:
    """One ``{title, url[, secondary][, note]}`` mapping, checked; ``where`` names it in errors."""
    if not isinstance(raw, dict):
        raise ParameterError(
            f"{where}: must be a mapping with keys title and url (optional: secondary, note), "
            f"not {type(raw).__name__} {brief(raw)}"
        )
    keys = {str(key) for key in raw}
    unknown = sorted(keys - set(_SOURCE_KEYS))
    if unknown:
        raise ParameterError(f"{where}: unknown keys {unknown} (allowed: {', '.join(_SOURCE_KEYS)})")
    missing = [key for key in _REQUIRED_SOURCE_KEYS if key not in keys]
    if missing:
        raise ParameterError(f"{where}: missing keys {missing} (title and url are required)")
    title, url = raw["title"], raw["url"]
    if not isinstance(title, str) or not title.strip():
        raise ParameterError(f"{where}: 'title' must be a non-empty text, not {brief(title)}")
    if not _is_web_address(url):
        raise ParameterError(
            f"{where}: 'url' must be one web address starting with https:// or http://, not {brief(url)}"
        )
    secondary = raw.get("secondary", False)
    if not isinstance(secondary, bool):
        raise ParameterError(f"{where}: 'secondary' must be true or false, not {brief(secondary)}")
    note = raw.get("note")
    if note is not None and (not isinstance(note, str) or not note.strip()):
        raise ParameterError(f"{where}: 'note' must be a non-empty text when given, not {brief(note)}")
    return Source(
        title=title.strip(), url=url, secondary=secondary, note=None if note is None else note.strip()
    )


def parse_sources(raw: object, where: str, *, allow_text: bool = False) -> tuple[Source, ...]:
    """The sources of one dated value, checked, in the order given.

    ``raw`` is a non-empty list of ``{title, url}`` mappings, each optionally with
    ``secondary: true`` and a ``note``; no primary source may follow a secondary one (the
    instrument itself, or IRCC's own page, comes first where one exists). A malformed item
    raises :class:`ParameterError` naming ``where`` (the file and date, say) and the item's
    position (1-based).

    With ``allow_text=True`` a plain non-empty text is also accepted, as one source with that
    title and no address: for callers such as rule overlays, where a person states a
    hypothetical change in words. The parameter tree never allows it.
    """
    if allow_text and isinstance(raw, str) and raw.strip():
        return (Source(title=raw.strip(), url=None),)
    if not isinstance(raw, list) or not raw:
        expected = "a text or a non-empty list" if allow_text else "a non-empty list"
        raise ParameterError(
            f"{where}: must be {expected} of sources, each a mapping with title and url, not {brief(raw)}"
        )
    sources: list[Source] = []
    for position, item in enumerate(raw, start=1):
        source = _source(item, f"{where}, source {position}")
        if not source.secondary and sources and sources[-1].secondary:
            raise ParameterError(
                f"{where}, source {position} ({source.title!r}): a primary source may not follow a "
                "secondary one; list the primary sources first"
            )
        sources.append(source)
    return tuple(sources)


def _as_date(raw: object, where: str) -> datetime.date:
    if isinstance(raw, datetime.datetime):
        raise ParameterError(f"{where}: {raw!r} must be a date (YYYY-MM-DD), not a date-time")
    if isinstance(raw, datetime.date):
        return raw
    if isinstance(raw, str):
        try:
            return datetime.date.fromisoformat(raw)
        except ValueError:
            pass
    raise ParameterError(f"{where}: {raw!r} is not a date (YYYY-MM-DD)")


def _parse_file(path: Path, name: str, directory: Path) -> Parameter:
    where = f"parameters/{path.relative_to(directory).as_posix()}"
    try:
        document = load_yaml(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, ValueError) as error:
        # PyYAML raises ValueError for a date-shaped key that is not a date (2015-13-01).
        raise ParameterError(f"{where}: not valid YAML or not a date: {error}") from error
    if not isinstance(document, dict):
        raise ParameterError(f"{where}: must be a mapping with keys {sorted(_REQUIRED_KEYS)}")
    keys = set(document)
    if keys != _REQUIRED_KEYS:
        missing = sorted(_REQUIRED_KEYS - keys)
        unknown = sorted(keys - _REQUIRED_KEYS)
        raise ParameterError(f"{where}: missing keys {missing}, unknown keys {unknown}")
    for text_key in ("description", "unit"):
        if not isinstance(document[text_key], str) or not document[text_key].strip():
            raise ParameterError(f"{where}: '{text_key}' must be a non-empty text")
    references = document["reference"]
    values = document["values"]
    if not isinstance(references, dict) or not references:
        raise ParameterError(f"{where}: 'reference' must map each effective date to its source")
    if not isinstance(values, dict) or not values:
        raise ParameterError(f"{where}: 'values' must map effective dates to values")
    reference_by_date: dict[datetime.date, tuple[Source, ...]] = {}
    for raw_date, raw_sources in references.items():
        day = _as_date(raw_date, f"{where} reference")
        reference_by_date[day] = parse_sources(raw_sources, f"{where}: reference for {day}")
    history: list[DatedValue] = []
    previous: datetime.date | None = None
    for raw_date, value in values.items():
        day = _as_date(raw_date, f"{where} values")
        if previous is not None and day <= previous:
            raise ParameterError(f"{where}: effective dates must increase ({day} after {previous})")
        if day not in reference_by_date:
            raise ParameterError(f"{where}: value of {day} has no reference (its source)")
        history.append(DatedValue(day, value, reference_by_date[day]))
        previous = day
    unreferenced = sorted(set(reference_by_date) - {entry.effective for entry in history})
    if unreferenced:
        raise ParameterError(f"{where}: references for dates with no value: {unreferenced}")
    return Parameter(name, document["description"].strip(), document["unit"].strip(), tuple(history))


class ParameterTree(Mapping[str, Parameter]):
    """Every parameter file of the tree, by dotted name, validated."""

    def __init__(
        self, parameters: dict[str, Parameter], digest: str, overlay_digest: str | None = None
    ) -> None:
        self._parameters = dict(sorted(parameters.items()))
        self.digest = digest
        # The SHA-256 of a rule overlay's file when this tree is the law changed by one
        # (rules/overlay.py): its results are hypothetical.
        self.overlay_digest = overlay_digest
        first_days = {parameter.history[0].effective for parameter in self._parameters.values()}
        if len(first_days) != 1:
            late = sorted(
                f"{name} ({parameter.history[0].effective})"
                for name, parameter in self._parameters.items()
                if parameter.history[0].effective != min(first_days)
            )
            raise ParameterError(
                f"every parameter must start on {min(first_days)} (use null where a quantity was not "
                f"yet in force); these start later: {', '.join(late)}"
            )
        self.first_day: datetime.date = first_days.pop()

    def __getitem__(self, name: str) -> Parameter:
        try:
            return self._parameters[name]
        except KeyError:
            raise ParameterError(f"no parameter named {name!r}") from None

    def __contains__(self, name: object) -> bool:
        # Mapping's own asks __getitem__ and catches only KeyError; ours raises ParameterError.
        return name in self._parameters

    def __iter__(self) -> Iterator[str]:
        return iter(self._parameters)

    def __len__(self) -> int:
        return len(self._parameters)

    @property
    def hypothetical(self) -> bool:
        """True for the law as a rule overlay changes it, not as it is."""
        return self.overlay_digest is not None

    def effective_dates(self) -> tuple[datetime.date, ...]:
        """Every day on which some quantity of the law changed, ascending."""
        days = {day for parameter in self._parameters.values() for day in parameter.effective_dates}
        return tuple(sorted(days))

    def era_start(self, day: datetime.date) -> datetime.date:
        """The newest effective date not after ``day``: days in one era share one snapshot."""
        if day < self.first_day:
            raise ParameterError(
                f"date {day.isoformat()} is before the rules begin ({self.first_day.isoformat()})"
            )
        start = self.first_day
        for effective in self.effective_dates():
            if effective <= day:
                start = effective
        return start


def rule_data_files() -> tuple[Path, ...]:
    """The data files outside the parameter tree that decide a result, exactly those the rules
    read: the NOC 2021 catalogue (``rules/noc.py``: TEERs, skilled work, trade groups) and the
    category occupation lists (``rules/eligibility/parameters.py``)."""
    # Imported here: both modules import this one.
    from openentry.rules.eligibility.parameters import CATEGORY_LISTS_PATH
    from openentry.rules.noc import CATALOGUE_PATH

    return (CATALOGUE_PATH, CATEGORY_LISTS_PATH)


def _hash_file(update: Callable[[bytes], object], label: str, content: bytes) -> None:
    """Feed one file to a hash: its label and its bytes, each closed by a NUL."""
    update(label.encode())
    update(b"\0")
    update(content)
    update(b"\0")


def load_tree(
    directory: Path = PARAMETERS_DIRECTORY, data_files: Sequence[Path] | None = None
) -> ParameterTree:
    """Read and validate every ``*.yaml`` file below ``directory``.

    The digest hashes each parameter file (by its path below ``directory``) and each of
    ``data_files`` (by file name; :func:`rule_data_files` when not given), so changing any
    byte of any file that decides a result changes the rules version.
    """
    hasher = hashlib.sha256()
    parameters: dict[str, Parameter] = {}
    for path in sorted(directory.rglob("*.yaml")):
        relative = path.relative_to(directory)
        name = ".".join(relative.with_suffix("").parts)
        _hash_file(hasher.update, relative.as_posix(), path.read_bytes())
        parameters[name] = _parse_file(path, name, directory)
    if not parameters:
        raise ParameterError(f"no parameter files under {directory}")
    for path in rule_data_files() if data_files is None else data_files:
        _hash_file(hasher.update, f"data/{path.name}", path.read_bytes())
    return ParameterTree(parameters, hasher.hexdigest())
