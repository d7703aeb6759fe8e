"""MkDocs hooks: the pages written from the code each time the documentation is built.

- ``reference/rules.md``: every parameter of the rules, its values by date, unit and sources
  (openentry.rules.document, the renderer ``openentry rules show`` uses);
- ``reference/profile.schema.json``: the JSON Schema ``openentry schema profile`` prints;
- in ``profile.md``, the line ``<!-- profile fields -->`` becomes the tables of the fields, written
  from that schema (openentry.profiles.document).

Nothing generated is committed, so nothing generated can go stale.
"""

from __future__ import annotations

import json
from typing import Any

from mkdocs.structure.files import File, Files

FIELDS_MARKER = "<!-- profile fields -->"


def on_files(files: Files, config: Any) -> Files:
    from openentry.profiles.document import profile_json_schema
    from openentry.rules import default_tree
    from openentry.rules.document import rules_page

    files.append(File.generated(config, "reference/rules.md", content=rules_page(default_tree())))
    schema = json.dumps(profile_json_schema(), indent=2, ensure_ascii=False) + "\n"
    files.append(File.generated(config, "reference/profile.schema.json", content=schema))
    return files


def on_page_markdown(markdown: str, page: Any, config: Any, files: Files) -> str:
    if FIELDS_MARKER not in markdown:
        return markdown
    from openentry.profiles.document import fields_markdown

    return markdown.replace(FIELDS_MARKER, fields_markdown())
