"""What every DUO open-data file shares: a quoted `;` CSV, one wide row per location with columns per school
year (`<MEASURE> SCHOOLJAAR yyyy-yyyy - TOTAAL`), and counts from 1 to 4 written as `<5`.

An adapter (see `exams.py`) only says which columns identify a row, which measures it counts and what it
derives; reading, checking and turning the wide rows into one row per school year happen here.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from kpi.catalogue import word
from kpi.codes import OPEN_DATA_YEAR as YEAR

SUPPRESSED = "<5"
"""DUO's way of writing a count from 1 to 4."""
SUPPRESSED_SUFFIX = "_onderdrukt"
YEAR_COLUMN = re.compile(r"(?P<measure>.+) SCHOOLJAAR (?P<first>\d{4})-(?P<second>\d{4}) - TOTAAL")
MAX_BYTES = 100 * 1024 * 1024
"""DUO's national files are a few megabytes; anything far larger is not one of them."""
MAX_PROBLEMS = 25
"""Problems listed one by one; the rest are counted, so a wrong file cannot flood the screen."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file: a code for the words, and where (line as a text editor counts, column)."""

    code: str
    line: int | None = None
    column: str | None = None
    value: str | None = None


class DuoFileError(ValueError):
    """The file cannot be used; `problems` says every reason and where."""

    def __init__(self, file_name: str, problems: list[Problem], more: int = 0):
        super().__init__(f"{file_name}: {len(problems) + more} problem(s)")
        self.file_name, self.problems, self.more = file_name, problems, more

    def lines(self, language: str = "nl") -> list[str]:
        """Every problem in one line of words each (`opendata.problem.<code>`), naming the file, line and column."""
        lines = [
            word(
                f"opendata.problem.{p.code}",
                language,
                file=self.file_name,
                line=p.line or "",
                column=p.column or "",
                value=p.value or "",
            )
            for p in self.problems
        ]
        if self.more:
            lines.append(word("opendata.problem.more", language, n=self.more))
        return lines


@dataclass(frozen=True)
class Adapter:
    """One DUO publication: how its wide rows become stored rows.

    `keys` maps stored column -> DUO column (text, identifies a row); `measures` maps stored column -> DUO's
    measure prefix (each becomes a count and a `<column>_onderdrukt` flag per school year); `derived` adds text
    columns computed from the keys; `patterns` are checks on key values (a location code looks like 24TG04).
    """

    dataset: str
    table: str
    title: str
    keys: dict[str, str]
    measures: dict[str, str]
    derived: dict[str, Callable[[dict[str, str]], str]] = field(default_factory=dict)
    patterns: dict[str, re.Pattern[str]] = field(default_factory=dict)

    @property
    def text_columns(self) -> tuple[str, ...]:
        return (*self.keys, *self.derived)

    @property
    def count_columns(self) -> tuple[str, ...]:
        return tuple(self.measures)


@dataclass(frozen=True)
class DuoFile:
    """A DUO CSV as read: its name, SHA-256, header and data rows (all text)."""

    name: str
    sha256: str
    header: list[str]
    rows: list[list[str]]


def read_duo_file(data: bytes, name: str) -> DuoFile:
    """DUO's CSV as published (UTF-8, `;`, every field quoted); DuoFileError when it is not such a file."""
    if len(data) > MAX_BYTES:
        raise DuoFileError(name, [Problem("too_large", value=f"{len(data) // (1024 * 1024)} MB")])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise DuoFileError(name, [Problem("not_text", value=f"byte {error.start}")]) from None
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    except csv.Error as error:
        raise DuoFileError(name, [Problem("not_csv", value=str(error))]) from None
    records = [r for r in records if any(cell.strip() for cell in r)]
    if not records:
        raise DuoFileError(name, [Problem("empty")])
    header, rows = [c.strip() for c in records[0]], records[1:]
    if len(header) < 2:
        raise DuoFileError(name, [Problem("not_csv", line=1, value=";")])
    return DuoFile(name, hashlib.sha256(data).hexdigest(), header, rows)


def year_columns(header: list[str], measure: str) -> dict[int, int]:
    """First calendar year of each school year -> the position of `<measure> SCHOOLJAAR yyyy-yyyy - TOTAAL`."""
    found = {}
    for position, name in enumerate(header):
        match = YEAR_COLUMN.fullmatch(name)
        if match and match["measure"] == measure and int(match["second"]) == int(match["first"]) + 1:
            found[int(match["first"])] = position
    return found


def parse_count(text: str) -> tuple[int | None, bool] | None:
    """A DUO count cell: (count, False), (None, True) for `<5`, None when it is no count at all."""
    text = text.strip()
    if text == SUPPRESSED:
        return None, True
    if text.isdigit():
        return int(text), False
    return None


def _header_problems(file: DuoFile, adapter: Adapter) -> list[Problem]:
    problems = [Problem("missing_column", line=1, column=c) for c in adapter.keys.values() if c not in file.header]
    for measure in adapter.measures.values():
        if not year_columns(file.header, measure):
            problems.append(Problem("no_year_columns", line=1, column=f"{measure} SCHOOLJAAR jjjj-jjjj - TOTAAL"))
    return problems


BAD = (0, False)
"""What a cell that is no count stands in for while every problem of the file is collected."""


def _mapped(values: pd.Series, convert) -> pd.Series:
    """`convert` applied once per distinct value (DUO's columns repeat a few hundred values over thousands of rows)."""
    distinct = pd.unique(values)
    return values.map(dict(zip(distinct, map(convert, distinct), strict=True)))


def long_counts(file: DuoFile, adapter: Adapter) -> pd.DataFrame:
    """The wide rows as one row per location key and school year: the key and derived columns, `jaar`, and per
    measure its count and flag. A year in which every measure is 0 is left out (nothing to count there).

    Raises DuoFileError listing every problem (missing columns, short rows, codes and cells that are wrong).
    """
    problems = _header_problems(file, adapter)
    if problems:
        raise DuoFileError(file.name, problems)
    width = len(file.header)
    problems = [Problem("row_width", line=n, value=str(len(r))) for n, r in enumerate(file.rows, 2) if len(r) != width]
    if not file.rows:
        problems.append(Problem("empty"))
    if problems:
        raise DuoFileError(file.name, problems[:MAX_PROBLEMS], max(0, len(problems) - MAX_PROBLEMS))
    columns = list(zip(*file.rows, strict=True))
    lines = pd.RangeIndex(2, len(file.rows) + 2)  # the line numbers a text editor shows
    keys = pd.DataFrame(
        {
            name: _mapped(pd.Series(columns[file.header.index(c)], index=lines), str.strip)
            for name, c in adapter.keys.items()
        }
    )
    for name, pattern in adapter.patterns.items():
        wrong = ~_mapped(keys[name], lambda v, p=pattern: bool(p.fullmatch(v))).astype(bool)
        problems += [
            Problem("bad_code", line=int(n), column=adapter.keys[name], value=v) for n, v in keys[name][wrong].items()
        ]
    names = list(keys.columns)
    records = [dict(zip(names, values, strict=True)) for values in zip(*(keys[n].tolist() for n in names), strict=True)]
    for name, make in adapter.derived.items():
        keys[name] = [make(r) for r in records]
    measures = {name: year_columns(file.header, prefix) for name, prefix in adapter.measures.items()}
    years = sorted(set().union(*(set(m) for m in measures.values())))
    parts = []
    for year in years:
        part = keys.copy()
        part[YEAR] = year
        empty = pd.Series(True, index=lines)
        for name, positions in measures.items():
            if year not in positions:
                part[name], part[name + SUPPRESSED_SUFFIX] = pd.array([0] * len(part), dtype="Int64"), False
                continue
            cells = columns[positions[year]]
            known = {value: parse_count(value) or BAD for value in set(cells)}
            parsed = [known[value] for value in cells]
            for line, value, cell in zip(lines, cells, parsed, strict=True):
                if cell is BAD:
                    problems.append(Problem("bad_count", line=line, column=file.header[positions[year]], value=value))
            counts = pd.array([c[0] for c in parsed], dtype="Int64")
            suppressed = np.fromiter((c[1] for c in parsed), dtype=bool, count=len(parsed))
            part[name], part[name + SUPPRESSED_SUFFIX] = counts, suppressed
            empty &= (counts.fillna(0) == 0) & ~suppressed
        parts.append(part[~empty.to_numpy()])
    if problems:
        problems.sort(key=lambda p: p.line or 0)
        raise DuoFileError(file.name, problems[:MAX_PROBLEMS], max(0, len(problems) - MAX_PROBLEMS))
    frame = pd.concat(parts, ignore_index=True)
    columns = [*adapter.text_columns, YEAR, *adapter.measures, *(m + SUPPRESSED_SUFFIX for m in adapter.measures)]
    frame = frame[columns]
    for name in adapter.text_columns:
        frame[name] = frame[name].astype(object)
    return frame


def content_digest(frame: pd.DataFrame) -> str:
    """SHA-256 of the rows themselves, in any order: a re-saved or re-sorted copy of the same figures is the same."""
    rows = np.sort(pd.util.hash_pandas_object(frame, index=False).to_numpy())
    return hashlib.sha256(",".join(map(str, frame.columns)).encode() + rows.tobytes()).hexdigest()
