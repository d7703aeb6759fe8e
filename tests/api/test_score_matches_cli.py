"""``POST /v1/score`` gives the numbers ``openentry score`` gives (interfaces.md §2, §9): the worked
examples one at a time (sent together, so that they share passes) and as one list, their
explanations, and a refused profile's field and message."""

from __future__ import annotations

import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from tests.api.conftest import Service

EXAMPLES = [
    json.loads(line)
    for line in (Path(__file__).parents[1] / "data" / "crs-examples.jsonl").read_text().splitlines()
]
BAD = {**EXAMPLES[0]["profile"], "id": "bad", "first_language": {"test": "ielts", "reading": 9.7}}


def _command_lines(tmp_path: Path, profiles: list[dict[str, object]], on: str) -> list[dict[str, object]]:
    """``openentry score PROFILES.jsonl --on ON --explain`` (the last profile refused)."""
    path = tmp_path / "profiles.jsonl"
    path.write_text("".join(json.dumps(profile) + "\n" for profile in profiles), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "openentry.cli.main", "score", str(path), "--on", on, "--explain"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1, done.stderr  # the refused profile's exit status
    return [json.loads(line) for line in done.stdout.splitlines()]


def test_score_route_equals_the_score_command(service: Service, tmp_path: Path) -> None:
    on = EXAMPLES[0]["on"]
    assert {example["on"] for example in EXAMPLES} == {on}
    profiles = [example["profile"] for example in EXAMPLES]
    expected = _command_lines(tmp_path, [*profiles, BAD], on)
    assert [
        {key: line[key] for key in ("total", "core", "spouse", "transferability", "additional")}
        for line in expected[:-1]
    ] == [example["expected"] for example in EXAMPLES]

    client = service.client()

    def one(profile: dict[str, object]) -> dict[str, object]:
        answer = client.post("/v1/score", params={"on": on, "explain": "true"}, json=profile)
        assert answer.status_code == 200, answer.text
        result: dict[str, object] = answer.json()
        return result

    with ThreadPoolExecutor(max_workers=len(profiles)) as pool:
        singles = list(pool.map(one, profiles))
    assert singles == expected[:-1]

    listed = client.post("/v1/score", params={"on": on, "explain": "true"}, json=[*profiles, BAD])
    assert (listed.status_code, listed.json()) == (200, expected)

    refused = client.post("/v1/score", params={"on": on}, json=BAD)
    assert refused.status_code == 422
    assert refused.headers["content-type"] == "application/problem+json"
    error = expected[-1]["error"]
    assert (refused.json()["field"], refused.json()["detail"]) == (error["field"], error["message"])
