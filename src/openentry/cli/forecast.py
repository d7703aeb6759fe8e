"""``openentry forecast`` (placeholder: being built)."""

from __future__ import annotations

import typer

forecast_app = typer.Typer(help="Forecasts from IRCC's published rounds: the next rounds, their backtest, plots.", no_args_is_help=True)
