"""Hostile files: each is generated here, read by the memory-limited child as the app does, and refused
with a Dutch message naming what and where, while this process stays small."""

from __future__ import annotations

import io
import re
import resource
import struct
import threading
import time
import zipfile
import zlib

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kpi.delivery import isolated
from kpi.delivery.ingest import checked_file
from kpi.delivery.isolated import read_ahead
from kpi.delivery.limits import CHUNK, MAX_COLUMNS, SheetSpan, _scan_chunk, column_number, current_limits
from kpi.delivery.problem_list import report_lines
from tests.conftest import GOOD_ROWS, HEADER, workbook_bytes

pytestmark = pytest.mark.isolated


def _far_cell(cell: str) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "leerlingen"
    sheet.append(HEADER)
    sheet.append(GOOD_ROWS[0])
    sheet[cell] = 1
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _rewritten(data: bytes, change) -> bytes:
    """The same xlsx with the first sheet's XML changed by `change`."""
    source, target = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            content = source.read(item)
            out.writestr(item, change(content) if item.filename == "xl/worksheets/sheet1.xml" else content)
    return target.getvalue()


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _refused(data: bytes, name: str, code: str) -> list:
    before = _peak_mb()
    checked = checked_file(data, name)
    assert [p.code for p in checked.errors] == [code], report_lines(checked.problems)
    message = checked.errors[0].message("nl")
    assert message and "{" not in message and checked.errors[0].message("en")
    assert _peak_mb() - before < 300, "the parent process grew while reading a hostile file"
    return checked.errors


@pytest.mark.parametrize("cell", ["XFD1048576", "XFD100000", "XFD20000", "ZZ900000"])
def test_far_cell_refused_before_reading(cell):
    data = _far_cell(cell)
    assert len(data) < 10_000
    problem = _refused(data, "ver.xlsx", "file_too_many_cells")[0]
    assert problem.sheet == "leerlingen" and cell in problem.message("nl")


def test_a_read_started_ahead_gives_what_an_ordinary_read_gives():
    """The command line starts reading its first file before loading pandas; the result is the same."""
    data = workbook_bytes({"leerlingen": [HEADER, *GOOD_ROWS]})
    ahead = read_ahead(data, "goed.xlsx")
    assert ahead is not None and ahead.reads("xlsx", "goed", current_limits())
    early, ordinary = checked_file(data, "goed.xlsx", ahead=ahead), checked_file(data, "goed.xlsx")
    assert early.ok and early.content_sha256 == ordinary.content_sha256
    assert {n: len(f) for n, f in early.frames.items()} == {"leerlingen": len(GOOD_ROWS)}


def test_a_file_the_check_refuses_is_refused_in_the_same_words_with_the_check_beside_the_read(monkeypatch):
    """With the zip check beside the read, the refusal names the same cell as check-then-read."""
    data = _far_cell("XFD1048576")
    assert not read_ahead(data, "ver.xlsx")._check_alongside  # a small file: checked first, never read
    monkeypatch.setattr(isolated, "CHECK_ALONGSIDE_FROM", 0)
    ahead = read_ahead(data, "ver.xlsx")
    assert ahead is not None and ahead._check_alongside
    early = checked_file(data, "ver.xlsx", ahead=ahead)
    assert [p.code for p in early.errors] == ["file_too_many_cells"] and "XFD1048576" in early.errors[0].message("nl")
    assert read_ahead(b"", "leeg.xlsx") is None
    _refused(data, "ver.xlsx", "file_too_many_cells")


def test_a_time_limit_reached_after_the_child_ended_is_no_time_out():
    """The timer and the end of the child race at the limit; a complete answer wins."""
    data = workbook_bytes({"leerlingen": [HEADER, *GOOD_ROWS]})
    pending = read_ahead(data, "goed.xlsx")
    pending._thread.join()
    pending._time_out()  # the timer firing just after the child ended
    assert not pending._timed_out and [name for name, _ in pending.tables()] == ["leerlingen"]


def test_a_child_that_dies_beside_the_check_is_read_again_check_first(monkeypatch):
    """If the reader dies before the check has spoken (a crash, an allocation refused), the file is read
    again with the check first, so the answer still names the cause."""
    monkeypatch.setattr(isolated, "CHECK_ALONGSIDE_FROM", 0)
    jobs = []
    real = isolated.PendingRead.__init__

    def recorded(self, data, kind, where, limits, check_alongside=False):
        real(self, data, kind, where, limits, check_alongside)
        jobs.append(self._check_alongside)
        if self._check_alongside:  # this child dies at once, as one killed by its memory limit does
            while self._child is None:  # started by the read's thread once it has a slot
                time.sleep(0.001)
            self._child.kill()

    monkeypatch.setattr(isolated.PendingRead, "__init__", recorded)
    data = _far_cell("XFD1048576")
    checked = checked_file(data, "ver.xlsx", ahead=read_ahead(data, "ver.xlsx"))
    assert [p.code for p in checked.errors] == ["file_too_many_cells"]
    assert jobs == [True, False] and "XFD1048576" in checked.errors[0].message("nl")


def test_reads_beyond_the_slots_wait_their_turn(monkeypatch):
    """With every read slot taken, a new read waits without starting (its time limit not yet running), then
    completes once a slot frees: concurrent uploads never add up beyond TECHNIEKPACT_MAX_READS readers."""
    slots = threading.BoundedSemaphore(1)
    monkeypatch.setattr(isolated, "READ_SLOTS", slots)
    data = workbook_bytes({"leerlingen": [HEADER, *GOOD_ROWS]})
    slots.acquire()  # another upload is being read
    pending = isolated.PendingRead(data, "xlsx", "goed.xlsx", current_limits())
    time.sleep(0.5)
    assert pending._thread.is_alive() and pending._child is None  # not even a process started yet
    slots.release()
    tables = pending.tables()
    assert [name for name, _ in tables] == ["leerlingen"] and tables[0][1].num_rows == len(GOOD_ROWS) + 1
    assert slots.acquire(blocking=False)  # the finished read gave its slot back


def test_the_server_always_checks_before_reading(monkeypatch):
    """Only the command line reads beside the check: concurrent hostile uploads never each take a reader's memory."""
    monkeypatch.setattr(isolated, "CHECK_ALONGSIDE_FROM", 0)
    made = []
    real = isolated.PendingRead.__init__

    def recorded(self, *args, **kwargs):
        real(self, *args, **kwargs)
        made.append(self._check_alongside)

    monkeypatch.setattr(isolated.PendingRead, "__init__", recorded)
    assert checked_file(workbook_bytes({"leerlingen": [HEADER, *GOOD_ROWS]}), "goed.xlsx").ok
    assert made == [False]


@pytest.mark.parametrize(
    "change",
    [
        lambda xml: xml.replace(b'<dimension ref="A1:XFD1048576"/>', b""),  # no claim: the cell itself counts
        lambda xml: xml.replace(b'<dimension ref="A1:XFD1048576"/>', b'<dimension ref="A1:H2"/>'),  # a false claim
        lambda xml: xml.replace(b'<c r="XFD1048576" t="n">', b'<c t="n" r="XFD1048576">'),  # attributes swapped
    ],
    ids=["no dimension", "false dimension", "attribute order"],
)
def test_far_cell_found_in_the_stream_whatever_the_dimension_says(change):
    data = _rewritten(_far_cell("XFD1048576"), change)
    assert b"XFD1048576" in zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    _refused(data, "ver.xlsx", "file_too_many_cells")


@pytest.mark.parametrize(
    ("reference", "row_named"),
    [("B4294967297", "4294967297"), ("B10000000000", "10000000000"), ("B" + "9" * 5000, "1000000000000000000")],
    ids=["2**32+1", "ten digits", "5000 digits"],
)
def test_a_row_beyond_nine_digits_is_refused_by_its_cell(reference, row_named):
    """A row number no sheet has (a reader might wrap 2**32 + 1 round to row 1) is refused, not read."""
    data = _rewritten(_far_cell("B9"), lambda xml: xml.replace(b'r="B9"', f'r="{reference}"'.encode()))
    errors = _refused(data, "ver.xlsx", "file_too_many_cells")
    assert errors[0].params["rows"] == int(row_named) and row_named in errors[0].message("nl")


@pytest.mark.parametrize(
    ("reference", "written"),
    [
        ('r="xfd1048576"', "lower case, which the reader reads as XFD1048576"),
        ("r='A5000000'", "single quotes"),
        ('r = "A5000000"', "spaces around the equals sign"),
        ('r=\n"A5000000"', "a line break before the value"),
    ],
    ids=["lower case", "single quotes", "spaced", "line break"],
)
def test_a_far_cell_written_as_xml_allows_is_refused_too(reference, written):
    """XML and the reader accept more spellings of a reference than Excel writes: the check reads them all."""
    data = _rewritten(_far_cell("B9"), lambda xml: xml.replace(b'r="B9"', reference.encode()))
    _refused(data, "ver.xlsx", "file_too_many_cells")


def _stored_sheet(data: bytes, change) -> bytes:
    """The same xlsx, its first sheet changed by `change` and stored unpacked (its pieces cut at known places)."""
    source, target = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            if item.filename == "xl/worksheets/sheet1.xml":
                out.writestr(item.filename, change(source.read(item)), compress_type=zipfile.ZIP_STORED)
            else:
                out.writestr(item, source.read(item))
    return target.getvalue()


def _across_the_border(xml: bytes) -> bytes:
    """The far reference padded with 200 zeros and placed across the first piece's border (1 MiB)."""
    far = b'r="B' + b"0" * 200 + b'2000000"'
    tag = xml.rindex(b"<c", 0, xml.index(b'r="B9"'))
    padding = CHUNK - 100 - (xml.index(b'r="B9"') - tag) - tag
    return xml[:tag] + b"<x/>" * (padding // 4) + b" " * (padding % 4) + xml[tag:].replace(b'r="B9"', far)


def test_a_reference_across_a_piece_border_is_read_whole():
    """The sheet is read in pieces of 1 MiB; a tag cut by a border is read whole with the next piece."""
    data = _stored_sheet(_far_cell("B9"), _across_the_border)
    stored = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    assert stored.index(b'r="B000') < CHUNK < stored.index(b'2000000"')
    _refused(data, "ver.xlsx", "file_too_many_cells")


def test_a_sheet_kept_elsewhere_in_the_zip_is_checked_too():
    """The workbook may point at a sheet outside xl/worksheets/: the reader follows it, so does the check."""
    source, target = zipfile.ZipFile(io.BytesIO(_far_cell("XFD1048576"))), io.BytesIO()
    moved = {"xl/worksheets/sheet1.xml": "xl/elders/blad.xml"}
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            content = source.read(item).replace(b"worksheets/sheet1.xml", b"elders/blad.xml")
            out.writestr(moved.get(item.filename, item.filename), content)
    assert "xl/elders/blad.xml" in zipfile.ZipFile(target).namelist()
    _refused(target.getvalue(), "ver.xlsx", "file_too_many_cells")


def test_an_endless_tag_is_refused():
    """More than a piece of XML without a new tag: no sheet has one, and a reference could hide in it."""
    data = _stored_sheet(_far_cell("B9"), lambda xml: xml.replace(b'r="B9"', b'r="B9" x="' + b"y" * (2 * CHUNK) + b'"'))
    _refused(data, "ver.xlsx", "sheet_tag_too_long")


def test_cell_references_scanned_exactly():
    """Row tags, cells in any attribute order, margins and messages that only look like references."""
    cases = [
        (b'<row r="1"><c r="A1" t="s"/><c t="s" r="XFD1048576"/></row>', (1048576, 16384)),
        (b'<row r="5"><c r="AB5"/></row><row r="7"><c r="C9"/>', (9, 28)),
        (b'<pageMargins header="0.3" footer="12"/><dataValidation error="Ongeldig"/>', (12, 0)),
        (b'<c r="ABCD1"/>', (0, 703)),
        (b'<c r="A00000001"/><c r="B9999999"/>', (9999999, 2)),  # a longer number with leading zeros is smaller
        (b'<c r="Z99999999"/><c r="A100000000"/>', (100000000, 26)),  # nine digits
        (b'<c r="ZZ9"/><c r="AAA1"/><row r="12"/>', (12, 703)),
    ]
    for xml, expected in cases:
        span = SheetSpan()
        _scan_chunk(xml, span)
        assert (span.rows, span.columns) == expected, xml


_REFERENCE = st.builds(
    lambda tag, letters, digits: b'<%s r="%s%s"/>' % (tag, letters.encode(), digits.encode()),
    st.sampled_from([b"c", b"row", b"x"]),
    st.text("ABCLMXZ", max_size=6),
    st.text("0123456789", max_size=11),
)
_NOISE = st.binary(max_size=16).map(lambda b: b.replace(b"<", b"")) | st.text('r="AZ09 ', max_size=12).map(str.encode)


def _span_one_by_one(xml: bytes) -> tuple[int, int]:
    """What the scan must find, reference by reference: up to 3 letters (none: a row tag) and the row they name;
    four or more letters reach beyond every column."""
    rows = columns = 0
    for letters, digits in re.findall(rb'r="([A-Z]*)(\d+)"', xml):
        wider_than_every_column = MAX_COLUMNS + 1
        reach = (0, wider_than_every_column) if len(letters) > 3 else (int(digits), column_number(letters))
        rows, columns = max(rows, reach[0]), max(columns, reach[1])
    return rows, columns


@settings(max_examples=500, deadline=None)
@given(st.lists(_REFERENCE | _NOISE, max_size=40))
def test_scan_agrees_with_reading_references_one_by_one(pieces):
    """The vectorised scan finds the span a plain reading of every reference finds, between any other bytes."""
    xml = b"".join(pieces)
    span = SheetSpan()
    _scan_chunk(xml, span)
    assert (span.rows, span.columns) == _span_one_by_one(xml), xml
    assert span.cells_seen == xml.count(b"<c")


def test_scan_counts_the_longest_reference_within_reach():
    span = SheetSpan()
    _scan_chunk(b'<c r="ABC123456789"/>', span)
    assert (span.rows, span.columns) == (123456789, column_number("ABC"))


def _lying_zip(inflated: int, declared: int = 1000, block: bytes = b"<x/>" * (1 << 18)) -> bytes:
    """An xlsx whose sheet declares `declared` bytes (with that prefix's CRC) but inflates to `inflated`."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    body = b"".join(compressor.compress(block) for _ in range(inflated // len(block))) + compressor.flush()
    crc = zlib.crc32(block[:declared])
    name = b"xl/worksheets/sheet1.xml"
    types = b"<Types/>"
    parts, central, offset = [], [], 0
    for filename, data, size, method, check in (
        (b"[Content_Types].xml", types, len(types), 0, zlib.crc32(types)),
        (name, body, declared, 8, crc),
    ):
        local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, method, 0, 0, check, len(data), size, len(filename), 0)
        parts.append(local + filename + data)
        fields = (0x02014B50, 20, 20, 0, method, 0, 0, check, len(data), size, len(filename), 0, 0, 0, 0, 0, offset)
        central.append(struct.pack("<IHHHHHHIIIHHHHHII", *fields) + filename)
        offset += len(parts[-1])
    directory = b"".join(central)
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 2, 2, len(directory), offset, 0)
    return b"".join(parts) + directory + end


def test_member_that_lies_about_its_size_is_counted_as_it_inflates():
    """Declares 1,000 bytes, inflates to 1.25 GiB: refused at the 1,000 MB limit, not trusted."""
    data = _lying_zip(1_250 * 1024 * 1024)
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo("xl/worksheets/sheet1.xml")
    assert info.file_size == 1000 and len(data) < 5 * 1024 * 1024
    _refused(data, "bom.xlsx", "file_bomb")


def test_bomb_under_the_unpacked_limit_is_read_within_bounded_memory(monkeypatch):
    """90 MB of cells under a 100 MB unpacked limit (the default's 900 of 1,000 MB, scaled down)."""
    monkeypatch.setenv("TECHNIEKPACT_MAX_UPLOAD_MB", "5")
    cells = _lying_zip(90 * 1024 * 1024, declared=90 * 1024 * 1024, block=b"<c/>" * (1 << 18))
    _refused(cells, "bom.xlsx", "file_cell_count")
    blank = _lying_zip(90 * 1024 * 1024, declared=90 * 1024 * 1024)
    _refused(blank, "bom.xlsx", "file_unreadable")  # no workbook part: not a workbook


def test_ten_megabyte_text_cell_refused_by_its_place():
    data = workbook_bytes({"leerlingen": [HEADER, GOOD_ROWS[0], [*GOOD_ROWS[1][:2], "x" * 10_000_000]]})
    problem = _refused(data, "lang.xlsx", "text_too_long")[0]
    assert (problem.sheet, problem.row, problem.column) == ("leerlingen", 3, "C")


def test_fifty_megabytes_of_blank_lines_refused():
    _refused(b"\n" * 50_000_000, "leeg.csv", "csv_too_many_lines")


def test_one_line_of_49_megabytes_refused():
    problem = _refused(";".join(HEADER).encode() + b"\n" + b";" * 49_000_000, "puntkomma.csv", "csv_line_too_long")
    assert problem[0].row == 2


def test_nul_after_64_kib_refused():
    lines = [";".join(HEADER)] + [";".join(map(str, GOOD_ROWS[0]))] * 2000
    text = "\n".join(lines).encode()
    assert len(text) > 65536
    data = text[:70000] + b"\x00" + text[70000:]
    problem = _refused(data, "nul.csv", "file_nul")[0]
    assert problem.row and problem.row > 500


def test_mixed_utf8_and_cp1252_refused():
    data = (";".join(HEADER) + "\n2016;14SM05;Café Één;VMBO-KB;3;PIE;instroom;5\n").encode()
    data += "2016;14SM05;Caf\xe9;VMBO-KB;3;BWI;instroom;5\n".encode("cp1252")
    problem = _refused(data, "gemengd.csv", "file_mixed_encoding")[0]
    assert problem.row == 3


def test_cr_only_line_endings_read_fine():
    text = "\r".join([";".join(HEADER), *(";".join(map(str, row)) for row in GOOD_ROWS)]) + "\r"
    checked = checked_file(text.encode("cp1252"), "mac.csv")
    assert checked.ok, report_lines(checked.problems)
    assert len(checked.frames["leerlingen"]) == 3


def test_reader_over_its_memory_limit_becomes_a_dutch_message(monkeypatch):
    """A range the cell limit allows (20 columns to row 1,000,000) but not a 400 MB reading process."""
    monkeypatch.setenv("TECHNIEKPACT_READ_MEMORY_MB", "400")
    problem = _refused(_far_cell("T1000000"), "groot.xlsx", "file_read_memory")[0]
    assert "geheugengrens van 400 MB" in problem.message("nl") and problem.sheet == "leerlingen"


def test_reader_time_limit(monkeypatch):
    monkeypatch.setenv("TECHNIEKPACT_READ_SECONDS", "0.01")
    _refused(workbook_bytes({"leerlingen": [HEADER, *GOOD_ROWS]}), "traag.xlsx", "file_read_timeout")


def test_a_good_file_reads_the_same_in_the_child_as_in_process(monkeypatch):
    from kpi.delivery import reading

    data = workbook_bytes({"leerlingen": [["Export"], [], HEADER, *GOOD_ROWS]})
    isolated = checked_file(data, "x.xlsx")
    monkeypatch.setattr(reading, "ISOLATED", False)
    direct = checked_file(data, "x.xlsx")
    assert isolated.ok and direct.ok
    assert isolated.frames["leerlingen"].equals(direct.frames["leerlingen"])
