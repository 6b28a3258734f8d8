"""AppTest: the upload page's impact preview and confirmation; Overzicht's 'since the last meeting'."""

from __future__ import annotations

import datetime as dt
import io

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from kpi.delivery.storage import DeliveryMeta, engine_for, store
from kpi.metrics.compute import kpi_values
from kpi.metrics.facts import load_facts
from kpi.metrics.meetings import mark_meeting, meeting_list
from kpi.metrics.targets import load_targets
from kpi.settings.audit import audit_entries
from kpi.settings.users import User, add_user
from kpi.sources.demo import demo_deliveries, load_demo
from tests.test_pages import _app, _logged_in, _table, _visit


@pytest.fixture
def app_env(tmp_path, monkeypatch):
    monkeypatch.setenv("TECHNIEKPACT_DB", f"sqlite:///{tmp_path / 'app.db'}")
    return tmp_path


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _brink() -> pd.DataFrame:
    return dict(demo_deliveries())["demo_14SM05_College De Brink.xlsx"]["leerlingen"]


def _xlsx(frame: pd.DataFrame) -> bytes:
    out = frame.copy()
    out["aantal"] = out["aantal"].astype(object).where(~out["aantal_onderdrukt"], "<5")
    buffer = io.BytesIO()
    out.drop(columns=[c for c in out.columns if c.endswith("_onderdrukt")]).to_excel(
        buffer, sheet_name="leerlingen", index=False
    )
    return buffer.getvalue()


def _upload(app, name: str, content: bytes):
    app.file_uploader[0].set_value((name, content, XLSX))
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def test_preview_shows_kpi_changes_and_warnings_and_storing_needs_confirmation(app_env):
    add_user(engine_for(), "debrink", "geheim-wachtwoord", "school", ("14SM05",))
    app = _app().run()
    _logged_in(app, "debrink", "geheim-wachtwoord")
    _visit(app, "pages/aanleveren.py")
    history = _table(app, "Bestand")
    brink = _brink()
    partial = brink[(brink["schooljaar"] == 2014) & (brink["indicator"] != "instroom")]
    _upload(app, "zonder_instroom.xlsx", _xlsx(partial))
    warnings = [e.value for e in app.error]
    assert any("ontbreekt: indicator instroom (2014)" in w and "14SM05" in w for w in warnings)
    assert any("verschuift de nulmeting of het doel" in w and "VMBO-leerlingen die kiezen" in w for w in warnings)
    changes = _table(app, "Na opslaan")
    vmbo = changes[changes["KPI"] == "VMBO-leerlingen die kiezen voor techniek/ICT"]
    assert {"regio", "14SM05"} <= set(vmbo["Voor"])
    assert "2014-2015" in vmbo["Schooljaar"].tolist()
    assert app.button(key="store").disabled  # not without the confirmation
    confirm = [c for c in app.checkbox if c.key.startswith("impact_confirm")]
    assert len(confirm) == 1
    confirm[0].check().run()
    assert not app.button(key="store").disabled
    app.button(key="store").click().run()
    assert any("Opgeslagen als levering" in s.value for s in app.success)
    assert len(_table(app, "Bestand")) == len(history) + 1


def test_a_delivery_without_warnings_is_stored_without_confirmation(app_env):
    add_user(engine_for(), "beheer", "nog-geheimer-wachtwoord", "admin")
    app = _app().run()
    _logged_in(app, "beheer", "nog-geheimer-wachtwoord")
    _visit(app, "pages/aanleveren.py")
    brink = _brink()
    later = brink[brink["schooljaar"] == 2019].assign(schooljaar=2020)  # a new year: adds, replaces nothing
    _upload(app, "2020.xlsx", _xlsx(later))
    assert not app.error
    assert not [c for c in app.checkbox if c.key.startswith("impact_confirm")]
    assert not app.button(key="store").disabled
    assert "2020-2021" in _table(app, "Na opslaan")["Schooljaar"].tolist()


def test_overview_lists_a_status_change_since_the_last_meeting_and_the_delivery_that_caused_it(app_env):
    app = _app().run()  # fills the demo set
    assert not app.exception
    engine = engine_for()
    assert any("Nog geen vergadering" in c.value for c in app.caption)
    mark_meeting(engine, "Stuurgroep maart", dt.date(2026, 3, 12), "voorzitter")
    brink = _brink()
    quarter = brink[brink["schooljaar"] == 2014].assign(aantal=lambda f: f["aantal"] // 4)
    delivery = store(engine, {"leerlingen": quarter}, DeliveryMeta("2014.xlsx", "f" * 64, "De Brink")).delivery_id
    app = _app().run()
    assert not app.exception, [e.value for e in app.exception]
    assert app.selectbox(key="vergadering").value is not None
    changes = _table(app, "Oorzaak")
    vmbo = changes[(changes["KPI"] == "VMBO-leerlingen die kiezen voor techniek/ICT")]
    status_moved = vmbo[vmbo["Wat veranderde"].str.contains("status")]
    assert not status_moved.empty
    before, after = status_moved["Status"].iloc[0].split(" → ")
    assert before != after
    assert f"levering {delivery}" in status_moved["Oorzaak"].iloc[0]
    causes = _table(app, "Door")
    assert "De Brink" in causes["Door"].tolist()


def _beheer_tab(module: str) -> AppTest:
    """One Beheer tab's body in an app of its own, as an administrator (the page adds only the tab around it)."""

    def app(module: str) -> None:  # runs inside AppTest, from its source: no closure
        import importlib

        importlib.import_module(module).render()

    st.cache_data.clear()
    st.cache_resource.clear()
    test = AppTest.from_function(app, args=(module,), default_timeout=60)
    test.session_state["user"] = User("beheer", "admin")
    return test


def test_beheer_targets_tab_changes_a_target_and_fixes_baselines_audited(app_env):
    app = _beheer_tab("ui.beheer_doelen").run()
    assert not app.exception, [e.value for e in app.exception]
    table = _table(app, "Vastgestelde nulmeting")
    assert (table["Vastgestelde nulmeting"] == "-").all()
    app.multiselect(key="beheer_nulmeting_kpis").set_value(["vmbo_keuze_techniek"]).run()
    app.button(key="beheer_nulmeting_fix").click().run()
    assert any("vastgelegd voor 1" in s.value for s in app.success)
    table = _table(app, "Vastgestelde nulmeting")
    fixed = table[table["KPI"] == "VMBO-leerlingen die kiezen voor techniek/ICT"]
    assert fixed["Vastgestelde nulmeting"].iloc[0] == fixed["Gemeten nulmeting"].iloc[0] != "-"
    app.selectbox(key="beheer_doel_kpi").set_value("vrienden_van_techniek")
    app.selectbox(key="beheer_doel_regel").set_value("at_least")
    app.text_input(key="beheer_doel_waarde").input("45")
    app.button[-1].click().run()  # the form's submit button
    assert any("opgeslagen" in s.value for s in app.success), [e.value for e in app.error]
    actions = [e["action"] for e in audit_entries(engine_for())]
    assert actions[:2] == ["target.change", "baseline.fix"]
    assert load_targets(engine_for())["vrienden_van_techniek"][0].amount == 45


def test_beheer_targets_tab_refuses_a_wrong_target_with_what_to_fix(app_env):
    app = _beheer_tab("ui.beheer_doelen").run()
    app.selectbox(key="beheer_doel_kpi").set_value("mbo4_hbo_doorstroom")
    app.selectbox(key="beheer_doel_regel").set_value("at_least")
    app.text_input(key="beheer_doel_waarde").input("80")
    app.button[-1].click().run()
    assert any("is a share" in e.value for e in app.error)
    assert "target.change" not in [e["action"] for e in audit_entries(engine_for())]


def test_beheer_techniek_tab_classifies_a_new_program_and_the_kpis_follow(app_env):
    engine = engine_for()
    load_demo(engine)
    brink = _brink()
    new = brink[(brink["schooljaar"] == 2019) & (brink["indicator"] == "instroom")].head(1)
    store(engine, {"leerlingen": new.assign(schooljaar=2020, opleiding="Robotica", aantal=50)},
          DeliveryMeta("r.xlsx", "r" * 64, "De Brink"))  # fmt: skip
    before = kpi_values(load_facts(engine), load_targets(engine), year=2020).set_index("id")
    app = _beheer_tab("ui.beheer_techniek").run()
    assert not app.exception, [e.value for e in app.exception]
    assert "Robotica" in _table(app, "opleiding")["opleiding"].tolist()
    app.selectbox(key="beheer_techniek_naam").set_value("Robotica")
    app.radio(key="beheer_techniek_ja").set_value(True)
    app.button[-1].click().run()
    assert any("Robotica ingedeeld als techniek/ICT" in s.value for s in app.success)
    after = kpi_values(load_facts(engine), load_targets(engine), year=2020).set_index("id")
    assert new["onderwijssoort"].iloc[0].startswith("VMBO")  # a row the VMBO choice KPI counts
    assert after.loc["vmbo_keuze_techniek", "value"] == before.loc["vmbo_keuze_techniek", "value"] + 50
    assert audit_entries(engine)[0]["action"] == "reference.classify"


def test_beheer_meetings_tab_marks_a_meeting(app_env):
    app = _beheer_tab("ui.beheer_vergaderingen").run()
    assert not app.exception, [e.value for e in app.exception]
    app.text_input(key="beheer_vergadering_naam").input("Stuurgroep juni")
    app.button[-1].click().run()
    assert any("Stuurgroep juni" in s.value for s in app.success)
    assert meeting_list(engine_for())["name"].tolist() == ["Stuurgroep juni"]
    assert audit_entries(engine_for())[0]["action"] == "meeting.mark"


def test_admin_marks_a_meeting_in_beheer_and_overzicht_compares_with_it(app_env):
    add_user(engine_for(), "beheer", "nog-geheimer-wachtwoord", "admin")
    app = _app().run()
    _logged_in(app, "beheer", "nog-geheimer-wachtwoord")
    _visit(app, "pages/beheer.py")
    app.text_input(key="beheer_vergadering_naam").input("Stuurgroep juni")
    next(b for b in app.button if b.label.startswith("Vergadering vastleggen")).click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert any("Vergadering Stuurgroep juni vastgelegd" in s.value for s in app.success)
    _visit(app, "pages/overzicht.py")
    assert app.selectbox(key="vergadering").value is not None
    assert any("Sinds Stuurgroep juni" in s.value and "niets veranderd" in s.value for s in app.success)
