"""The meeting pack as an A4 PDF (reportlab): cover, status table, one page per KPI, changes, actions."""

from __future__ import annotations

import functools
import io
from pathlib import Path
from xml.sax.saxutils import escape

import pandas as pd
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    Image,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from kpi.views.charts import STATUS_COLOURS
from kpi.views.images import chart_images
from kpi.views.meeting import KpiPage, Pack, kpi_pages, pack_figures

FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"))
WIDTH = A4[0] - 36 * mm
CHART_PX = (900, 540)  # layout pixels, shown 174 mm wide
CHART_SCALE = 1.6  # 1440 px across 174 mm: about 210 dpi, sharp on paper and on a projector
GREY = colors.HexColor("#555555")


@functools.cache
def _fonts() -> tuple[str, str]:
    """DejaVu Sans when installed (every character we write), else the built-in Helvetica."""
    for folder in FONT_DIRS:
        regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
        if regular.exists() and bold.exists():
            pdfmetrics.registerFont(TTFont("TPSans", str(regular)))
            pdfmetrics.registerFont(TTFont("TPSans-Bold", str(bold)))
            return "TPSans", "TPSans-Bold"
    return "Helvetica", "Helvetica-Bold"


def _text(value: object) -> str:
    text = escape(str(value))
    if _fonts()[0] == "Helvetica":  # the built-in font lacks these
        text = text.replace("≈", "~").replace("→", "->")
    return text


@functools.cache
def _styles() -> dict[str, ParagraphStyle]:
    regular, bold = _fonts()
    base = ParagraphStyle("base", fontName=regular, fontSize=10.5, leading=14, alignment=TA_LEFT)
    return {
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=9, leading=12, textColor=GREY),
        "cell": ParagraphStyle("cell", parent=base, fontSize=9, leading=11.5),
        "head": ParagraphStyle("head", parent=base, fontName=bold, fontSize=9, leading=11.5, textColor=colors.white),
        "title": ParagraphStyle("title", parent=base, fontName=bold, fontSize=26, leading=32, spaceAfter=10),
        "h1": ParagraphStyle("h1", parent=base, fontName=bold, fontSize=18, leading=23, spaceAfter=4),
        "h2": ParagraphStyle("h2", parent=base, fontName=bold, fontSize=12, leading=16, textColor=GREY),
        "value": ParagraphStyle("value", parent=base, fontName=bold, fontSize=30, leading=36),
        "badge": ParagraphStyle("badge", parent=base, fontName=bold, fontSize=13, leading=16, textColor=colors.white),
        "demo": ParagraphStyle("demo", parent=base, fontName=bold, fontSize=13, leading=17, textColor=colors.white),
        "cover": ParagraphStyle("cover", parent=base, fontSize=13, leading=19),
    }


def _p(text: object, style: str = "body") -> Paragraph:
    return Paragraph(_text(text), _styles()[style])


def _colour(status: str | None) -> colors.Color:
    return colors.HexColor(STATUS_COLOURS.get(status or "onvoldoende_data", "#7F7F7F"))


def _demo_box(pack: Pack) -> Table:
    box = Table([[_p(pack.word("meet.demo_notice"), "demo")]], colWidths=[WIDTH])
    box.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#B00020")),
                ("BOX", (0, 0), (-1, -1), 0, colors.white),
                ("PADDING", (0, 0), (-1, -1), 8),
            ]
        )
    )
    return box


def _cover(pack: Pack, pages: list[KpiPage]) -> list:
    lines = [
        (pack.word("meet.selection"), pack.selection),
        (pack.word("meet.school_year"), pack.school_year),
        (pack.word("meet.made_label"), pack.made_text),
    ]
    facts = Table([[_p(k, "cover"), _p(v, "cover")] for k, v in lines], colWidths=[45 * mm, WIDTH - 45 * mm])
    facts.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    story = [Spacer(1, 40 * mm), _p(pack.title, "title"), _p(pack.judged, "cover"), Spacer(1, 8 * mm), facts]
    if pack.demo:
        story += [Spacer(1, 10 * mm), _demo_box(pack)]
    story += [Spacer(1, 10 * mm), _p(pack.word("meet.contents_kpis", n=len(pages)), "small"), PageBreak()]
    return story


def _status_table(pack: Pack, pages: list[KpiPage]) -> list:
    head = [pack.word(k) for k in ("meet.kpi", "meet.value", "meet.target", "meet.status")]
    rows = [[_p(h, "head") for h in head]]
    for page in pages:
        rows.append(
            [_p(page.label, "cell"), _p(page.value, "cell"), _p(page.target, "cell"), _p(page.status_word, "head")]
        )
    widths = [62 * mm, 30 * mm, WIDTH - 62 * mm - 30 * mm - 30 * mm, 30 * mm]
    table = Table(rows, colWidths=widths, repeatRows=1)
    style = [
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#333333")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#BBBBBB")),
        ("PADDING", (0, 0), (-1, -1), 4),
    ]
    style += [("BACKGROUND", (3, i), (3, i), _colour(page.status)) for i, page in enumerate(pages, start=1)]
    table.setStyle(TableStyle(style))
    return [
        _p(pack.word("meet.status_table", year=pack.school_year), "h1"),
        _p(pack.judged, "small"),
        Spacer(1, 4 * mm),
        table,
        PageBreak(),
    ]


def _kpi_page(pack: Pack, page: KpiPage, chart: bytes) -> list:
    badge = Table([[_p(page.status_word, "badge")]], colWidths=[60 * mm], hAlign="LEFT")
    badge.setStyle(
        TableStyle([("BACKGROUND", (0, 0), (-1, -1), _colour(page.status)), ("PADDING", (0, 0), (-1, -1), 5)])
    )
    top = Table([[_p(page.short_value, "value"), badge]], colWidths=[70 * mm, WIDTH - 70 * mm])
    top.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("LEFTPADDING", (0, 0), (0, 0), 0)]))
    height = WIDTH * CHART_PX[1] / CHART_PX[0]
    details = [
        (pack.word("meet.definition"), page.definition),
        (pack.word("meet.small_numbers"), page.small_note),
    ]
    if page.reason:
        details.insert(0, (pack.word("meet.note"), page.reason[:1].upper() + page.reason[1:]))
    facts = Table([[_p(k, "h2"), _p(v)] for k, v in details], colWidths=[38 * mm, WIDTH - 38 * mm])
    facts.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
            ]
        )
    )
    return [
        _p(page.action_line, "h2"),
        _p(page.label, "h1"),
        _p(f"{pack.word('meet.value')} {pack.school_year}", "small"),
        top,
        _p(page.target, "h2"),
        Spacer(1, 3 * mm),
        Image(io.BytesIO(chart), width=WIDTH, height=height),
        Spacer(1, 3 * mm),
        facts,
        PageBreak(),
    ]


def _frame_table(pack: Pack, title: str, frame: pd.DataFrame | None, empty: str) -> list:
    story: list = [_p(title, "h1")]
    if frame is None or frame.empty:
        return [*story, _p(empty), PageBreak()]
    rows = [[_p(c, "head") for c in frame.columns]]
    rows += [[_p("" if pd.isna(v) else v, "cell") for v in record] for record in frame.itertuples(index=False)]
    table = Table(rows, colWidths=_widths(frame), repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#333333")),
                ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#BBBBBB")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return [*story, table, PageBreak()]


def _widths(frame: pd.DataFrame) -> list[float]:
    """Column widths: every column fits its longest word, measured in the font it is set in (headers bold); the
    width left over goes to the columns with long texts, so a list of partners never becomes a tower. A table
    whose words cannot all fit gives up width from its widest columns first."""
    regular, bold = _fonts()
    padding = 12 + 2  # reportlab's 6 pt cell padding on each side, and a little air

    def longest(texts: list[str], font: str) -> float:
        return max(pdfmetrics.stringWidth(w, font, 9) for text in texts for w in (text.split() or [""]))

    columns = [[str(c), *frame[c].astype(str)] for c in frame.columns]
    base = [min(max(longest([t[0]], bold), longest(t[1:] or [""], regular)) + padding, 45 * mm) for t in columns]
    if sum(base) > WIDTH:  # narrow the widest columns only, to one common width, so short words stay whole
        cap = max(base)
        while sum(min(b, cap) for b in base) > WIDTH:
            cap -= 1
        return [min(b, cap) for b in base]
    extra = [max(sum(len(t) for t in texts[1:]) / max(len(texts) - 1, 1) - 12, 0) for texts in columns]
    left = WIDTH - sum(base)
    return [b + left * e / (sum(extra) or 1) for b, e in zip(base, extra, strict=True)]


def _footer(pack: Pack):
    regular = _fonts()[0]
    demo = f" · {pack.word('meet.demo_label').upper()}" if pack.demo else ""
    text = _text(f"{pack.word('meet.pack_heading')} · {pack.selection} · {pack.school_year}{demo}").replace(
        "&amp;", "&"
    )

    def draw(canvas, document) -> None:
        canvas.saveState()
        canvas.setFont(regular, 8)
        canvas.setFillColor(colors.HexColor("#B00020") if pack.demo else GREY)
        canvas.drawString(18 * mm, 10 * mm, text[:150])
        canvas.drawRightString(A4[0] - 18 * mm, 10 * mm, str(document.page))
        canvas.restoreState()

    return draw


def pack_pdf(pack: Pack) -> bytes:
    """The whole pack as PDF bytes."""
    pages = kpi_pages(pack)
    # JPEG: reportlab embeds it as is, where a PNG is decoded and compressed again (3x slower to lay out)
    charts = chart_images(pack_figures(pack), "jpeg", *CHART_PX, scale=CHART_SCALE)
    story = _cover(pack, pages) + _status_table(pack, pages)
    for page, chart in zip(pages, charts, strict=True):
        story += _kpi_page(pack, page, chart)
    if pack.changes is not None:
        story += _frame_table(pack, pack.changes_title, pack.changes, pack.word("meet.changes_empty"))
    if pack.actions is not None:  # partners make the A4 table too wide: they are on the dashboard and in Excel
        actions = pack.actions.drop(columns=[pack.word("actions.column_partners")], errors="ignore")
        story += _frame_table(pack, pack.word("meet.actions_title"), actions, "")
    if isinstance(story[-1], PageBreak):
        story.pop()
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=18 * mm,
        title=f"{pack.title} — {pack.school_year}",
        author="Techniekpact Monitor",
        subject=pack.selection,
    )
    document.build(story, onFirstPage=_footer(pack), onLaterPages=_footer(pack))
    return buffer.getvalue()
