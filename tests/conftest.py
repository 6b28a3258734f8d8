"""Shared fixtures: a fresh database per test, and builders for the files schools send."""

from __future__ import annotations

import io
import os
import socket
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy.engine import make_url

from kpi.delivery.storage import engine_for

HEADER = ["schooljaar", "brin", "school", "onderwijssoort", "leerjaar", "opleiding", "indicator", "aantal"]
GOOD_ROWS = [
    ["2015-2016", "14SM05", "College De Brink", "VMBO-KB", 3, "PIE", "instroom", 12],
    ["2015-2016", "14SM05", "College De Brink", "VMBO-KB", 3, "D&P", "instroom", "<5"],
    [2016, "14SM05", "College De Brink", "VMBO-BB", 3, "BWI", "instroom", 7],
]
FIXTURES = Path(__file__).parent / "fixtures"


def workbook_bytes(sheets: dict[str, list[list[object]]]) -> bytes:
    """An xlsx with these sheets, each a list of rows (the first usually the header)."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def _reading_in_process(request, monkeypatch):
    """Read in-process (one Python start less per file); tests marked `isolated` use the child as the app does."""
    from kpi.delivery import reading

    monkeypatch.setattr(reading, "ISOLATED", request.node.get_closest_marker("isolated") is not None)


@pytest.fixture
def db(tmp_path, monkeypatch):
    """A folder of its own whose SQLite database the commands use (TECHNIEKPACT_DB)."""
    monkeypatch.setenv("TECHNIEKPACT_DB", f"sqlite:///{tmp_path / 'cli.db'}")
    return tmp_path


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    """`python -m kpi ARGV` in this process: exit status, standard output, standard error."""
    from kpi.__main__ import main

    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def engine(tmp_path):
    """An empty SQLite database file of its own."""
    engine = engine_for(f"sqlite:///{tmp_path / 'test.db'}")
    yield engine
    engine.dispose()


@pytest.fixture
def good_xlsx() -> bytes:
    return workbook_bytes({"leerlingen": [HEADER, *GOOD_ROWS]})


PG_DEFAULT = "postgresql+psycopg://techniekpact:techniekpact@127.0.0.1:5432/techniekpact_test"


def _postgres_url() -> str | None:
    """TECHNIEKPACT_TEST_PG when its server answers; CI sets TECHNIEKPACT_REQUIRE_PG so a missing server fails."""
    url = os.environ.get("TECHNIEKPACT_TEST_PG", PG_DEFAULT)
    parsed = make_url(url)
    try:
        with socket.create_connection((parsed.host or "127.0.0.1", parsed.port or 5432), timeout=0.5):
            return url
    except OSError:
        if os.environ.get("TECHNIEKPACT_REQUIRE_PG"):
            raise
        return None


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def any_engine(request, tmp_path):
    """The same tests on SQLite and on a real PostgreSQL server (skipped with a reason when none runs)."""
    if request.param == "sqlite":
        engine = engine_for(f"sqlite:///{tmp_path / 'test.db'}")
        yield engine
        engine.dispose()
        return
    url = _postgres_url()
    if url is None:
        pytest.skip("no PostgreSQL server at TECHNIEKPACT_TEST_PG (.ci/run starts one; see README)")
    empty_postgres(url)  # a scratch database of the tests only
    engine = engine_for(url)
    yield engine
    assert engine.pool.checkedout() == 0, "the test left a database connection checked out"
    engine.dispose()
    empty_postgres(url)


def empty_postgres(url: str) -> None:
    """Drop every table in the test database, the migration record included."""
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    existing = sa.MetaData()
    existing.reflect(engine)
    existing.drop_all(engine)
    engine.dispose()
