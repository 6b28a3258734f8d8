"""Every page through Streamlit's AppTest: on the demo data and on an empty database, filters, upload."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from kpi.delivery.storage import engine_for
from kpi.metrics.registry import KPIS
from kpi.settings.users import User, add_user, authenticated
from tests.conftest import GOOD_ROWS, HEADER, workbook_bytes

DASHBOARD = Path(__file__).resolve().parent.parent / "dashboard.py"
PAGES = [
    "pages/overzicht.py",
    "pages/kiezen.py",
    "pages/leren.py",
    "pages/werken.py",
    "pages/doorstroom.py",
    "pages/verkenner.py",
    "pages/doelen.py",
    "pages/aanleveren.py",
]


@pytest.fixture
def app_env(tmp_path, monkeypatch):
    monkeypatch.setenv("TECHNIEKPACT_DB", f"sqlite:///{tmp_path / 'app.db'}")
    return tmp_path


def _app() -> AppTest:
    """A fresh app; Streamlit's caches live per process, so each test starts from a clean slate."""
    st.cache_data.clear()
    st.cache_resource.clear()
    return AppTest.from_file(str(DASHBOARD), default_timeout=60)


def _table(app: AppTest, column: str):
    """The dataframe shown with this column (st.dataframe keys are not visible to AppTest)."""
    found = [d.value for d in [*app.dataframe, *app.table] if column in d.value.columns]
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
    headers = [m.value for m in app.markdown if m.value.startswith("##### ")]
    assert "##### Choosing technology" in headers and "##### Kiezen voor techniek" not in headers
    badges = " ".join(m.value for m in app.markdown)
    assert all(f">{w}</span>" in badges for w in ("met", "on track", "behind", "not met", "insufficient data"))
    assert ">op koers</span>" not in badges
    assert any(v.endswith("%") and "." in v for v in (m.value for m in app.metric))
    assert _visit(app, "pages/kiezen.py").title[0].value == "Choosing technology"


def test_pages_on_an_empty_database_explain_themselves(app_env, monkeypatch):
    monkeypatch.setenv("TECHNIEKPACT_DEMO", "0")  # a real deployment starts without the demo set
    app = _app().run()
    assert not app.exception  # the overview and Kiezen show the shipped open data (tested below)
    for page in PAGES[2:6]:
        _visit(app, page)
        assert any("Nog geen gegevens" in i.value for i in app.info), page
    _visit(app, "pages/aanleveren.py")
    assert [b.label for b in app.get("download_button")] == ["Download de aanlevertemplate (Excel)"]


def _logged_in(app: AppTest, name: str, password: str) -> AppTest:
    """Log in as the sidebar form does (the form itself is driven in the real-browser test)."""
    user = authenticated(engine_for(), name, password)
    assert user is not None
    app.session_state["user"] = user
    return app.run()


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _upload(app: AppTest, name: str, content: bytes) -> AppTest:
    app.file_uploader[0].set_value((name, content, XLSX))
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def _store(app: AppTest) -> AppTest:
    """Click *Opslaan*, first ticking the confirmation that a delivery with impact warnings asks for."""
    for confirm in [c for c in app.checkbox if c.key.startswith("impact_confirm")]:
        confirm.check().run()
    return app.button(key="store").click().run()


def _buttons(app: AppTest) -> set[str]:
    return {b.key for b in app.button}


def test_upload_good_file_is_previewed_stored_and_the_page_resets(app_env):
    add_user(engine_for(), "debrink", "geheim-wachtwoord", "school", ("14SM05",))
    app = _app().run()
    _visit(app, "pages/aanleveren.py")
    assert any("Log in" in i.value for i in app.info)
    assert not app.file_uploader  # no upload without login
    app = _app().run()
    _logged_in(app, "debrink", "geheim-wachtwoord")
    _visit(app, "pages/aanleveren.py")
    _upload(app, "levering.xlsx", workbook_bytes({"leerlingen": [HEADER, *GOOD_ROWS]}))
    preview = _table(app, "regels nu")
    assert preview[["blad", "Schooljaar", "regels na opslaan"]].values.tolist() == [
        ["leerlingen", "2015-2016", 2],
        ["leerlingen", "2016-2017", 1],
    ]
    confirm = [c for c in app.checkbox if c.key.startswith("impact_confirm")]
    assert len(confirm) == 1  # it replaces the demo rows of 2015 and 2016: fewer rows, so confirm first
    confirm[0].check().run()
    _store(app)
    assert not app.exception
    assert [s.value for s in app.success] == ["Opgeslagen als levering 11: 3 regels; 95 eerdere regels vervangen."]
    # reset: an empty uploader, no stale preview, no second Opslaan
    assert app.file_uploader[0].value is None
    assert "store" not in _buttons(app) and not [d for d in app.dataframe if "regels nu" in d.value.columns]
    history = _table(app, "Bestand")
    newest = history.iloc[0]
    assert (newest["Bestand"], newest["School"], newest["Status"], newest["Soort"]) == (
        "levering.xlsx", "College De Brink (14SM05)", "telt mee", "aanlevering",
    )  # fmt: skip
    assert "sha256" not in history.columns
    assert history["School"].str.endswith("(14SM05)").all() and len(history) == 2  # its own: the demo's and this
    app.run()  # the success message is shown once
    assert not app.success


def test_the_same_file_again_says_already_delivered_before_any_button(app_env):
    add_user(engine_for(), "debrink", "geheim-wachtwoord", "school", ("14SM05",))
    content = workbook_bytes({"leerlingen": [HEADER, *GOOD_ROWS]})
    app = _app().run()
    _logged_in(app, "debrink", "geheim-wachtwoord")
    _visit(app, "pages/aanleveren.py")
    _upload(app, "levering.xlsx", content)
    _store(app)
    _upload(app, "kopie.xlsx", content)
    assert any("al aangeleverd als levering 11" in i.value and "debrink" in i.value for i in app.info)
    assert "store" not in _buttons(app)


def test_upload_shows_one_grouped_line_per_distinct_problem(app_env):
    """A school outside the register: 95 rows with the same problem are one line, with the rows as a range."""
    add_user(engine_for(), "beheer", "nog-geheimer-wachtwoord", "admin")
    rows = [[2015, "25LJ07", "MBO College", "MBO-4", 1, f"Opleiding {i}", "instroom", 5] for i in range(95)]
    rows[10][7] = -3  # and one real error among them
    app = _app().run()
    _logged_in(app, "beheer", "nog-geheimer-wachtwoord")
    _visit(app, "pages/aanleveren.py")
    before = _table(app, "Bestand")
    _upload(app, "mbo.xlsx", workbook_bytes({"leerlingen": [HEADER, *rows]}))
    assert [e.value for e in app.error] == [
        "Dit bestand wordt niet opgeslagen: 2 verschillende fouten in 95 rijen. Herstel ze en lever opnieuw aan; "
        "er is niets veranderd."
    ]
    problems = _table(app, "verwacht")
    assert problems[["rijen", "kolom", "gevonden"]].values.tolist() == [
        ["rijen 2–96 (95 rijen)", "brin", "25LJ07"],
        ["rij 12", "aantal", "-3"],
    ]
    assert "store" not in _buttons(app)
    assert _table(app, "Bestand").equals(before)


def test_a_school_uploading_another_schools_file_gets_one_line_per_foreign_brin(app_env):
    add_user(engine_for(), "debrink", "geheim-wachtwoord", "school", ("14SM05",))
    foreign = [
        [2015, brin, "x", "VMBO-KB", 3, f"P{i}", "instroom", 5] for i in range(55) for brin in ("03FO01", "00UM00")
    ]
    app = _app().run()
    _logged_in(app, "debrink", "geheim-wachtwoord")
    _visit(app, "pages/aanleveren.py")
    _upload(app, "ander.xlsx", workbook_bytes({"leerlingen": [HEADER, *foreign]}))
    problems = _table(app, "verwacht")
    assert problems["gevonden"].tolist() == ["03FO01", "00UM00"]
    assert problems["rijen"].str.endswith("(55 rijen)").all()


def test_a_school_account_without_a_valid_brin_delivers_nothing(app_env):
    app = _app().run()
    app.session_state["user"] = User("leeg", "school", ("",))  # an empty --brin never means "every school"
    _visit(app, "pages/aanleveren.py")
    assert any("geen geldige school" in e.value for e in app.error)
    assert not app.file_uploader


def test_a_corrupt_file_is_refused_in_one_dutch_sentence(app_env):
    add_user(engine_for(), "beheer", "nog-geheimer-wachtwoord", "admin")
    app = _app().run()
    _logged_in(app, "beheer", "nog-geheimer-wachtwoord")
    _visit(app, "pages/aanleveren.py")
    _upload(app, "kapot.xlsx", b"PK\x03\x04" + b"\x00" * 300)
    messages = [e.value for e in app.error]
    assert messages[1] == (
        "Dit bestand kan niet worden gelezen: het is geen Excel-, ODS- of CSV-bestand, of het is beschadigd. "
        "Sla het op als .xlsx of .csv en lever het opnieuw aan."
    )
    assert not [d for d in [*app.dataframe, *app.table] if "verwacht" in d.value.columns]  # a sentence, not a cell


def test_restore_shows_what_changes_and_asks_for_confirmation(app_env):
    add_user(engine_for(), "debrink", "geheim-wachtwoord", "school", ("14SM05",))
    add_user(engine_for(), "beheer", "nog-geheimer-wachtwoord", "admin")
    app = _app().run()
    _logged_in(app, "debrink", "geheim-wachtwoord")
    _visit(app, "pages/aanleveren.py")
    assert "restore_button" not in _buttons(app)  # schools do not restore
    _upload(app, "eerste.xlsx", workbook_bytes({"leerlingen": [HEADER, *GOOD_ROWS]}))
    _store(app)
    _upload(app, "correctie.xlsx", workbook_bytes({"leerlingen": [HEADER, GOOD_ROWS[0]]}))
    _store(app)
    app = _app().run()
    _logged_in(app, "beheer", "nog-geheimer-wachtwoord")
    _visit(app, "pages/aanleveren.py")
    history = _table(app, "Bestand")
    assert history.set_index("Bestand")["Status"].to_dict()["eerste.xlsx"] == "deels vervangen"
    app.selectbox(key="restore_id").set_value(11).run()
    app.button(key="restore_button").click().run()
    assert any("Levering 11 (eerste.xlsx" in w.value and "weer actueel maken?" in w.value for w in app.warning)
    change = _table(app, "regels na terugzetten")
    assert change[["Schooljaar", "regels nu", "regels na terugzetten"]].values.tolist() == [
        ["2015-2016", 1, 2],
        ["2016-2017", 1, 1],
    ]
    app.button(key="restore_cancel").click().run()  # cancelled: nothing happens
    assert len(_table(app, "Bestand")) == len(history) and "restore_confirm" not in _buttons(app)
    app.button(key="restore_button").click().run()
    app.button(key="restore_confirm").click().run()
    assert not app.exception
    assert any("Levering 11 is weer actueel (als levering 13)" in s.value for s in app.success)
    newest = _table(app, "Bestand").iloc[0]
    assert (newest["Soort"], newest["Teruggezet van levering"], newest["Door"]) == ("teruggezet", 11, "beheer")


def test_small_numbers_hidden_for_viewers_shown_to_analysts(app_env):
    add_user(engine_for(), "analist", "analist-wachtwoord", "analyst")
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
    assert not [d for d in app.dataframe if "Schooljaar" in d.value.columns]  # the grid waits until opened
    app.query_params["draaitabel"] = "true"
    _visit(app, "pages/verkenner.py")
    assert app.selectbox(key="indicator").value == "ingeschreven"  # one indicator, never a sum of all
    total = _table(app, "Schooljaar")
    assert list(total.columns) == ["Schooljaar", "Totaal"] and total["Schooljaar"].iloc[0] == "2012-2013"
    app.selectbox(key="indicator").set_value("instroom").run()
    app.selectbox(key="per").set_value("onderwijssoort").run()
    pivot = _table(app, "Schooljaar")
    assert not app.exception and pivot.shape[1] > total.shape[1]
    assert "VMBO-KB" in pivot.columns
    assert app.selectbox(key="per").format_func("naar_onderwijssoort") == "Naar onderwijssoort"


def test_doorstroom_lists_its_flows_when_the_table_is_opened(app_env):
    app = _visit(_app(), "pages/doorstroom.py")
    assert len(app.get("plotly_chart")) == 1 and not app.dataframe  # the Sankey at once, the grid on demand
    assert "De stromen als tabel" in [e.label for e in app.expander]
    app.query_params["tabel"] = "true"  # opened, and a link keeps it open
    app = _visit(app, "pages/doorstroom.py")
    flows = _table(app, "van")
    assert list(flows.columns)[:2] == ["van", "naar"] and len(flows) > 0


def test_upload_over_the_size_limit_is_refused_in_dutch(app_env, monkeypatch):
    monkeypatch.setenv("TECHNIEKPACT_MAX_UPLOAD_MB", "1")
    add_user(engine_for(), "beheer", "nog-geheimer-wachtwoord", "admin")
    app = _app().run()
    _logged_in(app, "beheer", "nog-geheimer-wachtwoord")
    _visit(app, "pages/aanleveren.py")
    app.file_uploader[0].set_value(("groot.csv", b"x;" * 800_000, "text/csv"))  # 1.5 MB
    app.run()
    assert any("niet opgeslagen" in e.value for e in app.error)
    assert any("Het bestand is 1,5 MB; de grens is 1 MB." in e.value for e in app.error)
    # the uploader and its help name the same limit, and the server's cap never exceeds it
    assert app.file_uploader[0].proto.max_upload_size_mb == 1 and app.file_uploader[0].help.startswith("Hoogstens 1 MB")


def test_the_uploader_and_its_help_name_the_configured_limit(app_env):
    add_user(engine_for(), "beheer", "nog-geheimer-wachtwoord", "admin")
    app = _app().run()
    _logged_in(app, "beheer", "nog-geheimer-wachtwoord")
    _visit(app, "pages/aanleveren.py")
    config = tomllib.loads((DASHBOARD.parent / ".streamlit" / "config.toml").read_text())
    assert config["server"]["maxUploadSize"] == 50
    assert app.file_uploader[0].proto.max_upload_size_mb == 50 and app.file_uploader[0].help.startswith(
        "Hoogstens 50 MB"
    )


def test_per_school_breakdown_is_computed_only_when_opened(app_env, monkeypatch):
    """Leren's per-school tables cost nothing while their expanders are closed (issue 7)."""
    from ui import data

    calls: list[str] = []
    original = data.breakdown

    def counted(version, kpi_id, year, filters, role):
        calls.append(kpi_id)
        return original(version, kpi_id, year, filters, role)

    monkeypatch.setattr(data, "breakdown", counted)
    app = _visit(_app(), "pages/leren.py")
    assert calls == []
    kpi = next(k for k in KPIS if k.action_line == "Leren" and k.per_school)
    app.session_state["kpi_tab"] = kpi.label("nl")  # its tab, then its breakdown
    app.session_state[f"open_breakdown_{kpi.id}"] = True
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    assert calls == [kpi.id]
    assert len(_table(app, "School")) > 0


def test_an_action_line_page_draws_only_its_open_kpi_and_makes_a_data_table_only_when_opened(app_env):
    """One chart at a time (a chart per KPI made the page three times a one-chart page); the URL names the tab."""
    app = _visit(_app(), "pages/leren.py")
    leren = [k for k in KPIS if k.action_line == "Leren"]
    assert [tab.label for tab in app.tabs] == [k.label("nl") for k in leren]
    assert len(app.get("plotly_chart")) == 1 and app.session_state["kpi_tab"] == leren[0].label("nl")
    assert not [d for d in app.dataframe if "Schooljaar" in d.value.columns] and not app.get("download_button")
    app.session_state[f"open_table_{leren[0].id}"] = True
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    assert len(_table(app, "Schooljaar")) > 0 and len(app.get("download_button")) >= 2
    for lang in ("NL", "EN"):  # a link names the KPI by its id: the same link opens it in either language
        linked = _app()
        linked.query_params["kpi"] = leren[2].id
        linked.query_params["lang"] = lang
        linked = _visit(linked.run(), "pages/leren.py")
        assert leren[2].label(lang.lower()) in [h.value for h in linked.subheader]


def test_a_fresh_install_without_demo_shows_real_open_data(app_env, monkeypatch):
    monkeypatch.setenv("TECHNIEKPACT_DEMO", "0")
    app = _app().run()
    assert not app.exception and not any("demogegevens" in i.value for i in app.info)
    assert app.selectbox(key="jaar").value == 2023  # no deliveries: the latest open-data year
    shown = {m.help.split(" (")[0][:40]: m.value for m in app.metric if m.value != "-"}
    assert len(shown) == 2 and any(v.lstrip("≈ ").startswith("20,2%") for v in shown.values())  # region share 2023-2024
    captions = " ".join(c.value for c in app.caption)
    assert "Nederland 2023-2024: 18,5%" in captions and "Regio ÷ Nederland: 1,09" in captions
    app = _visit(app, "pages/kiezen.py")
    duo = [k.label("nl") for k in KPIS if k.source == "duo"]
    assert len(duo) == 2 and set(duo) <= {tab.label for tab in app.tabs}
    assert app.session_state["kpi_tab"] == duo[0]  # the page opens on the first KPI with figures, not an empty one
    assert len(app.get("plotly_chart")) == 1  # only the open tab is drawn
    assert "Bron: DUO open data" in " ".join(c.value for c in app.caption)
    assert "geen doel" in " ".join(m.value for m in app.markdown if "tp-badge" in m.value)
    app.session_state["kpi_tab"] = duo[1]
    app.run()
    assert duo[1] in [h.value for h in app.subheader] and duo[0] not in [h.value for h in app.subheader]
    assert len(app.get("plotly_chart")) == 1


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


def _beheer_opendata() -> None:
    from ui.beheer_opendata import render

    render()


def test_beheer_open_data_tab_loads_files_and_keeps_the_region(app_env, monkeypatch, tmp_path):
    """The tab's body (ui/beheer_opendata.py) until the Beheer page takes it as a tab."""
    from kpi.settings.users import User

    monkeypatch.setenv("TECHNIEKPACT_DEMO", "0")
    st.cache_data.clear()
    st.cache_resource.clear()
    app = AppTest.from_function(_beheer_opendata, default_timeout=60).run()
    assert "Alleen beheerders" in app.info[0].value  # a viewer sees no controls
    app.session_state["user"] = User("beheer", "admin")
    app.run()
    assert not app.exception
    loads = app.dataframe[0].value
    assert list(loads["soort"]) == ["open_data"] and loads["bestand"][0] == "duo_examen_raw_all.csv"
    app.text_input(key="regio_code").input("   ")
    app.button[-1].click().run()  # the form's submit button
    assert "leeg of te lang" in app.error[0].value
    app.button(key="regio_remove_vestiging_24TG04").click().run()
    assert not any("24TG04" in m.value for m in app.markdown)
    from kpi.settings.audit import audit_entries
    from ui import data

    assert audit_entries(data.engine())[0]["action"] == "region.remove"


def test_beheer_admin_adds_a_school_and_sees_it_in_the_audit_log(app_env):
    add_user(engine_for(), "beheer", "nog-geheimer-wachtwoord", "admin")
    app = _app().run()
    _logged_in(app, "beheer", "nog-geheimer-wachtwoord")
    _visit(app, "pages/beheer.py")
    assert app.title[0].value == "Beheer" and [tab.label for tab in app.tabs] == [
        "Scholen",
        "Accounts",
        "Doelen & nulmeting",
        "Techniekindeling",
        "Vergaderingen",
        "Open data",
        "Auditlog",
    ]
    assert any("nog gecontroleerd" in w.value for w in app.warning)  # the shipped placeholders are flagged
    app.text_input(key="school_add_brin").input("25LJ")
    app.text_input(key="school_add_naam").input("MBO College Hilversum")
    app.selectbox(key="school_add_soort").set_value("mbo")
    app.button(key="school_add_save").click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert any("25LJ" in s.value for s in app.success)
    register = _table(app, "Controle")
    assert register.set_index("BRIN").loc["25LJ", "Naam"] == "MBO College Hilversum"
    assert register.set_index("BRIN").loc["25LZ", "Controle"] == "nog controleren"
    audit = _table(app, "Onderwerp")
    assert (audit.iloc[0]["Door"], audit.iloc[0]["Wat"], audit.iloc[0]["Onderwerp"]) == (
        "beheer",
        "school toegevoegd (school.add)",
        "25LJ",
    )


def test_beheer_admin_adds_and_removes_an_account(app_env):
    add_user(engine_for(), "beheer", "nog-geheimer-wachtwoord", "admin")
    app = _app().run()
    _logged_in(app, "beheer", "nog-geheimer-wachtwoord")
    _visit(app, "pages/beheer.py")
    app.text_input(key="account_add_name").input("jan.smit")
    app.selectbox(key="account_add_role").set_value("school")
    app.multiselect(key="account_add_schools").set_value(["14SM"])
    app.text_input(key="account_add_password").input("een-lang-wachtwoord")
    app.button(key="account_add_save").click().run()
    assert not app.exception and authenticated(engine_for(), "jan.smit", "een-lang-wachtwoord").schools == ("14SM",)
    app.selectbox(key="account_remove_name").set_value("jan.smit").run()
    app.checkbox(key="account_remove_sure").check().run()
    app.button(key="account_remove_button").click().run()
    assert authenticated(engine_for(), "jan.smit", "een-lang-wachtwoord") is None
    assert _table(app, "Gebruikersnaam")["Gebruikersnaam"].tolist() == ["beheer"]


@pytest.mark.parametrize("who", [None, ("debrink", "geheim-wachtwoord"), ("analist", "analist-wachtwoord")])
def test_beheer_is_not_there_for_anyone_but_admins(app_env, who):
    add_user(engine_for(), "debrink", "geheim-wachtwoord", "school", ("14SM05",))
    add_user(engine_for(), "analist", "analist-wachtwoord", "analyst")
    app = _app().run()
    if who:
        _logged_in(app, *who)
    try:  # AppTest refuses a page the navigation lacks, or Streamlit shows the default page instead
        app.switch_page("pages/beheer.py")
        app.run()
    except ValueError as refused:
        assert "Could not find a navigation page" in str(refused)
    assert not app.exception and not app.tabs and not [i for i in app.text_input if i.key == "school_add_brin"]
    if "Beheer" in [title.value for title in app.title]:  # AppTest may run a pages/ file the navigation lacks
        assert [w.value for w in app.warning] == ["Deze pagina is alleen voor beheerders. Log in als beheerder."]
    page = AppTest.from_file(str(DASHBOARD.parent / "pages" / "beheer.py"), default_timeout=60)  # nor by its file
    if who:
        page.session_state["user"] = authenticated(engine_for(), *who)
    page.run()  # a page started on its own runs inside the frame, whose navigation has no Beheer for them
    assert not page.exception and not page.tabs
    assert not [i for i in page.text_input if i.key == "school_add_brin"]
    assert "Beheer" not in [title.value for title in page.title]


def _explorer_by_indicator(app: AppTest, user: tuple[str, str] | None = None) -> tuple[list[float], object]:
    """The Verkenner for one school, drop-out split by route (two counts of 1 to 4 in the demo): chart and table."""
    app.multiselect(key="school").set_value(["03FO01"]).run()
    app.query_params["draaitabel"] = "true"
    _visit(app, "pages/verkenner.py")
    app.selectbox(key="indicator").set_value("uitval").run()
    app.selectbox(key="per").set_value("route").run()
    if user:
        _logged_in(app, *user)
    assert not app.exception
    figure = json.loads(app.get("plotly_chart")[0].proto.spec)
    return [y for trace in figure["data"] for y in trace["y"] if y is not None], _table(app, "Schooljaar")


def test_explorer_chart_gets_the_protected_pivot(app_env):
    add_user(engine_for(), "analist", "analist-wachtwoord", "analyst")
    drawn, table = _explorer_by_indicator(_app().run())
    assert drawn and not [y for y in drawn if 0 < y < 5]  # the chart shows no count from 1 to 4
    assert (table == "<5").any().any()
    drawn, _ = _explorer_by_indicator(_app().run(), ("analist", "analist-wachtwoord"))
    assert [y for y in drawn if 0 < y < 5]  # the analyst sees them


def test_the_file_uploader_speaks_the_catalogue_with_this_installations_limit(monkeypatch):
    """Streamlit's uploader says "Upload" and "50MB per file" in English only: our words are laid over them."""
    from ui.widgets import uploader_css

    monkeypatch.setenv("TECHNIEKPACT_MAX_UPLOAD_MB", "20")
    css = uploader_css()
    assert 'content: "Bestand kiezen"' in css and 'content: "Of sleep het hierheen · hoogstens 20 MB"' in css
