"""The documentation builds with ``mkdocs build --strict`` (no warning: no broken link or anchor,
no page left out of the navigation), and the pages generated at build time hold what the code
holds: every parameter of the rules, and the JSON Schema ``openentry schema profile`` prints.
Nothing a reader sees names a folder outside the repository."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from openentry.profiles.document import profile_json_schema
from openentry.rules import default_tree

ROOT = Path(__file__).parents[2]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("site")
    mkdocs = Path(sys.executable).parent / "mkdocs"
    done = subprocess.run(
        [str(mkdocs), "build", "--strict", "--site-dir", str(folder)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    warnings = [line for line in done.stderr.splitlines() if "WARNING" in line or "ERROR" in line]
    assert (done.returncode, warnings) == (0, []), done.stderr
    return folder


def test_the_rules_page_holds_every_parameter(site: Path) -> None:
    page = (site / "reference" / "rules" / "index.html").read_text(encoding="utf-8")
    headings = re.findall(r'<h3 id="([^"]+)">', page)
    tree = default_tree()
    assert headings == [name.replace(".", "") for name in tree]
    assert f"<code>{tree.digest[:16]}</code>" in page


def test_the_published_schema_is_the_one_the_command_prints(site: Path) -> None:
    published = json.loads((site / "reference" / "profile.schema.json").read_text(encoding="utf-8"))
    assert published == profile_json_schema()


def test_the_profile_page_has_a_row_for_every_field(site: Path) -> None:
    page = (site / "profile" / "index.html").read_text(encoding="utf-8")
    schema = profile_json_schema()
    for model in (schema, schema["$defs"]["LanguageResult"], schema["$defs"]["Job"]):
        for name in model["properties"]:
            assert f"<td><code>{name}</code></td>" in page, name


def test_no_page_names_a_folder_outside_the_repository(site: Path) -> None:
    for path in sorted(site.rglob("*")):
        if path.suffix in (".html", ".json", ".jsonl", ".md"):
            text = path.read_text(encoding="utf-8")
            assert "shared/" not in text and "/work/" not in text, path.relative_to(site)
