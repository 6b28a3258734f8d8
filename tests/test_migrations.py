"""Alembic: an old database upgrades with every row intact, the chain builds the models' schema, starts may race."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from kpi import migrate
from kpi.db import metadata
from kpi.delivery import storage
from kpi.delivery.storage import current_facts, delivery_history
from tests.conftest import _postgres_url, empty_postgres


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def url(request, tmp_path):
    """An empty database (no tables at all) on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'old.db'}"
        return
    url = _postgres_url()
    if url is None:
        pytest.skip("no PostgreSQL server at TECHNIEKPACT_TEST_PG")
    empty_postgres(url)
    yield url
    empty_postgres(url)


def _upgrade_to(url: str, target: str, legacy: bool = True) -> None:
    """Run the revisions up to `target`; `legacy` drops Alembic's record, as the old create_all start-up left it."""
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        command.upgrade(migrate._config(conn), target)
        if legacy:
            conn.execute(sa.text("DROP TABLE alembic_version"))
    engine.dispose()


def _old_delivery(conn, delivery_id: int, rows: list[tuple], current: bool) -> None:
    """A first-round delivery of `leerlingen` rows (brin, year, opleiding, aantal), written with raw SQL."""
    conn.execute(
        sa.text(
            "INSERT INTO deliveries (id, created_at, submitted_by, school, file_name, sha256, content_sha256, kind,"
            " row_counts) VALUES (:id, :at, 'school', :school, :file, :sha, :sha, 'import', :counts)"
        ),
        {"id": delivery_id, "at": dt.datetime(2025, 1, delivery_id, tzinfo=dt.UTC), "school": rows[0][0],
         "file": f"levering{delivery_id}.xlsx", "sha": f"{delivery_id:064d}", "counts": f'{{"leerlingen": {len(rows)}}}'},
    )  # fmt: skip
    for brin, year, opleiding, aantal in rows:
        conn.execute(
            sa.text(
                "INSERT INTO leerlingen (delivery_id, current, schooljaar, brin, school, onderwijssoort, leerjaar,"
                " opleiding, indicator, aantal, aantal_onderdrukt) VALUES (:d, :c, :y, :b, 'School', 'VMBO-KB', 3,"
                " :o, 'instroom', :a, :s)"
            ),
            {"d": delivery_id, "c": current, "y": year, "b": brin, "o": opleiding, "a": aantal, "s": aantal is None},
        )


OLD_ROWS = {
    1: ([("14SM05", 2015, "PIE", 12), ("14SM05", 2016, "BWI", 7)], False),  # replaced by delivery 2
    2: ([("14SM05", 2015, "PIE", 13), ("14SM05", 2016, "BWI", None)], True),
    3: ([("20AB00", 2016, "D&P", 40)], True),
}


@pytest.mark.parametrize("new_tables", [False, True], ids=["first-round", "create_all-era"])
def test_database_of_the_oldest_schema_upgrades_with_every_row(url, new_tables):
    _upgrade_to(url, "0002" if new_tables else "0001")
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        if new_tables:  # the create_all start-up made the tables empty; nothing filled the snapshots
            conn.execute(sa.text("DELETE FROM current_scopes"))
        for delivery_id, (rows, current) in OLD_ROWS.items():
            _old_delivery(conn, delivery_id, rows, current)
    engine.dispose()

    upgraded = storage.engine_for(url)
    assert migrate.revision(upgraded) == migrate.head()
    facts = current_facts(upgraded, "leerlingen").sort_values(["brin", "schooljaar"])
    expected = [(b, y, o, a) for rows, current in OLD_ROWS.values() if current for b, y, o, a in rows]
    got = facts[["brin", "schooljaar", "opleiding", "aantal"]].astype(object)
    assert [tuple(row) for row in got.where(got.notna(), None).values.tolist()] == sorted(expected)
    assert facts["aantal_onderdrukt"].tolist() == [False, True, False]
    history = delivery_history(upgraded).set_index("id")["status"].to_dict()
    assert history == {3: "actief", 2: "actief", 1: "vervangen"}
    assert storage.disagreements(upgraded) == []
    upgraded.dispose()


def test_the_chain_of_revisions_builds_exactly_the_models_schema(url):
    _upgrade_to(url, "head", legacy=False)
    engine = sa.create_engine(url)
    import kpi.tables  # noqa: F401

    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), metadata)
        if conn.dialect.name == "sqlite":  # VARCHAR(n) and TEXT are one type there; 0002 leaves them be
            diff = [d for d in diff if not (isinstance(d, list) and _string_widened(d[0]))]
    engine.dispose()
    assert diff == []


def _string_widened(change: tuple) -> bool:
    return change[0] == "modify_type" and isinstance(change[-2], sa.String) and isinstance(change[-1], sa.Text)


def test_an_up_to_date_database_is_left_alone(url):
    engine = storage.engine_for(url)
    assert migrate.revision(engine) == migrate.head()
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO audit_log (at, actor, action, subject) VALUES (:at, 'x', 'y', 'z')"),
                     {"at": dt.datetime.now(dt.UTC)})  # fmt: skip
    engine.dispose()
    again = storage.engine_for(url)
    with again.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM audit_log")).scalar_one() == 1
    again.dispose()


START = "import sys; from kpi.delivery.storage import engine_for; engine_for(sys.argv[1]).dispose(); print('ok')"


def test_servers_starting_together_on_an_empty_database_all_succeed(url):
    starts = [
        subprocess.Popen([sys.executable, "-c", START, url], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(4)
    ]
    outcomes = [start.communicate(timeout=120) for start in starts]
    assert [out.strip() for out, _ in outcomes] == ["ok"] * 4, [err[-800:] for _, err in outcomes]
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalars().all() == [migrate.head()]
    engine.dispose()
