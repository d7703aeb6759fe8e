"""What the calculator shows beside its numbers: each of the 16 lines and the rule that gives it.

A line's rule is the parameters of the tree named after it (rules/tree.py; STYLE.md: a reader
finds any rule by its name): line ``core.age`` reads ``crs.core.age``; a line whose points come
from several tables reads every parameter whose name begins with its own
(``transferability.education`` -> ``crs.transferability.education_tier``,
``..._with_language``, ``..._with_canadian_work``, ``..._cap``). The rule page shows each with
the value in force on the scoring day, its effective date and its sources
(:func:`openentry.rules.document.parameter_record`, as ``openentry rules show NAME --on DAY``).
"""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass

import yaml

from openentry.rules import default_tree
from openentry.rules.crs import LINE_NAMES, SECTION_NAMES
from openentry.rules.document import parameter_record
from openentry.web.labels import LINE_LABELS, SECTION_TITLES

CRS_PREFIX = "crs."


@functools.cache
def line_parameters(line: str) -> tuple[str, ...]:
    """The parameters that give a line its points, the one named exactly as the line first."""
    exact = CRS_PREFIX + line
    names = [name for name in default_tree() if name == exact or name.startswith(exact + "_")]
    return tuple(sorted(names, key=lambda name: (name != exact, name)))


@dataclass(frozen=True)
class LineView:
    name: str
    label: str
    points: int
    parameter: str
    rule_url: str


@dataclass(frozen=True)
class SectionView:
    key: str
    title: str
    points: int
    sum: int
    lines: tuple[LineView, ...]

    @property
    def capped(self) -> bool:
        return self.points < self.sum


def score_sections(result: dict[str, object], prefix: str) -> list[SectionView]:
    """The four sections of a score line (``--explain``) with their lines and the rules' pages."""
    lines = result["lines"]
    assert isinstance(lines, dict)
    on = str(result["on"])
    sections = []
    for section in SECTION_NAMES:
        views = tuple(
            LineView(
                name=name,
                label=LINE_LABELS[name],
                points=int(lines[name]),
                parameter=line_parameters(name)[0] if line_parameters(name) else CRS_PREFIX + name,
                rule_url=f"{prefix}/rules/{name}?on={on}",
            )
            for name in LINE_NAMES
            if name.startswith(section + ".")
        )
        points = result[section]
        assert isinstance(points, int)
        sections.append(
            SectionView(
                key=section,
                title=SECTION_TITLES[section],
                points=points,
                sum=sum(view.points for view in views),
                lines=views,
            )
        )
    return sections


@dataclass(frozen=True)
class RuleView:
    """One parameter as the rule page shows it on a day."""

    name: str
    description: str
    unit: str
    effective: str
    until: str | None
    value_text: str
    sources: list[dict[str, object]]


def _value_text(value: object) -> str:
    if value is None:
        return "null"
    return yaml.safe_dump(
        value, sort_keys=False, default_flow_style=None, width=100, allow_unicode=True
    ).strip()


@functools.cache
def parameter_names() -> frozenset[str]:
    """Every parameter's name (``name in tree`` raises for an unknown name: rules/tree.py's
    ``__getitem__`` raises ParameterError, not KeyError)."""
    return frozenset(iter(default_tree()))


def rule_views(line: str, on: datetime.date) -> list[RuleView]:
    """The parameters of a line (or one parameter by its full name) as in force on ``on``."""
    tree = default_tree()
    names = line_parameters(line) if line in LINE_NAMES else ((line,) if line in parameter_names() else ())
    views = []
    for name in names:
        record = parameter_record(tree[name], on)
        values = record["values"]
        assert isinstance(values, list)
        entry = values[0]
        views.append(
            RuleView(
                name=name,
                description=" ".join(str(record["description"]).split()),
                unit=str(record["unit"]),
                effective=str(entry["effective"]),
                until=entry["until"],
                value_text=_value_text(entry["value"]),
                sources=list(entry["sources"]),
            )
        )
    return views
