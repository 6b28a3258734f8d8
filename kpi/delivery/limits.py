"""What a delivery may claim: bytes, unpacked bytes, cells, lines, and the reader's memory and time.

Every limit is checked against what the file really holds (the inflated stream, the cell references),
never against what its headers declare. The numbers are listed in the README's "Security: limits".
"""

from __future__ import annotations

import io
import os
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kpi.delivery.messages import Problem

if TYPE_CHECKING:
    import numpy as np

DEFAULT_MAX_UPLOAD_MB = 50
UNPACKED_FACTOR = 20
"""An xlsx may unpack to at most this many times the upload limit; real exports stay far below."""
CELLS_PER_MB = 400_000
"""Cells a sheet's used range may span per MB of upload limit (20 million at 50 MB): a dense range of
that size still fits the reader's memory limit."""
MAX_COLUMNS = 702
"""Columns A to ZZ; a delivery has about a dozen."""
MAX_LINES = 1_048_576
"""Lines of a CSV file, and rows of a sheet: Excel's own maximum."""
MAX_LINE_CHARS = 100_000
MAX_FIELDS = 1_000
MAX_CELL_CHARS = 1_000
"""Characters in one cell: no name, code or description comes near; a 10 MB cell is refused."""
DEFAULT_READ_MEMORY_MB = 3_072
"""Address space of the reading process (TECHNIEKPACT_READ_MEMORY_MB)."""
DEFAULT_READ_SECONDS = 300
CHUNK = 1 << 20


@dataclass(frozen=True)
class Limits:
    """The limits one read works under, all derived from the environment once."""

    upload_bytes: int
    unpacked_bytes: int
    cells: int
    memory_bytes: int
    seconds: float

    @property
    def upload_mb(self) -> int:
        return self.upload_bytes // (1024 * 1024)


def _env_number(name: str, default: float) -> float:
    return float(os.environ.get(name, default))


def max_upload_bytes() -> int:
    """The upload limit, configurable with TECHNIEKPACT_MAX_UPLOAD_MB."""
    return int(_env_number("TECHNIEKPACT_MAX_UPLOAD_MB", DEFAULT_MAX_UPLOAD_MB) * 1024 * 1024)


def current_limits() -> Limits:
    """The limits in force now (the environment may change them)."""
    upload = max_upload_bytes()
    return Limits(
        upload_bytes=upload,
        unpacked_bytes=upload * UNPACKED_FACTOR,
        cells=max(1, int(upload / (1024 * 1024) * CELLS_PER_MB)),
        memory_bytes=int(_env_number("TECHNIEKPACT_READ_MEMORY_MB", DEFAULT_READ_MEMORY_MB) * 1024 * 1024),
        seconds=_env_number("TECHNIEKPACT_READ_SECONDS", DEFAULT_READ_SECONDS),
    )


class RefusedFile(Exception):
    """The file as a whole cannot be read; carries the problem to report."""

    def __init__(self, problem: Problem):
        super().__init__(problem.code)
        self.problem = problem


# --- xlsx: what the sheets really span -------------------------------------------------------------

_DIMENSION = re.compile(rb'<dimension\s+ref\s*=\s*["\']([A-Za-z]*)(\d*)(?::([A-Za-z]+)(\d+))?["\']')
_SHEET_ENTRY = re.compile(rb'<sheet\b[^>]*?\bname="([^"]*)"[^>]*?\br:id="([^"]*)"')
_RELATION = re.compile(rb'<Relationship\b[^>]*?\bId="([^"]*)"[^>]*?\bTarget="([^"]*)"')
_RELATION_REVERSED = re.compile(rb'<Relationship\b[^>]*?\bTarget="([^"]*)"[^>]*?\bId="([^"]*)"')


def column_number(letters: bytes | str) -> int:
    """`A` -> 1, `Z` -> 26, `AA` -> 27, `XFD` -> 16384."""
    number = 0
    for letter in (letters.decode() if isinstance(letters, bytes) else letters).upper():  # a reader reads "xfd" too
        number = number * 26 + ord(letter) - 64
    return number


def column_letters(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass
class SheetSpan:
    """How far a sheet's cells reach: the largest row and column in its cell references."""

    rows: int = 0
    columns: int = 0
    cells_seen: int = 0
    """Cell tags counted in the stream (with or without a reference)."""

    @property
    def cells(self) -> int:
        return self.rows * self.columns

    def reach(self, row: int, column: int) -> None:
        self.rows, self.columns = max(self.rows, row), max(self.columns, column)


REF_WINDOW = 13
"""Bytes after `r=\"` that hold any reference within reach: three letters, nine digits and the closing quote."""
ROW_DIGITS = 9
_TENS = [10.0**i for i in reversed(range(ROW_DIGITS))]
_BEYOND_WINDOW = re.compile(rb'r=["\'](?:([A-Za-z]{4,})\d+|([A-Za-z]{0,3})(\d{10,}))["\']')
"""References no window holds: wider than three letters, or a row of ten digits or more (no real sheet has one)."""


def _scan_chunk(text: bytes | memoryview, span: SheetSpan) -> None:
    """Widen `span` by every `r="..."` in a piece of sheet XML: cell references and row numbers, in any order."""
    # read all at once with numpy; the rare reference longer than the window is read by a regex that skips every
    # ordinary one. Only the largest row and column are parsed.
    import numpy as np
    from numpy.lib.stride_tricks import sliding_window_view

    codes = np.frombuffer(text, np.uint8)
    if _spaced_equals(codes):  # XML allows `r = "A1"`; no spreadsheet writes it, so the slower way is fine
        text = _SPACED_EQUALS.sub(b"=", bytes(text))
        codes = np.frombuffer(text, np.uint8)
    span.cells_seen += int(np.count_nonzero((codes[:-1] == ord("<")) & (codes[1:] == ord("c"))))  # bytes.count: 4x
    quoted = (codes[2:-1] == ord('"')) | (codes[2:-1] == ord("'"))  # either quote, as XML allows
    starts = np.flatnonzero((codes[:-3] == ord("r")) & (codes[1:-2] == ord("=")) & quoted) + 3
    if not len(starts):
        return
    padded = np.concatenate([np.zeros(ROW_DIGITS, np.uint8), codes, np.zeros(REF_WINDOW, np.uint8)])
    starts += ROW_DIGITS
    window = sliding_window_view(padded, REF_WINDOW)[starts]
    head = window[:, :4]  # a reader takes `xfd1` for XFD1, so does the check (four letters: wider than XFD)
    if (lower := (head - np.uint8(ord("a"))) < 26).any():
        window[:, :4] = np.where(lower, head - np.uint8(32), head)
    is_letter = (window - np.uint8(ord("A"))) < 26  # below "A" wraps round to large numbers
    is_digit = (window - np.uint8(ord("0"))) < 10
    letters = np.argmin(is_letter, axis=1)  # 0 for a window of letters only
    after_letters = np.arange(REF_WINDOW) >= letters[:, None]
    letters_then_digits = is_digit | ~after_letters
    end = np.argmin(letters_then_digits, axis=1)  # the first byte after the digits (0: the window holds no end)
    digits = end - letters
    # argmin is 0 both where the first byte fails and where none does: the latter run past the window's end
    runs_on = ((letters == 0) & is_letter[:, 0]) | ((end == 0) & letters_then_digits[:, 0])
    if (letters > 3).any() or (digits > ROW_DIGITS).any() or runs_on.any():
        _reach_beyond_window(text, span)
    closed = window[np.arange(len(starts)), end]
    valid = ((closed == ord('"')) | (closed == ord("'"))) & (digits > 0) & (digits <= ROW_DIGITS) & (letters <= 3)
    found = np.flatnonzero(valid)
    if len(found):
        closing = starts[found] + end[found]
        span.reach(_largest_row(padded, closing, digits[found]), _largest_column(window, found, letters[found]))


def _largest_row(padded: np.ndarray, closing: np.ndarray, digits: np.ndarray) -> int:
    """The largest row among references whose digits end at `closing`: compared as 8-byte keys, not parsed."""
    import numpy as np
    from numpy.lib.stride_tricks import sliding_window_view

    most = int(digits.max())
    if most > 8 or (padded[closing - digits] == ord("0")).any():  # nine digits or leading zeros (hostile files)
        return _largest_row_exactly(padded, closing, digits)
    ends = closing[digits == most]  # among equally long numbers without leading zeros, text order is number order
    keys = np.ascontiguousarray(sliding_window_view(padded, 8)[ends - 8]).view(">u8").ravel()
    keys &= np.uint64((1 << (8 * most)) - 1)
    best = int(ends[keys.argmax()])
    return int(padded[best - most : best].tobytes())


def _largest_row_exactly(padded: np.ndarray, closing: np.ndarray, digits: np.ndarray) -> int:
    """The largest row, every reference's digits read as a number (leading zeros and nine digits included)."""
    import numpy as np
    from numpy.lib.stride_tricks import sliding_window_view

    row_digits = sliding_window_view(padded, ROW_DIGITS)[closing - ROW_DIGITS] - np.float64(ord("0"))
    row_digits[np.arange(ROW_DIGITS) < (ROW_DIGITS - digits)[:, None]] = 0  # letters and bytes before
    return int((row_digits @ _TENS).max())


def _largest_column(window: np.ndarray, found: np.ndarray, letters: np.ndarray) -> int:
    """The largest column among the references in `window` rows `found`, with that many leading letters."""
    import numpy as np

    most = int(letters.max())
    if most == 0:
        return 0
    widest = found[letters == most]  # among equally many letters, text order is column order
    keys = np.ascontiguousarray(window[widest, :4]).view(">u4").ravel() >> np.uint32(8 * (4 - most))
    return column_number(window[widest[keys.argmax()], :most].tobytes())


_SPACED_EQUALS = re.compile(rb"[ \t\r\n]*=[ \t\r\n]*")


def _spaced_equals(codes: np.ndarray) -> bool:
    """Whether any `=` has white space (or another byte below "!") beside it."""
    import numpy as np

    equals = np.flatnonzero(codes == ord("="))
    equals = equals[(equals > 0) & (equals < len(codes) - 1)]
    return bool((codes[equals - 1] <= ord(" ")).any() or (codes[equals + 1] <= ord(" ")).any())


def _reach_beyond_window(text: bytes | memoryview, span: SheetSpan) -> None:
    for found in _BEYOND_WINDOW.finditer(text):
        if found.group(1):
            span.reach(0, MAX_COLUMNS + 1)  # wider than XFD
        else:  # a row far beyond any sheet (capped: Python refuses to read a number of thousands of digits)
            row = found.group(3).lstrip(b"0") or b"0"
            span.reach(int(row) if len(row) <= 18 else 10**18, column_number(found.group(2)))


def sheet_paths(data: bytes, archive: zipfile.ZipFile) -> dict[str, str]:
    """Zip member -> sheet name as the workbook shows it (members without a name keep their path)."""
    workbook = _member_text(data, archive, "xl/workbook.xml")
    relations = _member_text(data, archive, "xl/_rels/workbook.xml.rels")
    targets = dict(_RELATION.findall(relations)) | {i: t for t, i in _RELATION_REVERSED.findall(relations)}
    names = {}
    for name, rel in _SHEET_ENTRY.findall(workbook):
        target = targets.get(rel, b"").decode(errors="replace").lstrip("/")
        path = target if target.startswith("xl/") else f"xl/{target}"
        names[path] = name.decode(errors="replace")
    return names


def _refuse_span(sheet: str, span: SheetSpan, limits: Limits) -> None:
    if span.cells_seen > limits.cells:
        raise RefusedFile(Problem("file_cell_count", sheet, params={"limit": limits.cells}))
    if span.cells > limits.cells or span.columns > MAX_COLUMNS or span.rows > MAX_LINES:
        params = {
            "cell": f"{column_letters(span.columns)}{span.rows}",
            "rows": span.rows,
            "columns": span.columns,
            "limit": limits.cells,
        }
        raise RefusedFile(Problem("file_too_many_cells", sheet, params=params))


def _inflated(data: bytes, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """A member's content in chunks, inflated from its raw bytes: neither its declared size nor its declared
    compressed size decides where it ends (a member declaring 1,000 bytes may inflate to gigabytes)."""
    header = data[info.header_offset : info.header_offset + 30]
    if len(header) < 30 or header[:4] != b"PK\x03\x04":
        raise zipfile.BadZipFile(info.filename)
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    start = info.header_offset + 30 + name_length + extra_length
    if info.compress_type == zipfile.ZIP_STORED:
        stored = data[start : start + info.compress_size]
        for offset in range(0, len(stored), CHUNK):
            yield stored[offset : offset + CHUNK]
        return
    if info.compress_type != zipfile.ZIP_DEFLATED:
        raise zipfile.BadZipFile(f"{info.filename}: compression {info.compress_type}")
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    for offset in range(start, len(data), CHUNK):
        pending = data[offset : offset + CHUNK]
        while pending and not inflater.eof:
            chunk = inflater.decompress(pending, CHUNK)
            pending = inflater.unconsumed_tail
            if chunk:
                yield chunk
        if inflater.eof:
            return


def _member_text(data: bytes, archive: zipfile.ZipFile, name: str, cap: int = 16 * CHUNK) -> bytes:
    """A small member (workbook.xml, its relations) read whole, at most `cap` bytes of it."""
    try:
        info = archive.getinfo(name)
    except KeyError:
        return b""
    text = b""
    for chunk in _inflated(data, info):
        text += chunk
        if len(text) > cap:
            break
    return text[:cap]


def checked_zip(data: bytes, limits: Limits) -> None:
    """Refuse a zip that inflates beyond the limit or a sheet whose cells reach too far, in bounded memory."""
    # bytes are counted as they come out of the stream (declared sizes can lie), and cell references are read
    # from that same stream
    bomb = Problem("file_bomb", params={"limit_mb": limits.unpacked_bytes // (1024 * 1024)})
    archive = zipfile.ZipFile(io.BytesIO(data))
    if sum(info.file_size for info in archive.infolist()) > limits.unpacked_bytes:
        raise RefusedFile(bomb)
    names = sheet_paths(data, archive)
    unpacked = 0
    for info in archive.infolist():
        # a sheet wherever the workbook points, not only where Excel keeps them
        is_sheet = info.filename in names or (
            info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")
        )
        sheet = names.get(info.filename, info.filename)
        span, tail, first = SheetSpan(), b"", True
        for chunk in _inflated(data, info):
            unpacked += len(chunk)
            if unpacked > limits.unpacked_bytes:
                raise RefusedFile(bomb)
            if not is_sheet:
                continue
            if first and (dimension := _DIMENSION.search(chunk)):
                _check_dimension(sheet, dimension, limits)
                first = False
            text, tail = _whole_tags(tail + chunk, sheet)
            _scan_chunk(text, span)
            _refuse_span(sheet, span, limits)
        if tail:  # the stream's last piece
            _scan_chunk(tail, span)
            _refuse_span(sheet, span, limits)


MAX_CARRIED = CHUNK
"""Bytes after a sheet's last `<` that may wait for the next piece: far more than any tag and its text."""


def _whole_tags(text: bytes, sheet: str) -> tuple[memoryview, bytes]:
    """The text up to its last `<`, and the rest: a tag cut by a piece's border is read whole with the next one
    (a reference of any length, spaced out or not, is never cut in two)."""
    cut = max(text.rfind(b"<"), 0)
    if len(text) - cut > MAX_CARRIED:  # no real sheet has a tag or a cell text this long
        raise RefusedFile(Problem("sheet_tag_too_long", sheet, params={"limit_mb": MAX_CARRIED // (1024 * 1024)}))
    return memoryview(text)[:cut], text[cut:]  # the first part unsliced: a copy of a megabyte costs


def _check_dimension(sheet: str, found: re.Match[bytes], limits: Limits) -> None:
    """The sheet's own claim of its used range (`<dimension ref="A1:XFD1048576"/>`)."""
    first_col, first_row, last_col, last_row = found.groups()
    span = SheetSpan()
    span.reach(int(first_row or 0), column_number(first_col or b""))
    if last_col:
        span.reach(int(last_row), column_number(last_col))
    _refuse_span(sheet, span, limits)


# --- CSV: bounded lines and an honest encoding ---------------------------------------------------

_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xf4][\x80-\xbf]+")


def _line_of(data: bytes, position: int) -> int:
    head = data[:position]
    return max(head.count(b"\n"), head.count(b"\r")) + 1


def decoded_text(data: bytes, where: str) -> str:
    """The text of a CSV file: UTF-8 (with or without BOM), else cp1252; a mix of both is refused."""
    if (nul := data.find(b"\x00")) >= 0:
        raise RefusedFile(Problem("file_nul", where, _line_of(data, nul)))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        if _UTF8_MULTIBYTE.search(data):  # valid UTF-8 letters next to bytes that are not: two encodings
            raise RefusedFile(Problem("file_mixed_encoding", where, _line_of(data, error.start))) from error
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def checked_lines(data: bytes, where: str) -> None:
    """Refuse text with too many lines or a line too long, counted on the bytes (nothing split yet)."""
    import numpy as np

    if data.count(b"\n") - data.count(b"\r\n") + data.count(b"\r") > MAX_LINES:  # before any array
        raise RefusedFile(Problem("csv_too_many_lines", where, params={"limit": MAX_LINES}))
    codes = np.frombuffer(data, dtype=np.uint8)
    breaks = np.flatnonzero((codes == 10) | (codes == 13))
    crlf = np.count_nonzero((codes[breaks[:-1]] == 13) & (codes[breaks[:-1] + 1] == 10)) if len(breaks) > 1 else 0
    if len(breaks) - crlf > MAX_LINES:
        raise RefusedFile(Problem("csv_too_many_lines", where, params={"limit": MAX_LINES}))
    lengths = np.diff(np.concatenate(([-1], breaks, [len(codes)]))) - 1
    if len(lengths) and (longest := int(np.argmax(lengths))) >= 0 and lengths[longest] > MAX_LINE_CHARS:
        line = _line_of(data, int(breaks[longest - 1]) + 1 if longest else 0)
        raise RefusedFile(Problem("csv_line_too_long", where, line, params={"limit": MAX_LINE_CHARS}))
