"""AppTest: the upload page's impact preview and confirmation; Overzicht's 'since the last meeting'."""

from __future__ import annotations

import datetime as dt
import io

import pandas as pd
import pytest

from kpi.delivery.storage import DeliveryMeta, engine_for, store
from kpi.metrics.meetings import mark_meeting
from kpi.settings.users import add_user
from kpi.sources.demo import demo_deliveries
from tests.test_pages import _app, _logged_in, _table, _visit


@pytest.fixture
def app_env(tmp_path, monkeypatch):
    monkeypatch.setenv("TECHNIEKPACT_DB", f"sqlite:///{tmp_path / 'app.db'}")
    monkeypatch.setenv("TECHNIEKPACT_USERS", str(tmp_path / "users.toml"))
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
    add_user("debrink", "geheim-wachtwoord", "school", ("14SM05",))
    app = _app().run()
    _logged_in(app, "debrink", "geheim-wachtwoord")
    _visit(app, "pages/aanleveren.py")
    history = _table(app, "bestand")
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
    assert len(_table(app, "bestand")) == len(history) + 1


def test_a_delivery_without_warnings_is_stored_without_confirmation(app_env):
    add_user("beheer", "nog-geheimer-wachtwoord", "admin")
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
