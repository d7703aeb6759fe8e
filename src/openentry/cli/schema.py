"""``openentry schema``: the JSON Schema of the input formats.

``schema profile`` prints the JSON Schema (draft 2020-12) of one profile, generated from the
pydantic model that validates profiles (profiles/schema.py), with a description and one
example for every field (profiles/document.py). The checks a JSON Schema cannot express (one of
``age`` and ``birth_date``, the second language the other official language, scores on each
test's own scale …) are made by openentry when a profile is read and scored.
"""

from __future__ import annotations

import json
import sys

import typer

from openentry.profiles.document import profile_json_schema

schema_app = typer.Typer(help="JSON Schema of the input formats (schema profile).", no_args_is_help=True)


@schema_app.command("profile")
def profile() -> None:
    """The JSON Schema of one profile (draft 2020-12), with a description and an example for every field."""
    sys.stdout.write(json.dumps(profile_json_schema(), indent=2, ensure_ascii=False) + "\n")
