"""Numbers never shrink, text stays clean, the CLI never prints a traceback or a terminal escape, and
concurrent imports all store (SQLite waits for its turn; PostgreSQL retries serialisation failures)."""

from __future__ import annotations

import multiprocessing
import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa

from kpi.__main__ import main
from kpi.delivery import storage
from kpi.delivery.ingest import checked_file
from kpi.delivery.storage import current_facts, delivery_history, engine_for
from tests.conftest import HEADER

ROW = ["2016", "14SM05", "College De Brink", "VMBO-KB", "3", "PIE", "instroom", "7"]


def _csv(*rows: list[str]) -> bytes:
    return "\n".join(";".join(r) for r in [HEADER, *rows]).encode()


def _with(column: str, value: str) -> list[str]:
    row = list(ROW)
    row[HEADER.index(column)] = value
    return row


@pytest.mark.parametrize(
    ("column", "value", "code"),
    [
        ("aantal", "1.000", "count_thousands"),
        ("aantal", "2,000", "count_thousands"),
        ("aantal", "12.345.678", "count_thousands"),
        ("aantal", "1,5", "count_fraction"),
        ("leerjaar", "1.000", "count_thousands"),
        ("school", "Brink\x1b[31m", "text_control"),
        ("opleiding", "PIE\x07", "text_control"),  # (a NUL refuses the whole CSV: test_reading_limits)
    ],
)
def test_numbers_and_text_refused_by_their_cell(column, value, code):
    checked = checked_file(_csv(_with("opleiding", "D&P"), _with(column, value)), "x.csv")
    found = [(p.code, p.column, p.value, p.rows) for p in checked.errors]
    assert found == [(code, column, value, (3,))], found
    assert "{" not in checked.errors[0].message("nl")


def test_thousands_never_read_as_decimals():
    checked = checked_file(_csv(_with("aantal", "1000"), _with("opleiding", "BWI")), "x.csv")
    assert checked.ok and checked.frames["leerlingen"]["aantal"].tolist() == [1000, 7]


def test_case_variants_are_one_value_so_duplicates_count_once():
    checked = checked_file(_csv(ROW, _with("opleiding", "pie"), _with("opleiding", " Pie ")), "x.csv")
    assert [(p.code, p.rows, p.params["other"]) for p in checked.errors] == [("duplicate", (3, 4), 2)]
    single = checked_file(_csv(ROW, _with("opleiding", "pie  BWI"), _with("opleiding", "PIE bwi")), "x.csv")
    assert [p.code for p in single.errors] == ["duplicate"]


@pytest.fixture
def db(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("TECHNIEKPACT_DB", url)
    return url


def test_cli_strips_terminal_controls_from_file_values(tmp_path, db, capsys):
    path = tmp_path / "kleur.csv"
    path.write_bytes(_csv(_with("school", "\x1b]0;pwned\x07Brink\x1b[2J\r")))
    assert main(["import", str(path)]) == 1
    out, err = capsys.readouterr()
    assert "Brink" in err and "text_control" not in err
    assert not any(ch in out + err for ch in "\x1b\x07\r\x00")


def test_cli_failure_is_one_dutch_line_without_traceback(tmp_path, db, capsys, monkeypatch):
    path = tmp_path / "goed.csv"
    path.write_bytes(_csv(ROW))
    engine_for(db).dispose()  # schema in place
    monkeypatch.setattr(storage, "SQLITE_WAIT_SECONDS", 0.2)
    monkeypatch.setattr(storage, "WRITE_ATTEMPTS", 2)
    blocker = sqlite3.connect(db.removeprefix("sqlite:///"))
    blocker.execute("BEGIN IMMEDIATE")  # another writer holds the database
    try:
        code = main(["import", str(path)])
    finally:
        blocker.rollback()
        blocker.close()
    out, err = capsys.readouterr()
    assert code == 1 and "Traceback" not in out + err
    lines = [line for line in err.splitlines() if line.strip()]
    assert lines == [lines[0]] and lines[0].startswith("fout: de database is bezet"), err
    assert main(["import", str(path)]) == 0  # the lock gone, the same import stores


def _school_rows(school: str, rows: int) -> bytes:
    lines = [[*_with("brin", school)[:5], f"Opleiding {i}", "instroom", str(i % 90)] for i in range(rows)]
    return _csv(*lines)


def _import_one(args: tuple[str, str, str]) -> int:
    url, path, _ = args
    import os

    os.environ["TECHNIEKPACT_DB"] = url
    from kpi.__main__ import main as cli

    return cli(["import", path, "--by", "test"])


def test_concurrent_imports_of_different_schools_all_store(tmp_path):
    """Four processes import at once into one SQLite file: every one waits its turn and stores
    (bench/bench_concurrent.py does ten of 100,000 rows)."""
    url = f"sqlite:///{tmp_path / 'samen.db'}"
    engine_for(url).dispose()
    schools = ["14SM05", "14SM04", "03FO01", "25LZ01"]
    jobs = []
    for school in schools:
        path = tmp_path / f"{school}.csv"
        path.write_bytes(_school_rows(school, 3000))
        jobs.append((url, str(path), school))
    with multiprocessing.get_context("spawn").Pool(len(jobs)) as pool:
        codes = pool.map(_import_one, jobs)
    assert codes == [0] * len(jobs)
    engine = engine_for(url)
    assert len(delivery_history(engine)) == len(jobs)
    assert current_facts(engine, "leerlingen").groupby("brin").size().to_dict() == dict.fromkeys(schools, 3000)


@pytest.mark.postgres
def test_postgres_serialisation_failure_is_retried(any_engine, monkeypatch):
    """A store that meets a serialisation failure rolls back and stores on the next attempt."""
    if any_engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only")
    checked = checked_file(_csv(ROW), "x.csv")
    original, calls = storage._store, []

    def flaky(conn, frames, meta):
        calls.append(1)
        if len(calls) == 1:
            conn.execute(sa.text("SET LOCAL lock_timeout = '1ms'"))
            raise sa.exc.OperationalError("store", {}, _Serialization())
        return original(conn, frames, meta)

    monkeypatch.setattr(storage, "_store", flaky)
    result = storage.store(any_engine, checked.frames, storage.DeliveryMeta("x.csv", checked.sha256, "t"))
    assert len(calls) == 2 and result.stored == {"leerlingen": 1}
    assert len(delivery_history(any_engine)) == 1


class _Serialization(Exception):
    sqlstate = "40001"


def test_show_error_details_off():
    config = (Path(__file__).parent.parent / ".streamlit" / "config.toml").read_text()
    import tomllib

    assert tomllib.loads(config)["client"]["showErrorDetails"] == "none"
