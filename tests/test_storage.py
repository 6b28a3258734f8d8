"""Storage: one transaction per delivery, replace rules, same file twice, history and restore (SQLite and PostgreSQL)."""

from __future__ import annotations

import sqlite3

import pandas as pd
import pyarrow as pa
import pytest
import sqlalchemy as sa

from kpi.delivery import storage
from kpi.delivery.ingest import checked_file, stored_file
from kpi.delivery.storage import FACT_TABLES, current_facts, delivery_history, restore
from tests.conftest import GOOD_ROWS, HEADER, workbook_bytes


def _deliver(engine, rows, name="levering.xlsx", by="school"):
    checked = checked_file(workbook_bytes({"leerlingen": [HEADER, *rows]}), name)
    assert checked.ok, checked.problems
    return stored_file(engine, checked, by)


def _snapshot(engine) -> dict[str, list]:
    """Everything in the database, to prove that a refused or interrupted delivery changed nothing."""
    with engine.connect() as conn:
        tables = [storage.deliveries, *FACT_TABLES.values()]
        return {t.name: sorted(map(tuple, conn.execute(sa.select(t)).all()), key=str) for t in tables}


def _counts(engine) -> dict[int, int]:
    facts = current_facts(engine, "leerlingen")
    return facts.groupby("schooljaar")["aantal"].sum().to_dict()


def test_store_and_read_back(any_engine):
    result = _deliver(any_engine, GOOD_ROWS)
    facts = current_facts(any_engine, "leerlingen")
    assert result.stored == {"leerlingen": 3} and len(facts) == 3
    assert facts["aantal_onderdrukt"].tolist().count(True) == 1  # the <5 cell kept as suppressed
    history = delivery_history(any_engine)
    assert history.loc[0, ["door", "school", "bestand", "rijen", "status"]].tolist() == [
        "school",
        "14SM05",
        "levering.xlsx",
        3,
        "actief",
    ]
    assert len(history.loc[0, "sha256"]) == 64


def test_same_file_twice_changes_nothing(any_engine):
    _deliver(any_engine, GOOD_ROWS)
    before = _snapshot(any_engine)
    again = _deliver(any_engine, GOOD_ROWS)
    assert again.unchanged and again.delivery_id is None
    assert _snapshot(any_engine) == before


def test_copy_of_a_delivery_stored_with_the_old_csv_digest_is_still_unchanged(any_engine):
    """Deliveries stored before the Arrow digest carry the CSV-text digest: a re-saved copy still matches."""
    first = _deliver(any_engine, GOOD_ROWS)
    frames = checked_file(workbook_bytes({"leerlingen": [HEADER, *GOOD_ROWS]}), "x.xlsx").frames
    with any_engine.begin() as conn:  # as the old code stored it
        old = {"content_sha256": storage.legacy_content_digest(frames), "sha256": "0" * 64}
        conn.execute(storage.deliveries.update().where(storage.deliveries.c.id == first.delivery_id).values(**old))
    before = _snapshot(any_engine)
    resaved = _deliver(any_engine, [*GOOD_ROWS], name="opnieuw opgeslagen.xlsx")
    assert resaved.unchanged and _snapshot(any_engine) == before
    changed = _deliver(any_engine, [*GOOD_ROWS[:2], [*GOOD_ROWS[2][:7], 8]], name="anders.xlsx")
    assert not changed.unchanged


def test_rows_stored_in_index_order_with_one_scope_claim(any_engine):
    rows = [["2016", "14SM04", "A", "VMBO-KB", 3, "PIE", "instroom", 1], GOOD_ROWS[2], GOOD_ROWS[0]]
    _deliver(any_engine, rows)
    table = FACT_TABLES["leerlingen"]
    with any_engine.connect() as conn:
        stored = conn.execute(sa.select(table.c.brin, table.c.schooljaar).order_by(table.c.id)).all()
        scopes = conn.execute(sa.select(storage.current_scopes.c.school, storage.current_scopes.c.year)).all()
    assert [tuple(r) for r in stored] == sorted(tuple(r) for r in stored)
    assert sorted(map(tuple, scopes)) == [("14SM04", 2016), ("14SM05", 2015), ("14SM05", 2016)]


@pytest.mark.parametrize(
    ("rows", "width"),
    [(0, 3), (1, 3), (332, 3), (333, 3), (334, 3), (98, 10), (99, 10), (100, 10), (250, 10), (5, 1)],
)
def test_multi_row_inserts_store_every_row_once_in_order(rows, width):
    """Statements of 999 // width rows, and one for the rest; the literals open every row."""
    table = pa.table(
        {f"c{j}": pa.array([None if (i + j) % 4 == 0 else f"{i}-{j}" for i in range(rows)]) for j in range(width)}
    )
    database = sqlite3.connect(":memory:")
    names = ", ".join(table.column_names)
    database.execute(f"CREATE TABLE t (delivery_id, current, {names})")
    for statement, parameters in storage._multi_row_inserts(f"t (delivery_id, current, {names})", "7, 1", table):
        database.executemany(statement, parameters)
    stored = database.execute("SELECT * FROM t ORDER BY rowid").fetchall()
    assert stored == [(7, 1, *row.values()) for row in table.to_pylist()]


@pytest.mark.parametrize(
    "column",
    [
        pa.chunked_array([[1, None, 3], [3]]),
        pa.chunked_array([["a", None], ["a", "b"]]),
        pa.chunked_array([[True, None, False]]),
        pa.chunked_array([[]], pa.string()),
        pa.chunked_array([[None, None]], pa.int64()),
        pa.chunked_array([[2**40, -5, 2**40]]),
    ],
    ids=["ints", "texts", "flags", "empty", "all missing", "large ints"],
)
def test_python_values_are_the_plain_python_values(column):
    values = storage._python_values(column)
    assert values == column.to_pylist() and {type(v) for v in values} <= {int, str, bool, type(None)}


def test_fact_rows_equal_the_snapshot_with_empty_columns_left_null(any_engine):
    """The SQL rows hold what the snapshot holds, over several insert statements; columns the file leaves
    empty (crebo, route, ...) are NULL."""
    rows = [[2000 + i % 17, "14SM05", "College De Brink", "VMBO-KB", 1 + i % 4, f"P{i}", "instroom", i % 9 or "<5"]
            for i in range(260)]  # fmt: skip
    result = _deliver(any_engine, rows)
    table, sheet = FACT_TABLES["leerlingen"], storage.SHEETS["leerlingen"]
    with any_engine.connect() as conn:
        stored = conn.execute(
            sa.select(*(table.c[name] for name in sheet.stored_columns)).where(
                table.c.delivery_id == result.delivery_id
            )
        ).all()
    facts = current_facts(any_engine, "leerlingen")[list(sheet.stored_columns)]
    expected = sorted(tuple(None if pd.isna(v) else v for v in row) for row in facts.itertuples(index=False))
    assert len(stored) == 260 and sorted(tuple(r) for r in stored) == expected
    assert {r.route for r in stored} == {None} and sum(r.aantal_onderdrukt for r in stored) == 29


def test_sqlite_writes_with_a_larger_cache_and_gives_it_back(tmp_path):
    """A writing transaction keeps a delivery's pages in memory; a connection back in the pool has the default."""
    engine = storage.engine_for(f"sqlite:///{tmp_path / 'cache.db'}")
    cache = "PRAGMA cache_size"
    assert storage.write_transaction(engine, lambda conn: conn.exec_driver_sql(cache).scalar()) == -16 * 1024
    with engine.connect() as conn:
        assert conn.exec_driver_sql(cache).scalar() == -storage.SQLITE_CACHE_KIB


def test_redelivery_replaces_same_school_sheet_and_years_only(any_engine):
    _deliver(any_engine, GOOD_ROWS)  # 2015: 12 + <5, 2016: 7
    other_school = ["2015", "03FO01", "Hilfertsheem", "VMBO-BB", 3, "PIE", "instroom", 20]
    _deliver(any_engine, [other_school], name="hilfertsheem.xlsx")
    corrected = ["2016", "14SM05", "College De Brink", "VMBO-BB", 3, "BWI", "instroom", 9]
    result = _deliver(any_engine, [corrected], name="correctie.xlsx")
    assert result.replaced == {"leerlingen": 1}
    facts = current_facts(any_engine, "leerlingen")
    assert sorted(facts["aantal"].dropna().astype(int).tolist()) == [9, 12, 20]  # 2015 of both schools untouched
    statuses = delivery_history(any_engine).set_index("bestand")["status"].to_dict()
    assert statuses == {"correctie.xlsx": "actief", "hilfertsheem.xlsx": "actief", "levering.xlsx": "deels_vervangen"}


def test_restore_makes_an_earlier_delivery_current_and_is_recorded(any_engine):
    first = _deliver(any_engine, GOOD_ROWS)
    _deliver(any_engine, [[*GOOD_ROWS[0][:7], 99]], name="fout.xlsx")
    assert _counts(any_engine)[2015] == 99
    restored = restore(any_engine, first.delivery_id, by="beheerder")
    assert _counts(any_engine) == {2015: 12, 2016: 7}
    history = delivery_history(any_engine)
    top = history.iloc[0]
    assert (top["id"], top["soort"], top["hersteld_van"], top["door"]) == (
        restored.delivery_id,
        "restore",
        first.delivery_id,
        "beheerder",
    )
    with pytest.raises(KeyError):
        restore(any_engine, 12345, by="beheerder")


def test_refused_file_leaves_the_database_exactly_as_it_was(any_engine):
    _deliver(any_engine, GOOD_ROWS)
    before = _snapshot(any_engine)
    bad = checked_file(workbook_bytes({"leerlingen": [HEADER, [*GOOD_ROWS[0][:7], -1]]}), "bad.xlsx")
    with pytest.raises(ValueError):
        stored_file(any_engine, bad, "school")
    assert _snapshot(any_engine) == before


def test_interrupted_store_leaves_nothing_behind(any_engine, monkeypatch):
    _deliver(any_engine, GOOD_ROWS)
    before = _snapshot(any_engine)
    original = storage._insert_rows

    def failing(conn, sheet, table, delivery_id):
        if sheet.name == "werkenden":  # the first sheet is already inserted when this raises
            raise RuntimeError("power cut")
        return original(conn, sheet, table, delivery_id)

    monkeypatch.setattr(storage, "_insert_rows", failing)
    data = workbook_bytes(
        {
            "leerlingen": [HEADER, [*GOOD_ROWS[0][:7], 50]],
            "werkenden": [["jaar", "regeling", "gestart"], [2016, "opscholing werkenden", 4]],
        }
    )
    checked = checked_file(data, "half.xlsx")
    assert checked.ok
    with pytest.raises(RuntimeError):
        stored_file(any_engine, checked, "school")
    assert _snapshot(any_engine) == before


def test_regional_sheet_replaced_by_year(any_engine):
    header = ["jaar", "sector", "vervangingsvraag", "instroom_schoolverlaters"]

    def deliver(rows, name):
        checked = checked_file(workbook_bytes({"arbeidsmarkt": [header, *rows]}), name)
        return stored_file(any_engine, checked, "regio")

    deliver([[2015, "bouw", 100, 50], [2016, "bouw", 110, 55]], "a.xlsx")
    deliver([[2016, "bouw", 120, 70], [2016, "ICT", 80, 40]], "b.xlsx")
    facts = current_facts(any_engine, "arbeidsmarkt").sort_values(["jaar", "sector"])
    assert facts[["jaar", "sector", "vervangingsvraag"]].values.tolist() == [
        [2015, "bouw", 100],
        [2016, "ICT", 80],
        [2016, "bouw", 120],
    ]


def test_schema_creation_is_idempotent_and_never_drops(tmp_path):
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    engine = storage.engine_for(url)
    _deliver(engine, GOOD_ROWS)
    again = storage.engine_for(url)
    assert len(current_facts(again, "leerlingen")) == 3


def test_preview_shows_rows_now_and_after(engine):
    _deliver(engine, GOOD_ROWS)
    checked = checked_file(
        workbook_bytes({"leerlingen": [HEADER, GOOD_ROWS[2], [*GOOD_ROWS[2][:5], "PIE", "instroom", 3]]}), "n.xlsx"
    )
    preview = storage.current_rows_by_year(engine, checked.frames)
    assert preview.to_dict("records") == [{"blad": "leerlingen", "jaar": 2016, "nu": 1, "na": 2}]
    assert isinstance(preview, pd.DataFrame)


def test_what_counts_now_has_one_source_and_the_copies_agree(any_engine):
    """current_scopes is the record; the rows' current flags and the snapshots agree with it after every step."""
    first = _deliver(any_engine, GOOD_ROWS)
    assert storage.disagreements(any_engine) == []
    _deliver(any_engine, [GOOD_ROWS[2], [*GOOD_ROWS[2][:5], "PIE", "instroom", 3]], name="b.xlsx")
    assert storage.disagreements(any_engine) == []
    restore(any_engine, first.delivery_id, "beheer")
    assert storage.disagreements(any_engine) == []
    assert storage.retire(any_engine, "restore", "beheer") == 3
    assert storage.disagreements(any_engine) == [] and current_facts(any_engine, "leerlingen").empty
    with any_engine.begin() as conn:  # a copy that drifts is caught
        conn.execute(FACT_TABLES["leerlingen"].update().values(current=True))
    assert storage.disagreements(any_engine) == ["leerlingen: 8 rows whose current flag disagrees with current_scopes"]
