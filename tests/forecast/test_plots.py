"""``openentry forecast plot``: the fan and the backtest errors as image files."""

from __future__ import annotations

from pathlib import Path

from tests.forecast.conftest import Invoke

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def test_fan_and_errors(invoke: Invoke, tmp_path: Path) -> None:
    ran = invoke("forecast", "plot", "fan", "--out", str(tmp_path), "--as-of", "2026-08-20")
    assert (ran.status, ran.err, ran.out) == (0, "", f"{tmp_path / 'forecast-fan.png'}\n")
    assert (tmp_path / "forecast-fan.png").read_bytes().startswith(PNG_SIGNATURE)
    ran = invoke(
        "forecast", "plot", "errors", "--out", str(tmp_path), "--from", "2026-06-01", "--format", "svg"
    )
    assert (ran.status, ran.err, ran.out) == (0, "", f"{tmp_path / 'forecast-errors.svg'}\n")
    assert (tmp_path / "forecast-errors.svg").read_text(encoding="utf-8").lstrip().startswith("<?xml")


def test_out_is_a_file(invoke: Invoke, tmp_path: Path) -> None:
    (tmp_path / "taken").write_text("x", encoding="utf-8")
    ran = invoke("forecast", "plot", "--out", str(tmp_path / "taken"))
    assert (ran.status, ran.out) == (2, "")
    taken = tmp_path / "taken"
    assert ran.err == (
        f"openentry: --out: {taken} is a file; give a folder for the charts (created if missing)\n"
    )
