"""Plotly figures from KPI results and flows: pure functions, testable without a browser."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from kpi.catalogue import separators, word
from kpi.views.formatting import number
from kpi.views.safety import html_text

# Okabe-Ito: distinguishable with every common colour-vision deficiency.
STATUS_COLOURS: dict[str, str] = {  # keyed by kpi.codes.STATUSES
    "gehaald": "#009E73",
    "op_koers": "#56B4E9",
    "achter": "#E69F00",
    "niet_gehaald": "#D55E00",
    "onvoldoende_data": "#7F7F7F",
}
LINE = "#0072B2"
TARGET = "#CC79A7"
FONT = {"size": 16}


def _layout(unit: str, language: str, height: int = 420) -> dict:
    """One layout for every line chart: large type for projectors, Dutch separators in Dutch."""
    return {
        "height": height + 40,
        "font": FONT,
        "separators": "".join(separators(language)),
        "margin": {"l": 70, "r": 20, "t": 80, "b": 40},
        "legend": {
            "orientation": "h",
            "x": 0,
            "y": 1.02,
            "xanchor": "left",
            "yanchor": "bottom",
            "traceorder": "normal",
            "font": {"size": 14},
        },
        "plot_bgcolor": "white",
        "hovermode": "x unified",
        "xaxis": {"dtick": 1, "gridcolor": "#EEEEEE", "automargin": True},
        "yaxis": {
            "gridcolor": "#EEEEEE",
            "tickformat": ".0%" if unit == "share" else ",.0f",
            "rangemode": "tozero",
            "automargin": True,
        },
    }


def _line(x: list, y: list, name: str, **style) -> dict:
    return {"type": "scatter", "x": x, "y": y, "name": html_text(name), **style}


def kpi_chart(rows: pd.DataFrame, language: str = "nl") -> go.Figure:
    """One KPI over the years: measured values, the range where small numbers take part, baseline, target,
    the on-track line from baseline to target and the projection (dashed)."""
    words = {k: word(f"chart.{k}", language) for k in ("actual", "baseline", "target", "track", "projection", "range")}
    data = rows.dropna(subset=["year"]).sort_values("year")
    unit = str(data["unit"].iloc[0]) if len(data) else "count"
    years = data["year"].astype(int).tolist()
    traces = []
    exact = data["exact"].astype(bool)
    if (~exact & data["low"].notna()).any():
        high = data["high"].where(~exact, data["value"]).tolist()
        low = data["low"].where(~exact, data["value"]).tolist()
        traces.append(_line(years, high, "", mode="lines", line={"width": 0}, showlegend=False, hoverinfo="skip"))
        traces.append(
            _line(
                years,
                low,
                words["range"],
                mode="lines",
                line={"width": 0},
                fill="tonexty",
                fillcolor="rgba(0,114,178,0.18)",
                hoverinfo="skip",
            )
        )
    hover = "%{y:" + (".1%" if unit == "share" else ",.0f") + "}<extra></extra>"
    traces.append(
        _line(
            years,
            data["value"].tolist(),
            words["actual"],
            mode="lines+markers",
            line={"color": LINE, "width": 3},
            marker={"size": 9},
            hovertemplate=hover,
        )
    )
    judged = data.dropna(subset=["target_year"])
    if len(judged):
        last = judged.iloc[-1]
        base_year, target_year = int(last["baseline_year"]), int(last["target_year"])
        if pd.notna(last["baseline_value"]):
            traces.append(
                _line(
                    [base_year],
                    [last["baseline_value"]],
                    words["baseline"],
                    mode="markers",
                    marker={"symbol": "diamond", "size": 14, "color": "#000000"},
                )
            )
        if pd.notna(last["target_value"]):
            traces.append(
                _line(
                    [target_year],
                    [last["target_value"]],
                    words["target"],
                    mode="markers",
                    marker={"symbol": "star", "size": 18, "color": TARGET},
                )
            )
            if pd.notna(last["baseline_value"]):
                traces.append(
                    _line(
                        [base_year, target_year],
                        [last["baseline_value"], last["target_value"]],
                        words["track"],
                        mode="lines",
                        line={"color": TARGET, "dash": "dot", "width": 2},
                    )
                )
        measured = data.dropna(subset=["value"])
        if pd.notna(last["projection"]) and len(measured) and target_year > measured["year"].iloc[-1]:
            traces.append(
                _line(
                    [int(measured["year"].iloc[-1]), target_year],
                    [measured["value"].iloc[-1], last["projection"]],
                    words["projection"],
                    mode="lines",
                    line={"color": LINE, "dash": "dash", "width": 2},
                )
            )
    return go.Figure(data=traces, layout=_layout(unit, language))


def sankey(flows: pd.DataFrame, language: str = "nl") -> go.Figure:
    """Flows between levels (from, to, aantal, highlighted): the plan's flows in colour, the rest in grey."""
    nodes = list(dict.fromkeys([*flows["van"], *flows["naar"]]))
    position = {name: i for i, name in enumerate(nodes)}
    colours = ["rgba(213,94,0,0.65)" if h else "rgba(127,127,127,0.35)" for h in flows["plan"]]
    sankey_trace = {
        "type": "sankey",
        "node": {"label": [html_text(n) for n in nodes], "pad": 18, "thickness": 22, "color": "#0072B2"},
        "link": {
            "source": [position[v] for v in flows["van"]],
            "target": [position[n] for n in flows["naar"]],
            "value": flows["aantal"].tolist(),
            "color": colours,
            "customdata": [number(v, "count", language) for v in flows["aantal"]],
            "hovertemplate": "%{source.label} → %{target.label}: %{customdata}<extra></extra>",
        },
    }
    layout = {
        "height": 520,
        "font": FONT,
        "margin": {"l": 10, "r": 10, "t": 10, "b": 10},
        "separators": "".join(separators(language)),
    }
    return go.Figure(data=[sankey_trace], layout=layout)


def explorer_chart(pivot: pd.DataFrame, language: str = "nl") -> go.Figure:
    """The explorer's pivot as lines: one per column, years along the axis."""
    palette = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
    traces = [
        _line(
            pivot.index.tolist(),
            pd.to_numeric(pivot[column], errors="coerce").tolist(),
            str(column),
            mode="lines+markers",
            line={"color": palette[i % len(palette)], "width": 3},
        )
        for i, column in enumerate(pivot.columns)
    ]
    return go.Figure(data=traces, layout=_layout("count", language, height=460))
