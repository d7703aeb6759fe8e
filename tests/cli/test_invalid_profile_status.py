"""A profile that fails validation: its error on its own line, the others still answered, exit
status 1, nothing on standard error; the same for score and eligibility (interfaces.md §2 and
§4: "same input and error handling as score") and for whatif and timeline (§7)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.test_score_errors import ON, VALID_1, VALID_2

COMMAND = [sys.executable, "-m", "openentry.cli.main"]
DAY_OPTION = {"score": "--on", "eligibility": "--on", "whatif": "--on", "timeline": "--from"}


def _run(command: str, path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*COMMAND, command, str(path), DAY_OPTION[command], ON], capture_output=True, text=True, check=False
    )


@pytest.mark.parametrize("command", sorted(DAY_OPTION))
def test_an_invalid_profile_among_valid_ones_is_exit_status_1(command: str, tmp_path: Path) -> None:
    invalid = {**VALID_1, "id": "broken", "age": "old"}
    pool = tmp_path / "pool.jsonl"
    pool.write_text(
        "".join(json.dumps(item) + "\n" for item in (VALID_1, invalid, VALID_2)), encoding="utf-8"
    )
    done = _run(command, pool)
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert (done.returncode, done.stderr, len(lines)) == (1, "", 3)
    assert lines[1] == {
        "id": "broken",
        "error": {"field": "age", "message": "input should be a valid integer (given 'old')"},
    }
    assert [line["id"] for line in lines] == [VALID_1["id"], "broken", VALID_2["id"]]
    assert "error" not in lines[0] and "error" not in lines[2]


def test_eligibility_of_one_invalid_profile_is_exit_status_1_as_score(tmp_path: Path) -> None:
    profile = tmp_path / "profile.json"
    profile.write_text(json.dumps({**VALID_1, "marital_status": "engaged"}), encoding="utf-8")
    score, eligibility = _run("score", profile), _run("eligibility", profile)
    assert (eligibility.returncode, eligibility.stderr) == (score.returncode, score.stderr) == (1, "")
    assert eligibility.stdout == score.stdout
    assert json.loads(eligibility.stdout)["error"]["field"] == "marital_status"
