"""The rules as implemented, written out for a reader: one parameter, or the whole tree.

One renderer serves both readers of the parameter tree (rules/tree.py): ``openentry rules
show NAME`` prints :func:`parameter_markdown` of one parameter, and the documentation's page
"The rules as implemented" is :func:`rules_page`, built from the tree when the documentation is
built (so no copy of it can go stale). ``openentry rules show --json`` and ``rules list --json``
print :func:`parameter_record` and :func:`listing_record`, the same facts as data.

Each parameter is shown with its description, its unit and every dated value (the newest
effective date not after a day is the value in force on it; ``null`` means not in force), each
with its sources: a title, a link when the source has an address, and whether the source is
secondary (a transcription or commentary rather than the instrument itself or IRCC's page).
"""

from __future__ import annotations

import datetime
import difflib
import json
from collections.abc import Iterable

import yaml

from openentry.rules.tree import DatedValue, Parameter, ParameterTree, Source

NOT_IN_FORCE = "not in force"


def summary(parameter: Parameter) -> str:
    """The first sentence of the description (the whole description when it is one sentence)."""
    text = " ".join(parameter.description.split())
    end = text.find(". ")
    return text if end < 0 else text[: end + 1]


def latest_effective(parameter: Parameter) -> datetime.date:
    """The newest effective date of the parameter (its last change, or its first day)."""
    return parameter.history[-1].effective


def entries(parameter: Parameter, on: datetime.date | None = None) -> tuple[DatedValue, ...]:
    """Every dated value of the parameter, or with ``on`` only the one in force that day."""
    return parameter.history if on is None else (parameter.entry_at(on),)


def close_names(tree: ParameterTree, name: str) -> list[str]:
    """Parameter names that look like ``name``: the closest spellings, then names containing it."""
    close = difflib.get_close_matches(name, list(tree), n=5, cutoff=0.6)
    containing = [known for known in tree if name and name in known and known not in close]
    return [*close, *containing][:5]


def _plain(value: object) -> object:
    """A value as JSON can hold it: mapping keys as text, dates as ISO text."""
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _source_record(source: Source) -> dict[str, object]:
    return {"title": source.title, "url": source.url, "secondary": source.secondary, "note": source.note}


def parameter_record(parameter: Parameter, on: datetime.date | None = None) -> dict[str, object]:
    """The parameter as a JSON object: name, description, unit and its dated values with their
    sources; with ``on``, that day and only the value in force on it."""
    record: dict[str, object] = {
        "name": parameter.name,
        "description": parameter.description,
        "unit": parameter.unit,
    }
    if on is not None:
        record["on"] = on.isoformat()
    record["values"] = [
        {
            "effective": entry.effective.isoformat(),
            "until": _until(parameter, entry),
            "value": _plain(entry.value),
            "sources": [_source_record(source) for source in entry.sources],
        }
        for entry in entries(parameter, on)
    ]
    return record


def listing_record(parameter: Parameter) -> dict[str, object]:
    """One line of ``rules list --json``: name, unit, the description and the latest effective date."""
    return {
        "name": parameter.name,
        "unit": parameter.unit,
        "description": parameter.description,
        "latest_effective": latest_effective(parameter).isoformat(),
    }


def _until(parameter: Parameter, entry: DatedValue) -> str | None:
    """The last day ``entry`` is in force (the day before the next effective date), or None."""
    later = [other.effective for other in parameter.history if other.effective > entry.effective]
    return (min(later) - datetime.timedelta(days=1)).isoformat() if later else None


def _escape(text: str) -> str:
    """Text as Markdown shows it literally where it could read as markup (links, HTML)."""
    for character in ("\\", "[", "]", "<"):
        text = text.replace(character, "\\" + character)
    return text


def _source_line(source: Source) -> str:
    title = _escape(" ".join(source.title.split()))
    line = f"[{title}]({source.url})" if source.url else title
    if source.secondary:
        line += " (secondary)"
    if source.note:
        line += f": {_escape(' '.join(source.note.split()))}"
    return f"- {line}"


def _value_lines(value: object) -> list[str]:
    if value is None:
        return [f"Value: {NOT_IN_FORCE}."]
    if isinstance(value, dict | list):
        text = yaml.safe_dump(value, sort_keys=False, default_flow_style=None, width=100, allow_unicode=True)
        return ["```yaml", *text.rstrip("\n").splitlines(), "```"]
    return [f"Value: `{json.dumps(_plain(value), ensure_ascii=False)}`"]


def _period(parameter: Parameter, entry: DatedValue) -> str:
    until = _until(parameter, entry)
    start = entry.effective.isoformat()
    return f"From {start} to {until}" if until else f"From {start}"


def parameter_markdown(parameter: Parameter, on: datetime.date | None = None, heading: str = "#") -> str:
    """The parameter in Markdown under a heading of ``heading`` (``#``, ``##`` …): its description,
    unit and every dated value with its sources; with ``on``, only the value in force that day."""
    description = " ".join(parameter.description.split())
    if not description.endswith("."):
        description += "."
    lines = [f"{heading} {parameter.name}", "", description, ""]
    lines += [f"Unit: {parameter.unit}.", ""]
    for entry in entries(parameter, on):
        period = _period(parameter, entry)
        title = f"In force on {on.isoformat()} ({period[0].lower()}{period[1:]})" if on else period
        lines += [f"**{title}**", "", *_value_lines(entry.value), ""]
        lines += ["Sources:" if len(entry.sources) > 1 else "Source:", ""]
        lines += [_source_line(source) for source in entry.sources]
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def _groups(tree: ParameterTree) -> dict[str, list[Parameter]]:
    grouped: dict[str, list[Parameter]] = {}
    for name, parameter in tree.items():
        grouped.setdefault(name.split(".")[0], []).append(parameter)
    return grouped


def _index(parameters: Iterable[Parameter]) -> list[str]:
    lines = ["| parameter | unit | latest change |", "|---|---|---|"]
    for parameter in parameters:
        anchor = parameter.name.replace(".", "")
        latest = latest_effective(parameter).isoformat()
        lines.append(f"| [{parameter.name}](#{anchor}) | {parameter.unit} | {latest} |")
    return lines


def rules_page(tree: ParameterTree) -> str:
    """The documentation page of every parameter of the tree, grouped by the first part of its
    name, each with an index table and then every parameter as ``rules show`` prints it."""
    lines = [
        "# The rules as implemented",
        "",
        f"Every quantity of the law that openentry applies: {len(tree)} parameters, each a file under "
        "`src/openentry/rules/parameters/` named after the parameter (`crs.core.age` is "
        "`crs/core/age.yaml`). A value is in force from its date until the day before the next one; "
        f"'{NOT_IN_FORCE}' means the quantity did not exist or was repealed on those days. The rules "
        f"begin on {tree.first_day.isoformat()}.",
        "",
        "This page is written from the parameter files each time the documentation is built; "
        "`openentry rules show NAME` prints the same text for one parameter, and "
        "`openentry rules show NAME --on DATE` the value in force on a day.",
        "",
        f"Parameter tree version (SHA-256, as in a score's `rules` field): `{tree.digest[:16]}`.",
        "",
    ]
    for group, parameters in _groups(tree).items():
        lines += [f"## {group}", "", *_index(parameters), ""]
        for parameter in parameters:
            lines += [parameter_markdown(parameter, heading="###")]
    return "\n".join(lines).rstrip("\n") + "\n"
