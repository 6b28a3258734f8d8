"""Grouped problems benchmark: a 100k-row file from a school outside the register, against the same file from a
registered school (no problems) in the same run.

Run: python bench/bench_problems.py [--rows 100000] [--no-page] [--browser]
Prints: the check of both files; for the refused one the number of problems, the time to build the page's
table, the command-line lines and the CSV; and (unless --no-page) the upload page through Streamlit's AppTest:
the first run (upload, check, render) and a rerun (render only: what follows "Controle klaar"); with --browser,
headless Chromium against `streamlit run` on port 8513: from "Controle klaar" on screen to the list on screen.
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
    from streamlit.testing.v1 import AppTest

    from kpi.delivery.storage import engine_for
    from kpi.settings.users import add_user, authenticated

    engine = engine_for()
    add_user(engine, "beheer", "bench-wachtwoord", "admin")
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=600)
    app.run()
    app.session_state["user"] = authenticated(engine, "beheer", "bench-wachtwoord")
    app.switch_page("pages/aanleveren.py")
    app.run()
    app.file_uploader[0].set_value((refused.name, refused.read_bytes(), XLSX))
    _, first = _timed(app.run)
    _, rerun = _timed(app.run)
    shown = [t.value for t in app.table]
    assert not app.exception and shown and len(shown[0]) == 1, (app.exception, shown)
    print(f"upload page, first run (upload + check + render): {first:.2f} s; rerun after 'Controle klaar': "
          f"{rerun:.2f} s; the list shows {len(shown[0])} line")  # fmt: skip


def browser(refused: Path, folder: Path) -> None:
    """Headless Chromium against `streamlit run`: seconds from "Controle klaar" on screen to the list on screen."""
    from bench_pages import Server
    from playwright.sync_api import sync_playwright

    from kpi.delivery.storage import engine_for
    from kpi.settings.users import add_user

    database = f"sqlite:///{folder / 'browser.db'}"
    add_user(engine_for(database), "bench", "bench-wachtwoord", "admin", by="bench")
    server = Server(database)
    try:
        url = server.url
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
            page = chromium.new_page(viewport={"width": 1280, "height": 900})
            page.goto(url)  # the first visit runs the frame (and loads the demo set)
            page.wait_for_selector("[data-testid='stMetric']", timeout=120_000)
            page.goto(f"{url}/aanleveren")
            page.get_by_text("Inloggen").first.click()
            page.get_by_label("Gebruikersnaam").fill("bench")
            page.get_by_label("Wachtwoord").fill("bench-wachtwoord")
            page.get_by_role("button", name="Inloggen").click()
            page.wait_for_selector("[data-testid='stFileUploader']", timeout=60_000)
            started = time.perf_counter()
            page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(refused))
            page.get_by_text("Controle klaar").wait_for(timeout=300_000)
            checked = time.perf_counter()
            page.wait_for_selector("[data-testid='stTable']", timeout=300_000)
            shown = time.perf_counter()
            chromium.close()
        print(f"browser: upload to 'Controle klaar' {checked - started:.2f} s; 'Controle klaar' to the grouped list "
              f"{shown - checked:.2f} s")  # fmt: skip
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--no-page", action="store_true", help="skip the AppTest run of the upload page")
    parser.add_argument("--browser", action="store_true", help="also time the page in headless Chromium")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        refused = _workbook(folder, args.rows, ["25LJ07"])
        accepted = _workbook(folder, args.rows, ["14SM05"])
        print(f"{args.rows:,} rows, {refused.stat().st_size / 1e6:.1f} MB each")
        domain(refused, accepted)
        if not args.no_page:
            page(refused, folder)
        if args.browser:
            browser(refused, folder)


if __name__ == "__main__":
    main()
