"""Consequences of a delivery or a settings change: impact preview, fixed baselines, targets, meetings."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest

from kpi.__main__ import main
from kpi.delivery.storage import DeliveryMeta, delivery_history, engine_for, store
from kpi.metrics.baselines import fix_baselines
from kpi.metrics.compute import kpi_values
from kpi.metrics.facts import facts_from_frames, load_facts
from kpi.metrics.impact import delivery_impact, removed_rows
from kpi.metrics.meetings import changes_since, mark_meeting, meeting_list
from kpi.metrics.targets import Target, checked_target, load_targets, set_target, targets_from_file
from kpi.settings.audit import audit_entries
from kpi.settings.reference import classify_program, techniek_table
from kpi.sources.demo import demo_deliveries, load_demo
from kpi.views.impact import warning_message, year_ranges

BRINK = "demo_14SM05_College De Brink.xlsx"


def school_file(frame: pd.DataFrame, path: Path) -> Path:
    """A demo school's rows written as the school would send them (suppressed counts as `<5`)."""
    out = frame.copy()
    out["aantal"] = out["aantal"].astype(object).where(~out["aantal_onderdrukt"], "<5")
    out.drop(columns=[c for c in out.columns if c.endswith("_onderdrukt")]).to_excel(
        path, sheet_name="leerlingen", index=False
    )
    return path


@pytest.fixture
def brink() -> pd.DataFrame:
    return dict(demo_deliveries())[BRINK]["leerlingen"]


@pytest.fixture
def demo_db(tmp_path, monkeypatch):
    monkeypatch.setenv("TECHNIEKPACT_DB", f"sqlite:///{tmp_path / 'demo.db'}")
    engine = engine_for()
    load_demo(engine)
    yield engine
    engine.dispose()


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def kpi_rows(capsys, kpi: str, year: int) -> dict:
    code, out, _ = run(capsys, "kpis", "--format", "json")
    assert code == 0
    return next(r for r in json.loads(out) if r["id"] == kpi and r["year"] == year)


# -- impact preview on the command line (the "done when") ------------------------------------


def test_dry_run_of_a_partial_redelivery_warns_that_rows_disappear_and_stores_nothing(demo_db, brink, tmp_path, capsys):
    partial = school_file(brink[brink["schooljaar"].between(2013, 2017) & (brink["indicator"] != "instroom")],
                          tmp_path / "deels.xlsx")  # fmt: skip
    history = delivery_history(demo_db)
    code, out, _ = run(capsys, "import", str(partial), "--dry-run", "--format", "json")
    assert code == 0
    preview = json.loads(out)
    assert preview["stored"] is False and preview["problems"] == []
    removes = [w for w in preview["warnings"] if w["kind"] == "removes_rows"]
    assert len(removes) == 1
    warning = removes[0]
    assert warning["school"] == "14SM05" and warning["years"] == [2013, 2014, 2015, 2016, 2017]
    assert warning["indicators"] == ["instroom"]
    assert "instroom" in warning["message"] and "2013–2017" in warning["message"]
    assert warning["rows_after"] < warning["rows_before"]
    region = [c for c in preview["changes"] if c["kpi"] == "vmbo_keuze_techniek" and c["school"] is None]
    assert {c["year"] for c in region} >= {2013, 2014, 2015, 2016, 2017}
    assert all(c["after"] < c["before"] for c in region if 2013 <= c["year"] <= 2017)
    pd.testing.assert_frame_equal(delivery_history(demo_db), history)  # nothing stored


def test_dry_run_of_redelivered_baseline_counts_names_the_kpis_whose_baseline_moves(demo_db, brink, tmp_path, capsys):
    again = brink[brink["schooljaar"] == 2014].assign(aantal=lambda f: f["aantal"] * 2)
    code, out, _ = run(
        capsys, "import", str(school_file(again, tmp_path / "2014.xlsx")), "--dry-run", "--format", "json"
    )
    assert code == 0
    preview = json.loads(out)
    moved = [w for w in preview["warnings"] if w["kind"] == "baseline_changes"]
    assert len(moved) == 1
    kpis = {m["kpi"]: m for m in moved[0]["kpis"]}
    assert "vmbo_keuze_techniek" in kpis
    assert kpis["vmbo_keuze_techniek"]["baseline_after"] > kpis["vmbo_keuze_techniek"]["baseline_before"]
    assert "VMBO-leerlingen die kiezen voor techniek/ICT" in moved[0]["message"]
    assert not [w for w in preview["warnings"] if w["kind"] == "removes_rows"]  # same rows, other counts
    assert len(delivery_history(demo_db)) == 10


def test_dry_run_of_a_refused_file_exits_1_with_its_problems(demo_db, tmp_path, capsys):
    bad = tmp_path / "fout.xlsx"
    pd.DataFrame({"schooljaar": [2014], "brin": ["14SM05"], "aantal": ["veel"]}).to_excel(bad, sheet_name="leerlingen")
    code, out, _ = run(capsys, "import", str(bad), "--dry-run", "--format", "json")
    preview = json.loads(out)
    assert code == 1 and preview["stored"] is False and preview["problems"] and preview["changes"] == []


def test_dry_run_text_names_the_warnings_first(demo_db, brink, tmp_path, capsys):
    partial = school_file(
        brink[(brink["schooljaar"] == 2014) & (brink["indicator"] != "instroom")], tmp_path / "p.xlsx"
    )
    code, out, err = run(capsys, "import", str(partial), "--dry-run")
    assert code == 0 and out.startswith("WAARSCHUWINGEN") and "niets opgeslagen" in err
    changes = out.split("\n  ", 1)[1] if "\n  " in out else ""
    assert "VMBO-leerlingen die kiezen voor techniek/ICT  2014-2015" in changes  # KPI labels, not ids
    assert "vmbo_keuze_techniek" not in out


# -- fixed baselines ----------------------------------------------------------------------------------


def test_fixed_baseline_keeps_baseline_and_target_when_the_baseline_year_is_redelivered(demo_db, brink, tmp_path,
                                                                                       capsys):  # fmt: skip
    before = kpi_rows(capsys, "vmbo_keuze_techniek", 2016)
    assert run(capsys, "nulmeting", "vastleggen", "--kpi", "vmbo_keuze_techniek", "--by", "Stuurgroep")[0] == 0
    again = brink[brink["schooljaar"] == 2014].assign(aantal=lambda f: f["aantal"] * 2)
    assert run(capsys, "import", str(school_file(again, tmp_path / "2014.xlsx")), "--by", "De Brink")[0] == 0
    after = kpi_rows(capsys, "vmbo_keuze_techniek", 2016)
    assert after["baseline_value"] == before["baseline_value"] and after["target_value"] == before["target_value"]
    assert after["baseline_fixed"] is True
    assert after["measured_baseline_value"] > after["baseline_value"]  # both shown, the difference explicable
    fixed = [e for e in audit_entries(demo_db) if e["action"] == "baseline.fix"]
    assert len(fixed) == 1 and fixed[0]["actor"] == "Stuurgroep" and fixed[0]["subject"] == "vmbo_keuze_techniek/2016"
    assert fixed[0]["new_value"]["fixed_baseline"] == before["baseline_value"]
    # an unfixed KPI moved with the new counts: the contrast that shows the fix is what held the other still
    other = kpi_rows(capsys, "vmbo_keuze_techniek_aandeel", 2016)
    assert other["baseline_fixed"] is False and other["baseline_value"] == other["measured_baseline_value"]


def test_fixed_baseline_applies_to_the_region_only(demo_db):
    fix_baselines(demo_db, "test", ["vmbo_keuze_techniek"])
    facts, targets = load_facts(demo_db), load_targets(demo_db)
    from kpi.metrics.facts import Filters

    school = kpi_values(facts, targets, Filters(schools=("14SM05",)), 2016)
    row = school[school["id"] == "vmbo_keuze_techniek"].iloc[0]
    assert not row["baseline_fixed"] and row["baseline_value"] == row["measured_baseline_value"]


def test_fixing_without_data_in_the_baseline_year_fixes_nothing(engine):
    fixed = fix_baselines(engine, "test")
    assert set(fixed["outcome"]) == {"no_data"}
    assert not [e for e in audit_entries(engine) if e["action"] == "baseline.fix"]


# -- targets and the techniek table as settings ---------------------------------------------------------


def test_targets_are_seeded_once_from_the_file_and_changes_are_audited(engine):
    assert load_targets(engine) == targets_from_file()
    assert load_targets(engine) == targets_from_file()  # not seeded twice
    assert [e["action"] for e in audit_entries(engine)] == ["target.seed"]
    new = checked_target("vrienden_van_techniek", 2014, 2016, "at_least", "40", "stuurgroep 2026")
    set_target(engine, new, "beheerder")
    assert load_targets(engine)["vrienden_van_techniek"][0].amount == 40
    entry = audit_entries(engine)[0]
    assert (entry["action"], entry["actor"], entry["old_value"]["amount"], entry["new_value"]["amount"]) == (
        "target.change", "beheerder", 30.0, 40.0,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("kpi", "rule", "amount", "message"),
    [
        ("nope", "growth", "10%", "unknown KPI"),
        ("vmbo_keuze_techniek", "more", "10%", "unknown rule"),
        ("mbo4_hbo_doorstroom", "at_least", "80", "is a share"),
        ("vmbo_keuze_techniek", "increase", "5", "takes no target value"),
    ],
)
def test_a_wrong_target_is_refused_with_what_to_fix(kpi, rule, amount, message):
    with pytest.raises(ValueError, match=message):
        checked_target(kpi, 2014, 2016, rule, amount)


def test_changing_the_baseline_year_releases_the_fixed_baseline(demo_db):
    fix_baselines(demo_db, "test", ["vrienden_van_techniek"])
    target = load_targets(demo_db)["vrienden_van_techniek"][0]
    assert target.fixed_baseline is not None
    set_target(demo_db, Target("vrienden_van_techniek", 2015, 2016, "at_least", 30.0), "test")
    assert load_targets(demo_db)["vrienden_van_techniek"][0].fixed_baseline is None


def test_classifying_a_program_moves_the_kpis_and_is_audited(demo_db):
    before = kpi_values(load_facts(demo_db), load_targets(demo_db), year=2016).set_index("id")
    assert classify_program(demo_db, "Economie en ondernemen", True, "beheerder")["techniek"] is True
    after = kpi_values(load_facts(demo_db), load_targets(demo_db), year=2016).set_index("id")
    assert after.loc["vmbo_keuze_techniek", "value"] > before.loc["vmbo_keuze_techniek", "value"]
    entry = audit_entries(demo_db)[0]
    assert entry["action"] == "reference.classify" and entry["old_value"]["techniek"] is False
    assert techniek_table(demo_db).set_index("naam").loc["Economie en ondernemen", "techniek"]


# -- the removes_rows rule on tiny frames --------------------------------------------------------------


def _leerlingen(rows: list[tuple[int, str, str]]) -> pd.DataFrame:
    return pd.DataFrame(
        [{"schooljaar": y, "brin": "14SM05", "school": "", "onderwijssoort": "VMBO-KB", "leerjaar": 3,
          "opleiding": p, "crebo": None, "route": None, "indicator": i, "naar_onderwijssoort": None,
          "naar_opleiding": None, "geslacht": None, "aantal": 10, "aantal_onderdrukt": False} for y, i, p in rows]
    )  # fmt: skip


@pytest.mark.parametrize(
    ("now", "delivered", "years", "indicators", "programs"),
    [
        ([(2014, "instroom", "PIE")], [(2014, "instroom", "PIE")], None, None, None),  # same rows: no warning
        ([(2014, "instroom", "PIE")], [(2015, "instroom", "PIE")], None, None, None),  # other year: adds only
        ([(2014, "instroom", "PIE"), (2014, "uitval", "PIE")], [(2014, "uitval", "PIE")], [2014], ["instroom"], []),
        ([(2014, "instroom", "PIE"), (2014, "instroom", "BWI")], [(2014, "instroom", "pie")], [2014], [], ["BWI"]),
        ([(2013, "instroom", "PIE"), (2014, "instroom", "PIE"), (2014, "instroom", "BWI")],
         [(2013, "instroom", "PIE"), (2014, "uitval", "PIE")], [2014], ["instroom"], ["BWI"]),
    ],
)  # fmt: skip
def test_removed_rows(now, delivered, years, indicators, programs):
    warnings = removed_rows(facts_from_frames({"leerlingen": _leerlingen(now)}), {"leerlingen": _leerlingen(delivered)})
    if years is None:
        assert warnings == []
        return
    (warning,) = warnings
    assert (warning["years"], warning["indicators"], warning["programs"]) == (years, indicators, programs)
    assert str(years[0]) in warning_message(warning)


@pytest.mark.parametrize(
    ("years", "text"), [([2014], "2014"), ([2013, 2014, 2015], "2013–2015"), ([2017, 2013, 2014], "2013–2014, 2017")]
)
def test_year_ranges(years, text):
    assert year_ranges(years) == text


def test_preview_hides_small_region_counts_from_a_school(engine):
    """A school sees its own numbers in the preview, never a region count from 1 to 4 (analysts do)."""
    other = _leerlingen([(2014, "instroom", "PIE")]).assign(brin="03FO01", aantal=2)
    store(engine, {"leerlingen": other}, DeliveryMeta("a.xlsx", "a" * 64, "a"))
    store(
        engine,
        {"leerlingen": _leerlingen([(2014, "instroom", "PIE")]).assign(aantal=1)},
        DeliveryMeta("b", "b" * 64, "b"),
    )
    delivery = {"leerlingen": _leerlingen([(2014, "instroom", "PIE")]).assign(aantal=2)}
    changes = {
        role: delivery_impact(engine, delivery, role=role).changes.query(
            "kpi == 'vmbo_keuze_techniek' and year == 2014"
        )
        for role in ("analyst", "school")
    }
    region = changes["analyst"][changes["analyst"]["school"].isna()]
    assert region[["before", "after"]].iloc[0].tolist() == [3, 4]
    assert changes["school"]["school"].tolist() == ["14SM05"]  # its own values only: 1 -> 2
    assert changes["school"][["before", "after"]].iloc[0].tolist() == [1, 2]


# -- meetings ------------------------------------------------------------------------------------------


def test_changes_since_a_meeting_name_the_status_change_and_the_delivery_that_caused_it(demo_db, brink):
    meeting = mark_meeting(demo_db, "Stuurgroep maart", dt.date(2026, 3, 12), "voorzitter")
    assert meeting_list(demo_db)["name"].tolist() == ["Stuurgroep maart"]
    assert changes_since(demo_db, meeting).kpis.empty  # nothing happened yet
    halved = brink[brink["schooljaar"] == 2014].assign(aantal=lambda f: f["aantal"] // 4)
    delivery = store(demo_db, {"leerlingen": halved}, DeliveryMeta("2014.xlsx", "x" * 64, "De Brink")).delivery_id
    changes = changes_since(demo_db, meeting)
    assert f"levering:{delivery}" in changes.causes["cause"].tolist()
    statuses = changes.kpis[changes.kpis["changed"].map(lambda c: "status" in c)]
    assert not statuses.empty
    row = statuses[statuses["id"] == "vmbo_keuze_techniek"].iloc[0]
    assert row["status_before"] != row["status_after"]
    assert f"levering:{delivery}" in row["causes"]
    assert "baseline" in row["changed"] and "target" in row["changed"]


def test_a_settings_change_after_a_meeting_is_a_cause(demo_db):
    meeting = mark_meeting(demo_db, "Stuurgroep", dt.date(2026, 3, 12), "voorzitter")
    set_target(demo_db, checked_target("vrienden_van_techniek", 2014, 2016, "at_least", "10"), "beheerder")
    changes = changes_since(demo_db, meeting)
    row = changes.kpis[(changes.kpis["id"] == "vrienden_van_techniek") & (changes.kpis["year"] == 2016)].iloc[0]
    assert "target" in row["changed"] and row["target_before"] == 30 and row["target_after"] == 10
    cause = changes.causes.set_index("cause").loc[row["causes"][0]]
    assert cause["action"] == "target.change" and cause["actor"] == "beheerder"
    assert [e["action"] for e in audit_entries(demo_db)][1] == "meeting.mark"


def test_changes_since_an_unknown_meeting(engine):
    with pytest.raises(KeyError):
        changes_since(engine, 42)


def test_settings_and_meetings_on_both_databases(any_engine, brink):
    """Targets, fixed baselines, the techniek table and meeting snapshots work the same on SQLite and PostgreSQL."""
    load_demo(any_engine)
    meeting = mark_meeting(any_engine, "Stuurgroep", dt.date(2026, 3, 12), "voorzitter")
    fixed = fix_baselines(any_engine, "stuurgroep", ["vmbo_keuze_techniek"])
    assert fixed["outcome"].tolist() == ["fixed"]
    assert load_targets(any_engine)["vmbo_keuze_techniek"][0].fixed_baseline == fixed["new"].iloc[0]
    classify_program(any_engine, "Robotica", True, "beheerder", "mbo-opleiding")
    assert techniek_table(any_engine).set_index("naam").loc["Robotica", "techniek"]
    store(any_engine, {"leerlingen": brink[brink["schooljaar"] == 2014].assign(aantal=lambda f: f["aantal"] * 2)},
          DeliveryMeta("2014.xlsx", "e" * 64, "De Brink"))  # fmt: skip
    changes = changes_since(any_engine, meeting)
    row = changes.kpis[(changes.kpis["id"] == "vmbo_keuze_techniek") & (changes.kpis["year"] == 2014)].iloc[0]
    assert "value" in row["changed"] and "baseline" not in row["changed"]  # fixed: the baseline held
    assert set(changes.causes["source"]) == {"delivery", "audit"}


def test_cli_targets_techniek_and_meetings(demo_db, brink, tmp_path, capsys):
    code, out, _ = run(capsys, "vergadering", "add", "Stuurgroep maart", "--date", "2026-03-12", "--by", "voorzitter")
    assert code == 0 and out.strip() == "Vergadering 1 vastgelegd: Stuurgroep maart (12-03-2026)"
    code, _, err = run(capsys, "doel", "set", "mbo4_hbo_doorstroom", "--baseline-year", "2014", "--target-year",
                       "2016", "--rule", "at_least", "--target", "80")  # fmt: skip
    assert code == 1 and "is a share" in err
    code, _, _ = run(capsys, "doel", "set", "vrienden_van_techniek", "--baseline-year", "2014", "--target-year",
                     "2016", "--rule", "at_least", "--target", "20", "--by", "beheerder")  # fmt: skip
    assert code == 0
    assert run(capsys, "techniek", "Robotica", "--ja", "--by", "beheerder")[0] == 0
    code, out, _ = run(capsys, "doel", "list", "--format", "json")
    assert {(t["kpi"], t["amount"]) for t in json.loads(out)} >= {("vrienden_van_techniek", 20.0)}
    code, out, _ = run(capsys, "vergadering", "changes", "1", "--format", "json")
    changes = json.loads(out)
    moved = [k for k in changes["kpis"] if k["id"] == "vrienden_van_techniek" and "target" in k["changed"]]
    assert moved and moved[0]["target_before"] == 30 and moved[0]["target_after"] == 20
    assert [c["action"] for c in changes["causes"]] == ["target.change", "reference.classify"]
    assert run(capsys, "vergadering", "changes", "7")[0] == 1
