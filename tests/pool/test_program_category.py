"""Program (FSW, CEC, FST) and category rounds through the eligibility engine."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine
from tests.pool.conftest import profile, write_jsonl

from openentry.domain import RoundSpec, RoundSpecError
from openentry.services.pool import load_pool_file
from openentry.services.rounds import run_round
from openentry.services.scoring import score_one

DAY = datetime.date(2024, 6, 1)
NURSE_JOB = {"noc": "31301", "start": "2021-01-04", "end": None, "hours_per_week": 37.5, "in_canada": True}


def _profiles() -> list[dict[str, object]]:
    return [
        profile("cec-only", "2024-01-01T00:00:00Z"),
        profile(
            "nurse",
            "2024-01-02T00:00:00Z",
            primary_noc="31301",
            work_history=[NURSE_JOB],
            canadian_work_years=3,
        ),
        profile(
            "fsw-only",
            "2024-01-03T00:00:00Z",
            foreign_work_years=3,
            canadian_work_years=0,
            settlement_funds_cad=20000,
        ),
    ]


def _crs(candidate: dict[str, object]) -> int:
    total = score_one(candidate, DAY)["total"]
    assert isinstance(total, int)
    return total


def _run(engine: Engine, **criteria: object) -> tuple[list[str], int | None]:
    at = datetime.datetime(2024, 6, 1, 14, tzinfo=datetime.UTC)
    result = run_round(engine, RoundSpec.create(at=at, size=10, **criteria), dry_run=True)  # type: ignore[arg-type]
    return [invitation.candidate_id for invitation in result.invitations], result.cutoff


def test_program_and_category_rounds_invite_only_the_eligible(engine: Engine, tmp_path: Path) -> None:
    profiles = _profiles()
    load_pool_file(engine, write_jsonl(tmp_path / "pool.jsonl", profiles))
    crs = {str(item["id"]): _crs(item) for item in profiles}
    assert _run(engine, program="cec") == (
        sorted(["cec-only", "nurse"], key=lambda name: -crs[name]),
        min(crs["cec-only"], crs["nurse"]),
    )
    assert _run(engine, program="fsw") == (["fsw-only"], crs["fsw-only"])
    assert _run(engine, program="fst") == ([], None)
    assert _run(engine, category="healthcare") == (["nurse"], crs["nurse"])
    assert _run(engine, category="french") == ([], None)
    with pytest.raises(
        RoundSpecError,
        match="--category: unknown category 'astronauts' on 2024-06-01; allowed: french, agriculture",
    ):
        _run(engine, category="astronauts")
