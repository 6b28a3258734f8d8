"""In a real browser: a program named like HTML shows as text in the Verkenner's chart legend, never as a link."""

from __future__ import annotations

import pytest

from kpi.__main__ import main
from tests.test_browser import CHROMIUM, SHOTS, _settle, browser, dashboard  # noqa: F401 (fixture)

pytestmark = pytest.mark.browser
LINK = '<a href="http://x.invalid/">klik</a>'


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A dashboard on a database holding one school's delivery with HTML in its program names."""
    if CHROMIUM is None:
        pytest.skip("Chromium is not installed (apt-get install chromium; .ci/run does)")
    pytest.importorskip("playwright.sync_api")
    folder = tmp_path_factory.mktemp("browser_safety")
    database = f"sqlite:///{folder / 'safety.db'}"
    delivery = folder / "levering.csv"
    delivery.write_text(
        "schooljaar;brin;school;onderwijssoort;leerjaar;opleiding;indicator;aantal\n"
        f"2015;14SM05;De Brink;VMBO-KB;3;{LINK};instroom;12\n2016;14SM05;De Brink;VMBO-KB;3;{LINK};instroom;14\n"
        "2015;14SM05;De Brink;VMBO-KB;3;<b>vet</b>;instroom;9\n2016;14SM05;De Brink;VMBO-KB;3;<b>vet</b>;instroom;8\n",
        encoding="utf-8",
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TECHNIEKPACT_DB", database)
        assert main(["import", str(delivery)]) == 0
    with dashboard(database, folder) as url:
        yield url


def test_html_in_a_program_name_is_text_in_the_chart_legend(server, browser):  # noqa: F811 (the fixture)
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(server, wait_until="domcontentloaded")  # a cold server's first deep link shows the bare page
    _settle(page, "[data-testid='stMetric']")
    # a select box keeps its option's label in the URL
    page.goto(f"{server}/verkenner?per=Opleiding&indicator=Instroom", wait_until="domcontentloaded")
    _settle(page, ".js-plotly-plot .legend")
    legend = page.locator(".js-plotly-plot .legend")
    names = legend.locator(".legendtext").all_text_contents()
    assert LINK in names and "<b>vet</b>" in names  # shown as the characters they are
    assert legend.locator("a").count() == 0 and legend.locator("b").count() == 0  # no link, no bold
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "verkenner_html_legend.png"), full_page=True)
    page.close()
