"""What-if, timeline and chances over HTTP give what ``openentry whatif``, ``timeline`` and
``chances`` print for the same profiles (interfaces.md §7-§9), and refuse what they refuse."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from openentry.cli.main import app
from tests.api.conftest import Service

EXAMPLES = [
    json.loads(line)
    for line in (Path(__file__).parents[1] / "data" / "crs-examples.jsonl").read_text().splitlines()
]
PROFILES = [example["profile"] for example in EXAMPLES[:3]]
DAY = EXAMPLES[0]["on"]
runner = CliRunner()


def _command(tmp_path: Path, *arguments: str) -> list[dict[str, object]]:
    path = tmp_path / "profiles.json"
    path.write_text(json.dumps(PROFILES), encoding="utf-8")
    result = runner.invoke(app, [arguments[0], str(path), *arguments[1:]])
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_projections_equal_the_commands(service: Service, database_url: str, tmp_path: Path) -> None:
    client = service.client()
    cases = [
        ("/v1/whatif", {"on": DAY}, ("whatif", "--on", DAY)),
        ("/v1/timeline", {"from": DAY, "months": 6}, ("timeline", "--from", DAY, "--months", "6")),
        ("/v1/chances", {"as_of": DAY}, ("chances", "--as-of", DAY, "--db", database_url)),
    ]
    for path, parameters, command in cases:
        expected = _command(tmp_path, *command)
        listed = client.post(path, params=parameters, json=PROFILES)
        assert (listed.status_code, listed.json()) == (200, expected), path
        single = client.post(path, params=parameters, json=PROFILES[0])
        assert (single.status_code, single.json()) == (200, expected[0]), path


def test_projection_errors_name_the_field(service: Service) -> None:
    client = service.client()
    months = client.post("/v1/timeline", params={"months": 400}, json=PROFILES[0])
    assert (months.status_code, months.json()["field"], months.json()["detail"]) == (
        422,
        "months",
        "400 is outside 1 to 120",
    )
    start = client.post("/v1/timeline", params={"from": "1999-01-01"}, json=PROFILES[0])
    assert (start.json()["field"], start.json()["detail"]) == (
        "from",
        "1999-01-01 is before Express Entry began (2015-01-01)",
    )
    horizons = client.post("/v1/chances", params={"months": "1,x"}, json=PROFILES[0])
    assert (horizons.status_code, horizons.json()["field"], horizons.json()["detail"]) == (
        422,
        "months",
        "'1,x' must be whole numbers of months separated by commas (1,3,6,12)",
    )
    refused = client.post("/v1/whatif", json={**PROFILES[0], "education": "phd"})
    assert (refused.status_code, refused.json()["field"]) == (422, "education")
