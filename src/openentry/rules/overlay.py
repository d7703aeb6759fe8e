"""Rule overlays: the law as a scenario changes it, written in the law's own dated format.

An overlay is a YAML file mapping a parameter's path in the tree (``crs/additional/sibling``,
the file ``rules/parameters/crs/additional/sibling.yaml`` without its suffix; the dotted name
``crs.additional.sibling`` is accepted too) to the dated values it adds, each with its reason::

    crs/core/canadian_work:
      reference:
        2027-01-01: Illustration only - more points for Canadian work experience
      values:
        2027-01-01:
          with_spouse: {0: 0, 1: 50, 2: 66, 3: 80, 4: 92, 5: 100}
          without_spouse: {0: 0, 1: 60, 2: 76, 3: 90, 4: 102, 5: 112}

Its dates are added to the parameter's own; an overlay date equal to one of the parameter's
replaces that value (interfaces.md §11). A reference is a text (a hypothetical change is stated
in words) or a list of ``{title, url}`` sources as in the tree. VALUE is shaped as in the
parameter's own file, and the tree it makes is checked by the loader of the law itself: every
era's rules are built (:func:`openentry.rules.snapshot.validate_tree`), so a table with a
missing level or a points value that is not a whole number is refused as it would be in the
tree. Every error names the overlay file and the key at fault, and is raised before anything
is computed.

The overlaid tree's digest hashes the package tree's digest and the overlay file's bytes, so
the rules version of every result changes with the overlay; results computed under it are
marked hypothetical (``RulesSnapshot.version``: ``"hypothetical": true`` and
``overlay_sha256``).
"""

from __future__ import annotations

import datetime
import difflib
import functools
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from openentry.rules.snapshot import default_tree, validate_tree
from openentry.rules.tree import (
    DatedValue,
    Parameter,
    ParameterError,
    ParameterTree,
    Source,
    _as_date,
    brief,
    load_yaml,
    parse_sources,
)

_ENTRY_KEYS = frozenset({"reference", "values"})


class OverlayError(ParameterError):
    """A rule overlay that cannot be applied: the message names the file and the key."""


@dataclass(frozen=True)
class ParameterChange:
    """The dated values an overlay adds to one parameter, each with its sources."""

    name: str
    entries: tuple[DatedValue, ...]


@dataclass(frozen=True)
class RulesOverlay:
    """A rule overlay read and checked: its file, the SHA-256 of its bytes, its changes, the
    tree it makes of the package's law (``tree``: validated, hypothetical), and the bytes it was
    read from (what a cluster's tasks parse again, where the file may not be reachable)."""

    path: str
    digest: str
    changes: tuple[ParameterChange, ...]
    tree: ParameterTree
    content: bytes = field(repr=False)

    @property
    def short_digest(self) -> str:
        return self.digest[:16]


def _parameter_name(key: object, where: str, tree: ParameterTree) -> str:
    if not isinstance(key, str) or not key.strip():
        raise OverlayError(f"{where}: {brief(key)} is not a parameter path (like crs/additional/sibling)")
    text = key.strip().removesuffix(".yaml")
    name = text.replace("/", ".")
    if name not in tree:
        near = difflib.get_close_matches(name, list(tree), n=3, cutoff=0.9)
        hint = (
            f" (did you mean {', '.join(known.replace('.', '/') for known in near)}?)"
            if near
            else "; openentry rules list names them all"
        )
        raise OverlayError(f"{where}: no parameter {text!r} in the rules{hint}")
    return name


def _change(name: str, raw: object, where: str, first_day: datetime.date) -> ParameterChange:
    if not isinstance(raw, dict):
        raise OverlayError(f"{where}: must be a mapping with keys reference and values, not {brief(raw)}")
    keys = {str(key) for key in raw}
    if keys != _ENTRY_KEYS:
        missing = sorted(_ENTRY_KEYS - keys)
        unknown = sorted(keys - _ENTRY_KEYS)
        raise OverlayError(
            f"{where}: must have exactly the keys reference and values (missing {missing}, unknown {unknown})"
        )
    references, values = raw["reference"], raw["values"]
    if not isinstance(references, dict) or not references:
        raise OverlayError(
            f"{where}.reference: must map each date to its reason (a text or a list of sources)"
        )
    if not isinstance(values, dict) or not values:
        raise OverlayError(
            f"{where}.values: must map each date to a value shaped as in the parameter's file"
        )
    sources: dict[datetime.date, tuple[Source, ...]] = {}
    for raw_date, raw_sources in references.items():
        day = _overlay_date(raw_date, f"{where}.reference", first_day)
        sources[day] = parse_sources(raw_sources, f"{where}.reference.{day}", allow_text=True)
    entries: list[DatedValue] = []
    for raw_date, value in values.items():
        day = _overlay_date(raw_date, f"{where}.values", first_day)
        if day not in sources:
            raise OverlayError(f"{where}.values.{day}: has no reference (say why under reference: {day})")
        entries.append(DatedValue(day, value, sources[day]))
    unreferenced = sorted(set(sources) - {entry.effective for entry in entries})
    if unreferenced:
        raise OverlayError(
            f"{where}.reference: dates with no value: {', '.join(day.isoformat() for day in unreferenced)}"
        )
    return ParameterChange(name, tuple(sorted(entries, key=lambda entry: entry.effective)))


def _overlay_date(raw: object, where: str, first_day: datetime.date) -> datetime.date:
    try:
        day = _as_date(raw, where)
    except ParameterError as error:
        raise OverlayError(str(error)) from None
    if day < first_day:
        raise OverlayError(f"{where}: {day} is before the rules begin ({first_day})")
    return day


def _merged(parameter: Parameter, change: ParameterChange) -> Parameter:
    """The parameter's dated values with the change's added; a change's date replaces the same date."""
    by_date = {entry.effective: entry for entry in parameter.history}
    by_date.update({entry.effective: entry for entry in change.entries})
    return Parameter(
        parameter.name,
        parameter.description,
        parameter.unit,
        tuple(by_date[day] for day in sorted(by_date)),
    )


def parse_overlay(content: bytes, path: str, base: ParameterTree | None = None) -> RulesOverlay:
    """An overlay's bytes read, checked against ``base`` (the package's tree by default) and
    applied; raises :class:`OverlayError` naming ``path`` and the key at fault."""
    base = default_tree() if base is None else base
    try:
        document = load_yaml(content.decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        raise OverlayError(f"{path}: not UTF-8 text ({error.reason} at byte {error.start})") from None
    except (yaml.YAMLError, ValueError) as error:
        raise OverlayError(f"{path}: not valid YAML or not a date: {error}") from None
    if not isinstance(document, dict) or not document:
        raise OverlayError(
            f"{path}: must be a mapping from a parameter path (like crs/additional/sibling) to "
            "{reference: {DATE: TEXT}, values: {DATE: VALUE}}"
        )
    changes: dict[str, ParameterChange] = {}
    for key, raw in document.items():
        name = _parameter_name(key, f"{path}: {key}", base)
        if name in changes:
            raise OverlayError(f"{path}: {key}: the parameter {name.replace('.', '/')} is given twice")
        changes[name] = _change(name, raw, f"{path}: {key}", base.first_day)
    digest = hashlib.sha256(content).hexdigest()
    combined = hashlib.sha256(f"{base.digest}\0overlay\0{digest}".encode()).hexdigest()
    parameters = {
        name: _merged(base[name], changes[name]) if name in changes else base[name] for name in base
    }
    tree = ParameterTree(parameters, combined, overlay_digest=digest)
    try:
        validate_tree(tree)
    except ParameterError as error:
        # The loader of the law names the parameter and what it expected; say which file
        # brought the value (every other value of the tree was valid before).
        raise OverlayError(f"{path}: {error}") from None
    return RulesOverlay(
        path=path, digest=digest, changes=tuple(changes.values()), tree=tree, content=content
    )


def load_overlay(path: str | Path) -> RulesOverlay:
    """The overlay in the file at ``path``, checked and applied to the package's tree
    (:func:`overlay_of` its bytes)."""
    shown = str(path)
    file = Path(path)
    if not file.exists():
        raise OverlayError(f"{shown}: no such file")
    if file.is_dir():
        raise OverlayError(f"{shown}: is a folder; give a rule overlay's .yaml file")
    return overlay_of(file.read_bytes(), shown)


@functools.lru_cache(maxsize=64)
def overlay_of(content: bytes, path: str) -> RulesOverlay:
    """:func:`parse_overlay` cached by the bytes and the name: a process parses and checks each
    overlay once, however many commands, tasks or scenarios of it it runs (a Dask worker)."""
    return parse_overlay(content, path)
