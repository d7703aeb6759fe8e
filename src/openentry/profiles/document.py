"""The profile format written out for a reader: its JSON Schema, and the fields as tables.

Both come from the pydantic model (profiles/schema.py), the one description of a profile:
``openentry schema profile`` prints :func:`profile_json_schema`, and the documentation's page on
the profile format shows :func:`fields_markdown`, written from the same schema when the
documentation is built. Every field carries a description and one example in the model.

What a JSON Schema cannot say is checked by openentry alone: exactly one of ``age`` and
``birth_date``; ``second_language`` in the other official language; ``test_date`` required for
``tef_canada`` and ``scale`` for it only; ``submitted_at`` not before Express Entry opened; the
scores on each test's own scale; a job's end not before its start.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from openentry.profiles.schema import Job, LanguageResult, Profile

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"

JsonSchema = dict[str, Any]


def profile_json_schema() -> JsonSchema:
    """The JSON Schema (draft 2020-12) of one profile, from the pydantic model."""
    schema = Profile.model_json_schema()
    definitions = schema.pop("$defs")
    # The profile's own keys first, its nested objects (language result, job) last.
    return {"$schema": JSON_SCHEMA_DIALECT, **schema, "$defs": definitions}


def _type_text(schema: JsonSchema) -> str:
    """A property's schema in words: its type, vocabulary and bounds."""
    if "anyOf" in schema:
        choices = [_type_text(choice) for choice in schema["anyOf"] if choice.get("type") != "null"]
        nullable = any(choice.get("type") == "null" for choice in schema["anyOf"])
        return " or ".join(choices) + (" or null" if nullable else "")
    if "$ref" in schema:
        return {"LanguageResult": "language result", "Job": "job"}.get(
            schema["$ref"].removeprefix("#/$defs/"), "object"
        )
    if "enum" in schema:
        return "one of " + " ".join(f"`{value}`" for value in schema["enum"])
    kind = schema.get("type")
    if kind == "array":
        item = _type_text(schema["items"])
        least = schema.get("minItems")
        return f"list of {item}" + (f" (at least {least})" if least else "")
    if kind == "string":
        if schema.get("format") == "date":
            return "date `YYYY-MM-DD`"
        if schema.get("format") == "date-time":
            return "date-time with a UTC offset"
        if "pattern" in schema:
            return f"text matching `{schema['pattern']}`"
        return "text"
    if kind in ("integer", "number"):
        words = "integer" if kind == "integer" else "number"
        bounds = []
        if "minimum" in schema:
            bounds.append(f"≥ {schema['minimum']}")
        if "exclusiveMinimum" in schema:
            bounds.append(f"> {schema['exclusiveMinimum']}")
        if "maximum" in schema:
            bounds.append(f"≤ {schema['maximum']}")
        return words + (" " + ", ".join(bounds) if bounds else "")
    if kind == "boolean":
        return "true or false"
    return str(kind)


def _default_text(field: FieldInfo) -> str:
    if field.is_required():
        return "required"
    return f"`{json.dumps(field.get_default(call_default_factory=True))}`"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _table(model: type[BaseModel], schema: JsonSchema) -> list[str]:
    lines = ["| field | type and values | default | what it is | example |", "|---|---|---|---|---|"]
    for name, field in model.model_fields.items():
        described = schema["properties"][name]
        example = json.dumps(described["examples"][0], ensure_ascii=False)
        lines.append(
            f"| `{name}` | {_cell(_type_text(described))} | {_default_text(field)} "
            f"| {_cell(described.get('description', ''))} | `{_cell(example)}` |"
        )
    return lines


def fields_markdown() -> str:
    """The fields of a profile, of a language result and of a job as Markdown tables: type and
    values from the JSON Schema, default from the model, what each is and one example."""
    root = profile_json_schema()
    parts: list[tuple[str, type[BaseModel], JsonSchema]] = [
        ("Profile", Profile, root),
        ("Language result", LanguageResult, root["$defs"]["LanguageResult"]),
        ("Job", Job, root["$defs"]["Job"]),
    ]
    lines: list[str] = []
    for heading, model, schema in parts:
        lines += [f"### {heading}", "", str(schema.get("description", "")), "", *_table(model, schema), ""]
    return "\n".join(lines).rstrip("\n") + "\n"
