"""Bytes of a school's file to raw sheets: the header row found, Excel row numbers kept, bombs refused."""

from __future__ import annotations

import csv
import io
import os
import zipfile
from dataclasses import dataclass

import fastexcel
import pandas as pd

from kpi.delivery.messages import Problem
from kpi.delivery.schema import SHEETS, Sheet, normalise_key

HEADER_SEARCH_ROWS = 30
DEFAULT_MAX_UPLOAD_MB = 50
UNPACKED_FACTOR = 20
"""An xlsx may unpack to at most this many times the upload limit; real exports stay far below."""


class RefusedFile(Exception):
    """The file as a whole cannot be read; carries the problem to report."""

    def __init__(self, problem: Problem):
        super().__init__(problem.code)
        self.problem = problem


@dataclass
class RawSheet:
    """One sheet as found in the file: header cells, the data rows below it, and their Excel row numbers."""

    name: str
    schema: Sheet | None
    header: list[str]
    rows: pd.DataFrame
    """Data rows below the header, all cells as text (missing as NA), columns positional."""
    excel_rows: pd.Series
    header_row: int | None = None


def max_upload_bytes() -> int:
    """The upload limit, configurable with TECHNIEKPACT_MAX_UPLOAD_MB."""
    return int(float(os.environ.get("TECHNIEKPACT_MAX_UPLOAD_MB", DEFAULT_MAX_UPLOAD_MB)) * 1024 * 1024)


def detected_kind(data: bytes) -> str:
    """What the bytes are, by their content: xlsx, ods, xls, encrypted, text or unknown."""
    if data.startswith(b"PK\x03\x04"):
        try:
            names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        except zipfile.BadZipFile:
            return "unknown"
        if "mimetype" in names and "content.xml" in names:
            return "ods"
        return "xlsx" if "[Content_Types].xml" in names else "unknown"
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        # An encrypted xlsx is an OLE container holding an "EncryptedPackage" stream (UTF-16 name).
        return "encrypted" if "EncryptedPackage".encode("utf-16-le") in data[:1_000_000] else "xls"
    head = data[:65536]
    if b"\x00" in head:
        return "unknown"
    printable = sum(b >= 32 or b in b"\r\n\t" for b in head)
    return "text" if printable >= 0.95 * len(head) else "unknown"


def _guard_unpacked_size(data: bytes, limit: int) -> None:
    """Refuse a zip whose content would unpack beyond `limit`, reading it in bounded chunks."""
    problem = Problem("file_bomb", params={"limit_mb": limit // (1024 * 1024)})
    archive = zipfile.ZipFile(io.BytesIO(data))
    if sum(info.file_size for info in archive.infolist()) > limit:
        raise RefusedFile(problem)
    # Declared sizes can lie. zipfile stops every member at its declared size and then checks its CRC, so a member
    # holding more than it declares raises BadZipFile here (the file is unreadable), before any reader unpacks it.
    for info in archive.infolist():
        with archive.open(info) as member:
            while member.read(1 << 20):
                pass


def _decoded(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def _csv_frame(data: bytes) -> pd.DataFrame:
    text = _decoded(data)
    sample = text[:20000]
    delimiter = max((";", ",", "\t"), key=sample.count)
    records = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    width = max((len(r) for r in records), default=0)
    frame = pd.DataFrame([r + [""] * (width - len(r)) for r in records], dtype="string")
    return frame.replace(r"^\s*$", pd.NA, regex=True)


def _workbook_frames(data: bytes) -> list[tuple[str, pd.DataFrame]]:
    reader = fastexcel.read_excel(data)
    frames = []
    for name in reader.sheet_names:
        sheet = reader.load_sheet(name, header_row=None, skip_rows=0, dtypes="string")
        frame = sheet.to_pandas().astype("string")
        frame.columns = range(frame.shape[1])
        frames.append((name, frame))
    return frames


def _header_score(cells: list[str], schema: Sheet) -> int:
    lookup = schema.header_lookup()
    return len({lookup[c] for c in cells if c in lookup})


def _located(name: str, frame: pd.DataFrame) -> RawSheet:
    """Find the header row and the sheet it belongs to: by the sheet's name, else by its columns."""
    by_name = next(
        (s for s in SHEETS.values() if normalise_key(name) in {normalise_key(a) for a in (s.name, *s.aliases)}), None
    )
    candidates = [by_name] if by_name else list(SHEETS.values())
    best: tuple[int, int, Sheet] | None = None
    for index in range(min(HEADER_SEARCH_ROWS, len(frame))):
        cells = [normalise_key(c) for c in frame.iloc[index].dropna()]
        for schema in candidates:
            score = _header_score(cells, schema)
            required = sum(c.required for c in schema.columns)
            enough = score >= 2 and (by_name is not None or score >= max(2, required - 1))
            if enough and (best is None or score > best[0]):
                best = (score, index, schema)
    if best is None:
        empty = frame.iloc[0:0]
        return RawSheet(name, by_name, [], empty, pd.Series([], dtype="int64"))
    _, index, schema = best
    header = ["" if pd.isna(c) else str(c) for c in frame.iloc[index]]
    rows = frame.iloc[index + 1 :]
    filled = rows.notna().any(axis=1)
    rows = rows[filled]
    return RawSheet(name, schema, header, rows.reset_index(drop=True), pd.Series(rows.index + 1), index + 1)


def raw_sheets(data: bytes, filename: str = "") -> tuple[list[RawSheet], list[Problem]]:
    """Read every sheet of a delivery; raises RefusedFile when the file as a whole cannot be read."""
    limit = max_upload_bytes()
    if not data:
        raise RefusedFile(Problem("file_empty"))
    if len(data) > limit:
        size = {"size_mb": round(len(data) / 1024 / 1024, 1), "limit_mb": limit // (1024 * 1024)}
        raise RefusedFile(Problem("file_too_large", params=size))
    kind = detected_kind(data)
    notes: list[Problem] = []
    extension = os.path.splitext(filename)[1].lower()
    expected = {".xlsx": "xlsx", ".xlsm": "xlsx", ".xls": "xls", ".ods": "ods", ".csv": "text", ".txt": "text"}
    if kind == "encrypted":
        raise RefusedFile(Problem("file_encrypted"))
    if kind == "unknown":
        raise RefusedFile(Problem("file_unreadable", params={"detail": "onbekende inhoud / unknown content"}))
    if extension in expected and expected[extension] != kind:
        detected = "CSV" if kind == "text" else kind
        params = {"extension": extension, "detected": detected}
        notes.append(Problem("file_kind_mismatch", value=filename, severity="warning", params=params))
    try:
        if kind == "text":
            stem = os.path.splitext(os.path.basename(filename))[0] or "csv"
            frames = [(stem, _csv_frame(data))]
        else:
            if kind in ("xlsx", "ods"):
                _guard_unpacked_size(data, limit * UNPACKED_FACTOR)
            frames = _workbook_frames(data)
    except RefusedFile:
        raise
    except Exception as error:  # the readers raise many kinds; all mean "not readable"
        raise RefusedFile(Problem("file_unreadable", params={"detail": type(error).__name__})) from error
    return [_located(name, frame) for name, frame in frames], notes
