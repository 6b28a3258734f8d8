"""The command line of interfaces.md, end to end on a database of its own."""

from __future__ import annotations

import csv
import gc
import io
import json
import re
import unicodedata
from pathlib import Path

import openpyxl
import pytest

from kpi.__main__ import main
from kpi.metrics.benchmark import BENCHMARK_FIELDS
from kpi.settings.reference import TECHNIEK_TABLE
from kpi.sources.demo import demo_deliveries
from kpi.views.report import JSON_FIELDS
from tests.conftest import GOOD_ROWS, HEADER, workbook_bytes
from tests.conftest import run_cli as run


def test_template_fill_import_history_reimport_restore(db, capsys):
    template = db / "template.xlsx"
    assert run(capsys, "template", str(template))[0] == 0
    workbook = openpyxl.load_workbook(template)
    assert workbook.sheetnames == ["Toelichting", "leerlingen", "organisaties", "werkenden", "arbeidsmarkt"]
    sheet = workbook["leerlingen"]
    assert [c.value for c in sheet[1]] == [
        "schooljaar",
        "brin",
        "school",
        "onderwijssoort",
        "leerjaar",
        "opleiding",
        "crebo",
        "route",
        "indicator",
        "naar_onderwijssoort",
        "naar_opleiding",
        "geslacht",
        "aantal",
    ]
    lists = {str(rule.sqref)[0]: rule.formula1 for rule in sheet.data_validations.dataValidation}
    assert "VMBO-BB" in lists["D"] and "doorstroom" in lists["I"]
    # a school fills it in
    for row in GOOD_ROWS:
        sheet.append([row[0], row[1], row[2], row[3], row[4], row[5], None, None, row[6], None, None, None, row[7]])
    filled = db / "ingevuld.xlsx"
    workbook.save(filled)
    code, out, _ = run(capsys, "import", str(filled), "--by", "De Brink")
    assert code == 0 and "opgeslagen als levering 1" in out
    code, out, _ = run(capsys, "import", str(filled), "--by", "De Brink")
    assert code == 0 and "ongewijzigd" in out
    code, out, _ = run(capsys, "history")
    assert code == 0 and "ingevuld.xlsx" in out and "De Brink" in out and len(re.findall(r"\b[0-9a-f]{64}\b", out)) == 1
    changed = db / "correctie.xlsx"
    changed.write_bytes(workbook_bytes({"leerlingen": [HEADER, [*GOOD_ROWS[0][:7], 40]]}))
    assert run(capsys, "import", str(changed), "--as", "14SM05")[0] == 0
    code, out, _ = run(capsys, "restore", "1")
    assert code == 0 and "hersteld als levering 3" in out
    assert run(capsys, "restore", "99")[0] == 1


def test_refused_import_prints_every_problem_and_stores_nothing(db, capsys):
    bad = db / "fout.xlsx"
    bad.write_bytes(
        workbook_bytes({"leerlingen": [HEADER, [*GOOD_ROWS[0][:7], -2], [*GOOD_ROWS[1][:1], "XX", *GOOD_ROWS[1][2:]]]})
    )
    good = db / "goed.xlsx"
    good.write_bytes(workbook_bytes({"leerlingen": [HEADER, *GOOD_ROWS]}))
    code, _, err = run(capsys, "import", str(good), str(bad))
    assert code == 1
    assert "blad leerlingen, rij 2, kolom aantal, gevonden '-2'" in err and "rij 3, kolom brin, gevonden 'XX'" in err
    assert "niets opgeslagen" in err
    assert "(geen leveringen" in run(capsys, "history")[1]  # the good file was not stored either


def test_usage_error_exits_2(db, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["import"])
    assert exit_info.value.code == 2


def test_export_neutralises_formulas(db, capsys):
    data = (";".join(HEADER) + "\n2016;14SM05;=cmd|' /C calc'!A0;VMBO-KB;3;@SUM(1);instroom;5\n").encode()
    delivery = db / "l.csv"
    delivery.write_bytes(data)
    assert run(capsys, "import", str(delivery))[0] == 0
    out_csv, out_xlsx = db / "uit.csv", db / "uit.xlsx"
    assert run(capsys, "export", str(out_csv), "--school", "14SM05")[0] == 0
    rows = list(csv.DictReader(io.StringIO(out_csv.read_bytes().decode("utf-8-sig")), delimiter=";"))
    assert rows[0]["school"] == "'=cmd|' /C calc'!A0" and rows[0]["opleiding"] == "'@SUM(1)"
    assert run(capsys, "export", str(out_xlsx), "--year", "2016")[0] == 0
    cells = [c for row in openpyxl.load_workbook(out_xlsx)["leerlingen"].iter_rows() for c in row]
    assert not any(c.data_type == "f" for c in cells)
    assert "'=cmd|' /C calc'!A0" in [c.value for c in cells]
    assert run(capsys, "export", str(db / "uit.pdf"))[0] == 2


def test_kpis_json_has_exactly_the_fields_of_interfaces_md(db, capsys):
    assert run(capsys, "demo")[0] == 0
    code, out, _ = run(capsys, "kpis", "--format", "json")
    records = json.loads(out)
    assert code == 0 and records and all(tuple(r) == (*JSON_FIELDS, *BENCHMARK_FIELDS) for r in records)
    assert {r["unit"] for r in records} == {"count", "share"}
    assert all(0 <= r["value"] <= 1 for r in records if r["unit"] == "share" and r["value"] is not None)
    delivered = [r for r in records if r["source"] == "leveringen"]
    assert all(r["value"] is not None for r in delivered)  # years without data are left out
    assert all(r["nl_value"] is None for r in delivered)  # no national benchmark for deliveries
    opened = [r for r in records if r["source"] == "duo"]  # no open data loaded: one empty row each
    assert [(r["id"], r["value"], r["status"]) for r in opened] == [
        ("vmbo_examen_techniek", None, "onvoldoende_data"),
        ("vmbo_examen_techniek_aandeel", None, "onvoldoende_data"),
    ]
    one_year = json.loads(run(capsys, "kpis", "--year", "2016", "--format", "json")[1])
    assert len(one_year) == 14 and {r["year"] for r in one_year} == {2016}
    table = run(capsys, "kpis", "--year", "2016")[1]
    assert all(r["label"] in table for r in one_year) and "2016-2017" in table  # labels and school years, in words
    csv_out = run(capsys, "kpis", "--year", "2016", "--format", "csv")[1]
    assert csv_out.splitlines()[0].startswith("id;label;action_line;year;value")
    assert run(capsys, "demo")[1].startswith("database niet leeg")


# -- an independent computation of every KPI on the demo data: plain loops, no engine helpers ---------------


def _key(text: object) -> str:
    plain = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^0-9a-z&]", "", plain)


def _techniek_names() -> dict[str, bool]:
    with Path(TECHNIEK_TABLE).open(encoding="utf-8") as handle:
        return {_key(r["naam"]): r["techniek"] == "ja" for r in csv.DictReader(handle)}


def _independent_2016() -> dict[str, float]:
    tech = _techniek_names()
    sheets: dict[str, list[dict]] = {"leerlingen": [], "organisaties": [], "werkenden": [], "arbeidsmarkt": []}
    for _, frames in demo_deliveries():
        for name, frame in frames.items():
            sheets[name] += frame.to_dict("records")

    def n(row, column="aantal"):
        return 2.5 if row[f"{column}_onderdrukt"] else float(row[column])

    rows = [r for r in sheets["leerlingen"] if r["schooljaar"] == 2016]
    vmbo = [
        r
        for r in rows
        if r["indicator"] == "instroom"
        and r["onderwijssoort"] in ("VMBO-BB", "VMBO-KB", "VMBO-GL")
        and r["leerjaar"] == 3
    ]
    vmbo_tech = sum(n(r) for r in vmbo if tech.get(_key(r["opleiding"])))
    grads = [
        r
        for r in rows
        if r["indicator"] == "gediplomeerd"
        and r["onderwijssoort"] == "MBO-4"
        and r["opleiding"] in ("ICT-beheer", "Engineering")
    ]
    to_hbo = [
        r
        for r in rows
        if r["indicator"] == "doorstroom"
        and r["onderwijssoort"] == "MBO-4"
        and r["opleiding"] in ("ICT-beheer", "Engineering")
        and r["naar_onderwijssoort"] in ("HBO-AD", "HBO-BA")
    ]
    route = [r for r in rows if r["route"] == "Vakmanschapsroute"]
    orgs = [r for r in sheets["organisaties"] if r["jaar"] == 2016]
    work = [r for r in sheets["werkenden"] if r["jaar"] == 2016]
    market = [r for r in sheets["arbeidsmarkt"] if r["jaar"] == 2016]
    return {
        "vmbo_keuze_techniek": vmbo_tech,
        "vmbo_keuze_techniek_aandeel": vmbo_tech / sum(n(r) for r in vmbo),
        "po_wt_scholen": sum(1 for r in orgs if r["soort"] == "basisschool" and r["wt_beleid"] is True),
        "vrienden_van_techniek": sum(1 for r in orgs if r["soort"] == "bedrijf" and r["vrienden_van_techniek"] is True),
        "mavo_mbo4_techniek": sum(
            n(r)
            for r in rows
            if r["indicator"] == "doorstroom"
            and r["onderwijssoort"] == "VMBO-TL"
            and r["naar_onderwijssoort"] == "MBO-4"
            and tech.get(_key(r["naar_opleiding"]))
        ),
        "mbo4_hbo_doorstroom": sum(n(r) for r in to_hbo) / sum(n(r) for r in grads),
        "vakmanschapsroute_instroom": sum(n(r) for r in route if r["indicator"] == "instroom"),
        "vakmanschapsroute_uitval": sum(n(r) for r in route if r["indicator"] == "uitval")
        / sum(n(r) for r in route if r["indicator"] == "ingeschreven"),
        "mbo_techniek_instroom": sum(
            n(r)
            for r in rows
            if r["indicator"] == "instroom"
            and str(r["onderwijssoort"]).startswith("MBO-")
            and tech.get(_key(r["opleiding"]))
        ),
        "werkzoekenden_omscholing": sum(n(r, "gestart") for r in work if r["regeling"] == "omscholing werkzoekenden"),
        "opscholing_werkenden": sum(n(r, "gestart") for r in work if r["regeling"] == "opscholing werkenden"),
        "dekking_vervangingsvraag": sum(n(r, "instroom_schoolverlaters") for r in market)
        / sum(n(r, "vervangingsvraag") for r in market),
    }


def test_demo_kpis_agree_with_an_independent_computation(db, capsys):
    run(capsys, "demo")
    engine_values = {
        r["id"]: r["value"]
        for r in json.loads(run(capsys, "kpis", "--year", "2016", "--format", "json")[1])
        if r["source"] == "leveringen"
    }
    independent = _independent_2016()
    assert engine_values == pytest.approx(independent)
    verdicts = {r["id"]: r["status"] for r in json.loads(run(capsys, "kpis", "--year", "2016", "--format", "json")[1])}
    assert {"gehaald", "niet_gehaald"} <= set(verdicts.values())  # the demo region meets some targets, misses others


def test_user_add_reads_the_password_from_stdin(db, capsys, monkeypatch):
    import io as _io

    import sqlalchemy as sa

    from kpi.delivery.storage import engine_for
    from kpi.settings.users import accounts, authenticated

    monkeypatch.setattr("sys.stdin", _io.StringIO("een-lang-wachtwoord\n"))
    assert run(capsys, "user", "add", "debrink", "--role", "school", "--brin", "14SM05", "--password-stdin")[0] == 0
    engine = engine_for()
    assert authenticated(engine, "debrink", "een-lang-wachtwoord").schools == ("14SM05",)
    assert authenticated(engine, "debrink", "fout") is None
    with engine.connect() as conn:
        stored = conn.execute(sa.select(accounts.c.password_hash)).scalar_one()
    assert stored.startswith("scrypt$") and "een-lang-wachtwoord" not in stored  # a hash, not the password
    monkeypatch.setattr("sys.stdin", _io.StringIO("kort\n"))
    assert run(capsys, "user", "add", "x", "--role", "admin", "--password-stdin")[0] == 1
    monkeypatch.setattr("sys.stdin", _io.StringIO("een-lang-wachtwoord\n"))
    assert run(capsys, "user", "add", "y", "--role", "school", "--password-stdin")[0] == 1  # a school needs a BRIN


def test_demo_set_is_retired_before_going_live(db, capsys):
    from kpi.delivery.storage import engine_for
    from kpi.sources.demo import holds_demo

    assert run(capsys, "demo")[0] == 0
    assert holds_demo(engine_for())  # the dashboard shows its demo banner
    code, out, _ = run(capsys, "demo", "--retire", "--by", "beheer")
    assert code == 0 and "regels" in out
    records = json.loads(run(capsys, "kpis", "--format", "json")[1])
    assert all(r["value"] is None for r in records)  # nothing of the demo counts any more
    history = run(capsys, "history")[1]
    assert "demogegevens uitgezet" in history and history.count("vervangen") >= 10  # kept as history, not deleted
    assert "demo_retired" not in history  # kinds and statuses in words, not codes
    assert not holds_demo(engine_for())  # banner gone
    assert run(capsys, "demo")[1].startswith("database niet leeg")  # and it does not come back


def test_onboarding_a_new_school_from_the_command_line(db, capsys, monkeypatch):
    import io as _io

    row = ["2016-2017", "25LJ00", "MBO College Hilversum", "MBO-4", 1, "Mechatronica", "instroom", 30]
    delivery = db / "mbo.xlsx"
    delivery.write_bytes(workbook_bytes({"leerlingen": [HEADER, row]}))
    code, _, err = run(capsys, "import", str(delivery), "--by", "beheer")
    assert code == 1 and "25LJ" in err
    assert (
        run(capsys, "school", "add", "25LJ", "--naam", "MBO College Hilversum", "--soort", "mbo", "--by", "beheer")[0]
        == 0
    )
    code, out, _ = run(capsys, "import", str(delivery), "--by", "beheer")
    assert code == 0 and "opgeslagen als levering 1" in out
    register = db / "scholen500.csv"
    register.write_text(
        "brin;naam;gemeente;soort\n"
        + "".join(f"{30 + i // 26:02d}{chr(65 + i % 26)}X;School {i};Huizen;vo\n" for i in range(500))
    )
    code, out, _ = run(capsys, "school", "import", str(register), "--by", "beheer")
    assert code == 0 and out.startswith("500 scholen")
    schools = json.loads(run(capsys, "school", "list", "--format", "json")[1])
    assert len(schools) == 516 and {"brin": "25LJ", "naam": "MBO College Hilversum", "gemeente": "", "soort": "mbo",
                                    "verified": True, "source": "", "retired": False} in schools  # fmt: skip
    monkeypatch.setattr("sys.stdin", _io.StringIO("een-lang-wachtwoord\n"))
    args = ["user", "add", "mbo.hilversum", "--role", "school", "--brin", "25LJ", "--password-stdin", "--by", "beheer"]
    assert run(capsys, *args)[0] == 0
    assert run(capsys, "school", "retire", "25LJ", "--by", "beheer")[0] == 0
    entries = json.loads(run(capsys, "audit", "--format", "json")[1])
    assert [(e["action"], e["subject"]) for e in entries[:3]] == [
        ("school.retire", "25LJ"),
        ("user.add", "mbo.hilversum"),
        ("school.add", "49FX"),
    ]
    assert sum(e["action"] == "school.add" for e in entries) == 501
    assert ("delivery.import", "1") in [(e["action"], e["subject"]) for e in entries]
    assert all(e["actor"] == "beheer" for e in entries if e["action"] != "school.seed")
    table = run(capsys, "audit")[1].splitlines()
    assert table[0].split() == ["Tijd", "Door", "Wat", "Onderwerp", "Oude", "waarde", "Nieuwe", "waarde"]
    assert "(school.retire)" in table[1] and "25LJ" in table[1]  # the action in words, its code in brackets
    assert "{" not in "".join(table) and "null" not in "".join(table)  # readable values, not JSON


def test_user_commands_without_a_password_or_with_bad_input_never_show_a_traceback(db, capsys, monkeypatch):
    import io as _io

    monkeypatch.setattr("sys.stdin", _io.StringIO(""))  # not a terminal, nothing given
    code, _, err = run(capsys, "user", "add", "beheer", "--role", "admin")
    assert code == 1 and "--password-stdin" in err and "Traceback" not in err
    monkeypatch.setattr("sys.stdin", _io.StringIO("een-lang-wachtwoord\n"))
    code, _, err = run(capsys, "user", "add", "x", "--role", "school", "--brin", "99ZZ", "--password-stdin")
    assert code == 1 and "99ZZ" in err and "register" in err
    code, _, err = run(capsys, "user", "remove", "niemand")
    assert code == 1 and "niemand" in err
    code, _, err = run(capsys, "school", "add", "14SM٠٥", "--naam", "X")
    assert code == 1 and "2 cijfers en 2 letters" in err
    bad = db / "bad.csv"
    bad.write_text("brin;naam\n1XAB;Fout\n")
    code, _, err = run(capsys, "school", "import", str(bad))
    assert code == 1 and err.splitlines()[0].startswith("regel 2: BRIN '1XAB'") and "Niets opgeslagen" in err
    monkeypatch.setattr("sys.stdin", _io.StringIO('wacht"woord-lang\n'))
    assert run(capsys, "user", "add", 'jan."smit"', "--role", "analyst", "--password-stdin")[0] == 0
    listed = json.loads(run(capsys, "user", "list", "--format", "json")[1])
    assert [(a["name"], a["role"]) for a in listed] == [('jan."smit"', "analyst")]
    assert run(capsys, "user", "remove", 'jan."smit"')[0] == 0


def test_a_retired_demo_delivery_is_not_restored_from_the_command_line(db, capsys):
    assert run(capsys, "demo")[0] == 0
    assert run(capsys, "demo", "--retire", "--by", "beheer")[0] == 0
    code, _, err = run(capsys, "restore", "1", "--by", "beheer")
    assert code == 1 and "demogegevens" in err


def _mbo_file(db: Path, rows: int = 95) -> Path:
    path = db / "mbo_college.xlsx"
    body = [[2015, "25LJ07", "MBO College Hilversum", "MBO-4", 1, f"Opleiding {i}", "instroom", 5] for i in range(rows)]
    path.write_bytes(workbook_bytes({"leerlingen": [HEADER, *body]}))
    return path


def test_import_of_an_unregistered_school_prints_one_grouped_line(db, capsys):
    code, out, err = run(capsys, "import", str(_mbo_file(db)))
    assert code == 1 and out == ""
    problems = [line for line in err.splitlines() if line.startswith("FOUT")]
    assert len(problems) == 1
    assert problems[0].startswith("FOUT: blad leerlingen, rijen 2–96 (95 rijen), kolom brin, gevonden '25LJ07' — ")
    assert f"== {db / 'mbo_college.xlsx'}: 1 fout in 95 rijen" in err and "niets opgeslagen" in err


def test_import_in_a_longer_process_leaves_garbage_collection_as_it_was(db, capsys, monkeypatch):
    """Only `python -m kpi`, whose process ends with the command, freezes what it loaded; collection is back on."""
    good = db / "goed.xlsx"
    good.write_bytes(workbook_bytes({"leerlingen": [HEADER, *GOOD_ROWS]}))
    frozen = gc.get_freeze_count()
    assert run(capsys, "import", str(good), "--by", "t")[0] == 0
    assert gc.isenabled() and gc.get_freeze_count() == frozen
    monkeypatch.setattr("kpi.cli.common.ENDS_WITH_COMMAND", True)
    assert run(capsys, "import", str(good), "--by", "t")[0] == 0
    assert gc.isenabled() and gc.get_freeze_count() > frozen
    gc.unfreeze()


def test_an_empty_as_is_a_usage_error_not_a_lifted_restriction(db, capsys):
    good = db / "goed.xlsx"
    good.write_bytes(workbook_bytes({"leerlingen": [HEADER, *GOOD_ROWS]}))
    for empty in ("", " "):
        code, _, err = run(capsys, "import", str(good), "--as", empty)
        assert code == 2 and "geen BRIN-code" in err
    assert "(geen leveringen" in run(capsys, "history")[1]


def test_import_refuses_a_second_level_for_the_same_years_naming_the_delivery(db, capsys):
    whole, location = db / "bestuur.xlsx", db / "brink.xlsx"
    whole.write_bytes(
        workbook_bytes({"leerlingen": [HEADER, [2014, "14SM", "GSF", "VMBO-KB", 3, "PIE", "instroom", 100]]})
    )
    location.write_bytes(
        workbook_bytes(
            {"leerlingen": [HEADER, [2014, "14SM05", "College De Brink", "VMBO-KB", 3, "PIE", "instroom", 100]]}
        )
    )
    assert run(capsys, "import", str(whole), "--by", "bestuur")[0] == 0
    code, _, err = run(capsys, "import", str(location))
    assert code == 1
    assert "FOUT: blad leerlingen, kolom brin, gevonden '14SM05' — Voor 2014 telt al levering 1 (bestuur.xlsx" in err


def test_dry_run_json_gives_a_grouped_problem_its_rows_as_ranges(db, capsys):
    code, out, _ = run(capsys, "import", str(_mbo_file(db)), "--dry-run", "--format", "json")
    problems = json.loads(out)["problems"]
    assert code == 1 and len(problems) == 1
    assert {k: problems[0][k] for k in ("code", "value", "row", "row_ranges", "row_count")} == {
        "code": "brin_unknown", "value": "25LJ07", "row": 2, "row_ranges": [[2, 96]], "row_count": 95,
    }  # fmt: skip
