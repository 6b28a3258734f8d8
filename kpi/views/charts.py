"""Plotly figures from KPI results and flows: pure functions, testable without a browser."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from kpi.catalogue import separators, word
from kpi.views.formatting import number, school_year
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
TICKS = {"size": 15}  # at least 14 px on a 1920x1080 projector


def _layout(unit: str, language: str, height: int = 420, years: list[int] | None = None) -> dict:
    """One layout for every line chart: large type for projectors, Dutch separators in Dutch, and school
    years on the axis as people say them (2016-2017)."""
    years = sorted({int(y) for y in years or []})
    # tilted school years lean left, so the last year (often the one discussed) is never cut off at the right
    xaxis = {"gridcolor": "#EEEEEE", "automargin": True, "tickfont": TICKS, "autotickangles": [0, -30, -90]}
    xaxis["title"] = {"text": word("meet.school_year", language)}
    if years:
        xaxis |= {"tickmode": "array", "tickvals": years, "ticktext": [school_year(y) for y in years]}
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
        "xaxis": xaxis,
        "yaxis": {
            "gridcolor": "#EEEEEE",
            "tickfont": TICKS,
            "tickformat": ".0%" if unit == "share" else ",.0f",
            "rangemode": "tozero",
            "automargin": True,
        },
    }


def _line(x: list, y: list, name: str, **style) -> dict:
    return {"type": "scatter", "x": x, "y": y, "name": html_text(name), **style}


def kpi_chart(rows: pd.DataFrame, language: str = "nl", highlight: int | None = None) -> go.Figure:
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
        if projection_drawn(data):
            traces.append(
                _line(
                    [int(measured["year"].iloc[-1]), target_year],
                    [measured["value"].iloc[-1], last["projection"]],
                    words["projection"],
                    mode="lines",
                    line={"color": LINE, "dash": "dash", "width": 2},
                )
            )
    shown_years = [*years, *judged["target_year"].astype(int), *judged["baseline_year"].astype(int)]
    layout = _layout(unit, language, years=shown_years)
    if highlight is not None:  # the school year being discussed
        band = {"type": "rect", "xref": "x", "yref": "paper", "x0": highlight - 0.4, "x1": highlight + 0.4}
        layout["shapes"] = [
            band | {"y0": 0, "y1": 1, "fillcolor": "rgba(0,0,0,0.06)", "line": {"width": 0}, "layer": "below"}
        ]
    return go.Figure(data=traces, layout=layout)


def projection_drawn(rows: pd.DataFrame) -> bool:
    """Whether the chart draws a projection: only while the target year lies after the last measured year,
    so a card names a projection only when its chart shows one. (Arrays, not frame operations: the overview
    asks this for every card on every run.)"""
    columns = {
        c: rows[c].to_numpy(dtype=float, na_value=np.nan) for c in ("year", "target_year", "value", "projection")
    }
    order = np.argsort(columns["year"], kind="stable")
    order = order[~np.isnan(columns["year"][order])]
    year, target_year, value, projection = (columns[c][order] for c in ("year", "target_year", "value", "projection"))
    judged, measured = np.flatnonzero(~np.isnan(target_year)), np.flatnonzero(~np.isnan(value))
    if not len(judged) or not len(measured):
        return False
    last = judged[-1]
    return bool(not np.isnan(projection[last]) and int(target_year[last]) > int(year[measured[-1]]))


def sankey(flows: pd.DataFrame, language: str = "nl") -> go.Figure:
    """Flows between levels (from, to, aantal, highlighted): the plan's flows in colour, the rest in grey."""
    nodes = list(dict.fromkeys([*flows["van"], *flows["naar"]]))
    position = {name: i for i, name in enumerate(nodes)}
    through = {
        n: max(flows.loc[flows["van"] == n, "aantal"].sum(), flows.loc[flows["naar"] == n, "aantal"].sum())
        for n in nodes
    }  # every level with how many pass through it, on the chart itself
    labels = [f"{_node_name(n, language)}: {number(through[n], 'count', language)}" for n in nodes]
    colours = ["rgba(213,94,0,0.65)" if h else "rgba(127,127,127,0.35)" for h in flows["plan"]]
    sankey_trace = {
        "type": "sankey",
        "node": {"label": [html_text(n) for n in labels], "pad": 18, "thickness": 22, "color": "#0072B2"},
        "link": {
            "source": [position[v] for v in flows["van"]],
            "target": [position[n] for n in flows["naar"]],
            "value": flows["aantal"].tolist(),
            "color": colours,
            "customdata": [number(v, "count", language) for v in flows["aantal"]],
            "label": [number(v, "count", language) for v in flows["aantal"]],
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


def _node_name(node: str, language: str) -> str:
    return node.replace(" techniek/ICT", " " + word("meet.techniek_ict", language)) if language != "nl" else node


def explorer_chart(pivot: pd.DataFrame, language: str = "nl", title: str = "", y_title: str = "") -> go.Figure:
    """The explorer's pivot as lines: one per column, school years along the axis; a missing year is a gap."""
    palette = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
    traces = [
        _line(
            pivot.index.tolist(),
            pd.to_numeric(pivot[column], errors="coerce").tolist(),
            str(column),
            mode="lines+markers",
            connectgaps=False,
            line={"color": palette[i % len(palette)], "width": 3},
        )
        for i, column in enumerate(pivot.columns)
    ]
    layout = _layout("count", language, height=460, years=pivot.index.tolist())
    layout["yaxis"]["title"] = {"text": html_text(y_title)}
    if title:
        layout["title"] = {"text": html_text(title), "x": 0, "xanchor": "left", "y": 0.98, "yanchor": "top"}
        layout["margin"] = {**layout["margin"], "t": 120}
        layout["legend"] = {**layout["legend"], "y": 1.0}
    return go.Figure(data=traces, layout=layout)
