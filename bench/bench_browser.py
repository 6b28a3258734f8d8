"""Browser benchmark: every dashboard page against the floor, a Streamlit page with one chart, in one run.

Run: python bench/bench_browser.py [--repeat 7]
Needs Chromium and Playwright (as the browser tests). Starts the dashboard on the demo set and a one-chart
Streamlit app beside it (two pages: a title, and a title with one chart), and in headless Chromium at 1280x900
goes to each page as a user does, by its link in the sidebar: the time from the click to the page settled (its
URL, no skeleton, nothing running or stale, every chart drawn, and the count of charts steady for 0.5 s). The
first visit warms the caches; the median of the next visits is reported, divided by the floor's median (the
one-chart page reached the same way) from the same run.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from bench_pages import Server  # noqa: E402

PAGES = ["", "kiezen", "leren", "werken", "doorstroom", "verkenner", "doelen"]
FLOOR_APP = """
import plotly.graph_objects as go
import streamlit as st


def start():
    st.title("Start")


def grafiek():
    st.title("Een grafiek")
    years = list(range(2010, 2024))
    st.plotly_chart(go.Figure(go.Scatter(x=years, y=[100 + 3 * i for i in range(len(years))])), theme=None)


st.navigation([st.Page(start, url_path="start", default=True), st.Page(grafiek, url_path="grafiek")]).run()
"""
STATE = """(path) => {
    if (!location.pathname.endsWith(path)) return "";
    const busy = document.querySelector(
        "[data-testid='stSkeleton'], [data-testid='stStatusWidget'], [data-stale='true']");
    const title = document.querySelector("[data-testid='stMainBlockContainer'] h1");
    const charts = document.querySelectorAll("[data-testid='stPlotlyChart']").length;
    const drawn = document.querySelectorAll("[data-testid='stPlotlyChart'] .svg-container").length;
    const elements = document.querySelectorAll("[data-testid='stMainBlockContainer'] [data-testid]").length;
    return !busy && title && charts === drawn ? `${charts} charts, ${elements} elements` : "";
}"""
"""What the page shows once nothing is running or stale and every chart is drawn ("" before): settled when it
stays the same for the quiet time, at the moment it first appeared."""


def settled_seconds(page, server_url: str, path: str, quiet: float = 0.5) -> tuple[float, int]:
    """Seconds from a click on `path` in the sidebar's page list until that page is settled, and its charts."""
    start = time.perf_counter()
    page.locator(f"[data-testid='stSidebarNav'] a[href$='/{path}']").first.click()
    since, shown = None, ""
    while True:
        state = page.evaluate(STATE, "/" + path)
        now = time.perf_counter()
        if state and state == shown:
            if now - since >= quiet:
                return since - start, int(state.split()[0])
        else:
            since, shown = now, state
        if now - start > 120:
            raise SystemExit(f"{path} did not settle")
        time.sleep(0.02)


def median_visit(page, server_url: str, path: str, away: str, repeat: int) -> tuple[float, int]:
    """The median settled time of `repeat` visits to `path` from `away`, after a first one, and its charts."""
    page.goto(f"{server_url}/{away}")
    settled_seconds(page, server_url, away)
    visits = []
    for _ in range(repeat + 1):  # the first visit warms the server's caches and the browser's
        visits.append(settled_seconds(page, server_url, path))
        settled_seconds(page, server_url, away)
    return statistics.median(v[0] for v in visits[1:]), visits[-1][1]


def server_ms(server: Server, since: int, path: str) -> str:
    """The median of the page's script runs the dashboard logged since `since` (its own render time)."""
    times = [ms for name, ms in server.renders[since:] if name == (path or "overzicht")]
    return f"{statistics.median(times):.0f} ms x {len(times)} runs" if times else "-"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--pages", nargs="*", default=PAGES, help="url paths ('' is the overview)")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        floor_script = Path(folder) / "floor.py"
        floor_script.write_text(FLOOR_APP)
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        floor = Server(f"sqlite:///{Path(folder) / 'floor.db'}", script=floor_script)
        dashboard = Server(f"sqlite:///{Path(folder) / 'demo.db'}")
        try:
            base, _ = median_visit(page, floor.url, "grafiek", "", args.repeat)
            print(f"floor (one chart): {base * 1000:.0f} ms (median of {args.repeat})")
            for path in args.pages:
                logged = len(dashboard.renders)
                away = "doelen" if path != "doelen" else "verkenner"
                seconds, charts = median_visit(page, dashboard.url, path, away, args.repeat)
                print(
                    f"  /{path}: {seconds * 1000:.0f} ms ({charts} charts; script {server_ms(dashboard, logged, path)}): "
                    f"{seconds / base:.2f}x the floor (goal <= 1.3)"
                )
            base_again, _ = median_visit(page, floor.url, "grafiek", "", args.repeat)
            print(f"floor again: {base_again * 1000:.0f} ms")
        finally:
            floor.stop()
            dashboard.stop()
        browser.close()


if __name__ == "__main__":
    main()
