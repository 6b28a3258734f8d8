"""Grouped problems benchmark: a 100k-row file from a school outside the register, against the same file from a
registered school (no problems) in the same run.

Run: python bench/bench_problems.py [--rows 100000] [--no-page]
Prints: the check of both files; for the refused one the number of problems, the time to build the page's
table, the command-line lines and the CSV; and (unless --no-page) the upload page through Streamlit's AppTest:
the first run (upload, check, render) and a rerun (render only: what follows "Controle klaar").
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import bench_import  # noqa: E402  (the realistic workbook writer: shared strings, as Excel writes them)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _workbook(folder: Path, rows: int, schools: list[str]) -> Path:
    bench_import.SCHOOLS[:] = schools
    path = folder / f"leerlingen_{'_'.join(schools)}_{rows}.xlsx"
    bench_import.write_delivery(path, rows)
    return path


def _timed(function, *args):
    started = time.perf_counter()
    result = function(*args)
    return result, time.perf_counter() - started


def _small(folder: Path) -> bytes:
    path = _workbook(folder, 100, ["14SM05"])
    return path.read_bytes()


def domain(refused: Path, accepted: Path) -> None:
    from kpi.delivery.ingest import checked_file
    from kpi.delivery.problem_list import problem_csv_table, problem_summary, problem_table, report_lines
    from kpi.views.export import csv_bytes

    checked_file(_small(accepted.parent), "warm-up.xlsx")  # imports and first calls out of the figures
    good, good_seconds = _timed(checked_file, accepted.read_bytes(), accepted.name)
    bad, bad_seconds = _timed(checked_file, refused.read_bytes(), refused.name)
    assert good.ok and not bad.ok
    print(f"check, registered school (baseline): {good_seconds:.2f} s, {len(good.problems)} problems")
    print(f"check, unknown school:               {bad_seconds:.2f} s, {len(bad.problems)} grouped problem(s)")
    _, table_seconds = _timed(problem_table, bad.problems)
    lines, lines_seconds = _timed(report_lines, bad.problems)
    csv, csv_seconds = _timed(lambda: csv_bytes(problem_csv_table(bad.problems)))
    print(f"page table {table_seconds * 1000:.1f} ms; command line {len(lines)} line(s) in {lines_seconds * 1000:.1f} ms; "
          f"CSV {len(csv):,} bytes in {csv_seconds * 1000:.1f} ms")  # fmt: skip
    print(f"summary: {problem_summary(bad.problems)}")
    print(f"line: {lines[0][:110]}…")


def page(refused: Path, folder: Path) -> None:
    os.environ["TECHNIEKPACT_DB"] = f"sqlite:///{folder / 'page.db'}"
    os.environ["TECHNIEKPACT_USERS"] = str(folder / "users.toml")
    from streamlit.testing.v1 import AppTest

    from kpi.settings.users import add_user, authenticated

    add_user("beheer", "bench-wachtwoord", "admin")
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=600)
    app.run()
    app.session_state["user"] = authenticated("beheer", "bench-wachtwoord")
    app.switch_page("pages/aanleveren.py")
    app.run()
    app.file_uploader[0].set_value((refused.name, refused.read_bytes(), XLSX))
    _, first = _timed(app.run)
    _, rerun = _timed(app.run)
    shown = [t.value for t in app.table]
    assert not app.exception and shown and len(shown[0]) == 1, (app.exception, shown)
    print(f"upload page, first run (upload + check + render): {first:.2f} s; rerun after 'Controle klaar': "
          f"{rerun:.2f} s; the list shows {len(shown[0])} line")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--no-page", action="store_true", help="skip the AppTest run of the upload page")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        refused = _workbook(folder, args.rows, ["25LJ07"])
        accepted = _workbook(folder, args.rows, ["14SM05"])
        print(f"{args.rows:,} rows, {refused.stat().st_size / 1e6:.1f} MB each")
        domain(refused, accepted)
        if not args.no_page:
            page(refused, folder)


if __name__ == "__main__":
    main()
