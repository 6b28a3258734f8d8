"""Dashboard benchmark: the server's own time per script run, read from its debug log, with a real browser.

Run: python bench/bench_pages.py [--national-rows 1000000]
Needs Chromium and Playwright (as the browser test). Starts `streamlit run dashboard.py --logger.level=debug`,
where dashboard.py logs "render <page> <ms> ms" for every run, and drives it with headless Chromium:
- demo data: the overview's first render, then warm reruns (page reloads with warm caches);
- national data (1M fact rows): on every page, a school filter change (first and warm).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

PAGES = ["", "kiezen", "leren", "werken", "doorstroom", "verkenner", "doelen"]
RENDER = re.compile(r"render (\S+) ([0-9.]+) ms")
SETTLED = """() => !document.querySelector("[data-testid='stSkeleton']")
    && !document.querySelector("[data-testid='stStatusWidget']")
    && document.querySelector("[data-testid='stMainBlockContainer'] h1")"""


class Server:
    """streamlit run dashboard.py (or another script) on a free port, its render times collected from the debug log."""

    def __init__(self, database: str, script: Path = ROOT / "dashboard.py"):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        env = {**os.environ, "TECHNIEKPACT_DB": database}
        command = [sys.executable, "-m", "streamlit", "run", str(script), "--server.address", "127.0.0.1",
                   "--server.port", str(self.port), "--logger.level", "debug"]  # fmt: skip
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        self.times: list[float] = []
        self.renders: list[tuple[str, float]] = []
        """(page, ms) of every script run, in order."""
        threading.Thread(target=self._read, daemon=True).start()
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2)
                return
            except OSError:
                time.sleep(0.5)
        raise RuntimeError("streamlit did not start")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _read(self) -> None:
        for line in self.process.stdout:
            found = RENDER.search(line)
            if found:
                self.times.append(float(found.group(2)))
                self.renders.append((found.group(1), float(found.group(2))))

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=20)


def visit(server: Server, page, path: str) -> float:
    """Open a URL, wait until the script has run, and return the server time of the last run."""
    before = len(server.times)
    page.goto(f"{server.url}/{path}", wait_until="domcontentloaded")
    page.wait_for_function(SETTLED, timeout=300_000)
    deadline = time.monotonic() + 30
    while len(server.times) == before and time.monotonic() < deadline:
        time.sleep(0.05)
    page.wait_for_timeout(300)
    return server.times[-1]


MAIN = "[data-testid='stMainBlockContainer']"


def check_filtered(page, school: str, unfiltered: str | None) -> None:
    """The measurement is of a filtered page: the sidebar holds the school, and (on the overview) the figures
    differ from the whole region's. Stops the benchmark otherwise."""
    sidebar = page.locator("[data-testid='stSidebar']").inner_text()
    if f"School {school}" not in sidebar:
        raise SystemExit(f"the school filter was dropped: {school} is not selected")
    if unfiltered is not None and page.locator(MAIN).inner_text() == unfiltered:
        raise SystemExit(f"the school filter on {school} changed nothing on the overview")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--national-rows", type=int, default=1_000_000)
    args = parser.parse_args()
    from bench_kpis import national_leerlingen
    from playwright.sync_api import sync_playwright

    from kpi.delivery.storage import DeliveryMeta, engine_for, store_many

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium, args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
        )
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        demo = Server(f"sqlite:///{Path(folder) / 'demo.db'}")
        try:
            first = visit(demo, page, "")
            warm = [visit(demo, page, "") for _ in range(5)]
            print(
                f"demo data, overview: first render {first:.0f} ms (includes loading the demo set), warm rerun {statistics.median(warm):.0f} ms (median of 5)"
            )
        finally:
            demo.stop()
        url = f"sqlite:///{Path(folder) / 'national.db'}"
        frame = national_leerlingen(args.national_rows)
        frame["school"] = "School " + frame["brin"]  # the filter offers schools by name: without one, none
        store_many(engine_for(url), [({"leerlingen": frame}, DeliveryMeta("national.xlsx", "1" * 64, "bench"))])
        schools = sorted(frame["brin"].unique())[:3]
        national = Server(url)
        try:
            print(
                f"national data ({len(frame):,} rows), overview first render: {visit(national, page, ''):.0f} ms (loads every fact)"
            )
            unfiltered = page.locator(MAIN).inner_text()
            for path in PAGES:
                changes = []
                for school in schools + schools:
                    label = urllib.parse.quote_plus(f"School {school} ({school})")
                    changes.append(visit(national, page, f"{path}?school={label}"))
                    check_filtered(page, school, unfiltered if path == "" else None)
                print(
                    f"  /{path}: school filter change first {changes[0]:.0f} ms, warm {statistics.median(changes[3:]):.0f} ms"
                    " (filter checked: the school is selected)"
                )
        finally:
            national.stop()
        browser.close()


if __name__ == "__main__":
    main()
