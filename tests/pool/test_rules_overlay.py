"""``--rules-overlay`` on ``round run`` and ``whatif`` (interfaces.md §11), through real processes:
a round under hypothetical rules ranks the pool by the overlay's scores, is never recorded and is
marked hypothetical."""

from __future__ import annotations

import json
from pathlib import Path

from tests.pool.conftest import CliRunner, json_lines, profile, write_jsonl

OVERLAY = Path(__file__).resolve().parents[2] / "docs" / "examples" / "overlays" / "canadian_work.yaml"
ROUND_MOMENT = "2027-02-01T12:00:00Z"


def _pool(tmp_path: Path) -> Path:
    """Single candidates, masters, CLB 9, whose CRS on 2027-02-01 is, under the law and under the
    overlay (core points for Canadian work without a spouse: law 0/40/53/64/72/80 for 0-5
    years, overlay 0/60/76/90/102/112):

    - cw2-age29: 472, and 472 - 53 + 76 = 495;
    - cw5-age35: 466, and 466 - 80 + 112 = 498;
    - cw3-age33: 461, and 461 - 64 + 90 = 487.
    """
    submitted = "2026-12-01T00:00:00Z"
    return write_jsonl(
        tmp_path / "pool.jsonl",
        [
            profile("cw2-age29", submitted, age=29, canadian_work_years=2),
            profile("cw5-age35", submitted, age=35, canadian_work_years=5),
            profile("cw3-age33", submitted, age=33, canadian_work_years=3),
        ],
    )


def _round(cli: CliRunner, *extra: str) -> dict[str, object]:
    ran = cli("round", "run", "--at", ROUND_MOMENT, "--kind", "general", "--size", "1", "--dry-run", *extra)
    assert ran.returncode == 0, ran.stderr
    result = json.loads(ran.stdout)
    assert isinstance(result, dict)
    return result


def test_a_dry_run_under_an_overlay_ranks_by_the_overlay_scores(cli: CliRunner, tmp_path: Path) -> None:
    loaded = cli("pool", "load", str(_pool(tmp_path)), "--at", "2026-12-15T00:00:00Z")
    assert loaded.returncode == 0, loaded.stderr
    law = _round(cli)
    hypothetical = _round(cli, "--rules-overlay", str(OVERLAY))
    assert (law["cutoff"], law["tiebreak_id"], law["invited"], law["eligible"]) == (472, "cw2-age29", 1, 3)
    assert (hypothetical["cutoff"], hypothetical["tiebreak_id"], hypothetical["invited"]) == (
        498,
        "cw5-age35",
        1,
    )
    assert "hypothetical" not in law
    assert hypothetical["hypothetical"] is True
    version = hypothetical["rules_version"]
    assert isinstance(version, dict)
    assert hypothetical["rules_overlay"] == {"path": str(OVERLAY), "sha256": version["overlay_sha256"]}
    assert version["hypothetical"] is True
    assert hypothetical["recorded"] is False
    # Nothing was recorded: a real round next is round 1 and sees the law.
    recorded = cli("round", "run", "--at", ROUND_MOMENT, "--kind", "general", "--size", "1")
    assert recorded.returncode == 0, recorded.stderr
    assert json.loads(recorded.stdout)["round"] == 1


def test_a_round_under_an_overlay_is_never_recorded(cli: CliRunner, tmp_path: Path) -> None:
    cli("pool", "load", str(_pool(tmp_path)), "--at", "2026-12-15T00:00:00Z")
    base = ("round", "run", "--at", ROUND_MOMENT, "--kind", "general", "--size", "1")
    for extra, message in [
        (
            (),
            "openentry: --rules-overlay: a round under hypothetical rules is never recorded; add --dry-run\n",
        ),
        (
            ("--dry-run", "--key", "k1"),
            "openentry: --rules-overlay: a round under hypothetical rules records nothing; drop --key\n",
        ),
    ]:
        refused = cli(*base, "--rules-overlay", str(OVERLAY), *extra)
        assert (refused.returncode, refused.stdout, refused.stderr) == (2, "", message)
    bad = tmp_path / "bad.yaml"
    bad.write_text("crs/core/canadian_wrk:\n  reference: {2027-01-01: x}\n  values: {2027-01-01: 1}\n")
    refused = cli(*base, "--dry-run", "--rules-overlay", str(bad))
    assert (refused.returncode, refused.stdout) == (2, "")
    assert refused.stderr == (
        f"openentry: --rules-overlay {bad}: crs/core/canadian_wrk: no parameter 'crs/core/canadian_wrk' "
        "in the rules (did you mean crs/core/canadian_work?)\n"
    )


def test_whatif_under_an_overlay_starts_from_the_overlay_total(cli: CliRunner, tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "one.jsonl", [profile("cw2-age29", "2026-12-01T00:00:00Z", canadian_work_years=2)]
    )
    law = cli("whatif", str(path), "--on", "2027-02-01", database=False)
    changed = cli("whatif", str(path), "--on", "2027-02-01", "--rules-overlay", str(OVERLAY), database=False)
    assert law.returncode == changed.returncode == 0, (law.stderr, changed.stderr)
    [before] = json_lines(law.stdout)
    [after] = json_lines(changed.stdout)
    assert (before["total"], after["total"]) == (472, 495)
    assert "hypothetical" not in before
    assert after["hypothetical"] is True
    assert after["rules"]["hypothetical"] is True  # type: ignore[index]
    # One more year of Canadian work, 2 -> 3 years: 64 - 53 = 11 core points under the law and
    # 90 - 76 = 14 under the overlay (transferability already counts 2 years as its top step here).
    change = "one more year of Canadian skilled work (2 to 3 years)"
    assert [item["gain"] for item in before["changes"] if item["change"] == change] == [11]  # type: ignore[union-attr,index]
    assert [item["gain"] for item in after["changes"] if item["change"] == change] == [14]  # type: ignore[union-attr,index]
