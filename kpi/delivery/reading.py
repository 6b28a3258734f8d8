"""Bytes of a school's file to raw sheets: the header row found, Excel row numbers kept, bombs refused."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass

import pandas as pd
import pyarrow as pa

from kpi.delivery.isolated import PendingRead, isolated_tables, read_tables
from kpi.delivery.kinds import EXTENSION_KINDS, detected_kind, place_name
from kpi.delivery.limits import RefusedFile, current_limits, max_upload_bytes
from kpi.delivery.messages import Problem
from kpi.delivery.schema import SHEETS, Sheet, normalise_key

LOG = logging.getLogger(__name__)
HEADER_SEARCH_ROWS = 30
ISOLATED = True
"""Read in a child process under a memory limit (tests may read in-process to compare)."""


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


def _frames(tables: list[tuple[str, pa.Table]]) -> list[tuple[str, pd.DataFrame]]:
    """Arrow tables of text to frames with categorical columns, named by position."""
    frames = []
    for name, table in tables:
        frame = table.to_pandas()
        frame.columns = range(frame.shape[1])
        frames.append((name, frame))
    return frames


def _header_score(cells: list[str], schema: Sheet) -> int:
    lookup = schema.header_lookup
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


def raw_sheets(
    data: bytes, filename: str = "", ahead: PendingRead | None = None
) -> tuple[list[RawSheet], list[Problem]]:
    """Read every sheet of a delivery (taking the result of `ahead` when it reads this file); raises RefusedFile
    when the file as a whole cannot be read."""
    limits = current_limits()
    limit = limits.upload_bytes
    if not data:
        raise RefusedFile(Problem("file_empty"))
    if len(data) > limit:
        size = {"size_mb": round(len(data) / 1024 / 1024, 1), "limit_mb": limit // (1024 * 1024)}
        raise RefusedFile(Problem("file_too_large", params=size))
    kind = detected_kind(data)
    notes: list[Problem] = []
    extension = os.path.splitext(filename)[1].lower()
    if kind == "encrypted":
        raise RefusedFile(Problem("file_encrypted"))
    if kind == "unknown":
        raise RefusedFile(Problem("file_unreadable"))
    if extension in EXTENSION_KINDS and EXTENSION_KINDS[extension] != kind:
        detected = "CSV" if kind == "text" else kind
        params = {"extension": extension, "detected": detected}
        notes.append(Problem("file_kind_mismatch", value=filename, severity="warning", params=params))
    where = place_name(filename)
    try:
        if ahead is not None and ahead.reads(kind, where, limits):
            tables = ahead.tables()
        else:
            tables = (isolated_tables if ISOLATED else read_tables)(data, kind, where, limits)
        frames = _frames(tables)
    except RefusedFile:
        raise
    except Exception as error:  # the readers raise many kinds; all mean "not readable"
        LOG.info("unreadable %r: %s: %s", filename, type(error).__name__, error)  # the detail is for operators
        raise RefusedFile(Problem("file_unreadable")) from error
    return [_located(name, frame) for name, frame in frames], notes


__all__ = ["RawSheet", "RefusedFile", "detected_kind", "max_upload_bytes", "raw_sheets"]
