"""``openentry whatif`` and ``openentry timeline`` through the real command (interfaces.md §7):
input and errors as ``openentry score`` (a bad profile is its own error line, exit 1; bad usage
one line on standard error, exit 2)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

COMMAND = [sys.executable, "-m", "openentry.cli.main"]
# The first worked example (E1, crs-and-programs.md §6: 379 on 2026-01-05), under another id.
E1 = json.loads((Path(__file__).parents[1] / "data" / "crs-examples.jsonl").read_text().splitlines()[0])
VALID: dict[str, Any] = {**E1["profile"], "id": "valid"}
BROKEN: dict[str, Any] = {**VALID, "id": "broken", "education": "phd"}


def _run(
    arguments: list[str], folder: Path, profiles: list[dict[str, Any]] | None = None
) -> subprocess.CompletedProcess[str]:
    if profiles is not None:
        (folder / "profiles.jsonl").write_text("".join(json.dumps(profile) + "\n" for profile in profiles))
    return subprocess.run([*COMMAND, *arguments], cwd=folder, capture_output=True, text=True, check=False)


def test_whatif_lines_and_errors_as_score(tmp_path: Path) -> None:
    done = _run(["whatif", "profiles.jsonl", "--on", "2026-01-05"], tmp_path, [VALID, BROKEN])
    scored = _run(["score", "profiles.jsonl", "--on", "2026-01-05"], tmp_path)
    assert (done.returncode, done.stderr) == (1, "")
    first, second = (json.loads(line) for line in done.stdout.splitlines())
    assert (first["id"], first["total"], first["changes"][0]["change"], first["changes"][0]["gain"]) == (
        "valid",
        379,
        "a provincial nomination",
        600,
    )
    assert second == json.loads(scored.stdout.splitlines()[1])
    assert second == {
        "id": "broken",
        "error": {
            "field": "education",
            "message": "'phd' is not allowed; expected one of 'less_than_secondary', 'secondary', "
            "'one_year_post_secondary', 'two_year_post_secondary', 'bachelors', 'two_or_more', "
            "'masters' or 'doctoral'",
        },
    }


def test_whatif_from_standard_input(tmp_path: Path) -> None:
    done = subprocess.run(
        [*COMMAND, "whatif", "--on", "2026-01-05"],
        input=json.dumps(VALID),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0
    assert json.loads(done.stdout)["total"] == 379


def test_whatif_bad_day(tmp_path: Path) -> None:
    done = _run(["whatif", "profiles.jsonl", "--on", "2026-13-01"], tmp_path, [VALID])
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == "openentry: --on: '2026-13-01' is not a date (YYYY-MM-DD)\n"


def test_timeline_lines_and_errors_as_score(tmp_path: Path) -> None:
    done = _run(
        ["timeline", "profiles.jsonl", "--from", "2026-01-01", "--months", "3"], tmp_path, [VALID, BROKEN]
    )
    assert (done.returncode, done.stderr) == (1, "")
    first, second = (json.loads(line) for line in done.stdout.splitlines())
    assert first == {
        "id": "valid",
        "events": [],
        "months": [
            {"on": "2026-01-01", "total": 379, "in_pool": False, "meets": []},
            {"on": "2026-02-01", "total": 379, "in_pool": False, "meets": []},
            {"on": "2026-03-01", "total": 379, "in_pool": False, "meets": []},
        ],
        "from": "2026-01-01",
        "until": "2026-04-01",
        "total": 379,
        "in_pool": False,
        "meets": [],
    }
    assert second["id"] == "broken" and second["error"]["field"] == "education"


def test_timeline_window_over_120_months(tmp_path: Path) -> None:
    done = _run(["timeline", "profiles.jsonl", "--months", "121"], tmp_path, [VALID])
    assert (done.returncode, done.stdout, done.stderr) == (
        2,
        "",
        "openentry: --months: 121 is outside 1 to 120\n",
    )


def test_timeline_bad_from(tmp_path: Path) -> None:
    done = _run(["timeline", "profiles.jsonl", "--from", "2014-12-31"], tmp_path, [VALID])
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == "openentry: --from: 2014-12-31 is before Express Entry began (2015-01-01)\n"
