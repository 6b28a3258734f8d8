"""Grouped problems: one line per distinct problem, rows as ranges, a summary in Dutch numbers, a useful CSV."""

from __future__ import annotations

import datetime as dt

import pytest

from kpi.delivery.ingest import checked_file
from kpi.delivery.messages import Problem
from kpi.delivery.problem_list import (
    count_text,
    problem_csv_table,
    problem_summary,
    problem_table,
    problems_file_name,
    report_lines,
    row_ranges,
    rows_text,
    rows_touched,
)
from tests.conftest import HEADER, workbook_bytes


@pytest.mark.parametrize(
    ("rows", "ranges"),
    [
        ([], []),
        ([5], [(5, 5)]),
        ([2, 3, 4], [(2, 4)]),
        ([2, 3, 4, 7], [(2, 4), (7, 7)]),
        ([3, 5, 7], [(3, 3), (5, 5), (7, 7)]),
        ([10, 11, 20, 21, 22, 40], [(10, 11), (20, 22), (40, 40)]),
    ],
)
def test_row_ranges(rows, ranges):
    assert row_ranges(rows) == ranges


@pytest.mark.parametrize(
    ("rows", "language", "shown", "text"),
    [
        ([], "nl", 12, ""),
        ([5], "nl", 12, "rij 5"),
        ([5], "en", 12, "row 5"),
        (list(range(2, 97)), "nl", 12, "rijen 2–96 (95 rijen)"),
        ([3, 4], "nl", 12, "rijen 3–4 (2 rijen)"),
        ([3, 5, 9, 10, 11], "en", 12, "rows 3, 5, 9–11 (5 rows)"),
        (list(range(2, 1236)), "nl", 12, "rijen 2–1235 (1.234 rijen)"),
        (list(range(2, 40, 2)), "nl", 3, "rijen 2, 4, 6, … (19 rijen)"),
        (list(range(2, 40, 2)), "nl", None, "rijen " + ", ".join(map(str, range(2, 40, 2))) + " (19 rijen)"),
    ],
)
def test_rows_text(rows, language, shown, text):
    assert rows_text(rows, language, shown) == text


@pytest.mark.parametrize(("n", "nl", "en"), [(0, "0", "0"), (999, "999", "999"), (1234, "1.234", "1,234"), (100000, "100.000", "100,000")])  # fmt: skip
def test_count_text(n, nl, en):
    assert (count_text(n, "nl"), count_text(n, "en")) == (nl, en)


UNKNOWN = Problem("brin_unknown", "leerlingen", column="brin", value="25LJ07", rows=tuple(range(2, 97)))
NEGATIVE = Problem("count_negative", "leerlingen", column="aantal", value="-3", rows=(12,))
TOTAL = Problem("total_row", "leerlingen", 97, severity="warning")
UNREADABLE = Problem("file_unreadable")


@pytest.mark.parametrize(
    ("problems", "summary"),
    [
        ([UNKNOWN], "1 fout in 95 rijen"),
        ([UNKNOWN, NEGATIVE], "2 verschillende fouten in 95 rijen"),  # row 12 is counted once
        ([UNKNOWN, NEGATIVE, TOTAL], "2 verschillende fouten in 95 rijen; 1 waarschuwing in 1 rij"),
        ([UNREADABLE], "1 fout"),
        ([Problem("brin_unknown", "leerlingen", rows=tuple(range(2, 1236)))], "1 fout in 1.234 rijen"),
    ],
)
def test_summary_counts_distinct_problems_and_rows_touched(problems, summary):
    assert problem_summary(problems, "nl") == summary


def test_rows_touched_counts_each_row_of_each_sheet_once():
    other_sheet = Problem("required", "organisaties", column="naam", rows=(2, 3))
    assert rows_touched([UNKNOWN, NEGATIVE, other_sheet]) == 97


def test_report_line_has_the_contract_form():
    assert report_lines([UNKNOWN])[0].startswith(
        "FOUT: blad leerlingen, rijen 2–96 (95 rijen), kolom brin, gevonden '25LJ07' — "
    )
    assert report_lines([TOTAL])[0] == "WAARSCHUWING: blad leerlingen, rij 97 — Totaalregel herkend en weggelaten."


def test_csv_table_has_integer_rows_and_every_range():
    scattered = Problem("count_negative", "leerlingen", column="aantal", value="-1", rows=tuple(range(2, 60, 2)))
    table = problem_csv_table([UNKNOWN, scattered, UNREADABLE])
    assert list(table.columns) == [
        "soort", "blad", "rijen", "eerste_rij", "laatste_rij", "aantal_rijen", "kolom", "gevonden", "verwacht",
    ]  # fmt: skip
    numbers = table[["eerste_rij", "laatste_rij", "aantal_rijen"]]
    assert numbers.iloc[:2].values.tolist() == [[2, 96, 95], [2, 58, 29]]
    assert numbers.iloc[2].isna().tolist() == [True, True, False] and numbers.iloc[2, 2] == 0  # a whole-file problem
    assert all(str(dtype) == "Int64" for dtype in numbers.dtypes)
    assert "…" not in table.loc[1, "rijen"] and "…" in problem_table([scattered]).loc[0, "rijen"]


@pytest.mark.parametrize(
    ("file_name", "name"),
    [
        ("leerlingen 2016.xlsx", "problemen_leerlingen_2016_2026-11-28.csv"),
        ("../../etc/passwd", "problemen_passwd_2026-11-28.csv"),
        ("Ça va?.csv", "problemen_a_va_2026-11-28.csv"),
        (".xlsx", "problemen_xlsx_2026-11-28.csv"),
    ],
)
def test_problems_file_name(file_name, name):
    assert problems_file_name(file_name, dt.date(2026, 11, 28)) == name


def _rows(n: int, brin: str = "25LJ07") -> list[list[object]]:
    return [[2015, brin, "MBO College", "MBO-4", 1, f"Opleiding {i}", "instroom", 5] for i in range(n)]


def test_an_unknown_school_is_one_problem_with_all_its_rows():
    checked = checked_file(workbook_bytes({"leerlingen": [HEADER, *_rows(95)]}), "mbo.xlsx")
    assert [(p.code, p.value, p.rows) for p in checked.problems] == [("brin_unknown", "25LJ07", tuple(range(2, 97)))]


@pytest.mark.parametrize(
    ("cells", "expected"),
    [  # (brin column per row) -> (value, rows) per problem, in row order
        (["25LJ07", "25LJ07", "14SM05", "25LJ07"], [("25LJ07", (2, 3, 5))]),
        (["25LJ07", "99XX01", "25LJ07"], [("25LJ07", (2, 4)), ("99XX01", (3,))]),
        (["25lj07", "25LJ07"], [("25LJ07", (2, 3))]),  # grouped on the code, not on its spelling
    ],
)
def test_grouping_is_per_distinct_value(cells, expected):
    rows = [[2015, brin, "x", "VMBO-KB", 3, f"P{i}", "instroom", 5] for i, brin in enumerate(cells)]
    checked = checked_file(workbook_bytes({"leerlingen": [HEADER, *rows]}), "x.xlsx")
    assert [(p.value, p.rows) for p in checked.errors] == expected


def test_duplicates_of_one_row_are_one_problem():
    row = [2015, "14SM05", "x", "VMBO-KB", 3, "PIE", "instroom", 5]
    checked = checked_file(
        workbook_bytes({"leerlingen": [HEADER, row, row, [*row[:5], "BWI", *row[6:]], row]}), "x.xlsx"
    )
    assert [(p.code, p.rows, p.params["other"]) for p in checked.errors] == [("duplicate", (3, 5), 2)]


def test_100k_rows_of_an_unknown_school_are_one_problem_and_one_line():
    """Grouped where found (bench/bench_problems.py times it), so no 100k problem objects are ever made."""
    import pandas as pd

    from kpi.delivery.reading import RawSheet
    from kpi.delivery.schema import SHEETS
    from kpi.delivery.validation import validated

    n = 100_000
    frame = pd.DataFrame(_rows(n), dtype="string")
    raw = RawSheet("leerlingen", SHEETS["leerlingen"], HEADER, frame, pd.Series(range(2, n + 2)), 1)
    _, problems = validated([raw], {"14SM"})
    assert [(p.code, len(p.rows)) for p in problems] == [("brin_unknown", n)]
    assert report_lines(problems) == [
        f"FOUT: blad leerlingen, rijen 2–100001 (100.000 rijen), kolom brin, gevonden '25LJ07' — {problems[0].message()}"
    ]
