"""The steering group's meeting pack: every KPI with its status, and its chart, in one file to share."""

from __future__ import annotations

import html

import pandas as pd

from kpi.catalogue import word
from kpi.codes import NO_DATA
from kpi.metrics.registry import REGISTRY
from kpi.views.charts import STATUS_COLOURS, kpi_chart
from kpi.views.export import xlsx_bytes
from kpi.views.formatting import kpi_value, number, reason_text, school_year, status_word
from kpi.views.safety import html_text

HEAD = ("kpi", "action_line", "year", "value", "target", "status", "note")
"""The columns of the pack's table; their words are `pack.<name>`."""


def pack_table(year_results: pd.DataFrame, language: str = "nl") -> pd.DataFrame:
    """One line per KPI for the chosen year, in words and formatted numbers."""
    lines = []
    for row in year_results.to_dict("records"):
        kpi = REGISTRY[row["id"]]
        lines.append(
            (
                kpi.label(language),
                word(f"action_line.{kpi.action_line}", language),
                school_year(row["year"]),
                kpi_value(row, language),
                number(row["target_value"], row["unit"], language),
                status_word(row["status"], language),
                reason_text(row, language),
            )
        )
    return pd.DataFrame(lines, columns=[word(f"pack.{h}", language) for h in HEAD])


def meeting_pack_xlsx(year_results: pd.DataFrame, all_results: pd.DataFrame, language: str = "nl") -> bytes:
    """Workbook: the overview of the year, and every KPI's values per year."""
    series = all_results[["id", "year", "value", "low", "high", "exact", "target_value", "status"]]
    return xlsx_bytes(
        {
            word("pack.sheet_overview", language): pack_table(year_results, language),
            word("pack.sheet_series", language): series,
        }
    )


def meeting_pack_html(year_results: pd.DataFrame, all_results: pd.DataFrame, title: str, language: str = "nl") -> str:
    """A self-contained HTML page (opens offline, prints to PDF): the status table and a chart per KPI."""
    table = pack_table(year_results, language)
    rows = []
    for line, status in zip(table.itertuples(index=False), year_results["status"], strict=True):
        colour = STATUS_COLOURS.get(status if isinstance(status, str) else NO_DATA, "#7F7F7F")
        cells = [html.escape(str(c)) for c in line]
        cells[5] = f'<span style="background:{colour};color:#fff;padding:2px 8px;border-radius:8px">{cells[5]}</span>'
        rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    charts = []
    for index, kpi_id in enumerate(year_results["id"]):
        figure = kpi_chart(all_results[all_results["id"] == kpi_id], language)
        figure.update_layout(title=html_text(REGISTRY[kpi_id].label(language)))
        charts.append(figure.to_html(full_html=False, include_plotlyjs=index == 0))
    head = "".join(f"<th>{html.escape(h)}</th>" for h in table.columns)
    return (
        f"<!doctype html><html lang='{language}'><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
        "<style>body{font-family:sans-serif;font-size:16px;margin:2em}table{border-collapse:collapse}"
        "td,th{border:1px solid #ccc;padding:6px 10px;text-align:left}</style></head><body>"
        f"<h1>{html.escape(title)}</h1><table><tr>{head}</tr>{''.join(rows)}</table>{''.join(charts)}</body></html>"
    )
