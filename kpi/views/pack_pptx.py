"""The meeting pack as PowerPoint (python-pptx, 16:9): cover, status table, one slide per KPI with its chart
as a picture, changes and actions."""

from __future__ import annotations

import io

import pandas as pd
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.util import Emu, Inches, Pt

from kpi.views.charts import STATUS_COLOURS
from kpi.views.images import chart_images
from kpi.views.meeting import KpiPage, Pack, kpi_pages, pack_figures

CHART_PX = (1000, 560)
DEMO_RED = RGBColor(0xB0, 0x00, 0x20)
GREY = RGBColor(0x55, 0x55, 0x55)


def _rgb(status: str | None) -> RGBColor:
    return RGBColor.from_string(STATUS_COLOURS.get(status or "onvoldoende_data", "#7F7F7F").lstrip("#"))


def _text(slide, left, top, width, height, text: str, size: int, bold: bool = False, colour=None, fill=None):
    """A text box; long text wraps inside it."""
    box = slide.shapes.add_textbox(left, top, width, height)
    frame = box.text_frame
    frame.word_wrap = True
    run = frame.paragraphs[0].add_run()
    run.text = text
    run.font.size, run.font.bold = Pt(size), bold
    if colour is not None:
        run.font.color.rgb = colour
    if fill is not None:
        box.fill.solid()
        box.fill.fore_color.rgb = fill
    return box


def _footer(slide, pack: Pack) -> None:
    demo = f" · {pack.word('meet.demo_label').upper()}" if pack.demo else ""
    text = f"{pack.word('meet.pack_heading')} · {pack.selection} · {pack.school_year}{demo}"
    _text(slide, Inches(0.4), Inches(7.0), Inches(12.5), Inches(0.4), text, 11, colour=DEMO_RED if pack.demo else GREY)


def _cover(deck, pack: Pack) -> None:
    slide = deck.slides.add_slide(deck.slide_layouts[6])
    _text(slide, Inches(0.8), Inches(1.0), Inches(11.7), Inches(1.2), pack.title, 36, bold=True)
    lines = [
        f"{pack.word('meet.selection')}: {pack.selection}",
        f"{pack.word('meet.school_year')}: {pack.school_year}",
        f"{pack.word('meet.made_label')}: {pack.made_text}",
        pack.judged,
    ]
    _text(slide, Inches(0.8), Inches(2.5), Inches(11.7), Inches(2.2), "\n".join(lines), 20)
    if pack.demo:
        _text(
            slide,
            Inches(0.8),
            Inches(5.0),
            Inches(11.7),
            Inches(1.1),
            pack.word("meet.demo_notice"),
            20,
            bold=True,
            colour=RGBColor(0xFF, 0xFF, 0xFF),
            fill=DEMO_RED,
        )


def _status_slide(deck, pack: Pack, pages: list[KpiPage]) -> None:
    slide = deck.slides.add_slide(deck.slide_layouts[6])
    _text(
        slide,
        Inches(0.4),
        Inches(0.2),
        Inches(12.5),
        Inches(0.7),
        pack.word("meet.status_table", year=pack.school_year),
        28,
        bold=True,
    )
    head = [pack.word(k) for k in ("meet.kpi", "meet.value", "meet.target", "meet.status")]
    shape = slide.shapes.add_table(len(pages) + 1, 4, Inches(0.4), Inches(1.0), Inches(12.5), Inches(5.8))
    table = shape.table
    for index, width in enumerate((4.6, 2.0, 4.2, 1.7)):
        table.columns[index].width = Inches(width)
    for column, text in enumerate(head):
        table.cell(0, column).text = text
    for row, page in enumerate(pages, start=1):
        for column, text in enumerate((page.label, page.value, page.target, page.status_word)):
            table.cell(row, column).text = text
        status = table.cell(row, 3)
        status.fill.solid()
        status.fill.fore_color.rgb = _rgb(page.status)
    for row in range(len(pages) + 1):
        for column in range(4):
            for paragraph in table.cell(row, column).text_frame.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(12)
                    if column == 3 and row:
                        run.font.bold, run.font.color.rgb = True, RGBColor(0xFF, 0xFF, 0xFF)
    _footer(slide, pack)


def _kpi_slide(deck, pack: Pack, page: KpiPage, chart: bytes) -> None:
    slide = deck.slides.add_slide(deck.slide_layouts[6])
    _text(slide, Inches(0.4), Inches(0.15), Inches(12.5), Inches(0.4), page.action_line, 14, colour=GREY)
    _text(slide, Inches(0.4), Inches(0.5), Inches(12.5), Inches(0.8), page.label, 28, bold=True)
    width = Inches(8.0)
    slide.shapes.add_picture(
        io.BytesIO(chart), Inches(0.3), Inches(1.4), width, Emu(int(width * CHART_PX[1] / CHART_PX[0]))
    )
    right = Inches(8.5)
    _text(slide, right, Inches(1.4), Inches(4.5), Inches(1.0), page.short_value, 48, bold=True)
    _text(
        slide,
        right,
        Inches(2.5),
        Inches(3.2),
        Inches(0.5),
        page.status_word,
        20,
        bold=True,
        colour=RGBColor(0xFF, 0xFF, 0xFF),
        fill=_rgb(page.status),
    )
    _text(slide, right, Inches(3.2), Inches(4.5), Inches(1.2), page.target, 16)
    note = page.reason[:1].upper() + page.reason[1:] if page.reason else page.small_note
    _text(slide, right, Inches(4.5), Inches(4.5), Inches(1.3), note, 13, colour=GREY)
    _text(
        slide,
        Inches(0.4),
        Inches(6.1),
        Inches(12.5),
        Inches(0.8),
        f"{pack.word('meet.definition')}: {page.definition}",
        13,
    )
    _footer(slide, pack)


def _frame_slide(deck, pack: Pack, title: str, frame: pd.DataFrame | None, empty: str) -> None:
    slide = deck.slides.add_slide(deck.slide_layouts[6])
    _text(slide, Inches(0.4), Inches(0.2), Inches(12.5), Inches(0.7), title, 28, bold=True)
    if frame is None or frame.empty:
        _text(slide, Inches(0.4), Inches(1.2), Inches(12.5), Inches(1.0), empty, 18)
    else:
        shown = frame.head(14)
        table = slide.shapes.add_table(
            len(shown) + 1, len(shown.columns), Inches(0.4), Inches(1.0), Inches(12.5), Inches(5.5)
        ).table
        for column, name in enumerate(shown.columns):
            table.cell(0, column).text = str(name)
        for row, record in enumerate(shown.itertuples(index=False), start=1):
            for column, value in enumerate(record):
                table.cell(row, column).text = "" if pd.isna(value) else str(value)
    _footer(slide, pack)


def pack_pptx(pack: Pack) -> bytes:
    """The whole pack as .pptx bytes."""
    deck = Presentation()
    deck.slide_width, deck.slide_height = Inches(13.333), Inches(7.5)
    deck.core_properties.title = f"{pack.title} — {pack.school_year}"
    deck.core_properties.subject = pack.selection
    pages = kpi_pages(pack)
    charts = chart_images(pack_figures(pack), "png", *CHART_PX, scale=2)
    _cover(deck, pack)
    _status_slide(deck, pack, pages)
    for page, chart in zip(pages, charts, strict=True):
        _kpi_slide(deck, pack, page, chart)
    if pack.changes is not None:
        _frame_slide(deck, pack, pack.changes_title, pack.changes, pack.word("meet.changes_empty"))
    if pack.actions is not None:
        _frame_slide(deck, pack, pack.word("meet.actions_title"), pack.actions, "")
    buffer = io.BytesIO()
    deck.save(buffer)
    return buffer.getvalue()
