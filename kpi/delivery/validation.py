"""Raw sheets to clean, typed frames, or every problem of the file at once (sheet, Excel row, column, value)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from kpi.clock import local_today
from kpi.codes import FORMULA_STARTS
from kpi.delivery.brin import BRIN_PATTERN, is_brin, lookalikes, normalised_brin
from kpi.delivery.messages import Problem
from kpi.delivery.reading import RawSheet
from kpi.delivery.schema import FIRST_YEAR, INSTRUCTIONS_SHEET, SUPPRESSED_SUFFIX, Column, Sheet, normalise_key

SUPPRESSION_MARKERS = ("<5", "*")
AMBIGUOUS_MARKERS = ("-", ".")
TOTAL_WORDS = {"totaal", "total", "totalen", "eindtotaal", "grandtotal"}

Parsed = tuple[pd.Series, pd.Series]
"""Parsed values, and per row an error code (NA where the value is fine)."""


def _codes(index: pd.Index) -> pd.Series:
    return pd.Series(pd.NA, index=index, dtype="object")


def _number(text: pd.Series) -> pd.Series:
    cleaned = text.str.replace(r"\s+", "", regex=True).str.replace(",", ".", regex=False)
    return pd.to_numeric(cleaned, errors="coerce")


def parse_year(text: pd.Series, column: Column) -> Parsed:
    """`2015`, `2015-2016`, `2015/16`, `15/16` all mean 2015."""
    parts = text.str.strip().str.extract(
        r"^(?:(?P<single>\d{4})(?:\.0+)?|(?P<start>\d{4})\s*[-/]\s*(?P<end>\d{4}|\d{2})|(?P<short>\d{2})\s*/\s*(?P<shortend>\d{2}))$"
    )
    start = pd.to_numeric(parts["start"])
    end = pd.to_numeric(parts["end"])
    short = pd.to_numeric(parts["short"]) + 2000
    short_end = pd.to_numeric(parts["shortend"]) + 2000
    year = pd.to_numeric(parts["single"]).fillna(start).fillna(short)
    end_ok = end.isna() | (end == start + 1) | (end == (start + 1) % 100)
    short_ok = short.isna() | (short_end == short + 1)
    codes = _codes(text.index)
    codes[year.isna() | ~end_ok | ~short_ok] = "year_format"
    last = local_today().year + 1
    codes[codes.isna() & ((year < FIRST_YEAR) | (year > last))] = "year_range"
    return year.astype("Int64"), codes


def parse_brin(text: pd.Series, column: Column) -> Parsed:
    """Upper-cased, spaces removed: 2 digits, 2 letters, optionally a 2-digit location, all ASCII."""
    brin = text.str.replace(r"\s+", "", regex=True).str.upper()
    codes = _codes(text.index)
    codes[~brin.str.fullmatch(BRIN_PATTERN).fillna(False).astype(bool)] = "brin_format"
    codes[~brin.str.isascii().fillna(True).astype(bool)] = "brin_lookalike"
    return brin, codes


def _digits(length: int, code: str, pad: bool) -> Callable[[pd.Series, Column], Parsed]:
    def parse(text: pd.Series, column: Column) -> Parsed:
        digits = text.str.replace(r"[\s.]+", "", regex=True).str.replace(r"\.0$", "", regex=True)
        if pad:  # Excel drops leading zeros of numbers
            digits = digits.where(~digits.str.fullmatch(rf"\d{{1,{length}}}").astype(bool), digits.str.zfill(length))
        codes = _codes(text.index)
        codes[~digits.str.fullmatch(rf"\d{{{length}}}").astype(bool)] = code
        return digits, codes

    return parse


def parse_enum(text: pd.Series, column: Column) -> Parsed:
    lookup = column.value_lookup()
    keys = text.map(normalise_key, na_action="ignore")
    values = keys.map(lookup)
    codes = _codes(text.index)
    codes[values.isna()] = "bool" if column.kind == "bool" else "enum"
    return values, codes


CONTROL_CHARACTERS = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]"
"""Invisible characters no text cell needs (tab and line breaks are allowed); NUL and escape among them."""
THOUSANDS = r"^[+-]?\d{1,3}(?:[.,]\d{3})+$"
"""`1.000`, `2,000`, `12.345.678`: a thousands separator, never read as a decimal point."""


def parse_text(text: pd.Series, column: Column) -> Parsed:
    """Trimmed, inner spaces single; spellings that differ only in case are one value (the first one found),
    so `PIE` and `pie` count once. Control characters are refused."""
    cleaned = text.str.strip().str.replace(r"\s+", " ", regex=True)
    canonical = cleaned.groupby(cleaned.str.casefold(), sort=False).transform("first")
    codes = _codes(text.index)
    codes[text.str.contains(CONTROL_CHARACTERS, regex=True).fillna(False).astype(bool)] = "text_control"
    return canonical.astype("string"), codes


def parse_int(text: pd.Series, column: Column) -> Parsed:
    number = _number(text)
    codes = _codes(text.index)
    codes[number.isna() | (number % 1 != 0)] = "int_format"
    codes[text.str.replace(r"\s+", "", regex=True).str.match(THOUSANDS).fillna(False).astype(bool)] = "count_thousands"
    outside = (number < (column.minimum or 0)) | (number > (column.maximum or 10**9))
    codes[codes.isna() & outside] = "int_range"
    return number.where(codes.isna()).astype("Int64"), codes


def parse_count(text: pd.Series, column: Column) -> Parsed:
    """A whole number >= 0; `<5` and `*` are kept as suppressed (1 to 4), `-` and `.` refused as ambiguous."""
    squeezed = text.str.replace(r"\s+", "", regex=True)
    suppressed = squeezed.isin(SUPPRESSION_MARKERS)
    number = _number(text)
    codes = _codes(text.index)
    codes[number.isna() & ~suppressed] = "count_format"
    codes[squeezed.isin(AMBIGUOUS_MARKERS)] = "count_ambiguous"
    codes[codes.isna() & (number < 0)] = "count_negative"
    codes[codes.isna() & (number % 1 != 0)] = "count_fraction"
    codes[codes.isna() & (number > 2**53)] = "count_format"
    codes[squeezed.str.match(THOUSANDS).fillna(False).astype(bool)] = "count_thousands"  # never 1.000 -> 1
    return number.where(codes.isna() & ~suppressed).astype("Int64"), codes


PARSERS: dict[str, Callable[[pd.Series, Column], Parsed]] = {
    "year": parse_year,
    "brin": parse_brin,
    "kvk": _digits(8, "kvk_format", pad=True),
    "crebo": _digits(5, "crebo_format", pad=False),
    "text": parse_text,
    "enum": parse_enum,
    "bool": parse_enum,
    "int": parse_int,
    "count": parse_count,
}

CODE_PARAMS: dict[str, Callable[[Column], dict[str, object]]] = {
    "enum": lambda c: {"values": ", ".join(c.values)},
    "int_range": lambda c: {"minimum": c.minimum, "maximum": c.maximum},
    "year_range": lambda c: {"minimum": FIRST_YEAR, "maximum": local_today().year + 1},
}


VALUE_PARAMS: dict[str, Callable[[str], dict[str, object]]] = {
    "brin_lookalike": lambda value: {"characters": ", ".join(lookalikes(value))},
}
"""Message parameters that depend on the value found (so each distinct value is its own problem anyway)."""


def _spread(per_value: pd.Series, row_codes: np.ndarray, index: pd.Index) -> pd.Series:
    """Per-distinct-value results back onto the rows by their codes, typed; code -1 (an empty cell) gets NA."""
    return pd.Series(per_value.array.take(row_codes, allow_fill=True), index=index)


def _spread_flags(per_value: pd.Series, row_codes: np.ndarray) -> np.ndarray:
    """Per-distinct-value flags onto the rows; code -1 (an empty cell) is False."""
    return np.append(per_value.fillna(False).to_numpy(dtype=bool), False)[row_codes]


def _rows_per_value(rows: np.ndarray, values: pd.Series) -> list[tuple[str | None, np.ndarray]]:
    """Group Excel rows by the value found (vectorised): one entry per distinct value, rows ascending."""
    keys, uniques = pd.factorize(values.to_numpy(dtype=object), use_na_sentinel=True)
    order = np.argsort(keys, kind="stable")
    bounds = np.flatnonzero(np.diff(keys[order])) + 1
    groups = []
    for chunk in np.split(order, bounds):
        key = keys[chunk[0]]
        groups.append((None if key < 0 else str(uniques[key]), rows[chunk]))
    return sorted(groups, key=lambda group: int(group[1][0]))


def _problems_at(
    mask: pd.Series,
    raw: RawSheet,
    sheet: Sheet,
    column: str,
    code: str,
    extra: dict[str, object] | None = None,
    found: pd.Series | None = None,
) -> list[Problem]:
    """One problem per distinct value found where `mask` holds, carrying all its rows (not one per row)."""
    picked = mask.to_numpy(dtype=bool)
    if not picked.any():
        return []
    rows = raw.excel_rows.to_numpy()[picked]
    if found is None:
        position = raw_positions(raw, sheet).get(column)
        found = raw.rows[position] if position is not None else pd.Series(pd.NA, index=mask.index, dtype="string")
    params = CODE_PARAMS.get(code, lambda c: {})(sheet.column(column)) | (extra or {})
    per_value = VALUE_PARAMS.get(code, lambda value: {})
    return [
        Problem(code, sheet.name, None, column, value, params=params | per_value(value or ""), rows=tuple(r.tolist()))
        for value, r in _rows_per_value(rows, found[picked])
    ]


def raw_positions(raw: RawSheet, sheet: Sheet) -> dict[str, int]:
    """Canonical column name -> position in the raw frame (first occurrence wins)."""
    lookup = sheet.header_lookup
    positions: dict[str, int] = {}
    for position, cell in enumerate(raw.header):
        name = lookup.get(normalise_key(cell))
        if name is not None and name not in positions:
            positions[name] = position
    return positions


def _header_problems(raw: RawSheet, sheet: Sheet) -> list[Problem]:
    lookup = sheet.header_lookup
    problems, seen = [], set()
    for cell in raw.header:
        name = lookup.get(normalise_key(cell))
        if not cell.strip():
            continue
        if name is None:
            problems.append(Problem("column_unknown", sheet.name, raw.header_row, cell, severity="warning"))
        elif name in seen:
            problems.append(Problem("column_twice", sheet.name, raw.header_row, cell, severity="warning"))
        seen.add(name)
    for column in sheet.columns:
        if column.required and column.name not in seen:
            problems.append(Problem("column_missing", sheet.name, raw.header_row, column.name))
    return problems


def _without_total_row(raw: RawSheet) -> tuple[RawSheet, list[Problem]]:
    if raw.rows.empty:
        return raw, []
    last = raw.rows.iloc[-1].dropna()
    if not any(normalise_key(cell) in TOTAL_WORDS for cell in last):
        return raw, []
    note = Problem(
        "total_row", raw.schema.name if raw.schema else raw.name, int(raw.excel_rows.iloc[-1]), severity="warning"
    )
    trimmed = RawSheet(raw.name, raw.schema, raw.header, raw.rows.iloc[:-1], raw.excel_rows.iloc[:-1], raw.header_row)
    return trimmed, [note]


def clean_sheet(
    raw: RawSheet, known_schools: set[str] | None = None, as_school: str | None = None
) -> tuple[pd.DataFrame, list[Problem]]:
    """One recognised sheet to a typed frame in the schema's columns, with every problem found (also in the
    columns present when a required one is missing: a school fixes its file once)."""
    sheet = raw.schema
    assert sheet is not None
    if not raw.header:
        required = ", ".join(c.name for c in sheet.columns if c.required)
        return pd.DataFrame(columns=list(sheet.stored_columns)), [
            Problem("header_not_found", raw.name, params={"columns": required})
        ]
    raw, problems = _without_total_row(raw)
    problems += _header_problems(raw, sheet)
    if raw.rows.empty:  # the template's unused sheets may stay in the file
        return pd.DataFrame(columns=list(sheet.stored_columns)), problems
    positions = raw_positions(raw, sheet)
    clean = pd.DataFrame(index=raw.rows.index)
    key_codes: list[np.ndarray] = []
    for column in sheet.columns:
        if column.name in positions:
            found = raw.rows[positions[column.name]]
        else:
            found = pd.Series(pd.NA, index=raw.rows.index, dtype="string")
        # Parse each distinct value once: a 100k-row column rarely holds more than a few hundred.
        # Work on category codes: each distinct value is parsed once, results reach the rows by code.
        row_codes, uniques = pd.factorize(found)
        distinct = pd.Series(uniques, dtype="string").str.strip().replace("", pd.NA)
        values, codes = PARSERS[column.kind](distinct.fillna(""), column)
        present = pd.Series(_spread_flags(distinct.notna(), row_codes), index=clean.index)
        codes = codes.where(distinct.notna())
        parsed = values.where(distinct.notna())
        clean[column.name] = _spread(parsed, row_codes, clean.index)
        if column.name in sheet.key:  # equal values, equal codes: duplicates are found on one number per row
            key_codes.append(np.append(pd.factorize(parsed)[0], -1)[row_codes])
        if column.kind == "count":
            suppressed = distinct.str.replace(r"\s+", "", regex=True).isin(SUPPRESSION_MARKERS)
            clean[column.name + SUPPRESSED_SUFFIX] = _spread_flags(suppressed, row_codes)
        for code in codes.dropna().unique():
            mask = np.isin(row_codes, np.flatnonzero((codes == code).fillna(False).to_numpy(dtype=bool)))
            problems += _problems_at(pd.Series(mask, index=clean.index), raw, sheet, column.name, code)
        if column.required and column.name in positions:  # a missing column is one problem (column_missing)
            problems += _problems_at(~present, raw, sheet, column.name, "required")
        if column.required_when:
            other, value = column.required_when
            needed = (clean[other] == value).fillna(False) & ~present
            problems += _problems_at(needed, raw, sheet, column.name, "required_when", {"other": other, "when": value})
        if column.kind == "text":
            formula = pd.Series(_spread_flags(distinct.str.startswith(FORMULA_STARTS), row_codes), index=clean.index)
            for p in _problems_at(formula, raw, sheet, column.name, "text_formula"):
                first = {"first": (p.value or " ")[0]}
                problems.append(Problem(p.code, p.sheet, None, p.column, p.value, "warning", first, p.rows))
    if sheet.school:  # levels are only mixed within one year: without the year column they are not judged
        problems += _school_problems(clean, raw, sheet, known_schools, as_school, sheet.year in positions)
    elif as_school is not None:
        problems.append(Problem("sheet_not_yours", sheet.name))
    if all(c.name in positions for c in sheet.columns if c.required and c.name in sheet.key):  # else rows look alike
        problems += _duplicate_problems(clean, raw, sheet, _repeated(key_codes, len(clean)))
    return clean.reset_index(drop=True), problems


def _school_problems(
    clean: pd.DataFrame,
    raw: RawSheet,
    sheet: Sheet,
    known: set[str] | None,
    as_school: str | None,
    judge_levels: bool = True,
) -> list[Problem]:
    """Schools outside the register, outside the account's own school, and both levels of one institution."""
    codes = clean[sheet.school]
    row_codes, uniques = pd.factorize(codes)  # a file names a handful of schools: each is judged once
    distinct = pd.Series(uniques, dtype="string")
    well_formed_once = distinct.str.fullmatch(BRIN_PATTERN).fillna(False).astype(bool)
    well_formed = _spread_flags(well_formed_once, row_codes)
    foreign = np.zeros(len(codes), dtype=bool)
    problems: list[Problem] = []
    if as_school is not None:  # "14SM" covers every location of the institution, "14SM05" that location only;
        account = normalised_brin(as_school)  # an empty or malformed account code covers nothing
        foreign = well_formed & ~_spread_flags(_covered(distinct, account), row_codes)
        problems += _problems_at(
            _rows(foreign, clean), raw, sheet, sheet.school, "brin_not_yours", {"school": account}, codes
        )
    if known is not None:  # a foreign school is refused as foreign; whether it is registered does not matter
        unknown = well_formed & ~foreign & ~_spread_flags(distinct.str[:4].isin(known), row_codes)
        problems += _problems_at(_rows(unknown, clean), raw, sheet, sheet.school, "brin_unknown", found=codes)
    if not judge_levels:
        return problems
    return problems + _mixed_level_problems(clean, raw, sheet, distinct, row_codes, well_formed)


def _rows(flags: np.ndarray, clean: pd.DataFrame) -> pd.Series:
    return pd.Series(flags, index=clean.index)


def _covered(codes: pd.Series, account: str) -> pd.Series:
    """Per code: whether the account code covers it (vectorised `brin.covers`)."""
    if not is_brin(account):
        return pd.Series(False, index=codes.index)
    covered = codes == account
    if len(account) == 4:
        covered |= codes.str[:4] == account
    return covered.fillna(False).astype(bool)


def _mixed_level_problems(
    clean: pd.DataFrame,
    raw: RawSheet,
    sheet: Sheet,
    distinct: pd.Series,
    row_codes: np.ndarray,
    well_formed: np.ndarray,
) -> list[Problem]:
    """Rows for a whole institution (14SM) in a year for which the same file also holds its locations (14SM05)."""
    whole = _spread_flags(distinct.str.len() == 4, row_codes) & well_formed
    location = well_formed & ~whole
    institution = np.append(pd.factorize(distinct.str[:4])[0], -1)[row_codes]
    year = pd.factorize(clean[sheet.year])[0]
    group = pd.factorize(institution.astype(np.int64) * (int(year.max(initial=0)) + 2) + year + 1)[0]
    has_whole = np.bincount(group, weights=whole) > 0
    has_location = np.bincount(group, weights=location) > 0
    mixed = well_formed & has_whole[group] & has_location[group]
    clash = mixed & whole
    if not clash.any():
        return []
    codes = clean[sheet.school]
    listed = codes[mixed & location].groupby(codes[mixed & location].str[:4]).agg(lambda c: ", ".join(sorted(set(c))))
    return [
        p
        for code, locations in listed.items()
        for p in _problems_at(
            _rows(clash & (codes.str[:4] == code).fillna(False).to_numpy(dtype=bool), clean),
            raw,
            sheet,
            sheet.school,
            "brin_level_mixed",
            {"locations": locations},
            codes,
        )
    ]


def _repeated(codes: list[np.ndarray], rows: int) -> np.ndarray:
    """Per row: whether another row has the same codes in every column (missing equals missing)."""
    combined = np.zeros(rows, dtype=np.int64)
    for column in codes:
        width = int(column.max(initial=-1)) + 2  # codes from -1 (missing)
        if combined.max(initial=0) >= 2**62 // width:  # renumber before the product could overflow
            combined = pd.factorize(combined)[0].astype(np.int64)
        combined = combined * width + column + 1
    return pd.Series(combined).duplicated(keep=False).to_numpy()


def _duplicate_problems(clean: pd.DataFrame, raw: RawSheet, sheet: Sheet, repeated: np.ndarray) -> list[Problem]:
    """One problem per later copy of a row whose key another row has already."""
    key = list(sheet.key)
    duplicated = pd.Series(repeated, index=clean.index)
    if not duplicated.any():
        return []
    rows = pd.Series(raw.excel_rows.to_numpy(), index=clean.index)
    first_row = (
        rows[duplicated].groupby([clean.loc[duplicated, k].astype("string").fillna("") for k in key]).transform("min")
    )
    later = first_row[rows[duplicated] != first_row]
    return [
        Problem("duplicate", sheet.name, params={"other": int(other)}, rows=tuple(r.tolist()))
        for other, r in _rows_per_value(rows[later.index].to_numpy(), later.astype("string"))
    ]


def validated(
    sheets: list[RawSheet], known_schools: set[str] | None = None, as_school: str | None = None
) -> tuple[dict[str, pd.DataFrame], list[Problem]]:
    """Every recognised sheet cleaned; problems of all sheets together, errors and warnings."""
    frames: dict[str, pd.DataFrame] = {}
    origin: dict[str, str] = {}
    problems: list[Problem] = []
    for raw in sheets:
        if raw.schema is None:
            if normalise_key(raw.name) == normalise_key(INSTRUCTIONS_SHEET):
                continue  # the template's own instructions, kept by the school: nothing to report
            problems.append(Problem("sheet_skipped", raw.name, severity="warning"))
            continue
        name = raw.schema.name
        if name in frames:
            problems.append(Problem("sheet_twice", raw.name, params={"sheet": name, "other": origin[name]}))
            continue
        frame, found = clean_sheet(raw, known_schools, as_school)
        origin[name] = raw.name
        problems += found
        if not frame.empty:
            frames[name] = frame
    if not origin:
        problems.append(Problem("no_sheets"))
    elif not frames and not any(p.severity == "error" for p in problems):
        problems.append(Problem("no_rows"))
    problems.sort(key=lambda p: (p.sheet or "", p.row or 0))
    return frames, problems
