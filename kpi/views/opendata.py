"""Open data for people: school-year spans in words, and the chart of the region against the Netherlands."""

from __future__ import annotations

import html

import pandas as pd
import plotly.graph_objects as go

from kpi.catalogue import word
from kpi.views.charts import _layout, _line


def school_years(years: list[int]) -> str:
    """[2019, ..., 2023] -> `2019-2020 t/m 2023-2024` (Dutch) or `to` (English)."""
    if not years:
        return "-"
    first, last = min(years), max(years)
    return f"{first}-{first + 1}" if first == last else f"{first}-{first + 1} – {last}-{last + 1}"


REGION_COLOUR, NL_COLOUR, SELECTION_COLOUR = "#0072B2", "#E69F00", "#009E73"
BANDS = {
    REGION_COLOUR: "rgba(0,114,178,0.18)",
    NL_COLOUR: "rgba(230,159,0,0.22)",
    SELECTION_COLOUR: "rgba(0,158,115,0.2)",
}


def _band_and_line(years: list[int], values, lows, highs, name: str, colour: str, language: str, **axis) -> list[dict]:
    """A measured line with its range band (where `<5` cells make the value a range)."""
    traces = []
    if any(pd.notna(lo) and pd.notna(hi) and lo != hi for lo, hi in zip(lows, highs, strict=True)):
        traces.append(
            _line(years, list(highs), "", mode="lines", line={"width": 0}, showlegend=False, hoverinfo="skip", **axis)
        )
        traces.append(
            _line(
                years,
                list(lows),
                f"{name}: {word('opendata.range', language)}",
                mode="lines",
                line={"width": 0},
                fill="tonexty",
                fillcolor=BANDS[colour],
                hoverinfo="skip",
                **axis,
            )
        )
    traces.append(
        _line(
            years,
            list(values),
            name,
            mode="lines+markers",
            line={"color": colour, "width": 3},
            marker={"size": 9},
            **axis,
        )
    )
    return traces


def benchmark_chart(rows: pd.DataFrame, language: str = "nl", selection: str | None = None) -> go.Figure:
    """An open-data KPI over the years: the region and the Netherlands, each with its range band; with a school
    filter the selection as a third line. Counts put the Netherlands on a right-hand axis of its own."""
    data = rows.dropna(subset=["year"]).sort_values("year")
    unit = str(data["unit"].iloc[0]) if len(data) else "count"
    years = data["year"].astype(int).tolist()
    nl_axis = {"yaxis": "y2"} if unit == "count" else {}
    traces: list[dict] = []
    if selection:
        traces += _band_and_line(
            years,
            data["value"],
            data["low"],
            data["high"],
            word("opendata.selection", language, schools=selection),
            SELECTION_COLOUR,
            language,
        )
        region = data[["region_value", "region_low", "region_high"]].astype("float64")
        traces += _band_and_line(
            years,
            region["region_value"],
            region["region_low"],
            region["region_high"],
            word("opendata.region", language),
            REGION_COLOUR,
            language,
        )
    else:
        traces += _band_and_line(
            years, data["value"], data["low"], data["high"], word("opendata.region", language), REGION_COLOUR, language
        )
    national = data[["nl_value", "nl_low", "nl_high"]].astype("float64")
    nl_name = word("opendata.nl_axis" if nl_axis else "opendata.nl", language)
    traces += _band_and_line(
        years, national["nl_value"], national["nl_low"], national["nl_high"], nl_name, NL_COLOUR, language, **nl_axis
    )
    traces[-1]["line"]["dash"] = "dash"
    layout = _layout(unit, language, years=years)  # school years on the axis, as on every other chart
    layout["hovermode"] = "x unified"
    if nl_axis:
        layout["yaxis2"] = {
            "overlaying": "y",
            "side": "right",
            "tickformat": ",.0f",
            "rangemode": "tozero",
            "tickmode": "auto",
            "showgrid": False,
            "automargin": True,
        }
        layout["margin"] = {**layout["margin"], "r": 70}
    # the source as a second line of the axis title: it moves down with tilted school years, never over them
    source = html.escape(word("opendata.chart_source", language))
    layout["xaxis"]["title"]["text"] += f'<br><span style="font-size:12px;color:#555555">{source}</span>'
    return go.Figure(data=traces, layout=layout)
