"""The steering group's meeting pack: every KPI with its status and chart, as PDF, PowerPoint, HTML or Excel."""

from __future__ import annotations

import base64
import html
import io

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from kpi.views.charts import STATUS_COLOURS
from kpi.views.formatting import school_year, status_word
from kpi.views.safety import neutralised

FORMATS = ("pdf", "pptx", "html", "xlsx")


def pack_bytes(pack, fmt: str) -> bytes:
    """The pack in one of FORMATS."""
    if fmt == "pdf":
        from kpi.views.pack_pdf import pack_pdf

        return pack_pdf(pack)
    if fmt == "pptx":
        from kpi.views.pack_pptx import pack_pptx

        return pack_pptx(pack)
    if fmt == "html":
        return meeting_pack_html(pack).encode("utf-8")
    if fmt == "xlsx":
        return meeting_pack_xlsx(pack)
    raise ValueError(fmt)


# -- HTML: small and self-contained: charts as inline SVG, no plotly.js ------------------------------------


def meeting_pack_html(pack) -> str:
    """One page that opens offline and prints to A4: context, status table and a chart per KPI (SVG)."""
    from kpi.views.images import chart_images
    from kpi.views.meeting import kpi_pages, pack_figures

    pages = kpi_pages(pack)
    charts = chart_images(pack_figures(pack), "svg", 1000, 470, 1)
    esc = html.escape
    head = [
        pack.word(k) for k in ("meet.kpi", "meet.action_line", "meet.value", "meet.target", "meet.status", "meet.note")
    ]
    rows = []
    for page in pages:
        colour = STATUS_COLOURS.get(page.status or "onvoldoende_data", "#7F7F7F")
        badge = f'<span class="badge" style="background:{colour}">{esc(page.status_word)}</span>'
        cells = [esc(page.label), esc(page.action_line), esc(page.value), esc(page.target), badge, esc(page.reason)]
        rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    sections = []
    for page, svg in zip(pages, charts, strict=True):
        picture = base64.b64encode(svg).decode("ascii")
        sections.append(
            f"<section><h2>{esc(page.label)}</h2><p class='value'>{esc(page.short_value)} "
            f"<span class='badge' style='background:{STATUS_COLOURS.get(page.status or 'onvoldoende_data')}'>"
            f"{esc(page.status_word)}</span></p>"
            f"<img alt='{esc(page.label)}' src='data:image/svg+xml;base64,{picture}'>"
            f"<dl><dt>{esc(pack.word('meet.target'))}</dt><dd>{esc(page.target)}</dd>"
            f"<dt>{esc(pack.word('meet.definition'))}</dt><dd>{esc(page.definition)}</dd>"
            f"<dt>{esc(pack.word('meet.small_numbers'))}</dt><dd>{esc(page.small_note)}</dd></dl></section>"
        )
    demo = f"<p class='demo'>{esc(pack.word('meet.demo_notice'))}</p>" if pack.demo else ""
    title = f"{pack.title} — {pack.selection} — {pack.school_year}"
    return (
        f"<!doctype html><html lang='{pack.language}'><head><meta charset='utf-8'><title>{esc(title)}</title>"
        "<style>body{font-family:sans-serif;font-size:16px;margin:2em;max-width:1100px}"
        "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:6px 10px;text-align:left;vertical-align:top}"
        ".badge{color:#fff;padding:2px 8px;border-radius:8px;white-space:nowrap}.value{font-size:40px;font-weight:700}"
        ".demo{background:#B00020;color:#fff;padding:10px;font-weight:700}img{width:100%;max-width:1000px}"
        "dt{font-weight:700}section{break-before:page}@page{size:A4;margin:15mm}</style></head><body>"
        f"<h1>{esc(pack.title)}</h1>{demo}"
        f"<p><b>{esc(pack.word('meet.selection'))}:</b> {esc(pack.selection)}<br>"
        f"<b>{esc(pack.word('meet.school_year'))}:</b> {esc(pack.school_year)}<br>"
        f"<b>{esc(pack.word('meet.made_label'))}:</b> {esc(pack.made_text)}</p><p>{esc(pack.judged)}</p>"
        f"<h2>{esc(pack.word('meet.status_table', year=pack.school_year))}</h2>"
        f"<table><tr>{''.join(f'<th>{esc(h)}</th>' for h in head)}</tr>{''.join(rows)}</table>"
        f"{''.join(sections)}{_html_frame(pack.changes_title, pack.changes)}"
        f"{_html_frame(pack.word('meet.actions_title'), pack.actions)}</body></html>"
    )


def _html_frame(title: str, frame: pd.DataFrame | None) -> str:
    if frame is None:
        return ""
    return f"<section><h2>{html.escape(title)}</h2>{frame.to_html(index=False, na_rep='')}</section>"


# -- Excel: numbers as numbers, Dutch headers and words, status colours ---------------------------------


def _number_format(unit: str) -> str:
    return "0.0%" if unit == "share" else "#,##0"


def overview_frame(pack) -> pd.DataFrame:
    """One line per KPI for the chosen year: words where people read words, numbers where they compute."""
    from kpi.views.meeting import kpi_pages

    pages = {p.id: p for p in kpi_pages(pack)}
    frame = pack.year_results
    return pd.DataFrame(
        {
            pack.word("meet.kpi"): [pages[i].label for i in frame["id"]],
            pack.word("meet.action_line"): [pages[i].action_line for i in frame["id"]],
            pack.word("meet.school_year"): [school_year(y) for y in frame["year"]],
            pack.word("meet.value"): frame["value"].astype(float),
            pack.word("meet.low"): frame["low"].where(~frame["exact"].astype(bool)).astype(float),
            pack.word("meet.high"): frame["high"].where(~frame["exact"].astype(bool)).astype(float),
            pack.word("meet.target"): frame["target_value"].astype(float),
            pack.word("meet.target_year"): [school_year(y) if pd.notna(y) else "" for y in frame["target_year"]],
            pack.word("meet.rule_head"): [pages[i].rule for i in frame["id"]],
            pack.word("meet.status"): [pages[i].status_word for i in frame["id"]],
            pack.word("meet.note"): [
                pages[i].reason or (pages[i].small_note if pages[i].range else "") for i in frame["id"]
            ],
        }
    )


def series_frame(pack) -> pd.DataFrame:
    """Every KPI per school year, as numbers."""
    from kpi.metrics.registry import REGISTRY

    frame = pack.all_results.dropna(subset=["year"])
    return pd.DataFrame(
        {
            pack.word("meet.kpi"): [REGISTRY[i].label(pack.language) for i in frame["id"]],
            pack.word("meet.school_year"): [school_year(y) for y in frame["year"]],
            pack.word("meet.value"): frame["value"].astype(float),
            pack.word("meet.low"): frame["low"].where(~frame["exact"].astype(bool)).astype(float),
            pack.word("meet.high"): frame["high"].where(~frame["exact"].astype(bool)).astype(float),
            pack.word("meet.target"): frame["target_value"].astype(float),
            pack.word("meet.status"): [status_word(s, pack.language) for s in frame["status"]],
        }
    )


def selection_rows(pack) -> list[tuple[str, str]]:
    rows = [
        (pack.word("meet.selection"), pack.selection),
        (pack.word("meet.school_year"), pack.school_year),
        (pack.word("meet.made_label"), pack.made_text),
        ("", pack.judged),
    ]
    if pack.demo:
        rows.append((pack.word("meet.demo_label"), pack.word("meet.demo_notice")))
    return rows


def meeting_pack_xlsx(pack) -> bytes:
    """Workbook: Selectie (what and when), Overzicht (the year), Reeksen (every year)."""
    units = dict(zip(pack.year_results["id"], pack.year_results["unit"], strict=True))
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = pack.word("meet.sheet_selection")
    for row in selection_rows(pack):
        sheet.append(list(row))
    for cell in sheet["A"]:
        cell.font = Font(bold=True)
    sheet.column_dimensions["A"].width, sheet.column_dimensions["B"].width = 22, 110
    overview = overview_frame(pack)
    _frame_sheet(
        workbook, pack.word("meet.sheet_overview"), overview, [units[i] for i in pack.year_results["id"]], pack
    )
    series = series_frame(pack)
    series_units = [units.get(i, "count") for i in pack.all_results.dropna(subset=["year"])["id"]]
    _frame_sheet(workbook, pack.word("meet.sheet_series"), series, series_units, pack)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _frame_sheet(workbook: Workbook, name: str, frame: pd.DataFrame, units: list[str], pack) -> None:
    """A sheet with a bold header, widths, number formats per row's unit and status colours."""
    sheet = workbook.create_sheet(name[:31])
    safe = neutralised(frame)
    sheet.append(list(safe.columns))
    numeric = {pack.word(k) for k in ("meet.value", "meet.low", "meet.high", "meet.target")}
    status_column = list(safe.columns).index(pack.word("meet.status")) + 1
    words_to_status = {status_word(s, pack.language): s for s in STATUS_COLOURS}
    for record, unit in zip(safe.itertuples(index=False), units, strict=True):
        sheet.append([None if isinstance(v, float) and pd.isna(v) else v for v in record])
        row = sheet.max_row
        for index, column in enumerate(safe.columns, start=1):
            if column in numeric:
                sheet.cell(row, index).number_format = _number_format(unit)
        status = words_to_status.get(sheet.cell(row, status_column).value)
        if status:
            cell = sheet.cell(row, status_column)
            cell.fill = PatternFill("solid", fgColor=STATUS_COLOURS[status].lstrip("#"))
            cell.font = Font(bold=True, color="FFFFFF")
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(vertical="top", wrap_text=True)
    for index, column in enumerate(safe.columns, start=1):
        longest = max([len(str(column)), *(len(str(v)) for v in safe[column] if not pd.isna(v))])
        sheet.column_dimensions[get_column_letter(index)].width = min(max(10, longest + 2), 60)
    sheet.freeze_panes = "B2"
