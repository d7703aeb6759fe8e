"""Published history over HTTP: ``GET /v1/history/rounds/{n}`` is ``openentry history show N --json``
(and sees a later import), ``POST /v1/history/rounds/{n}/check`` is ``history check --round N``."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from typer.testing import CliRunner

from openentry.cli.main import app
from openentry.history.feed import bundled_feed
from openentry.history.store import import_rounds
from tests.api.conftest import Service

EXAMPLE = json.loads((Path(__file__).parents[1] / "data" / "crs-examples.jsonl").read_text().splitlines()[0])
runner = CliRunner()


def _command(*arguments: str) -> str:
    result = runner.invoke(app, list(arguments))
    assert result.exit_code == 0, result.output
    return result.stdout


def test_published_rounds_as_the_commands_show_them(
    service: Service, database_url: str, tmp_path: Path
) -> None:
    client = service.client()
    shown = json.loads(_command("history", "show", "327", "--json", "--db", database_url))
    answer = client.get("/v1/history/rounds/327")
    assert (answer.status_code, answer.json()) == (200, shown)
    assert answer.json()["cutoff"] == 463

    (tmp_path / "profile.json").write_text(json.dumps(EXAMPLE["profile"]), encoding="utf-8")
    checked = [
        json.loads(line)
        for line in _command(
            "history", "check", str(tmp_path / "profile.json"), "--round", "327", "--db", database_url
        ).splitlines()
    ]
    replayed = client.post("/v1/history/rounds/327/check", json=EXAMPLE["profile"])
    assert (replayed.status_code, [replayed.json()]) == (200, checked)

    missing = client.get("/v1/history/rounds/9999")
    assert (missing.status_code, missing.json()["detail"]) == (
        404,
        "round '9999' is neither a published round (known: #1 to #437) nor an Ontario draw id "
        "(on-YYYY-MM-DD-stream-…, see history list --kind provincial)",
    )

    # A correction imported later (by any process) is served from then on.
    corrected = [
        dataclasses.replace(published, cutoff=464) if published.number == "327" else published
        for published in bundled_feed()
    ]
    assert not import_rounds(service.engine, corrected, "newer feed").is_empty
    assert client.get("/v1/history/rounds/327").json()["cutoff"] == 464
