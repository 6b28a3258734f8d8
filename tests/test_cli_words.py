"""The command line's human output speaks the user's language: words, school years, Dutch numbers, local times."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from kpi.views.formatting import day, moment, plain_value, text_table
from kpi.views.records import audit_table
from tests.conftest import run_cli as run

ROOT = Path(__file__).resolve().parents[1]
MICROSECONDS = re.compile(r"\d{2}:\d{2}:\d{2}\.\d+")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (dt.datetime(2026, 11, 28, 7, 41, 35, 871345), "28-11-2026 08:41"),  # naive from SQLite: UTC, winter +1
        (dt.datetime(2026, 6, 1, 10, 0, tzinfo=dt.UTC), "01-06-2026 12:00"),  # summer time +2
        (pd.Timestamp("2026-11-28T23:30:00Z"), "29-11-2026 00:30"),  # crosses midnight on a Dutch clock
        ("2026-03-12T09:15:59+00:00", "12-03-2026 10:15"),  # ISO text, to the minute
        (None, ""),
        (pd.NaT, ""),
    ],
)
def test_moment_is_a_dutch_clock_to_the_minute(value, expected):
    assert moment(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(dt.date(2026, 3, 12), "12-03-2026"), ("2026-03-12", "12-03-2026"), (None, "")],
)
def test_day(value, expected):
    assert day(value) == expected


@pytest.mark.parametrize(
    ("value", "language", "expected"),
    [
        (None, "nl", "-"),
        ("", "nl", "-"),
        ("admin", "nl", "admin"),
        (1234.5, "nl", "1.234,5"),
        (1234.5, "en", "1,234.5"),
        (0.125, "nl", "0,125"),
        (7, "nl", "7"),
        (True, "nl", "ja"),
        (False, "en", "no"),
        ({"naam": "De Brink", "techniek": True, "aantal": 12}, "nl", "naam: De Brink, techniek: ja, aantal: 12"),
        ({"schools": ["14SM05", "03FO01"]}, "nl", "schools: 14SM05, 03FO01"),
        ({}, "nl", "-"),
    ],
)
def test_plain_value_reads_like_text_not_json(value, language, expected):
    assert plain_value(value, language) == expected


@pytest.mark.parametrize(
    ("frame", "expected"),
    [
        ({"a": [1, 22], "bb": ["x", "y"]}, "a   bb\n1   x\n22  y"),
        ({"a": [pd.NA, 1], "b": [None, "z"]}, "a  b\n\n1  z"),  # missing cells are empty, never <NA> or None
        ({"kop": []}, "kop"),
    ],
)
def test_text_table_aligns_columns_and_leaves_missing_cells_empty(frame, expected):
    assert text_table(pd.DataFrame(frame)) == expected


def test_audit_table_has_readable_values_and_local_minutes():
    entries = [
        {
            "at": dt.datetime(2026, 11, 28, 7, 41, 35, 871345, tzinfo=dt.UTC),
            "actor": "beheer",
            "action": "school.retire",
            "subject": "25LJ",
            "old_value": {"retired": False},
            "new_value": {"retired": True},
        }
    ]
    nl = audit_table(entries, "nl").iloc[0].tolist()
    assert nl == ["28-11-2026 08:41", "beheer", "school uit dienst (school.retire)", "25LJ", "retired: nee",
                  "retired: ja"]  # fmt: skip
    assert audit_table(entries, "en").columns[0] == "Time"


@pytest.fixture
def db(tmp_path, monkeypatch):
    monkeypatch.setenv("TECHNIEKPACT_DB", f"sqlite:///{tmp_path / 'cli.db'}")
    return tmp_path


def test_kpis_table_shows_words_school_years_and_dutch_numbers(db, capsys):
    assert run(capsys, "demo")[0] == 0
    code, out, _ = run(capsys, "kpis")
    assert code == 0
    assert out.splitlines()[0].split() == ["KPI", "schooljaar", "waarde", "doel", "status"]
    assert "niet gehaald" in out and "op koers" in out and "onvoldoende gegevens" in out
    for code_word in ("niet_gehaald", "op_koers", "onvoldoende_data", "vmbo_keuze_techniek"):
        assert code_word not in out
    assert "VMBO-leerlingen die kiezen voor techniek/ICT" in out and "2016-2017" in out
    assert re.search(r"≈ \d+ \(\d+–\d+\)", out)  # an estimated count: rounded, with its range low–high
    assert re.search(r"\d+,\d%", out)  # a share with a decimal comma
    assert not re.search(r"\d\.\d", out)  # no decimal point in Dutch
    code, out, _ = run(capsys, "--lang", "en", "kpis")
    assert code == 0 and "not met" in out and "on track" in out and "niet gehaald" not in out
    assert "niet_gehaald" not in out and out.splitlines()[0].split()[:3] == ["KPI", "school", "year"]


def test_history_in_words_local_minutes_without_na(db, capsys):
    assert run(capsys, "demo")[0] == 0
    code, out, _ = run(capsys, "history")
    lines = out.splitlines()
    assert code == 0 and lines[0].startswith("Levering") and "SHA-256" in lines[0]
    assert "telt mee" in out and "demogegevens" in out and "regio (geen school)" in out
    assert "<NA>" not in out and "None" not in out and not MICROSECONDS.search(out)
    assert " actief " not in out  # a status in words, not its code
    assert re.search(r"\d{2}-\d{2}-\d{4} \d{2}:\d{2}  ", lines[1])
    assert "counts" in run(capsys, "--lang", "en", "history")[1]


def test_meetings_in_dutch_sentences_and_headers(db, capsys):
    assert run(capsys, "demo")[0] == 0
    code, out, _ = run(capsys, "vergadering", "add", "Stuurgroep maart", "--date", "2026-03-12", "--by", "voorzitter")
    assert code == 0 and out.strip() == "Vergadering 1 vastgelegd: Stuurgroep maart (12-03-2026)"
    code, out, _ = run(capsys, "vergadering", "list")
    assert code == 0 and out.splitlines()[0].split()[:5] == ["id", "Naam", "van", "de", "vergadering"]
    assert "12-03-2026" in out and "voorzitter" in out and not MICROSECONDS.search(out)
    code, out, _ = run(capsys, "vergadering", "changes", "1")
    assert code == 0 and "Geen wijzigingen in waarden, statussen of doelen sinds Stuurgroep maart (12-03-2026)" in out
    assert "Empty DataFrame" not in out and "{" not in out
    assert run(capsys, "techniek", "Robotica", "--ja", "--by", "beheer")[0] == 0
    code, _, _ = run(capsys, "doel", "set", "vrienden_van_techniek", "--baseline-year", "2014", "--target-year",
                     "2016", "--rule", "at_least", "--target", "20", "--by", "beheer")  # fmt: skip
    code, out, _ = run(capsys, "vergadering", "changes", "1")
    assert "Veranderd sinds Stuurgroep maart" in out and "Vrienden van Techniek" in out and "30 → 20" in out
    assert "opleiding ingedeeld (techniek/ICT)" in out and "Robotica" in out
    code, _, err = run(capsys, "--lang", "en", "vergadering", "changes", "9")
    assert code == 1 and err.startswith("unknown meeting: 9")


def test_targets_and_users_in_words(db, capsys, monkeypatch):
    import io

    code, out, _ = run(capsys, "doel", "list")
    assert code == 0 and "groei van 10% t.o.v. 2014-2015" in out and "2016-2017" in out
    monkeypatch.setattr("sys.stdin", io.StringIO("een-lang-wachtwoord\n"))
    assert run(capsys, "user", "add", "anna", "--role", "admin", "--password-stdin", "--by", "beheer")[0] == 0
    out = run(capsys, "user", "list")[1]
    assert out.splitlines()[0].split() == ["account", "rol", "scholen", "gewijzigd", "op"]
    assert not MICROSECONDS.search(out) and "+00:00" not in out


def test_a_reader_that_stops_early_ends_the_command_quietly(db):
    """`python -m kpi audit | head -1`: the reader closes the pipe; no traceback, exit 141 (or 0 if it all fit)."""
    env = {**os.environ, "TECHNIEKPACT_DB": os.environ["TECHNIEKPACT_DB"]}
    subprocess.run([sys.executable, "-m", "kpi", "demo"], cwd=ROOT, env=env, check=True, capture_output=True)
    proc = subprocess.Popen(
        [sys.executable, "-m", "kpi", "audit"], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    proc.stdout.close()  # gone before the command writes a line
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) in (0, 141)
    assert "Traceback" not in err and "BrokenPipe" not in err and err == ""


def test_lang_offers_every_language_of_the_catalogue(capsys):
    """`--lang` takes the catalogue's languages (read when it is given, not at every start) and refuses others."""
    from kpi.catalogue import languages
    from kpi.cli import parser

    assert parser().parse_args(["--lang", "en", "history"]).lang == "en"
    assert parser().parse_args(["history"]).lang == "nl"
    with pytest.raises(SystemExit):
        parser().parse_args(["--lang", "xx", "history"])
    assert ", ".join(repr(code) for code in languages()) in capsys.readouterr().err
