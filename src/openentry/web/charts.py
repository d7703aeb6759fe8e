"""The pages' charts as Vega-Lite specifications, drawn in the browser by vega-embed.

Why Vega-Lite: a chart is data plus a declarative specification (JSON) that the server writes
from the same numbers as the page's tables, and the browser draws as SVG with tooltips (the
round under the pointer) and the locale's number and date formats (i18n.chart_locale); the same
specification can be drawn to a file by any Vega-Lite renderer (vl-convert, the Vega editor).
vega, vega-lite and vega-embed are served from the package (static/vendor, no CDN). Every chart
stands beside a table or a list of the same facts, and series differ by shape as well as colour.

A chart's words are translated here; its numbers and dates are the data's.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

import numpy as np

from openentry.web.i18n import N_, gettext

Spec = dict[str, object]
SHAPES = [
    "circle",
    "square",
    "triangle-up",
    "diamond",
    "cross",
    "triangle-down",
    "triangle-right",
    "triangle-left",
]
# Colours that stay apart for the common kinds of colour blindness (Okabe and Ito).
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"]


def _base(height: int = 260) -> Spec:
    return {
        "width": "container",
        "height": height,
        "autosize": {"type": "fit-x", "contains": "padding"},
        "config": {
            "font": "system-ui, sans-serif",
            "axis": {"labelFontSize": 12, "titleFontSize": 12},
            "legend": {
                "labelFontSize": 12,
                "titleFontSize": 12,
                "orient": "bottom",
                "columns": 3,
                "labelLimit": 320,
            },
            "range": {"category": PALETTE},
        },
    }


def timeline_chart(
    months: Sequence[dict[str, object]], events: Sequence[dict[str, object]], code: str
) -> Spec:
    """The total month by month (a step line) and the days it changes (points, with why)."""
    total = gettext(code, N_("CRS total"))
    day = gettext(code, N_("Day"))
    why = gettext(code, N_("Why"))
    return {
        **_base(220),
        "layer": [
            {
                "data": {"values": [{"on": item["on"], "total": item["total"]} for item in months]},
                "mark": {"type": "line", "interpolate": "step-after", "point": True},
                "encoding": {
                    "x": {
                        "field": "on",
                        "type": "temporal",
                        "title": gettext(code, N_("Month")),
                        "axis": {"format": "%b %Y"},
                    },
                    "y": {
                        "field": "total",
                        "type": "quantitative",
                        "title": total,
                        "scale": {"zero": False, "padding": 12},
                        "axis": {"format": "d", "tickMinStep": 1},
                    },
                    "tooltip": [
                        {"field": "on", "type": "temporal", "title": day, "format": "%e %b %Y"},
                        {"field": "total", "type": "quantitative", "title": total},
                    ],
                },
            },
            {
                "data": {"values": [dict(item) for item in events]},
                "mark": {
                    "type": "point",
                    "shape": "diamond",
                    "size": 110,
                    "filled": True,
                    "color": "#D55E00",
                },
                "encoding": {
                    "x": {"field": "on", "type": "temporal"},
                    "y": {"field": "total", "type": "quantitative"},
                    "tooltip": [
                        {"field": "on", "type": "temporal", "title": day, "format": "%e %b %Y"},
                        {"field": "total", "type": "quantitative", "title": total},
                        {"field": "why", "type": "nominal", "title": why},
                    ],
                },
            },
        ],
    }


def cutoffs_chart(points: Sequence[dict[str, object]], code: str) -> Spec:
    """Published cut-offs over time, one series (colour and shape) per kind; hover names the round."""
    kind = gettext(code, N_("Kind"))
    return {
        **_base(320),
        "data": {"values": list(points)},
        "mark": {"type": "point", "filled": True, "size": 45, "opacity": 0.85},
        "encoding": {
            "x": {
                "field": "date",
                "type": "temporal",
                "title": gettext(code, N_("Date of the round")),
                "axis": {"format": "%Y", "tickCount": "year"},
            },
            "y": {
                "field": "cutoff",
                "type": "quantitative",
                "title": gettext(code, N_("Cut-off (lowest CRS invited)")),
                "scale": {"zero": False},
            },
            "color": {"field": "kind", "type": "nominal", "title": kind},
            "shape": {"field": "kind", "type": "nominal", "title": kind, "scale": {"range": SHAPES}},
            "tooltip": [
                {"field": "round", "type": "nominal", "title": gettext(code, N_("Round"))},
                {
                    "field": "date",
                    "type": "temporal",
                    "title": gettext(code, N_("Date")),
                    "format": "%e %b %Y",
                },
                {"field": "name", "type": "nominal", "title": gettext(code, N_("Name"))},
                {"field": "kind", "type": "nominal", "title": kind},
                {"field": "cutoff", "type": "quantitative", "title": gettext(code, N_("Cut-off"))},
                {
                    "field": "invitations",
                    "type": "quantitative",
                    "title": gettext(code, N_("Invitations")),
                    "format": ",d",
                },
            ],
        },
    }


def invitations_chart(bars: Sequence[dict[str, object]], code: str) -> Spec:
    """Invitations per month, stacked by kind."""
    kind = gettext(code, N_("Kind"))
    return {
        **_base(260),
        "data": {"values": list(bars)},
        "mark": {"type": "bar"},
        "encoding": {
            "x": {
                "field": "month",
                "type": "temporal",
                "timeUnit": "yearmonth",
                "title": gettext(code, N_("Month")),
                "axis": {"format": "%Y", "tickCount": "year"},
            },
            "y": {
                "field": "invitations",
                "type": "quantitative",
                "aggregate": "sum",
                "title": gettext(code, N_("Invitations")),
                "axis": {"format": ",d"},
            },
            "color": {"field": "kind", "type": "nominal", "title": kind},
            "tooltip": [
                {
                    "field": "month",
                    "type": "temporal",
                    "timeUnit": "yearmonth",
                    "title": gettext(code, N_("Month")),
                    "format": "%B %Y",
                },
                {"field": "kind", "type": "nominal", "title": kind},
                {
                    "field": "invitations",
                    "type": "quantitative",
                    "aggregate": "sum",
                    "title": gettext(code, N_("Invitations")),
                    "format": ",d",
                },
            ],
        },
    }


def pool_chart(rows: Sequence[dict[str, object]], code: str) -> Spec:
    """The pool's published score bands over time, stacked (highest band on top)."""
    band = gettext(code, N_("CRS band"))
    return {
        **_base(300),
        "data": {"values": list(rows)},
        "mark": {"type": "area", "interpolate": "step-after"},
        "encoding": {
            "x": {
                "field": "date",
                "type": "temporal",
                "title": gettext(code, N_("Pool as on")),
                "axis": {"format": "%Y", "tickCount": "year"},
            },
            "y": {
                "field": "count",
                "type": "quantitative",
                "stack": "zero",
                "title": gettext(code, N_("Candidates in the pool")),
                "axis": {"format": ",d"},
            },
            "color": {
                "field": "band",
                "type": "ordinal",
                "title": band,
                "sort": {"field": "order"},
                "scale": {"scheme": "viridis"},
            },
            "order": {"field": "order", "type": "quantitative"},
            "tooltip": [
                {
                    "field": "date",
                    "type": "temporal",
                    "title": gettext(code, N_("Pool as on")),
                    "format": "%e %b %Y",
                },
                {"field": "band", "type": "ordinal", "title": band},
                {
                    "field": "count",
                    "type": "quantitative",
                    "title": gettext(code, N_("Candidates")),
                    "format": ",d",
                },
            ],
        },
    }


def bands_chart(rows: Sequence[dict[str, object]], code: str) -> Spec:
    """A pool's score bands now (the officer console): candidates per band."""
    band = gettext(code, N_("CRS band"))
    return {
        **_base(240),
        "data": {"values": list(rows)},
        "mark": {"type": "bar"},
        "encoding": {
            "y": {"field": "band", "type": "ordinal", "title": band, "sort": {"field": "order"}},
            "x": {
                "field": "count",
                "type": "quantitative",
                "title": gettext(code, N_("Candidates")),
                "axis": {"format": ",d"},
            },
            "tooltip": [
                {"field": "band", "type": "ordinal", "title": band},
                {
                    "field": "count",
                    "type": "quantitative",
                    "title": gettext(code, N_("Candidates")),
                    "format": ",d",
                },
            ],
        },
    }


def fan_chart(
    past: Sequence[dict[str, object]],
    bands: Sequence[dict[str, object]],
    nexts: Sequence[dict[str, object]],
    as_of: datetime.date,
    code: str,
) -> Spec:
    """Per kind: its published cut-offs, the 80 % and 50 % bands and median of the simulated
    rounds by fortnight, and the next round's forecast with its interval; one panel per kind."""
    cutoff = gettext(code, N_("Cut-off"))
    date = gettext(code, N_("Date"))
    x = {"field": "date", "type": "temporal", "title": date, "axis": {"format": "%b %Y"}}
    y_title = gettext(code, N_("CRS cut-off"))
    return {
        "width": 520,
        "height": 180,
        "config": _base()["config"],
        "facet": {"field": "kind", "type": "nominal", "title": None},
        "columns": 1,
        "resolve": {"scale": {"y": "independent"}},
        "data": {
            "values": [
                *({**item, "layer": "past"} for item in past),
                *({**item, "layer": "band"} for item in bands),
                *({**item, "layer": "next"} for item in nexts),
                *(
                    {"kind": kind, "date": as_of.isoformat(), "layer": "today"}
                    for kind in dict.fromkeys(str(item["kind"]) for item in nexts)
                ),
            ]
        },
        "spec": {
            "layer": [
                {
                    "transform": [{"filter": "datum.layer == 'band'"}],
                    "mark": {"type": "area", "color": "#9ecae1", "opacity": 0.7},
                    "encoding": {
                        "x": x,
                        "y": {
                            "field": "p10",
                            "type": "quantitative",
                            "title": y_title,
                            "scale": {"zero": False},
                        },
                        "y2": {"field": "p90"},
                    },
                },
                {
                    "transform": [{"filter": "datum.layer == 'band'"}],
                    "mark": {"type": "area", "color": "#4292c6", "opacity": 0.7},
                    "encoding": {
                        "x": x,
                        "y": {"field": "p25", "type": "quantitative"},
                        "y2": {"field": "p75"},
                    },
                },
                {
                    "transform": [{"filter": "datum.layer == 'band'"}],
                    "mark": {"type": "line", "color": "#08519c", "strokeDash": [4, 2]},
                    "encoding": {
                        "x": x,
                        "y": {"field": "p50", "type": "quantitative"},
                        "tooltip": [
                            {"field": "date", "type": "temporal", "title": date, "format": "%e %b %Y"},
                            {"field": "p10", "type": "quantitative", "title": "10 %"},
                            {"field": "p50", "type": "quantitative", "title": gettext(code, N_("median"))},
                            {"field": "p90", "type": "quantitative", "title": "90 %"},
                        ],
                    },
                },
                {
                    "transform": [{"filter": "datum.layer == 'past'"}],
                    "mark": {
                        "type": "line",
                        "color": "#555555",
                        "point": {"filled": True, "color": "#555555"},
                    },
                    "encoding": {
                        "x": x,
                        "y": {"field": "cutoff", "type": "quantitative"},
                        "tooltip": [
                            {"field": "round", "type": "nominal", "title": gettext(code, N_("Round"))},
                            {"field": "date", "type": "temporal", "title": date, "format": "%e %b %Y"},
                            {"field": "cutoff", "type": "quantitative", "title": cutoff},
                        ],
                    },
                },
                {
                    "transform": [{"filter": "datum.layer == 'next'"}],
                    "mark": {"type": "rule", "color": "#D55E00", "strokeWidth": 2},
                    "encoding": {
                        "x": x,
                        "y": {"field": "cutoff_low", "type": "quantitative"},
                        "y2": {"field": "cutoff_high"},
                    },
                },
                {
                    "transform": [{"filter": "datum.layer == 'next'"}],
                    "mark": {
                        "type": "point",
                        "shape": "diamond",
                        "filled": True,
                        "size": 90,
                        "color": "#D55E00",
                    },
                    "encoding": {
                        "x": x,
                        "y": {"field": "cutoff", "type": "quantitative"},
                        "tooltip": [
                            {
                                "field": "date",
                                "type": "temporal",
                                "title": gettext(code, N_("Next round")),
                                "format": "%e %b %Y",
                            },
                            {"field": "cutoff", "type": "quantitative", "title": cutoff},
                            {
                                "field": "cutoff_low",
                                "type": "quantitative",
                                "title": gettext(code, N_("low (80 %)")),
                            },
                            {
                                "field": "cutoff_high",
                                "type": "quantitative",
                                "title": gettext(code, N_("high (80 %)")),
                            },
                            {
                                "field": "size",
                                "type": "quantitative",
                                "title": gettext(code, N_("Invitations")),
                                "format": ",d",
                            },
                        ],
                    },
                },
                {
                    "transform": [{"filter": "datum.layer == 'today'"}],
                    "mark": {"type": "rule", "color": "#999999", "strokeDash": [2, 2]},
                    "encoding": {"x": {"field": "date", "type": "temporal"}},
                },
            ]
        },
    }


def percentile_rows(values: np.ndarray, percentiles: Sequence[float]) -> dict[str, int]:
    """The percentiles of ``values`` as ``p10``, ``p25`` … whole scores."""
    found = np.percentile(values, percentiles)
    return {f"p{int(level)}": round(float(value)) for level, value in zip(percentiles, found, strict=True)}
