"""Reading and validation of school files: every bad input of the contract gets its clear problem."""

from __future__ import annotations

import io
import struct
import zipfile

import numpy as np
import pytest

from kpi.delivery.ingest import checked_file
from kpi.delivery.problem_list import report_lines
from tests.conftest import FIXTURES, GOOD_ROWS, HEADER, workbook_bytes

GOOD = GOOD_ROWS[0]


def _with(column: str, value: object) -> list[object]:
    row = list(GOOD)
    row[HEADER.index(column)] = value
    return row


def _sheet(*rows: list[object], header: list[str] = HEADER) -> bytes:
    return workbook_bytes({"leerlingen": [header, *rows]})


# (case, file bytes, expected problem code, Excel row, column)
BAD_FILES = [
    ("empty file", b"", "file_empty", None, None),
    ("random bytes named .xlsx", bytes(range(256)) * 40, "file_unreadable", None, None),
    ("broken zip", b"PK\x03\x04" + b"\x00" * 300, "file_unreadable", None, None),
    ("password protected", (FIXTURES / "beveiligd.xlsx").read_bytes(), "file_encrypted", None, None),
    ("missing required column", _sheet(GOOD[:-1], header=HEADER[:-1]), "column_missing", 1, "aantal"),
    ("negative count", _sheet(_with("aantal", -3)), "count_negative", 2, "aantal"),
    ("fractional count", _sheet(_with("aantal", 2.5)), "count_fraction", 2, "aantal"),
    ("non-numeric count", _sheet(_with("aantal", "twaalf")), "count_format", 2, "aantal"),
    ("dash for zero", _sheet(_with("aantal", "-")), "count_ambiguous", 2, "aantal"),
    ("unknown level", _sheet(_with("onderwijssoort", "VMBO-XL")), "enum", 2, "onderwijssoort"),
    ("unknown indicator", _sheet(_with("indicator", "ingestroomd")), "enum", 2, "indicator"),
    ("malformed BRIN", _sheet(_with("brin", "ABC1")), "brin_format", 2, "brin"),
    ("unknown school", _sheet(_with("brin", "99ZZ")), "brin_unknown", 2, "brin"),
    ("year too early", _sheet(_with("schooljaar", 1999)), "year_range", 2, "schooljaar"),
    ("year too late", _sheet(_with("schooljaar", 2099)), "year_range", 2, "schooljaar"),
    ("year nonsense", _sheet(_with("schooljaar", "2015-2017")), "year_format", 2, "schooljaar"),
    ("required value empty", _sheet(_with("opleiding", None)), "required", 2, "opleiding"),
    ("grade out of range", _sheet(_with("leerjaar", 9)), "int_range", 2, "leerjaar"),
    ("duplicate rows", _sheet(GOOD, GOOD), "duplicate", 3, None),
    ("duplicate with another count", _sheet(GOOD, _with("aantal", 99)), "duplicate", 3, None),
    (
        "duplicate in other spellings",
        _sheet(GOOD, [*_with("schooljaar", "2015/16")[:1], "14sm05", *GOOD[2:5], "pie", *GOOD[6:]]),
        "duplicate",
        3,
        None,
    ),
    (
        "doorstroom without destination",
        _sheet(_with("indicator", "doorstroom")),
        "required_when",
        2,
        "naar_onderwijssoort",
    ),
    ("no sheet recognised", workbook_bytes({"Blad1": [["a", "b"], [1, 2]]}), "no_sheets", None, None),
    ("headers only", _sheet(), "no_rows", None, None),
]


@pytest.mark.parametrize(("case", "data", "code", "row", "column"), BAD_FILES, ids=[c[0] for c in BAD_FILES])
def test_bad_file_is_refused_with_its_problem(case, data, code, row, column):
    checked = checked_file(data, "levering.xlsx")
    assert not checked.ok
    found = [(p.code, p.row, p.column) for p in checked.errors]
    assert (code, row, column) in found, report_lines(checked.problems)
    assert all(p.message("nl") and p.message("en") for p in checked.problems)


def test_all_problems_of_a_file_are_reported_at_once():
    data = _sheet(_with("aantal", -1), _with("brin", "X"), _with("indicator", "??"))
    codes = sorted(p.code for p in checked_file(data, "x.xlsx").errors)
    assert codes == ["brin_format", "count_negative", "enum"]


def _without(column: str, *rows: list[object]) -> bytes:
    keep = [i for i, name in enumerate(HEADER) if name != column]
    return _sheet(*([row[i] for i in keep] for row in rows), header=[HEADER[i] for i in keep])


def test_a_missing_column_hides_none_of_the_other_problems():
    """A school fixes its file once: the missing column and every problem in the columns that are there."""
    data = _without("indicator", _with("aantal", "veertig"), _with("brin", "X"), GOOD, GOOD)
    found = sorted((p.code, p.row, p.column) for p in checked_file(data, "x.xlsx").errors)
    assert found == [("brin_format", 3, "brin"), ("column_missing", 1, "indicator"), ("count_format", 2, "aantal")]
    # one problem for the missing column, not one per row; the two equal rows differ in the missing column


@pytest.mark.parametrize(
    ("column", "rows", "found"),
    [  # checks that read several columns judge only with the columns they read
        (  # an institution in 2015 and its location in 2016 are no mixed levels; without years nothing says so
            "schooljaar",
            [_with("brin", "14SM"), {**dict(zip(HEADER, _with("brin", "14SM05"), strict=True)), "schooljaar": 2016}],
            [("column_missing", 1, "schooljaar")],
        ),
        ("aantal", [GOOD, GOOD], [("column_missing", 1, "aantal"), ("duplicate", 3, None)]),  # the key is all there
    ],
)
def test_a_missing_column_leaves_the_checks_that_need_it_out(column, rows, found):
    rows = [list(r.values()) if isinstance(r, dict) else r for r in rows]
    problems = checked_file(_without(column, *rows), "x.xlsx").errors
    assert sorted((p.code, p.row, p.column) for p in problems) == sorted(found)


def test_problem_names_sheet_excel_row_column_value_and_expectation():
    rows = [["Export uit Magister", None], [], HEADER, GOOD, _with("aantal", "-7")]
    problem = checked_file(workbook_bytes({"Leerlingen 2016": rows}), "x.xlsx").errors[0]
    assert (problem.sheet, problem.row, problem.column, problem.value) == ("leerlingen", 5, "aantal", "-7")
    assert "negatief" in problem.message("nl") and "negative" in problem.message("en")
    assert report_lines([problem])[0].startswith("FOUT: blad leerlingen, rij 5, kolom aantal, gevonden '-7'")


def test_header_below_title_rows_aliases_and_sheet_found_by_columns():
    header = ["Jaar", "BRIN nummer", "Niveau", "Profiel", "Meting", "Aantal leerlingen", "Opmerking"]
    rows = [["Leerlingtellingen per 1 oktober"], ["gegenereerd 01-10-2016"], [], header]
    rows.append(["2016/17", "14sm 05", "mavo", "Engineering", "Instroom", " 12 "])
    checked = checked_file(workbook_bytes({"Blad1": rows}), "x.xlsx")
    assert checked.ok, report_lines(checked.problems)
    frame = checked.frames["leerlingen"]
    assert frame.loc[0, ["schooljaar", "brin", "onderwijssoort", "aantal"]].tolist() == [2016, "14SM05", "VMBO-TL", 12]
    assert [p.code for p in checked.problems] == ["column_unknown"]


@pytest.mark.parametrize(
    ("written", "year"),
    [("2015", 2015), ("2015-2016", 2015), ("2015/16", 2015), ("2015/2016", 2015), ("15/16", 2015), (2015.0, 2015)],
)
def test_school_year_spellings(written, year):
    checked = checked_file(_sheet(_with("schooljaar", written)), "x.xlsx")
    assert checked.frames["leerlingen"].loc[0, "schooljaar"] == year


@pytest.mark.parametrize("marker", ["<5", "*", " < 5 "])
def test_suppressed_count_is_kept_never_zero_never_dropped(marker):
    checked = checked_file(_sheet(_with("aantal", marker)), "x.xlsx")
    frame = checked.frames["leerlingen"]
    assert len(frame) == 1 and bool(frame.loc[0, "aantal_onderdrukt"]) and frame["aantal"].isna().all()


def test_trailing_total_row_left_out_and_reported():
    checked = checked_file(_sheet(GOOD, ["Totaal", None, None, None, None, None, None, 12]), "x.xlsx")
    assert checked.ok and len(checked.frames["leerlingen"]) == 1
    assert [(p.code, p.row) for p in checked.problems] == [("total_row", 3)]


def test_unknown_extra_column_is_a_warning_and_the_rest_is_kept():
    checked = checked_file(_sheet([*GOOD, "x"], header=[*HEADER, "Mentor"]), "x.xlsx")
    assert checked.ok
    assert [(p.code, p.severity, p.column) for p in checked.problems] == [("column_unknown", "warning", "Mentor")]


def test_numbers_stored_as_text_are_numbers():
    checked = checked_file(_sheet(_with("aantal", " 12 "), _with("leerjaar", "4")), "x.xlsx")
    assert checked.frames["leerlingen"]["aantal"].tolist() == [12, 12]


def test_template_instructions_and_empty_sheets_skipped_silently_but_unknown_sheet_reported():
    data = workbook_bytes(
        {
            "Toelichting": [["Vul in"]],  # the template's own instructions sheet
            "Notities": [["onze aantekeningen"]],
            "leerlingen": [HEADER, GOOD],
            "werkenden": [["jaar", "regeling", "gestart"]],
        }
    )
    checked = checked_file(data, "x.xlsx")
    assert checked.ok and list(checked.frames) == ["leerlingen"]
    assert [(p.code, p.sheet) for p in checked.problems] == [("sheet_skipped", "Notities")]


def test_the_filled_in_template_itself_gives_no_warning():
    from openpyxl import load_workbook

    from kpi.delivery.template import template_bytes

    workbook = load_workbook(io.BytesIO(template_bytes()))
    sheet = workbook["leerlingen"]
    columns = [cell.value for cell in sheet[1]]
    sheet.append([dict(zip(HEADER, GOOD, strict=True)).get(column) for column in columns])
    out = io.BytesIO()
    workbook.save(out)
    checked = checked_file(out.getvalue(), "ingevuld.xlsx")
    assert checked.ok and checked.problems == []


@pytest.mark.parametrize(("encoding", "separator"), [("utf-8", ";"), ("cp1252", ","), ("utf-8-sig", ",")])
def test_csv_separator_and_encoding_detected(encoding, separator):
    lines = [
        separator.join(HEADER),
        separator.join(["2016", "14SM05", "Coll\u00e8ge", "VMBO-KB", "3", "PIE", "instroom", "5"]),
    ]
    checked = checked_file("\r\n".join(lines).encode(encoding), "leerlingen.csv")
    assert checked.ok, report_lines(checked.problems)
    assert checked.frames["leerlingen"].loc[0, "school"] == "Coll\u00e8ge"


def test_content_decides_not_the_extension():
    csv_text = ";".join(HEADER) + "\n2016;14SM05;X;VMBO-KB;3;PIE;instroom;5\n"
    checked = checked_file(csv_text.encode(), "leerlingen.xlsx")
    assert checked.ok and len(checked.frames["leerlingen"]) == 1
    assert [p.code for p in checked.problems] == ["file_kind_mismatch"]


@pytest.mark.parametrize("name", ["leerlingen.ods", "leerlingen.xls"])
def test_other_workbook_formats(name):
    checked = checked_file((FIXTURES / name).read_bytes(), name)
    assert checked.ok, report_lines(checked.problems)
    assert checked.frames["leerlingen"]["aantal"].tolist()[0] == 12


def test_file_over_the_size_limit(monkeypatch):
    monkeypatch.setenv("TECHNIEKPACT_MAX_UPLOAD_MB", "0.001")
    checked = checked_file(_sheet(GOOD), "x.xlsx")
    assert [p.code for p in checked.errors] == ["file_too_large"]
    size_mb = round(len(_sheet(GOOD)) / 1024 / 1024, 1)
    assert checked.errors[0].params == {"size_mb": size_mb, "limit_mb": 0}
    assert (
        checked.errors[0]
        .message("nl")
        .startswith(f"Het bestand is {size_mb:.1f} MB; de grens is 0 MB.".replace(".", ",", 1))
    )


def test_zip_bomb_refused_without_unpacking_it(monkeypatch):
    monkeypatch.setenv("TECHNIEKPACT_MAX_UPLOAD_MB", "1")  # unpacked limit: 20 MB
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"<a>" + b" " * 200_000_000 + b"</a>")
    assert len(buffer.getvalue()) < 1024 * 1024
    checked = checked_file(buffer.getvalue(), "bom.xlsx")
    assert [p.code for p in checked.errors] == ["file_bomb"]


def _lying_zip(real: int, declared: int) -> bytes:
    """An xlsx whose sheet unpacks to `real` bytes but declares `declared`, in both its headers."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"<a>" + b"<x/>" * (real // 4) + b"</a>")
    data = bytearray(buffer.getvalue())
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("xl/worksheets/sheet1.xml")
    struct.pack_into("<I", data, info.header_offset + 22, declared)  # local header: uncompressed size
    struct.pack_into("<I", data, data.rindex(b"PK\x01\x02") + 24, declared)  # central directory: the same
    return bytes(data)


def test_zip_whose_declared_sizes_lie_is_refused_unread(monkeypatch):
    """50 MB of XML declared as 1 kB passes the declared-size check. The guard inflates the raw stream itself,
    whatever the headers say, and counts what comes out: refused as a bomb at the limit, never unpacked whole."""
    import tracemalloc

    monkeypatch.setenv("TECHNIEKPACT_MAX_UPLOAD_MB", "1")  # unpacked limit: 20 MB
    data = _lying_zip(50_000_000, 1000)
    assert sum(i.file_size for i in zipfile.ZipFile(io.BytesIO(data)).infolist()) < 20 * 1024 * 1024
    tracemalloc.start()
    try:
        checked = checked_file(data, "gelogen.xlsx")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert [p.code for p in checked.errors] == ["file_bomb"]
    assert peak < 20 * 1024 * 1024  # never unpacked whole
    honest = _lying_zip(50_000_000, 50_000_007)  # the same file declaring its true size: refused as a bomb
    assert [p.code for p in checked_file(honest, "eerlijk.xlsx").errors] == ["file_bomb"]


def _with_formula(data: bytes, cached: str, formula: str) -> bytes:
    """Rewrite the sheet XML so a numeric cell becomes a formula with that cached value."""
    source, target = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            content = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = content.replace(f"<v>{cached}</v>".encode(), f"<f>{formula}</f><v>{cached}</v>".encode(), 1)
                assert b"<f>" in content
            out.writestr(item, content)
    return target.getvalue()


def test_formula_cell_uses_cached_value_and_is_never_evaluated():
    data = _with_formula(_sheet(_with("aantal", 37)), "37", "1+100")
    checked = checked_file(data, "x.xlsx")
    assert checked.ok and checked.frames["leerlingen"].loc[0, "aantal"] == 37


def test_text_looking_like_a_formula_is_stored_as_text_with_a_warning():
    csv_text = ";".join(HEADER) + '\n2016;14SM05;=HYPERLINK("http://x");VMBO-KB;3;PIE;instroom;5\n'
    checked = checked_file(csv_text.encode(), "x.csv")
    assert checked.ok
    assert checked.frames["leerlingen"].loc[0, "school"] == '=HYPERLINK("http://x")'
    assert [p.code for p in checked.problems] == ["text_formula"]


def test_as_school_refuses_other_schools_and_regional_sheets():
    other = _with("brin", "03FO01")
    data = workbook_bytes(
        {
            "leerlingen": [HEADER, GOOD, other],
            "arbeidsmarkt": [["jaar", "sector", "vervangingsvraag", "instroom_schoolverlaters"], [2016, "bouw", 10, 5]],
        }
    )
    errors = checked_file(data, "x.xlsx", as_school="14SM05").errors
    assert sorted((p.code, p.row) for p in errors) == [("brin_not_yours", 3), ("sheet_not_yours", None)]


def test_english_report():
    problem = checked_file(_sheet(_with("aantal", -1)), "x.xlsx").errors[0]
    assert report_lines([problem], "en")[0] == (
        "ERROR: sheet leerlingen, row 2, column aantal, found '-1' — A count of 0 or more; negative is impossible."
    )


def test_gigabyte_zip_bomb_refused_quickly_with_bounded_memory():
    """An xlsx of 1.2 GB of XML (about 1 MB packed) under the default limits: refused before unpacking."""
    import time
    import tracemalloc

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            chunk = b"<x/>" * (1 << 18)  # tags, not one endless text (which is refused sooner, by its own rule)
            for _ in range(1200):
                member.write(chunk)
    data = buffer.getvalue()
    assert len(data) < 5 * 1024 * 1024
    tracemalloc.start()
    started = time.perf_counter()
    checked = checked_file(data, "bom.xlsx")
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert [p.code for p in checked.errors] == ["file_bomb"]
    assert elapsed < 5 and peak < 64 * 1024 * 1024


@pytest.mark.parametrize(("account", "refused"), [("14SM05", True), ("14SM", False)])
def test_school_account_is_a_location_or_a_whole_institution(account, refused):
    """College De Brink (14SM05) may not deliver for A. Roland Holst (14SM04); the board (14SM) may."""
    checked = checked_file(_sheet(GOOD, _with("brin", "14SM04")), "x.xlsx", as_school=account)
    assert [(p.code, p.row) for p in checked.errors] == ([("brin_not_yours", 3)] if refused else [])


def test_a_demo_delivery_written_as_a_school_would_reads_back_the_same():
    """Round trip: frames -> workbook (suppressed cells as <5, yes/no as ja/nee) -> reader and checks -> the same frames."""
    from kpi.delivery.template import filled_workbook
    from kpi.sources.demo import demo_deliveries

    deliveries = dict(demo_deliveries())
    small_mavo = deliveries["demo_90SL00_De Savornin Lohman.xlsx"]
    assert small_mavo["leerlingen"]["aantal_onderdrukt"].any()
    for file_name, frames in (
        ("mavo.xlsx", small_mavo),
        ("regio.xlsx", deliveries["demo_regio_Gooi_en_Vechtstreek.xlsx"]),
    ):
        checked = checked_file(filled_workbook(frames), file_name)
        assert checked.ok, report_lines(checked.problems)
        for name, frame in frames.items():
            back = checked.frames[name]
            assert len(back) == len(frame)
            for column in frame.columns:
                expected = frame[column].astype(object).where(frame[column].notna(), None).tolist()
                found = back[column].astype(object).where(back[column].notna(), None).tolist()
                assert found == expected, (name, column)


@pytest.mark.parametrize(
    ("rows", "repeated"),
    [
        ([[0, 1], [0, 1], [0, 2]], [True, True, False]),
        ([[-1, 1], [-1, 1], [0, 1]], [True, True, False]),  # missing equals missing, not a value
        ([[0, -1], [0, 0]], [False, False]),
        ([[2**60, 5], [2**60, 5], [2**60, 6], [0, 5]], [True, True, False, False]),  # renumbered, not overflowed
        ([], []),
    ],
)
def test_repeated_rows_by_codes(rows, repeated):
    from kpi.delivery.validation import _repeated

    columns = [np.array(column, dtype=np.int64) for column in zip(*rows, strict=True)] if rows else []
    assert _repeated(columns, len(rows)).tolist() == repeated


def test_rows_differing_in_one_key_column_are_no_duplicates():
    assert checked_file(_sheet(GOOD, _with("leerjaar", 4), _with("indicator", "ingeschreven")), "x.xlsx").ok
