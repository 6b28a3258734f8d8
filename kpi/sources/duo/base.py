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

import pandas as pd

SUPPRESSED = "<5"
"""DUO's way of writing a count from 1 to 4."""
SUPPRESSED_SUFFIX = "_onderdrukt"
YEAR_COLUMN = re.compile(r"(?P<measure>.+) SCHOOLJAAR (?P<first>\d{4})-(?P<second>\d{4}) - TOTAAL")
MAX_BYTES = 100 * 1024 * 1024
"""DUO's national files are a few megabytes; anything far larger is not one of them."""
MAX_PROBLEMS = 25
"""Problems listed one by one; the rest are counted, so a wrong file cannot flood the screen."""
YEAR = "jaar"


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


def long_counts(file: DuoFile, adapter: Adapter) -> pd.DataFrame:
    """The wide rows as one row per location key and school year: the key and derived columns, `jaar`, and per
    measure its count and flag. A year in which every measure is 0 is left out (nothing to count there).

    Raises DuoFileError listing every problem (missing columns, short rows, cells that are no count).
    """
    problems = _header_problems(file, adapter)
    if problems:
        raise DuoFileError(file.name, problems)
    keys = {name: file.header.index(column) for name, column in adapter.keys.items()}
    measures = {name: year_columns(file.header, prefix) for name, prefix in adapter.measures.items()}
    years = sorted(set().union(*(set(m) for m in measures.values())))
    out: dict[str, list] = {c: [] for c in (*adapter.text_columns, YEAR)}
    for name in adapter.measures:
        out[name], out[name + SUPPRESSED_SUFFIX] = [], []
    problems, width = [], len(file.header)
    for line, row in enumerate(file.rows, start=2):
        if len(row) != width:
            problems.append(Problem("row_width", line=line, value=str(len(row))))
            continue
        key = {name: row[i].strip() for name, i in keys.items()}
        for name, pattern in adapter.patterns.items():
            if not pattern.fullmatch(key[name]):
                problems.append(Problem("bad_code", line=line, column=adapter.keys[name], value=key[name]))
        derived = {name: make(key) for name, make in adapter.derived.items()}
        for year in years:
            cells = {}
            for name, positions in measures.items():
                text = row[positions[year]] if year in positions else "0"
                parsed = parse_count(text)
                if parsed is None:
                    column = file.header[positions[year]]
                    problems.append(Problem("bad_count", line=line, column=column, value=text))
                    parsed = (0, False)
                cells[name] = parsed
            if all(value == 0 for value, suppressed in cells.values()):
                continue
            for name, value in (*key.items(), *derived.items()):
                out[name].append(value)
            out[YEAR].append(year)
            for name, (value, suppressed) in cells.items():
                out[name].append(value)
                out[name + SUPPRESSED_SUFFIX].append(suppressed)
    if not file.rows:
        problems.append(Problem("empty"))
    if problems:
        raise DuoFileError(file.name, problems[:MAX_PROBLEMS], max(0, len(problems) - MAX_PROBLEMS))
    frame = pd.DataFrame(out)
    for name in adapter.measures:
        frame[name] = frame[name].astype("Int64")
    return frame


def content_digest(frame: pd.DataFrame) -> str:
    """SHA-256 of the rows themselves: a re-saved copy of the same figures is recognised as the same."""
    ordered = frame.sort_values(list(frame.columns)).reset_index(drop=True) if len(frame) else frame
    return hashlib.sha256(ordered.to_csv(index=False).encode()).hexdigest()
