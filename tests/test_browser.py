"""A real browser (Debian's Chromium, headless) against `streamlit run dashboard.py` on 127.0.0.1.

Visits every page, asserts that no exception is shown, and saves a screenshot per page under artifacts/.
Skipped with a reason where Chromium or Playwright is missing; CI installs both.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from kpi.delivery.storage import engine_for
from kpi.settings.users import add_user

ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / "artifacts" / "screenshots"
CONFIRM_IMPACT = "Ik heb de waarschuwingen gelezen en wil deze levering toch opslaan"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
PAGES = {  # page -> an element it must show once it has run
    "overzicht": "[data-testid='stMetric']",
    "kiezen": ".js-plotly-plot",
    "leren": ".js-plotly-plot",
    "werken": ".js-plotly-plot",
    "doorstroom": ".js-plotly-plot",
    "verkenner": ".js-plotly-plot",
    "doelen": "[data-testid='stTable']",
    "presentatie": ".tp-tile",
    "aanleveren": "[data-testid='stDownloadButton']",
}
SETTLED = """() => !document.querySelector("[data-testid='stSkeleton']")
    && !document.querySelector("[data-testid='stStatusWidget']")"""


def _settle(page, selector: str) -> None:
    """Wait until the script has run: the page's own element is there and nothing is still loading."""
    page.wait_for_selector(selector, timeout=60_000)
    page.wait_for_function(SETTLED, timeout=60_000)
    page.wait_for_timeout(1500)  # let charts finish drawing
    page.wait_for_function(SETTLED, timeout=60_000)


pytestmark = pytest.mark.browser


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    if CHROMIUM is None:
        pytest.skip("Chromium is not installed (apt-get install chromium; .ci/run does)")
    pytest.importorskip("playwright.sync_api")
    folder = tmp_path_factory.mktemp("browser")
    database = f"sqlite:///{folder / 'browser.db'}"
    engine = engine_for(database)
    add_user(engine, "debrink", "geheim-wachtwoord", "school", ("14SM05",))
    add_user(engine, "beheer", "nog-geheimer-wachtwoord", "admin")
    engine.dispose()
    with dashboard(database, folder) as url:
        yield url


@contextmanager
def dashboard(database: str, folder: Path) -> Iterator[str]:
    """`streamlit run dashboard.py` on `database`, on a free port; its address once it answers."""
    port = _free_port()
    env = {**os.environ, "TECHNIEKPACT_DB": database, "TECHNIEKPACT_USERS": str(folder / "users.toml")}
    command = [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.address", "127.0.0.1"]
    command += ["--server.port", str(port), "--server.headless", "true"]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{url}/_stcore/health", timeout=2)
            break
        except OSError:
            time.sleep(0.5)
    else:
        process.kill()
        pytest.fail("streamlit did not start: " + process.stdout.read().decode(errors="replace")[-2000:])
    try:
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield chromium
        chromium.close()


def test_a_deep_link_to_a_fresh_server_opens_inside_the_frame(server, browser):
    """The first request of this server goes straight to a page, in English: sections, login and language hold."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{server}/verkenner?lang=EN", wait_until="domcontentloaded")
    _settle(page, ".js-plotly-plot")
    sidebar = page.locator("[data-testid='stSidebar']").inner_text()
    assert "Action lines" in sidebar and "Log in" in sidebar  # the frame's sections and login, in English
    assert "aanleveren" not in sidebar and "verkenner" not in sidebar  # not Streamlit's list of page files
    assert page.locator("h1").first.inner_text() == "Explorer"
    page.close()


@pytest.mark.parametrize("page_name", list(PAGES))
def test_page_renders_without_exception(server, browser, page_name):
    page = browser.new_page(viewport={"width": 1280, "height": 1400})
    path = "" if page_name == "overzicht" else page_name
    page.goto(f"{server}/{path}", wait_until="domcontentloaded")
    _settle(page, PAGES[page_name])
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{page_name}.png"), full_page=True)
    assert page.locator("[data-testid='stException']").count() == 0
    assert "Traceback" not in page.content()
    page.close()


def test_filters_live_in_the_url(server, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    page.goto(f"{server}/?jaar=2015-2016&school=College+De+Brink+(14SM05)", wait_until="domcontentloaded")
    _settle(page, "[data-testid='stMetric']")
    assert "2015-2016" in page.locator("[data-testid='stMainBlockContainer']").inner_text()
    assert "College De Brink" in page.locator("[data-testid='stSidebar']").inner_text()
    page.close()


def test_a_table_opens_on_demand_and_its_link_opens_it_again(server, browser):
    """Doorstroom draws its grid only when opened; the opened state is in the URL, so the link shows it at once."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{server}/doorstroom", wait_until="domcontentloaded")
    _settle(page, ".js-plotly-plot")
    assert page.locator("[data-testid='stDataFrame']").count() == 0
    page.get_by_text("De stromen als tabel").click()
    page.wait_for_selector("[data-testid='stDataFrame']", timeout=30_000)
    assert page.url.endswith("/doorstroom?tabel=true")
    linked = browser.new_page(viewport={"width": 1280, "height": 900})
    linked.goto(page.url, wait_until="domcontentloaded")
    linked.wait_for_selector("[data-testid='stDataFrame']", timeout=60_000)
    page.close()
    linked.close()


def _download(page, button: str):
    """The file a download button gives; a click that lands during a rerun (a busy machine) is tried once more."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for attempt in range(2):
        _settle(page, "[data-testid='stDownloadButton']")
        try:
            with page.expect_download(timeout=30_000) as download:
                page.get_by_role("button", name=button).click()
            return download.value
        except PlaywrightTimeout:
            if attempt:
                raise
    raise AssertionError("unreachable")


def _upload(page, path: Path, shows: str) -> None:
    """Upload a file and wait until the page shows the outcome of its check."""
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(path))
    page.get_by_text(shows).first.wait_for(timeout=60_000)
    _settle(page, "[data-testid='stFileUploader']")


def test_school_logs_in_sees_grouped_problems_then_stores_and_the_page_resets(server, browser, tmp_path):
    from tests.conftest import GOOD_ROWS, HEADER, workbook_bytes

    page = browser.new_page(viewport={"width": 1280, "height": 1000}, accept_downloads=True)
    page.goto(server, wait_until="domcontentloaded")  # a cold server's first deep link shows the bare page
    _settle(page, "[data-testid='stMetric']")
    page.goto(f"{server}/aanleveren", wait_until="domcontentloaded")
    _settle(page, "[data-testid='stDownloadButton']")
    assert page.locator("[data-testid='stFileUploader']").count() == 0
    page.get_by_text("Inloggen").first.click()
    page.get_by_label("Gebruikersnaam").fill("debrink")
    page.get_by_label("Wachtwoord").fill("geheim-wachtwoord")
    page.get_by_role("button", name="Inloggen").click()
    _settle(page, "[data-testid='stFileUploader']")
    assert "Ingelogd als" in page.locator("[data-testid='stSidebar']").inner_text()
    assert "Hoogstens 50 MB" in page.content() or "50MB" in page.locator("[data-testid='stFileUploader']").inner_text()
    page.screenshot(path=str(SHOTS / "aanleveren_ingelogd.png"), full_page=True)

    # Another school's export with four real errors among 110 foreign rows: three lines, not 114.
    foreign = [[2015, "03FO01", "Hilfertsheem", "VMBO-KB", 3, f"Opleiding {i}", "instroom", 5] for i in range(110)]
    own = [[2015, "14SM05", "College De Brink", "VMBO-KB", 3, f"Eigen {i}", "instroom", -1] for i in range(4)]
    wrong = tmp_path / "export hilfertsheem.xlsx"
    wrong.write_bytes(workbook_bytes({"leerlingen": [HEADER, *foreign, *own]}))
    _upload(page, wrong, "2 verschillende fouten in 114 rijen")
    problems = page.locator("[data-testid='stTable']").inner_text()
    assert "rijen 2–111 (110 rijen)" in problems and "rijen 112–115 (4 rijen)" in problems
    page.screenshot(path=str(SHOTS / "aanleveren_problemen.png"), full_page=True)
    download = _download(page, "Download de lijst met problemen (CSV)")
    assert download.suggested_filename.startswith("problemen_export_hilfertsheem_")
    lines = Path(download.path()).read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "soort;blad;rijen;eerste_rij;laatste_rij;aantal_rijen;kolom;gevonden;verwacht"
    assert [line.split(";")[2:8] for line in lines[1:]] == [
        ["rijen 2–111 (110 rijen)", "2", "111", "110", "brin", "03FO01"],
        ["rijen 112–115 (4 rijen)", "112", "115", "4", "aantal", "'-1"],  # text starting with '-' is neutralised
    ]
    assert page.get_by_role("button", name="Opslaan").count() == 0

    # A good file: preview, Opslaan, and the page comes back clean.
    good = tmp_path / "brink.xlsx"
    good.write_bytes(workbook_bytes({"leerlingen": [HEADER, *GOOD_ROWS]}))
    _upload(page, good, "Wat er verandert")
    # It replaces the demo rows of 14SM05, so the impact preview warns and Opslaan waits for a confirmation.
    store = page.get_by_role("button", name="Opslaan")
    assert store.is_disabled()
    page.get_by_text(CONFIRM_IMPACT).click()
    for _ in range(300):  # up to 30 s for the rerun that enables it
        if store.is_enabled():
            break
        page.wait_for_timeout(100)
    store.click()
    page.get_by_text("Opgeslagen als levering").wait_for(timeout=60_000)
    _settle(page, "[data-testid='stFileUploader']")
    main = page.locator("[data-testid='stMainBlockContainer']")
    assert page.get_by_role("button", name="Opslaan").count() == 0
    assert "brink.xlsx" not in page.locator("[data-testid='stFileUploader']").inner_text()  # empty again
    assert "Wat er verandert" not in main.inner_text() and "2 verschillende fouten" not in main.inner_text()
    page.screenshot(path=str(SHOTS / "aanleveren_opgeslagen.png"), full_page=True)
    assert page.locator("[data-testid='stException']").count() == 0
    page.close()


def test_presentation_steps_through_every_kpi_at_1920(server, browser):
    """The meeting room: no sidebar, an overview first, then every KPI large; arrows and buttons step; the URL
    keeps the slide and the year, so one link opens the same screen."""
    from kpi.metrics.registry import KPIS

    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    page.goto(f"{server}/presentatie?jaar=2016-2017", wait_until="domcontentloaded")
    _settle(page, ".tp-tile")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "presentatie_00_overzicht.png"))
    assert not page.locator("[data-testid='stSidebar']").is_visible()
    assert page.locator(".tp-tile").count() == len(KPIS)
    assert "2016-2017" in page.locator(".tp-present-title").inner_text()
    for number, kpi in enumerate(KPIS, start=1):
        if number % 2:
            page.keyboard.press("ArrowRight")  # the keyboard shortcut of "Volgende"
        else:
            page.get_by_role("button", name="Volgende").click()
        page.wait_for_function(
            "label => document.querySelector('.tp-present-title')?.innerText === label",
            arg=kpi.label("nl"),
            timeout=60_000,
        )
        _settle(page, ".tp-present-value")
        page.screenshot(path=str(SHOTS / f"presentatie_{number:02d}_{kpi.id}.png"))
        assert f"dia={number + 1}" in page.url  # as the screen counts: the overview is slide 1
        size = page.locator(".tp-present-value").evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
        assert size >= 64
        assert page.locator(".tp-present-status .tp-badge").inner_text()
        assert page.locator("[data-testid='stException']").count() == 0
    page.keyboard.press("ArrowRight")  # the last slide: the plan's actions
    _settle(page, ".tp-tile")
    assert "Acties uit het actieplan" in page.locator(".tp-present-title").inner_text()
    page.screenshot(path=str(SHOTS / "presentatie_acties.png"))
    page.keyboard.press("ArrowLeft")
    page.wait_for_function(f"() => location.search.includes('dia={len(KPIS) + 1}')", timeout=30_000)
    page.goto(f"{server}/presentatie?jaar=2016-2017&dia=4", wait_until="domcontentloaded")  # the chair's link
    _settle(page, ".tp-present-value")
    assert page.locator(".tp-present-title").inner_text() == KPIS[2].label("nl")
    assert "2016-2017" in page.locator(".tp-present-line").nth(1).inner_text()
    page.close()


def _log_in(page, name: str, password: str) -> None:
    page.get_by_text("Inloggen").first.click()
    page.get_by_label("Gebruikersnaam").fill(name)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Inloggen").click()


def test_login_is_in_view_and_an_admin_stays_logged_in_after_f5(server, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(server, wait_until="domcontentloaded")
    _settle(page, "[data-testid='stMetric']")
    login = page.get_by_text("Inloggen").first.bounding_box()
    assert login is not None and login["y"] + login["height"] <= 900  # no scrolling to find it
    page.screenshot(path=str(SHOTS / "login_1280x900.png"))
    _log_in(page, "beheer", "nog-geheimer-wachtwoord")
    page.wait_for_selector("text=Ingelogd als", timeout=60_000)
    page.wait_for_timeout(1000)  # the cookie is written by the run after the login
    page.reload(wait_until="domcontentloaded")  # F5
    _settle(page, "[data-testid='stMetric']")
    assert "Ingelogd als beheer" in page.locator("[data-testid='stSidebar']").inner_text()
    page.goto(f"{server}/beheer", wait_until="domcontentloaded")
    _settle(page, "[data-testid='stTabs']")
    page.get_by_label("BRIN").first.fill("25LJ")
    page.get_by_label("Naam").first.fill("MBO College Hilversum")
    page.get_by_role("button", name="Opslaan").first.click()
    page.wait_for_selector("text=School 25LJ (MBO College Hilversum) staat in het register.", timeout=60_000)
    page.get_by_role("tab", name="Auditlog").click()
    page.wait_for_timeout(1500)
    page.screenshot(path=str(SHOTS / "beheer_auditlog.png"), full_page=True)
    audit = page.locator("[data-testid='stTabs'] [data-testid='stDataFrame']").last
    assert audit.is_visible()
    page.close()


def test_sixth_quick_wrong_password_is_delayed(server, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(server, wait_until="domcontentloaded")
    _settle(page, "[data-testid='stMetric']")
    page.get_by_text("Inloggen").first.click()
    for attempt in range(6):
        page.get_by_label("Gebruikersnaam").fill("raden")
        page.get_by_label("Wachtwoord").fill(f"fout-{attempt}")
        page.get_by_role("button", name="Inloggen").click()
        page.wait_for_function(SETTLED, timeout=60_000)
        page.wait_for_timeout(500)
        sidebar = page.locator("[data-testid='stSidebar']").inner_text()
        if attempt < 5:
            assert "Onbekende gebruiker of onjuist wachtwoord." in sidebar, attempt
    assert "Te veel mislukte pogingen. Probeer het over" in sidebar
    page.close()


def test_beheer_is_not_served_to_viewers(server, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(server, wait_until="domcontentloaded")
    _settle(page, "[data-testid='stMetric']")
    page.goto(f"{server}/beheer", wait_until="domcontentloaded")
    page.wait_for_timeout(4000)
    page.wait_for_function(SETTLED, timeout=60_000)
    assert page.locator("[data-testid='stTabs']").count() == 0
    assert "School toevoegen" not in page.content()
    page.close()


def test_a_delivery_that_removes_rows_is_stored_only_after_confirmation(server, browser, tmp_path):
    import pandas as pd
    from playwright.sync_api import expect

    from kpi.sources.demo import demo_deliveries

    brink = dict(demo_deliveries())["demo_14SM05_College De Brink.xlsx"]["leerlingen"]
    partial = brink[(brink["schooljaar"] == 2014) & (brink["indicator"] != "instroom")].copy()
    partial["aantal"] = partial["aantal"].astype(object).where(~partial["aantal_onderdrukt"], "<5")
    file = tmp_path / "zonder_instroom.xlsx"
    with pd.ExcelWriter(file) as writer:
        partial.drop(columns=["aantal_onderdrukt"]).to_excel(writer, sheet_name="leerlingen", index=False)
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    page.goto(server, wait_until="domcontentloaded")  # the frame first: it owns the login box
    _settle(page, "[data-testid='stMetric']")
    page.goto(f"{server}/aanleveren", wait_until="domcontentloaded")
    _settle(page, "[data-testid='stSidebar'] >> text=Inloggen")
    page.get_by_text("Inloggen").first.click()
    page.get_by_label("Gebruikersnaam").fill("debrink")
    page.get_by_label("Wachtwoord").fill("geheim-wachtwoord")
    page.get_by_role("button", name="Inloggen").click()
    _settle(page, "[data-testid='stFileUploader']")
    page.locator("[data-testid='stFileUploader'] input[type=file]").set_input_files(str(file))
    _settle(page, "text=Wat verandert er aan de KPI")
    main = page.locator("[data-testid='stMainBlockContainer']")
    assert "Daarna ontbreekt: indicator instroom (2014)" in main.inner_text()
    store = page.get_by_role("button", name="Opslaan")
    assert store.is_disabled()
    page.get_by_text("Ik heb de waarschuwingen gelezen").click()
    expect(store).to_be_enabled(timeout=60_000)
    page.screenshot(path=str(SHOTS / "aanleveren_bevestigen.png"), full_page=True)
    assert page.locator("[data-testid='stException']").count() == 0
    page.close()


def test_far_cell_file_is_refused_in_dutch_and_the_dashboard_stays_up(server, browser, tmp_path):
    """Issue 9: a 5 KB workbook with one cell at XFD1048576 once took the server down for every user."""
    from tests.test_reading_limits import _far_cell

    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    page.goto(server, wait_until="domcontentloaded")  # the frame first: it owns the login box
    _settle(page, "[data-testid='stMetric']")
    page.goto(f"{server}/aanleveren", wait_until="domcontentloaded")
    _settle(page, "[data-testid='stSidebar'] >> text=Inloggen")
    _log_in(page, "debrink", "geheim-wachtwoord")
    _settle(page, "[data-testid='stFileUploader']")
    far = tmp_path / "verre cel.xlsx"
    far.write_bytes(_far_cell("XFD1048576"))
    assert far.stat().st_size < 10_000
    _upload(page, far, "reikt tot cel XFD1048576")
    main = page.locator("[data-testid='stMainBlockContainer']").inner_text()
    assert "de grens is" in main and "Verwijder lege rijen en kolommen" in main
    assert page.get_by_role("button", name="Opslaan").count() == 0
    page.screenshot(path=str(SHOTS / "aanleveren_verre_cel.png"), full_page=True)
    assert page.locator("[data-testid='stException']").count() == 0
    with urllib.request.urlopen(f"{server}/_stcore/health", timeout=10) as health:
        assert health.status == 200
    page.goto(f"{server}/kiezen", wait_until="domcontentloaded")  # another page: the server still serves
    _settle(page, ".js-plotly-plot")
    assert page.locator("[data-testid='stException']").count() == 0
    page.close()


def test_kiezen_shows_the_region_against_the_netherlands(server, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 1100})
    page.goto(f"{server}/kiezen?jaar=2023-2024", wait_until="domcontentloaded")
    _settle(page, ".js-plotly-plot")
    page.get_by_role("tab", name="Aandeel VMBO-examenkandidaten in techniek").click()  # one KPI tab at a time
    page.wait_for_function("() => location.search.includes('kpi=vmbo_examen_techniek_aandeel')", timeout=30_000)
    page.wait_for_selector("text=Bron: DUO open data", timeout=30_000)
    page.wait_for_timeout(1500)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "kiezen_region_vs_nl.png"))
    legend = page.locator(".legendtext").all_text_contents()  # SVG text has no innerText
    assert "Regio" in legend and "Nederland" in legend and "Regio: bereik door <5" in legend
    assert len(page.locator(".js-plotly-plot").all()) == 1  # only the open tab is drawn
    assert page.get_by_text("Regio ÷ Nederland: 1,09", exact=False).count() >= 1
    page.locator("[data-testid='stSidebar'] button", has_text="EN").first.click()  # the link names the KPI by id
    page.wait_for_selector("h3:has-text('Share of VMBO exam candidates in technology')", timeout=30_000)
    assert "kpi=vmbo_examen_techniek_aandeel" in page.url
    page.close()
