"""Plotly figures from KPI results and flows: pure functions, testable without a browser."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from kpi.formatting import number

# Okabe-Ito: distinguishable with every common colour-vision deficiency.
STATUS_COLOURS = {
    "gehaald": "#009E73",
    "op_koers": "#56B4E9",
    "achter": "#E69F00",
    "niet_gehaald": "#D55E00",
    "onvoldoende_data": "#7F7F7F",
}
LINE = "#0072B2"
TARGET = "#CC79A7"
FONT = {"size": 16}

WORDS = {
    "nl": {"actual": "Gemeten", "baseline": "Basisjaar", "target": "Doel", "track": "Op koers (lijn basis → doel)",
           "projection": "Projectie (trend)", "range": "Bereik door kleine aantallen", "year": "Schooljaar"},
    "en": {"actual": "Measured", "baseline": "Baseline", "target": "Target", "track": "On track (baseline → target)",
           "projection": "Projection (trend)", "range": "Range from small numbers", "year": "School year"},
}  # fmt: skip


def _layout(figure: go.Figure, unit: str, language: str, height: int = 420) -> go.Figure:
    figure.update_layout(
        height=height,
        font=FONT,
        separators=",." if language == "nl" else ".,",
        margin={"l": 70, "r": 20, "t": 30, "b": 70},
        legend={"orientation": "h", "y": -0.2, "font": {"size": 14}},
        plot_bgcolor="white",
        hovermode="x unified",
    )
    figure.update_xaxes(dtick=1, gridcolor="#EEEEEE", automargin=True)
    figure.update_yaxes(
        gridcolor="#EEEEEE", tickformat=".0%" if unit == "share" else ",.0f", rangemode="tozero", automargin=True
    )
    return figure


def kpi_chart(rows: pd.DataFrame, language: str = "nl") -> go.Figure:
    """One KPI over the years: measured values, the range where small numbers take part, baseline, target,
    the on-track line from baseline to target and the projection (dashed)."""
    words = WORDS[language]
    data = rows.dropna(subset=["year"]).sort_values("year")
    unit = str(data["unit"].iloc[0]) if len(data) else "count"
    figure = go.Figure()
    inexact = data[~data["exact"].astype(bool) & data["low"].notna()]
    if len(inexact):
        figure.add_trace(go.Scatter(x=data["year"], y=data["high"].where(~data["exact"].astype(bool), data["value"]),
                                    mode="lines", line={"width": 0}, showlegend=False, hoverinfo="skip"))  # fmt: skip
        figure.add_trace(go.Scatter(x=data["year"], y=data["low"].where(~data["exact"].astype(bool), data["value"]),
                                    mode="lines", line={"width": 0}, fill="tonexty", fillcolor="rgba(0,114,178,0.18)",
                                    name=words["range"], hoverinfo="skip"))  # fmt: skip
    figure.add_trace(
        go.Scatter(
            x=data["year"], y=data["value"], mode="lines+markers", name=words["actual"],
            line={"color": LINE, "width": 3}, marker={"size": 9},
            hovertemplate="%{y:" + (".1%" if unit == "share" else ",.0f") + "}<extra></extra>",
        )
    )  # fmt: skip
    judged = data.dropna(subset=["target_year"])
    if len(judged):
        last = judged.iloc[-1]
        if pd.notna(last["baseline_value"]):
            figure.add_trace(go.Scatter(x=[last["baseline_year"]], y=[last["baseline_value"]], mode="markers", name=words["baseline"],
                                        marker={"symbol": "diamond", "size": 14, "color": "#000000"}))  # fmt: skip
        if pd.notna(last["target_value"]):
            figure.add_trace(go.Scatter(x=[last["target_year"]], y=[last["target_value"]], mode="markers", name=words["target"],
                                        marker={"symbol": "star", "size": 18, "color": TARGET}))  # fmt: skip
            if pd.notna(last["baseline_value"]):
                figure.add_trace(go.Scatter(x=[last["baseline_year"], last["target_year"]], y=[last["baseline_value"], last["target_value"]],
                                            mode="lines", name=words["track"], line={"color": TARGET, "dash": "dot", "width": 2}))  # fmt: skip
        measured = data.dropna(subset=["value"])
        if pd.notna(last["projection"]) and len(measured) and last["target_year"] > measured["year"].iloc[-1]:
            figure.add_trace(go.Scatter(x=[measured["year"].iloc[-1], last["target_year"]], y=[measured["value"].iloc[-1], last["projection"]],
                                        mode="lines", name=words["projection"], line={"color": LINE, "dash": "dash", "width": 2}))  # fmt: skip
    figure.update_xaxes(title=words["year"])
    return _layout(figure, unit, language)


def sankey(flows: pd.DataFrame, language: str = "nl") -> go.Figure:
    """Flows between levels (from, to, aantal, highlighted): the plan's flows in colour, the rest in grey."""
    nodes = list(dict.fromkeys([*flows["van"], *flows["naar"]]))
    position = {name: i for i, name in enumerate(nodes)}
    colours = ["rgba(213,94,0,0.65)" if h else "rgba(127,127,127,0.35)" for h in flows["plan"]]
    figure = go.Figure(
        go.Sankey(
            node={"label": nodes, "pad": 18, "thickness": 22, "color": "#0072B2"},
            link={
                "source": [position[v] for v in flows["van"]],
                "target": [position[n] for n in flows["naar"]],
                "value": flows["aantal"].tolist(),
                "color": colours,
                "customdata": [number(v, "count", language) for v in flows["aantal"]],
                "hovertemplate": "%{source.label} → %{target.label}: %{customdata}<extra></extra>",
            },
        )
    )
    figure.update_layout(
        height=520,
        font=FONT,
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        separators=",." if language == "nl" else ".,",
    )
    return figure


def explorer_chart(pivot: pd.DataFrame, language: str = "nl") -> go.Figure:
    """The explorer's pivot as lines: one per column, years along the axis."""
    figure = go.Figure()
    palette = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
    for i, column in enumerate(pivot.columns):
        values = pd.to_numeric(pivot[column], errors="coerce")
        figure.add_trace(go.Scatter(x=pivot.index, y=values, mode="lines+markers", name=str(column),
                                    line={"color": palette[i % len(palette)], "width": 3}))  # fmt: skip
    figure.update_xaxes(title=WORDS[language]["year"])
    return _layout(figure, "count", language, height=460)
