"""The plan's actions: the register, its command line, its place on the pages, and who may change it."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from kpi.__main__ import main
from kpi.metrics.registry import KPIS
from kpi.settings.actions import (
    ACTION_STATUSES,
    Action,
    ActionError,
    action_register,
    actions_of,
    may_update_actions,
    overdue,
    set_action_status,
    status_counts,
)
from kpi.settings.audit import audit_entries
from kpi.settings.users import User
from kpi.views.actions import actions_table
from tests.conftest import run_cli as run
from tests.test_pages import DASHBOARD

MILESTONES_ONLY = {"pps-duurzaamheid", "pps-ict", "media-en-zorg"}
CONTEXT_SOURCES = {"Context"}


def test_list_json_holds_the_twelve_actions_of_the_plan(db, capsys):
    code, out, _ = run(capsys, "acties", "list", "--format", "json")
    assert code == 0
    listed = json.loads(out)
    assert len(listed) == 12
    assert {a["action_line"] for a in listed} == {"Kiezen", "Leren", "Werken"}
    assert [sum(a["action_line"] == line for a in listed) for line in ("Kiezen", "Leren", "Werken")] == [4, 6, 2]
    required = {"id", "action_line", "action", "result", "partners", "kpis", "status", "due_year", "note"}
    assert all(required | {"updated_at", "updated_by"} <= set(a) for a in listed)
    assert {a["id"] for a in listed if not a["kpis"]} == MILESTONES_ONLY
    linked = {k for a in listed for k in a["kpis"]}
    # open-data KPIs measure the plan's starting point against the nation (context, no target), not an action
    plan_kpis = {k.id for k in KPIS if k.action_line in ("Kiezen", "Leren", "Werken") and k.source == "leveringen"}
    assert plan_kpis <= linked, plan_kpis - linked  # every KPI of the three action lines measures an action
    assert all(a["status"] == "gepland" for a in listed)
    pps_ict = next(a for a in listed if a["id"] == "pps-ict")
    assert "ROC van Amsterdam" in pps_ict["partners"] and "snel veranderende" in pps_ict["result"]


def test_status_command_changes_one_action_and_is_audited(db, capsys):
    code, out, _ = run(
        capsys, "acties", "status", "pps-ict", "loopt", "--toelichting", "Subsidie aangevraagd", "--by", "voorzitter"
    )
    assert code == 0 and "loopt" in out
    listed = {a["id"]: a for a in json.loads(run(capsys, "acties", "list", "--format", "json")[1])}
    assert listed["pps-ict"]["status"] == "loopt"
    assert listed["pps-ict"]["note"] == "Subsidie aangevraagd" and listed["pps-ict"]["updated_by"] == "voorzitter"
    assert [a["status"] for i, a in listed.items() if i != "pps-ict"] == ["gepland"] * 11
    from kpi.delivery.storage import engine_for

    entry = audit_entries(engine_for())[0]
    assert (entry["actor"], entry["action"], entry["subject"]) == ("voorzitter", "action.status", "pps-ict")
    assert entry["old_value"]["status"] == "gepland" and entry["new_value"]["status"] == "loopt"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("acties", "status", "pps-xyz", "loopt"), "onbekende actie"),
        (("acties", "status", "pps-ict", "klaar"), "onbekende status"),
    ],
)
def test_status_command_refuses_unknown_ids_and_statuses(db, capsys, argv, message):
    code, _, err = run(capsys, *argv)
    assert code == 1 and message in err
    from kpi.delivery.storage import engine_for

    assert audit_entries(engine_for()) == []
    assert all(a.status == "gepland" for a in action_register(engine_for()))


def test_unchanged_status_writes_no_audit_entry(engine):
    set_action_status(engine, "pps-ict", "loopt", "x", "a")
    set_action_status(engine, "pps-ict", "loopt", None, "b")  # same status, note kept
    assert len(audit_entries(engine)) == 1
    assert next(a for a in action_register(engine) if a.id == "pps-ict").note == "x"


def test_register_queries(engine):
    register = action_register(engine)
    assert [a.id for a in actions_of(register, "Werken")] == ["instroom-werkzoekenden", "blijven-werken"]
    brink = actions_of(register, partner="College De Brink")
    assert {a.id for a in brink} == {"beroepskeuze-vmbo", "vakmanschapsroute"}
    set_action_status(engine, "pps-ict", "vertraagd", "", "a")
    counts = status_counts(action_register(engine))
    assert list(counts) == list(ACTION_STATUSES) and counts["gepland"] == 11 and counts["vertraagd"] == 1
    with pytest.raises(ActionError):
        set_action_status(engine, "pps-ict", "done", "", "a")


@pytest.mark.parametrize(
    ("role", "may"),
    [("viewer", False), ("school", False), ("analyst", False), ("stuurgroep", True), ("admin", True)],
)
def test_who_may_update_actions(role, may):
    assert may_update_actions(role) is may


def _due(status: str, year: int | None) -> Action:
    moment = dt.datetime(2016, 1, 1, tzinfo=dt.UTC)
    return Action("a", "Kiezen", "t", "a", "r", (), (), status, year, "", moment, "x")


@pytest.mark.parametrize(
    ("status", "due", "today", "late"),
    [
        ("gepland", 2016, dt.date(2017, 7, 31), False),  # due in 2016: on time until school year 2016-2017 is out
        ("gepland", 2016, dt.date(2017, 8, 1), True),
        ("loopt", 2016, dt.date(2026, 11, 28), True),
        ("vertraagd", 2016, dt.date(2026, 11, 28), True),
        ("gerealiseerd", 2016, dt.date(2026, 11, 28), False),  # finished: never late
        ("gestopt", 2016, dt.date(2026, 11, 28), False),
        ("gepland", None, dt.date(2026, 11, 28), False),  # no deadline in the plan
    ],
)
def test_an_action_is_overdue_while_open_after_its_year(status, due, today, late):
    assert overdue(_due(status, due), today) is late


def test_actions_table_has_words_not_codes(engine):
    set_action_status(engine, "pps-ict", "gerealiseerd", "Klaar", "a")
    table = actions_table(action_register(engine), "nl", dt.date(2017, 7, 31))
    assert list(table.columns) == ["Actielijn", "Actie", "Status", "Gereed in", "Toelichting", "KPI's", "Met wie"]
    row = table[table["Actie"] == "Publiek-private samenwerking ICT"].iloc[0]
    assert row["Status"] == "gerealiseerd" and row["KPI's"] == "mijlpaal (geen KPI)"
    assert actions_table(action_register(engine), "en", dt.date(2017, 7, 31))["Status"].tolist().count("planned") == 11
    later = actions_table(action_register(engine), "en", dt.date(2017, 8, 1))["Status"].tolist()
    assert later.count("planned (past its deadline)") == 11 and "achieved" in later  # done is never late


@pytest.fixture
def app_env(tmp_path, monkeypatch):
    monkeypatch.setenv("TECHNIEKPACT_DB", f"sqlite:///{tmp_path / 'app.db'}")
    st.cache_data.clear()
    st.cache_resource.clear()
    return tmp_path


def _leren(user: User | None, actions_open: bool = True) -> AppTest:
    app = AppTest.from_file(str(DASHBOARD), default_timeout=60)
    if user:
        app.session_state["user"] = user
    app.run()
    if actions_open:
        app.session_state["open_actions_Leren"] = True
    app.switch_page("pages/leren.py")
    return app.run()


def test_actions_start_closed_with_their_statuses_counted_in_the_label(app_env):
    """The cards are made only when opened (the page appears sooner); the label already says how far they are."""
    app = _leren(None, actions_open=False)
    assert not app.exception
    labels = [e.label for e in app.expander]
    assert "Acties uit het actieplan (6): 6 gepland; 6 over de deadline" in labels  # due in 2016, still planned
    assert "Publiek-private samenwerking ICT" not in " ".join(m.value for m in app.markdown)


def _action_forms(app: AppTest) -> list:
    return [s for s in app.selectbox if str(s.key).startswith("action_status_")]


def test_action_line_page_lists_its_actions_with_kpi_status_and_partners(app_env):
    app = _leren(None)
    assert not app.exception
    text = " ".join(m.value for m in app.markdown)
    assert "Publiek-private samenwerking ICT" in text and "mijlpaal (geen KPI)" in text
    assert "Doorstroom MBO-4 ICT-beheer en Engineering naar HBO" in text  # a linked KPI, with its status badge
    captions = " ".join(c.value for c in app.caption)
    assert "ROC van Amsterdam" in captions
    assert "nog niet bijgewerkt" in captions and "Bijgewerkt op" not in captions  # nobody updated them yet
    assert _action_forms(app) == []  # a viewer cannot change an action


@pytest.mark.parametrize("role", ["stuurgroep", "admin"])
def test_steering_group_and_admin_update_an_action_on_the_page(app_env, role):
    app = _leren(User("voorzitter", role, ()))
    forms = _action_forms(app)
    assert len(forms) == 6  # the six actions of Leren
    app.selectbox(key="action_status_pps-ict").set_value("vertraagd")
    app.text_area(key="action_note_pps-ict").set_value("Subsidie afgewezen")
    submit = next(b for b in app.button if "action_form_pps-ict" in str(b.form_id))
    submit.click().run()
    assert not app.exception
    from kpi.delivery.storage import engine_for

    changed = next(a for a in action_register(engine_for()) if a.id == "pps-ict")
    assert (changed.status, changed.note, changed.updated_by) == ("vertraagd", "Subsidie afgewezen", "voorzitter")
    assert audit_entries(engine_for())[0]["actor"] == "voorzitter"
    assert "vertraagd" in " ".join(m.value for m in app.markdown)
    assert "door voorzitter" in " ".join(c.value for c in app.caption)


def test_partner_filter_shows_that_partners_actions_and_kpis(app_env):
    app = _leren(None)
    app.selectbox(key="partner").set_value("College De Brink").run()
    assert not app.exception
    text = " ".join(m.value for m in app.markdown)
    assert "Doorlopende leerlijn VMBO - MBO 2/3" in text
    assert "Publiek-private samenwerking ICT" not in text
    subheaders = " ".join(h.value for h in app.subheader)
    assert "Instroom in de Vakmanschapsroute" in subheaders
    assert "Doorstroom MBO-4 ICT-beheer en Engineering naar HBO" not in subheaders


def test_overview_counts_actions_by_status(app_env):
    from kpi.delivery.storage import engine_for

    set_action_status(engine_for(), "pps-ict", "loopt", "", "a")
    app = AppTest.from_file(str(DASHBOARD), default_timeout=60).run()
    assert not app.exception
    line = next(m.value for m in app.markdown if m.value.startswith("**Acties**"))
    assert "gepland</span> **11**" in line and "loopt</span> **1**" in line


@pytest.mark.parametrize(
    ("moves", "expected"),
    [
        ([], []),
        ([("pps-ict", "gepland", "loopt")], [("pps-ict", "gepland", "loopt")]),
        ([("pps-ict", "gepland", "loopt"), ("pps-ict", "loopt", "vertraagd")], [("pps-ict", "gepland", "vertraagd")]),
        ([("pps-ict", "gepland", "loopt"), ("pps-ict", "loopt", "gepland")], []),  # back where it was
        ([("pps-ict", "gepland", "loopt"), ("blijven-werken", "gepland", "gestopt")],
         [("pps-ict", "gepland", "loopt"), ("blijven-werken", "gepland", "gestopt")]),
    ],
)  # fmt: skip
def test_action_changes_take_the_status_then_and_now(moves, expected):
    import pandas as pd

    from kpi.metrics.meetings import CAUSE_COLUMNS, action_changes

    settings = pd.DataFrame(
        [
            [f"audit:{n}", "audit", n, "a", "action.status", action, {"status": old, "note": ""},
             {"status": new, "note": f"n{n}"}, []]
            for n, (action, old, new) in enumerate(moves)
        ] + [["audit:99", "audit", 99, "a", "school.add", "25LJ", None, {"naam": "x"}, []]],
        columns=CAUSE_COLUMNS,
    )  # fmt: skip
    found = action_changes(settings)
    assert [tuple(r) for r in found[["action", "status_before", "status_after"]].to_numpy()] == expected


def test_since_the_meeting_lists_action_status_changes_on_overview_and_in_the_pack(app_env, tmp_path):
    import datetime as dt

    from pypdf import PdfReader

    from kpi.delivery.storage import engine_for
    from kpi.metrics.meetings import changes_since, mark_meeting

    app = AppTest.from_file(str(DASHBOARD), default_timeout=60).run()  # fills the demo set
    engine = engine_for()
    meeting = mark_meeting(engine, "Stuurgroep november", dt.date(2026, 11, 20), "voorzitter")
    set_action_status(engine, "pps-ict", "loopt", "Subsidie aangevraagd", "voorzitter")
    moved = changes_since(engine, meeting, "viewer").actions
    assert moved[["action", "status_before", "status_after"]].to_numpy().tolist() == [["pps-ict", "gepland", "loopt"]]
    app = AppTest.from_file(str(DASHBOARD), default_timeout=60).run()
    assert not app.exception
    table = next(d.value for d in app.dataframe if "Actie" in d.value.columns and "Toelichting" in d.value.columns)
    assert table.to_numpy().tolist()[0][:3] == [
        "Publiek-private samenwerking ICT",
        "gepland → loopt",
        "Subsidie aangevraagd",
    ]
    assert main(["pack", str(tmp_path / "pakket.pdf"), "--year", "2016"]) == 0
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(tmp_path / "pakket.pdf").pages)
    assert "Sinds de vergadering" in text and "gepland → loopt" in text
