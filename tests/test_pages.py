"""Every page through Streamlit's AppTest: on the demo data and on an empty database, filters, upload."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from kpi.settings.users import add_user, authenticated
from tests.conftest import GOOD_ROWS, HEADER, workbook_bytes

DASHBOARD = Path(__file__).resolve().parent.parent / "dashboard.py"
PAGES = ["pages/overzicht.py", "pages/kiezen.py", "pages/leren.py", "pages/werken.py", "pages/doorstroom.py",
         "pages/verkenner.py", "pages/doelen.py", "pages/aanleveren.py"]  # fmt: skip


@pytest.fixture
def app_env(tmp_path, monkeypatch):
    monkeypatch.setenv("TECHNIEKPACT_DB", f"sqlite:///{tmp_path / 'app.db'}")
    monkeypatch.setenv("TECHNIEKPACT_USERS", str(tmp_path / "users.toml"))
    return tmp_path


def _app() -> AppTest:
    """A fresh app; Streamlit's caches live per process, so each test starts from a clean slate."""
    st.cache_data.clear()
    st.cache_resource.clear()
    return AppTest.from_file(str(DASHBOARD), default_timeout=60)


def _table(app: AppTest, column: str):
    """The dataframe shown with this column (st.dataframe keys are not visible to AppTest)."""
    found = [d.value for d in app.dataframe if column in d.value.columns]
    assert found, f"no table with column {column!r}"
    return found[0]


def _visit(app: AppTest, page: str) -> AppTest:
    app.switch_page(page)
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


@pytest.mark.parametrize("page", PAGES)
def test_page_runs_on_demo_data(app_env, page):
    app = _app()
    app.run()
    assert not app.exception
    assert any(
        "demogegevens" in i.value for i in app.info
    )  # the demo set is labelled (the browser test sees it on every page)
    _visit(app, page)
    assert app.title and app.title[0].value


def test_overview_shows_every_kpi_with_status_word_and_dutch_numbers(app_env):
    app = _app().run()
    assert len(app.metric) == 14  # 12 from deliveries (demo), 2 from the shipped open data
    values = [m.value for m in app.metric]
    assert any("," in v and v.endswith("%") for v in values)  # 32,3%, not 32.3%
    badges = " ".join(m.value for m in app.markdown if "tp-badge" in m.value)
    assert "gehaald" in badges and "niet gehaald" in badges
    assert app.selectbox(key="jaar").value == 2019  # the latest year with delivered data (open data runs to 2023)
    app.selectbox(key="jaar").set_value(2016).run()
    assert app.metric[0].label == "Waarde 2016-2017"


def test_school_filter_changes_what_is_shown(app_env):
    app = _app().run()
    region = app.metric[0].value
    app.multiselect(key="school").set_value(["14SM05"]).run()
    assert not app.exception
    assert app.metric[0].value != region
    assert "alleen voor de hele regio" in " ".join(c.value for c in app.caption)  # regional KPIs say why


def test_english_ui(app_env):
    app = _app().run()
    app.segmented_control(key="lang").set_value("EN").run()
    assert app.title[0].value == "Techniekpact Monitor Gooi & Vechtstreek"
    assert any(h.value == "Choosing technology" for h in app.header)
    assert any(v.endswith("%") and "." in v for v in (m.value for m in app.metric))


def test_pages_on_an_empty_database_explain_themselves(app_env, monkeypatch):
    monkeypatch.setenv("TECHNIEKPACT_DEMO", "0")  # a real deployment starts without the demo set
    app = _app().run()
    assert not app.exception
    assert any("Nog geen gegevens" in i.value for i in app.info)
    for page in PAGES[1:6]:
        _visit(app, page)
        assert any("Nog geen gegevens" in i.value for i in app.info), page
    _visit(app, "pages/aanleveren.py")
    assert [b.label for b in app.get("download_button")] == ["Download de aanlevertemplate (Excel)"]


def _logged_in(app: AppTest, name: str, password: str) -> AppTest:
    """Log in as the sidebar form does (the form itself is driven in the real-browser test)."""
    user = authenticated(name, password)
    assert user is not None
    app.session_state["user"] = user
    return app.run()


def test_upload_good_file_is_previewed_and_stored(app_env):
    add_user("debrink", "geheim-wachtwoord", "school", ("14SM05",))
    app = _app().run()
    _visit(app, "pages/aanleveren.py")
    assert any("Log in" in i.value for i in app.info)
    assert not app.file_uploader  # no upload without login
    app = _app().run()
    _logged_in(app, "debrink", "geheim-wachtwoord")
    _visit(app, "pages/aanleveren.py")
    app.file_uploader[0].set_value(
        (
            "levering.xlsx",
            workbook_bytes({"leerlingen": [HEADER, *GOOD_ROWS]}),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    )
    app.run()
    assert not app.exception
    preview = _table(app, "regels nu")
    assert preview[["blad", "jaar", "regels na opslaan"]].values.tolist() == [
        ["leerlingen", 2015, 2],
        ["leerlingen", 2016, 1],
    ]
    app.button(key="store").click().run()
    assert any("Opgeslagen als levering" in s.value for s in app.success)
    history = _table(app, "bestand")
    assert "levering.xlsx" in history["bestand"].tolist()


def test_upload_bad_file_shows_every_problem_and_stores_nothing(app_env):
    add_user("debrink", "geheim-wachtwoord", "school", ("14SM05",))
    app = _app().run()
    _logged_in(app, "debrink", "geheim-wachtwoord")
    _visit(app, "pages/aanleveren.py")
    before = _table(app, "bestand")
    bad = workbook_bytes(
        {"leerlingen": [HEADER, [*GOOD_ROWS[0][:7], -3], [*GOOD_ROWS[1][:1], "03FO01", *GOOD_ROWS[1][2:]]]}
    )
    app.file_uploader[0].set_value(
        ("fout.xlsx", bad, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    )
    app.run()
    assert any("niet opgeslagen" in e.value for e in app.error)
    problems = _table(app, "verwacht")
    assert set(problems["verwacht"].str.slice(0, 20)) >= {"Een aantal van 0 of ", "Alleen gegevens van "}
    assert problems["rij"].tolist() == [2, 3]
    assert not [b for b in app.button if b.key == "store"]
    assert _table(app, "bestand").equals(before)


def test_restore_is_for_the_administrator_only(app_env):
    add_user("debrink", "geheim-wachtwoord", "school", ("14SM05",))
    add_user("beheer", "nog-geheimer-wachtwoord", "admin")
    app = _app().run()
    _logged_in(app, "debrink", "geheim-wachtwoord")
    _visit(app, "pages/aanleveren.py")
    assert not [b for b in app.button if b.key == "restore_button"]
    app = _app().run()
    _logged_in(app, "beheer", "nog-geheimer-wachtwoord")
    _visit(app, "pages/aanleveren.py")
    app.selectbox(key="restore_id").set_value(1)
    app.button(key="restore_button").click().run()
    assert any("weer actueel" in s.value for s in app.success)
    newest = _table(app, "bestand").iloc[0]
    assert (newest["soort"], newest["hersteld_van"], newest["door"]) == ("restore", 1, "beheer")


def test_small_numbers_hidden_for_viewers_shown_to_analysts(app_env):
    add_user("analist", "analist-wachtwoord", "analyst")
    # At Hilfertsheem the route had a single dropout in 2015: a share on fewer than 5 is hidden from viewers.
    app = _app().run()
    app.selectbox(key="jaar").set_value(2015)
    app.multiselect(key="school").set_value(["03FO01"]).run()
    uitval = next(m for m in app.metric if m.help.startswith("Uitval gedeeld door"))
    assert uitval.value == "verborgen"
    app = _app().run()
    app.selectbox(key="jaar").set_value(2015)
    app.multiselect(key="school").set_value(["03FO01"])
    _logged_in(app, "analist", "analist-wachtwoord")
    assert next(m for m in app.metric if m.help.startswith("Uitval gedeeld door")).value.endswith("%")


def test_explorer_filters_and_pivot(app_env):
    app = _app().run()
    _visit(app, "pages/verkenner.py")
    total = _table(app, "schooljaar")
    app.multiselect(key="indicator").set_value(["instroom"]).run()
    app.selectbox(key="per").set_value("onderwijssoort").run()
    pivot = _table(app, "schooljaar")
    assert not app.exception and pivot.shape[1] > total.shape[1]
    assert "VMBO-KB" in pivot.columns


def test_upload_over_the_size_limit_is_refused_in_dutch(app_env, monkeypatch):
    monkeypatch.setenv("TECHNIEKPACT_MAX_UPLOAD_MB", "1")
    add_user("beheer", "nog-geheimer-wachtwoord", "admin")
    app = _app().run()
    _logged_in(app, "beheer", "nog-geheimer-wachtwoord")
    _visit(app, "pages/aanleveren.py")
    app.file_uploader[0].set_value(("groot.csv", b"x;" * 800_000, "text/csv"))  # 1.5 MB
    app.run()
    assert any("niet opgeslagen" in e.value for e in app.error)
    assert (
        "de grens is 0 MB" in _table(app, "verwacht")["verwacht"].iloc[0]
        or "MB" in _table(app, "verwacht")["verwacht"].iloc[0]
    )


def test_a_fresh_install_without_demo_shows_real_open_data(app_env, monkeypatch):
    monkeypatch.setenv("TECHNIEKPACT_DEMO", "0")
    app = _app().run()
    assert not app.exception and not any("demogegevens" in i.value for i in app.info)
    assert app.selectbox(key="jaar").value == 2023  # no deliveries: the latest open-data year
    shown = {m.help.split(" (")[0][:40]: m.value for m in app.metric if m.value != "-"}
    assert len(shown) == 2 and any(v.startswith("20,2%") for v in shown.values())  # region share 2023-2024
    captions = " ".join(c.value for c in app.caption)
    assert "Nederland 2023-2024: 18,5%" in captions and "Regio ÷ Nederland: 1,09" in captions
    app = _visit(app, "pages/kiezen.py")
    assert len(app.get("plotly_chart")) == 2
    assert "Bron: DUO open data" in " ".join(c.value for c in app.caption)
    assert "geen doel" in " ".join(m.value for m in app.markdown if "tp-badge" in m.value)


def test_a_school_filter_shows_that_school_against_region_and_country(app_env, monkeypatch):
    monkeypatch.setenv("TECHNIEKPACT_DEMO", "0")
    app = _app().run()
    options = app.multiselect(key="school").options
    assert any("24TG00" in o for o in options) and len(options) == 17  # the region's locations, Weesp included
    app.multiselect(key="school").set_value(["24TG04"]).run()
    app = _visit(app, "pages/kiezen.py")
    lines = " ".join(m.value for m in app.markdown)
    assert "Selectie (Casparus College) 2023-2024" in lines and "**Regio 2023-2024:**" in lines
    assert "Nederland 2023-2024" in lines
