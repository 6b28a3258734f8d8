"""Problems as people read them: one line per distinct problem with its rows as ranges, a summary, a CSV."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from pathlib import PurePath

import numpy as np
import pandas as pd

from kpi.catalogue import word
from kpi.delivery.messages import Problem

RANGES_SHOWN = 12
"""On screen and on the command line a line lists this many ranges, then `…`; the CSV lists them all."""

HEADS = ("severity", "sheet", "rows", "column", "found", "expected")
CSV_HEADS = ("severity", "sheet", "rows", "first_row", "last_row", "row_count", "column", "found", "expected")


def row_ranges(rows: Sequence[int]) -> list[tuple[int, int]]:
    """Ascending row numbers as runs of consecutive rows: [2, 3, 4, 7] -> [(2, 4), (7, 7)]."""
    array = np.asarray(rows, dtype=np.int64)
    if not array.size:
        return []
    breaks = np.flatnonzero(np.diff(array) != 1)
    starts = np.concatenate((array[:1], array[breaks + 1]))
    ends = np.concatenate((array[breaks], array[-1:]))
    return list(zip(starts.tolist(), ends.tolist(), strict=True))


def spans_text(numbers: Sequence[int]) -> str:
    """`2014–2016, 2018`: ascending whole numbers, runs joined by a dash."""
    return ", ".join(str(a) if a == b else f"{a}–{b}" for a, b in row_ranges(numbers))


def count_text(n: int, language: str = "nl") -> str:
    """A whole number with thousands separators: 1.234 in Dutch, 1,234 in English."""
    return f"{n:,}".replace(",", "." if language == "nl" else ",")


def rows_text(rows: Sequence[int], language: str = "nl", shown: int | None = RANGES_SHOWN) -> str:
    """`rij 5`, or `rijen 2–96 (95 rijen)`; `shown` ranges at most, then `…` (None: all)."""
    if len(rows) == 0:
        return ""
    if len(rows) == 1:
        return word("problem_rows.one", language, row=rows[0])
    ranges = row_ranges(rows)
    parts = [str(first) if first == last else f"{first}–{last}" for first, last in ranges[:shown]]
    if shown is not None and len(ranges) > shown:
        parts.append("…")
    return word("problem_rows.many", language, ranges=", ".join(parts), count=count_text(len(rows), language))


def report_lines(problems: list[Problem], language: str = "nl") -> list[str]:
    """One printable line per distinct problem: sheet, rows as ranges, column, value found — what was expected."""
    sheet, column, found = (word(f"problem_head.{h}", language) for h in ("sheet", "column", "found"))
    lines = []
    for p in problems:
        where = [f"{sheet} {p.sheet}" if p.sheet else "", rows_text(p.rows, language)]
        where.append(f"{column} {p.column}" if p.column else "")
        where.append(f"{found} '{p.value}'" if p.value not in (None, "") else "")
        head = word(f"severity.{p.severity}", language).upper()
        location = ", ".join(w for w in where if w)
        lines.append(f"{head}: {location} — {p.message(language)}" if location else f"{head}: {p.message(language)}")
    return lines


def problem_record(problem: Problem, language: str = "nl") -> dict[str, object]:
    """One grouped problem as JSON: where and what, its rows as [first, last] ranges and a count, its message."""
    p = problem
    where = {"code": p.code, "severity": p.severity, "sheet": p.sheet, "row": p.row, "column": p.column}
    return where | {
        "value": p.value,
        "params": p.params,
        "row_ranges": [list(r) for r in row_ranges(p.rows)],
        "row_count": len(p.rows),
        "message": p.message(language),
    }


def _records(problems: list[Problem], language: str, shown: int | None) -> dict[str, list]:
    return {
        "severity": [word(f"severity.{p.severity}", language) for p in problems],
        "sheet": [p.sheet or "" for p in problems],
        "rows": [rows_text(p.rows, language, shown) for p in problems],
        "first_row": [p.rows[0] if p.rows else None for p in problems],
        "last_row": [p.rows[-1] if p.rows else None for p in problems],
        "row_count": [len(p.rows) for p in problems],
        "column": [p.column or "" for p in problems],
        "found": [p.value or "" for p in problems],
        "expected": [p.message(language) for p in problems],
    }


def _headed(records: dict[str, list], heads: tuple[str, ...], language: str) -> pd.DataFrame:
    frame = pd.DataFrame({h: records[h] for h in heads})
    for name in ("first_row", "last_row", "row_count"):
        if name in frame:
            frame[name] = frame[name].astype("Int64")
    return frame.rename(columns={h: word(f"problem_head.{h}", language) for h in heads})


def problem_table(problems: list[Problem], language: str = "nl") -> pd.DataFrame:
    """The grouped problems as the page shows them: one row per distinct problem."""
    return _headed(_records(problems, language, RANGES_SHOWN), HEADS, language)


def problem_csv_table(problems: list[Problem], language: str = "nl") -> pd.DataFrame:
    """The grouped problems for download: every range, and first row, last row and row count as integers."""
    return _headed(_records(problems, language, None), CSV_HEADS, language)


def problems_file_name(file_name: str, day: dt.date, language: str = "nl") -> str:
    """`problemen_<file>_<date>.csv`: which file and when, safe on every file system."""
    stem = re.sub(r"[^0-9A-Za-z_-]+", "_", PurePath(file_name).stem).strip("_") or "bestand"
    return f"{word('problem_file', language)}_{stem}_{day.isoformat()}.csv"


def rows_touched(problems: list[Problem]) -> int:
    """How many distinct rows (sheet and Excel row) the problems touch."""
    per_sheet: dict[str, list[np.ndarray]] = {}
    for p in problems:
        if p.rows:
            per_sheet.setdefault(p.sheet or "", []).append(np.asarray(p.rows, dtype=np.int64))
    return sum(len(np.unique(np.concatenate(parts))) for parts in per_sheet.values())


def _counted(key: str, n: int, language: str) -> str:
    return word(f"{key}.{'one' if n == 1 else 'many'}", language, n=count_text(n, language))


def problem_summary(problems: list[Problem], language: str = "nl") -> str:
    """`3 verschillende fouten in 1.234 rijen`, and the warnings likewise: what the list below holds."""
    parts = []
    for severity in ("error", "warning"):
        chosen = [p for p in problems if p.severity == severity]
        if not chosen:
            continue
        text = _counted(f"problem_count.{severity}", len(chosen), language)
        touched = rows_touched(chosen)
        parts.append(
            word("problem_count.in_rows", language, what=text, rows=_counted("problem_count.rows", touched, language))
            if touched
            else text
        )
    return "; ".join(parts)
