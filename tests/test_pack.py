"""The meeting pack in every format, read back with pypdf, python-pptx and openpyxl; the command that writes it."""

from __future__ import annotations

import datetime as dt
import io
import re

import openpyxl
import pytest
from pptx import Presentation
from pypdf import PdfReader

from kpi.cli import main
from kpi.metrics.facts import REGION, Filters, load_facts
from kpi.metrics.registry import KPIS, REGISTRY
from kpi.metrics.targets import load_targets
from kpi.paths import ROOT
from kpi.sources.demo import load_demo
from kpi.views.explorer import school_names
from kpi.views.images import browser_path
from kpi.views.meeting import build_pack, kpi_pages
from kpi.views.pack import pack_bytes

MADE = dt.datetime(2026, 11, 28, 9, 30)
YEAR_KPIS = [k for k in KPIS if k.source != "duo"]  # a pack built without open data (the command adds it)
SMALL_SCHOOL, SMALL_YEAR, SMALL_KPI = "90CM00", 2015, "mavo_mbo4_techniek"  # 4 in the demo data
needs_chromium = pytest.mark.skipif(browser_path() is None, reason="Chromium not installed (.ci/run installs it)")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from kpi.delivery.storage import engine_for

    engine = engine_for(f"sqlite:///{tmp_path_factory.mktemp('pack') / 'demo.db'}")
    load_demo(engine)
    facts = load_facts(engine)
    yield facts, load_targets(), school_names(facts)
    engine.dispose()


def _pack(demo, role="viewer", filters=REGION, year=2016, language="nl"):
    facts, targets, names = demo
    return build_pack(facts, targets, filters, year, role, language, True, names, MADE)


@pytest.fixture(scope="module")
def region_pdf_bytes(demo) -> bytes:
    return pack_bytes(_pack(demo), "pdf")


@pytest.fixture(scope="module")
def region_pdf(region_pdf_bytes) -> PdfReader:
    return PdfReader(io.BytesIO(region_pdf_bytes))


@pytest.fixture(scope="module")
def small_pdf_and_pptx(demo):
    pack = _pack(demo, filters=Filters((SMALL_SCHOOL,)), year=SMALL_YEAR)
    return PdfReader(io.BytesIO(pack_bytes(pack, "pdf"))), Presentation(io.BytesIO(pack_bytes(pack, "pptx")))


def _slide_text(slide) -> str:
    parts = []
    for shape in slide.shapes:
        if shape.has_text_frame:
            parts.append(shape.text_frame.text)
        if shape.has_table:
            parts += [cell.text for row in shape.table.rows for cell in row.cells]
    return "\n".join(parts)


@needs_chromium
def test_pdf_has_a_cover_the_status_table_and_a_page_with_chart_per_kpi(region_pdf):
    pages = [" ".join(p.extract_text().split()) for p in region_pdf.pages]  # lines wrapped in cells joined
    assert len(pages) == 2 + len(YEAR_KPIS)
    cover = pages[0]
    assert "Vergaderpakket" in cover and "28-11-2026 09:30" in cover and "2016-2017" in cover
    assert "DEMOGEGEVENS" in cover and "Hele regio" in cover
    assert all(kpi.label("nl") in pages[1] for kpi in YEAR_KPIS)  # the status table names every KPI
    for kpi, text, page in zip(YEAR_KPIS, pages[2:], region_pdf.pages[2:], strict=True):
        assert kpi.label("nl") in text
        assert ("Doel 20" in text or "Geen doel" in text) and "Definitie" in text and "Kleine aantallen" in text
        assert len(page.images) == 1  # its chart
    assert "tussen 83 en 83" not in " ".join(pages)


@needs_chromium
def test_pdf_is_small(region_pdf_bytes):
    assert len(region_pdf_bytes) < 2_000_000


@needs_chromium
def test_pptx_has_a_cover_the_status_table_and_a_slide_with_picture_per_kpi(demo):
    deck = Presentation(io.BytesIO(pack_bytes(_pack(demo), "pptx")))
    slides = list(deck.slides)
    assert len(slides) == 2 + len(YEAR_KPIS)
    cover = _slide_text(slides[0])
    assert "28-11-2026 09:30" in cover and "DEMOGEGEVENS" in cover and "2016-2017" in cover
    for kpi, slide in zip(YEAR_KPIS, slides[2:], strict=True):
        assert kpi.label("nl") in _slide_text(slide)
        assert sum(shape.shape_type == 13 for shape in slide.shapes) == 1  # 13: a picture (the chart)


@needs_chromium
def test_pack_for_a_viewer_holds_no_count_below_five(demo, small_pdf_and_pptx):
    pdf, deck = small_pdf_and_pptx
    label = REGISTRY[SMALL_KPI].label("nl")
    page = next(t for t in (" ".join(p.extract_text().split()) for p in pdf.pages[2:]) if label in t)
    slide = next(_slide_text(s) for s in list(deck.slides)[2:] if label in _slide_text(s))
    for text in (page, slide):
        assert "<5" in text
        assert not re.search(r"(?<![\d,.<-])4(?![\d,.%])", text.split("Definitie")[0]), text  # the 4 itself is gone
    status_table = " ".join(pdf.pages[1].extract_text().split())
    assert re.search(re.escape(label) + r"\s*<5", status_table)


def test_the_same_selection_shows_the_small_count_to_an_analyst(demo):
    """Guards the test above: the count really is 4, and only the role hides it."""
    pages = {p.id: p for p in kpi_pages(_pack(demo, "analyst", Filters((SMALL_SCHOOL,)), SMALL_YEAR))}
    assert pages[SMALL_KPI].short_value == "4"
    viewer = {p.id: p for p in kpi_pages(_pack(demo, "viewer", Filters((SMALL_SCHOOL,)), SMALL_YEAR))}
    assert viewer[SMALL_KPI].short_value == "<5"


def test_excel_pack_has_numbers_dutch_headers_words_and_colours(demo):
    book = openpyxl.load_workbook(io.BytesIO(pack_bytes(_pack(demo), "xlsx")))
    assert book.sheetnames == ["Selectie", "Overzicht", "Reeksen"]
    selection = [tuple(r) for r in book["Selectie"].iter_rows(values_only=True)]
    assert ("Selectie", "Hele regio") in selection and ("Schooljaar", "2016-2017") in selection
    assert any(r[0] == "Demogegevens" for r in selection)
    sheet = book["Overzicht"]
    header = [c.value for c in sheet[1]]
    assert header[:4] == ["KPI", "Actielijn", "Schooljaar", "Waarde"] and "Status" in header
    assert all(c.font.bold for c in sheet[1])
    values = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    share = values[REGISTRY["vmbo_keuze_techniek_aandeel"].label("nl")]
    assert isinstance(share[3].value, float) and share[3].number_format == "0.0%"
    count = values[REGISTRY["vmbo_keuze_techniek"].label("nl")]
    assert count[3].value == 229 and count[3].number_format == "#,##0"
    status = count[header.index("Status")]
    assert status.value == "niet gehaald" and status.fill.fgColor.rgb.endswith("D55E00")
    cells = [str(c.value) for row in book["Reeksen"].iter_rows() for c in row] + [str(c.value) for c in sheet[1]]
    assert not any(kpi.id in cells for kpi in KPIS) and "op_koers" not in cells  # labels and words, no raw ids


@needs_chromium
def test_html_pack_has_context_and_is_small(demo):
    page = pack_bytes(_pack(demo, filters=Filters(("14SM05",))), "html").decode()
    assert len(page) < 1_000_000  # was 4.9 MB with plotly.js inlined
    assert "Plotly.newPlot" not in page  # charts are pictures: no plotly.js per chart
    title = re.search(r"<title>(.*?)</title>", page).group(1)
    assert "College De Brink (14SM05)" in title and "2016-2017" in title
    assert "DEMOGEGEVENS" in page and "28-11-2026 09:30" in page
    assert "Doel 2016-2017: " in page and "(groei van 10% t.o.v. 2014-2015)" in page  # year and rule


def test_pack_command_refuses_an_unknown_format(tmp_path, capsys):
    assert main(["pack", str(tmp_path / "pakket.doc")]) == 2
    assert ".pdf, .pptx, .html of .xlsx" in capsys.readouterr().err
    assert not (tmp_path / "pakket.doc").exists()


@needs_chromium
def test_pack_command_writes_pdf_and_pptx(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("TECHNIEKPACT_DB", f"sqlite:///{tmp_path / 'cli.db'}")
    assert main(["demo"]) == 0
    assert main(["pack", str(tmp_path / "zonder.pdf"), "--year", "2016"]) == 0  # no open data: no empty pages for it
    assert len(PdfReader(tmp_path / "zonder.pdf").pages) > 2 + len(YEAR_KPIS)
    assert "Acties" in PdfReader(tmp_path / "zonder.pdf").pages[2 + len(YEAR_KPIS)].extract_text()
    assert main(["open-data", "duo-examens", str(ROOT / "data" / "open" / "duo_examen_raw_all.csv")]) == 0
    for name in ("pakket.pdf", "pakket.pptx"):
        assert main(["pack", str(tmp_path / name), "--year", "2016"]) == 0
        assert "Vergaderpakket geschreven" in capsys.readouterr().out
    pdf = PdfReader(tmp_path / "pakket.pdf")  # every KPI the dashboard shows, the open-data ones too
    assert len(pdf.pages) > 2 + len(KPIS)  # then the action register, which may run over two pages
    assert "Acties" in pdf.pages[2 + len(KPIS)].extract_text()
    status_table = " ".join(pdf.pages[1].extract_text().split())  # labels wrap within their cell
    assert all(kpi.label("nl") in status_table for kpi in KPIS)
    slides = list(Presentation(str(tmp_path / "pakket.pptx")).slides)
    assert len(slides) == 3 + len(KPIS) and "Acties" in _slide_text(slides[-1])
    assert "vmbo_keuze_techniek" not in " ".join(p.extract_text() for p in pdf.pages)  # labels, never ids


def test_pack_defaults_to_the_latest_year_with_data(demo):
    assert _pack(demo, year=None).year == 2019


@needs_chromium
def test_pack_shows_what_changed_since_the_last_marked_meeting(tmp_path, monkeypatch, capsys, good_xlsx):
    from kpi.delivery.storage import engine_for
    from kpi.metrics.meetings import mark_meeting
    from kpi.views.meeting import last_meeting_changes

    monkeypatch.setenv("TECHNIEKPACT_DB", f"sqlite:///{tmp_path / 'meeting.db'}")
    assert main(["demo"]) == 0
    engine = engine_for()
    assert last_meeting_changes(engine, "viewer") is None  # no meeting marked: no page for it
    mark_meeting(engine, "Stuurgroep november", dt.date(2026, 11, 20), "voorzitter")
    delivery = tmp_path / "levering.xlsx"
    delivery.write_bytes(good_xlsx)  # College De Brink delivers 2015 and 2016 again: the KPIs move
    assert main(["import", str(delivery), "--by", "debrink"]) == 0
    table, meeting, _ = last_meeting_changes(engine, "viewer")
    assert meeting == "Stuurgroep november, 20-11-2026"
    assert list(table.columns)[:4] == ["KPI", "Schooljaar", "Toen", "Nu"] and len(table)
    assert main(["pack", str(tmp_path / "pakket.pdf"), "--year", "2016"]) == 0
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(tmp_path / "pakket.pdf").pages)
    assert "Veranderd sinds de vergadering Stuurgroep november, 20-11-2026" in text
    assert table["KPI"].iloc[0] in text
