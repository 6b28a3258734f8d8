"""Deliveries in a SQL database: one transaction per delivery, replace rules, history and restore."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from kpi import paths
from kpi.db import metadata
from kpi.delivery.schema import SHEETS, SUPPRESSED_SUFFIX, Sheet, typed
from kpi.settings import audit

DATA_DIR = paths.DATA_DIR
DEFAULT_URL = f"sqlite:///{DATA_DIR / 'techniekpact.db'}"

SQL_TYPES = {
    "year": sa.Integer,
    "brin": lambda: sa.String(6),
    "kvk": lambda: sa.String(8),
    "crebo": lambda: sa.String(5),
    "text": sa.Text,
    "enum": lambda: sa.String(40),
    "int": sa.Integer,
    "count": sa.BigInteger,
    "bool": sa.Boolean,
}

deliveries = sa.Table(
    "deliveries",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("submitted_by", sa.Text, nullable=False),
    sa.Column("school", sa.Text, nullable=False, server_default=""),
    sa.Column("file_name", sa.Text, nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False, index=True),
    sa.Column("content_sha256", sa.String(64), nullable=False, index=True),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("restored_from", sa.Integer, nullable=True),
    sa.Column("row_counts", sa.JSON, nullable=False),
)


snapshots = sa.Table(
    "delivery_snapshots",
    metadata,
    sa.Column("delivery_id", sa.ForeignKey("deliveries.id"), primary_key=True),
    sa.Column("sheet", sa.String(40), primary_key=True),
    sa.Column("arrow", sa.LargeBinary, nullable=False),
)
"""Each delivery's rows per sheet once more as a compressed Arrow file: a million facts load in a second."""

current_scopes = sa.Table(
    "current_scopes",
    metadata,
    sa.Column("sheet", sa.String(40), primary_key=True),
    sa.Column("school", sa.String(6), primary_key=True),
    sa.Column("year", sa.Integer, primary_key=True),
    sa.Column("delivery_id", sa.ForeignKey("deliveries.id"), nullable=False, index=True),
)
"""Which delivery counts for each sheet, school ('' for regional sheets) and year: THE record of what counts now.

The fact rows' `current` flag is a copy of it (kept for the history's row counts) and each delivery's
snapshot holds its rows; `disagreements` checks that both agree with this table.
"""

ARROW_TYPES = {"year": pa.int64(), "int": pa.int64(), "count": pa.int64(), "bool": pa.bool_()}


def arrow_schema(sheet: Sheet) -> pa.Schema:
    fields = [pa.field(c.name, ARROW_TYPES.get(c.kind, pa.string())) for c in sheet.columns]
    return pa.schema(fields + [pa.field(f"{name}{SUPPRESSED_SUFFIX}", pa.bool_()) for name in sheet.counts])


def _fact_table(sheet: Sheet) -> sa.Table:
    columns = [sa.Column(c.name, SQL_TYPES[c.kind](), nullable=True) for c in sheet.columns]
    columns += [sa.Column(f"{name}{SUPPRESSED_SUFFIX}", sa.Boolean, nullable=False) for name in sheet.counts]
    scope = [sheet.school, sheet.year] if sheet.school else [sheet.year]
    return sa.Table(
        sheet.name,
        metadata,
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True, autoincrement=True),
        sa.Column("delivery_id", sa.ForeignKey("deliveries.id"), nullable=False, index=True),
        sa.Column("current", sa.Boolean, nullable=False),
        *columns,
        sa.Index(f"ix_{sheet.name}_scope", "current", *scope),
    )


FACT_TABLES: dict[str, sa.Table] = {name: _fact_table(sheet) for name, sheet in SHEETS.items()}


def database_url() -> str:
    return os.environ.get("TECHNIEKPACT_DB") or DEFAULT_URL


SQLITE_CACHE_KIB = 2000
"""Page cache of a SQLite connection: SQLite's own default, 2 MB."""
SQLITE_WRITE_CACHE_KIB = 16 * 1024
"""Page cache while a connection writes: a delivery's new pages (13 MB per 100k rows) stay in memory until the
commit instead of spilling to the log halfway (a tenth faster storing)."""


def _sqlite_pragmas(connection, _record) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def _sqlite_default_cache(connection, _record) -> None:
    """Back to the default cache when a connection returns to the pool (frees what a write took)."""
    connection.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")


T = TypeVar("T")
SQLITE_WAIT_SECONDS = 60
"""How long a SQLite writer waits for another one to finish before the attempt counts as failed."""
WRITE_ATTEMPTS = 5


def engine_for(url: str | None = None) -> Engine:
    """An engine on `url` (default: TECHNIEKPACT_DB, else the SQLite file under data/), schema upgraded to head."""
    url = url or database_url()
    connect_args = {"timeout": SQLITE_WAIT_SECONDS} if url.startswith("sqlite") else {}
    engine = sa.create_engine(url, pool_pre_ping=True, connect_args=connect_args)
    if engine.dialect.name == "sqlite":
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        sa.event.listen(engine, "checkin", _sqlite_default_cache)
        database = engine.url.database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
    from kpi import migrate

    migrate.upgrade(engine)  # creates or upgrades; never drops
    return engine


@dataclass
class DeliveryMeta:
    file_name: str
    sha256: str
    submitted_by: str
    kind: str = "import"
    restored_from: int | None = None
    content_sha256: str = ""
    """tables_digest(tables) when the caller has it already."""
    tables: dict[str, pa.Table] | None = None
    """typed_tables(frames) when the caller has them already (computed with the digest)."""


@dataclass
class StoreResult:
    delivery_id: int | None
    unchanged: bool = False
    replaced: dict[str, int] = field(default_factory=dict)
    """Per sheet: how many current rows the delivery made historical."""
    stored: dict[str, int] = field(default_factory=dict)


def _scope(sheet: Sheet, frame: pd.DataFrame) -> dict[str | None, list[int]]:
    """School (or None for regional sheets) -> the years this delivery covers."""
    if frame.empty:
        return {}
    if sheet.school is None:
        return {None: sorted(int(y) for y in frame[sheet.year].unique())}
    pairs = frame[[sheet.school, sheet.year]].drop_duplicates()
    return {school: sorted(int(y) for y in years) for school, years in pairs.groupby(sheet.school)[sheet.year]}


def _scope_condition(table: sa.Table, sheet: Sheet, school: str | None, years: list[int]) -> sa.ColumnElement[bool]:
    condition = sa.and_(table.c.current, table.c[sheet.year].in_(years))
    return sa.and_(condition, table.c[sheet.school] == school) if sheet.school else condition


def typed_table(frame: pd.DataFrame, sheet: Sheet) -> pa.Table:
    """A sheet's rows in its Arrow schema, sorted by school and year as the scope index is (so inserts append
    to the index instead of scattering through it)."""
    schema = arrow_schema(sheet)
    columns = []
    for wanted in schema:
        values = frame[wanted.name]
        if pa.types.is_integer(wanted.type):
            values = pd.to_numeric(values).astype("Int64")  # never 12.0: COPY and the snapshot want integers
        elif pa.types.is_boolean(wanted.type):
            values = values.astype("boolean")
        columns.append(pa.array(values, from_pandas=True).cast(wanted.type))
    table = pa.Table.from_arrays(columns, schema=schema)
    order = ([(sheet.school, "ascending")] if sheet.school else []) + [(sheet.year, "ascending")]
    return table.sort_by(order).combine_chunks()


def _insert_rows(conn: sa.Connection, sheet: Sheet, table: pa.Table, delivery_id: int) -> None:
    """The rows in bulk inside the delivery's transaction: COPY on PostgreSQL, multi-row inserts on SQLite."""
    target_table = FACT_TABLES[sheet.name]
    quote = conn.dialect.identifier_preparer.quote
    n = table.num_rows
    if conn.dialect.name == "postgresql":
        import pyarrow.csv as pacsv

        names = ["delivery_id", "current", *sheet.stored_columns]
        target = f"{quote(target_table.name)} ({', '.join(map(quote, names))})"
        full = table.add_column(0, "current", pa.repeat(True, n)).add_column(
            0, "delivery_id", pa.repeat(delivery_id, n)
        )
        sink = pa.BufferOutputStream()
        pacsv.write_csv(full, sink, pacsv.WriteOptions(include_header=False, quoting_style="all_valid"))
        with (
            conn.connection.driver_connection.cursor() as cursor,
            cursor.copy(f"COPY {target} FROM STDIN WITH (FORMAT csv)") as copy,
        ):
            copy.write(sink.getvalue().to_pybytes())
        return
    filled = [name for name in sheet.stored_columns if table[name].null_count < n]  # the others stay NULL
    target = f"{quote(target_table.name)} ({', '.join(map(quote, ['delivery_id', 'current', *filled]))})"
    sqlite_bulk_insert(conn, target, f"{int(delivery_id)}, 1", table.select(filled))


def sqlite_bulk_insert(conn: sa.Connection, target: str, literals: str, table: pa.Table) -> None:
    """Every row of `table` into `target` on SQLite, each row opened by `literals`, in multi-row statements."""
    cursor = conn.connection.driver_connection.cursor()  # the driver's own: SQLAlchemy's per-row handling costs 5x
    try:
        for statement, parameters in _multi_row_inserts(target, literals, table):
            cursor.executemany(statement, parameters)
    finally:
        cursor.close()


def _python_values(column: pa.ChunkedArray) -> list:
    """A column as Python values, one object per distinct text or number (to_pylist: one per cell, twice the time)."""
    if not (pa.types.is_string(column.type) or pa.types.is_integer(column.type)):
        return column.to_pylist()
    coded = pc.dictionary_encode(column).combine_chunks()
    distinct = np.array([*coded.dictionary.to_pylist(), None], dtype=object)  # the last one for missing cells
    return distinct[coded.indices.fill_null(len(coded.dictionary)).to_numpy()].tolist()


SQLITE_PARAMETERS = 999
"""Parameters per statement: the limit of every SQLite version (newer ones allow more)."""


def _multi_row_inserts(target: str, literals: str, table: pa.Table) -> Iterator[tuple[str, Iterator[list]]]:
    """INSERT statements of SQLITE_PARAMETERS each, with their parameters; `literals` open every row."""
    # many rows per statement: a third of the time of one row per statement
    width, n = table.num_columns, table.num_rows
    flat: list = [None] * (n * width)  # row after row, as the statements take them
    for position, column in enumerate(table.columns):
        flat[position::width] = _python_values(column)
    per = max(1, SQLITE_PARAMETERS // max(width, 1))
    row = f"({literals}, {', '.join(['?'] * width)})" if width else f"({literals})"
    whole = n // per * per
    yield (
        f"INSERT INTO {target} VALUES {', '.join([row] * per)}",
        (flat[start * width : (start + per) * width] for start in range(0, whole, per)),
    )
    if whole < n:
        yield f"INSERT INTO {target} VALUES {', '.join([row] * (n - whole))}", iter([flat[whole * width :]])


def _snapshot_bytes(table: pa.Table | dict[str, list], sheet: Sheet | None = None) -> bytes:
    """A compressed Arrow file of the rows; also from plain column lists (as migration 0002 passes them)."""
    if isinstance(table, dict):
        schema = arrow_schema(sheet)
        table = pa.table({f.name: pa.array(table[f.name], type=f.type) for f in schema}, schema=schema)
    sink = pa.BufferOutputStream()
    with pa.ipc.new_file(sink, table.schema, options=pa.ipc.IpcWriteOptions(compression="zstd")) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def typed_tables(frames: dict[str, pd.DataFrame]) -> dict[str, pa.Table]:
    """Each sheet's rows as stored: typed and sorted (typed_table)."""
    return {name: typed_table(frame, SHEETS[name]) for name, frame in frames.items()}


def tables_digest(tables: dict[str, pa.Table]) -> str:
    """SHA-256 of what a delivery holds, so a re-saved copy of the same data is recognised too: over each
    sheet's typed Arrow table as raw IPC (a tenth of the time the CSV text took)."""
    digest = hashlib.sha256(b"arrow-ipc-1")
    for name in sorted(tables):
        table = tables[name]
        digest.update(name.encode())
        sink = pa.BufferOutputStream()
        with pa.ipc.new_stream(sink, table.schema) as writer:
            writer.write_table(table)
        digest.update(sink.getvalue())
    return digest.hexdigest()


def legacy_content_digest(frames: dict[str, pd.DataFrame]) -> str:
    """The content digest deliveries stored before the Arrow digest carry (CSV text of each sheet); still
    compared, so a re-saved copy of such a delivery is recognised as unchanged."""
    digest = hashlib.sha256()
    for name in sorted(frames):
        frame = frames[name][list(SHEETS[name].stored_columns)].astype("string")
        digest.update(name.encode())
        digest.update(frame.to_csv(index=False).encode())
    return digest.hexdigest()


@dataclass(frozen=True)
class EarlierDelivery:
    """A stored delivery as a person recognises it: number, when, by whom, which file."""

    delivery_id: int
    created_at: dt.datetime
    submitted_by: str
    file_name: str


def _earlier(record: sa.RowMapping) -> EarlierDelivery:
    return EarlierDelivery(record["id"], record["created_at"], record["submitted_by"], record["file_name"])


def _legacy_digests(conn: sa.Connection, frames: dict[str, pd.DataFrame]) -> list[str]:
    """The CSV-text digest of `frames`, when some stored delivery has the same row counts (only such a one
    can carry it): the slow digest is computed only for a likely re-delivery."""
    counts = {name: len(frame) for name, frame in frames.items()}
    stored = conn.execute(sa.select(deliveries.c.row_counts).where(deliveries.c.kind == "import")).scalars()
    return [legacy_content_digest(frames)] if any(rows == counts for rows in stored) else []


def _current_copy(
    conn: sa.Connection, sha256: str, content: str, frames: dict[str, pd.DataFrame] | None = None
) -> EarlierDelivery | None:
    """The delivery that holds this file (or the same content) with every row of it still current, if any."""
    same = sa.or_(deliveries.c.sha256 == sha256, deliveries.c.content_sha256 == content)
    records = {r["id"]: r for r in conn.execute(sa.select(deliveries).where(same)).mappings()}
    if not records and frames:
        older = deliveries.c.content_sha256.in_(_legacy_digests(conn, frames))
        records = {r["id"]: r for r in conn.execute(sa.select(deliveries).where(older)).mappings()}
    counts = _row_counts(conn, list(records)) if records else {}
    current = [i for i, (rows, still) in counts.items() if rows > 0 and rows == still]
    return _earlier(records[max(current)]) if current else None


def current_copy(
    engine: Engine, sha256: str, content: str, frames: dict[str, pd.DataFrame] | None = None
) -> EarlierDelivery | None:
    """The delivery that already holds this file and still counts in full: storing it again changes nothing."""
    with engine.connect() as conn:
        return _current_copy(conn, sha256, content, frames)


@dataclass(frozen=True)
class LevelConflict:
    """Storing would count an institution as a whole next to its locations (or the reverse) for a sheet and years."""

    sheet: str
    school: str
    """The code in the new delivery."""
    others: tuple[str, ...]
    """The codes of the other level that count now."""
    years: tuple[int, ...]
    holder: EarlierDelivery


class LevelConflictError(ValueError):
    """Refused: an institution delivers per sheet and year either as a whole or per location, never both."""

    def __init__(self, conflicts: list[LevelConflict]):
        super().__init__(f"{len(conflicts)} level conflict(s)")
        self.conflicts = conflicts


def level_conflicts(conn: sa.Connection, frames: dict[str, pd.DataFrame]) -> list[LevelConflict]:
    """Where storing these frames would mix an institution (14SM) with its locations (14SM05) for the same years."""
    return _level_conflicts(conn, _scopes(frames))


def _scopes(frames: dict[str, pd.DataFrame]) -> dict[str, dict[str | None, list[int]]]:
    """Per sheet: school (None on regional sheets) -> the years the delivery covers."""
    return {name: _scope(SHEETS[name], frame) for name, frame in frames.items()}


def _level_conflicts(conn: sa.Connection, scopes: dict[str, dict[str | None, list[int]]]) -> list[LevelConflict]:
    found: dict[tuple[str, str, int], dict] = {}
    for name, scope in scopes.items():
        if not SHEETS[name].school or not scope:
            continue
        query = (
            sa.select(current_scopes.c.school, current_scopes.c.year, deliveries)
            .join(deliveries, deliveries.c.id == current_scopes.c.delivery_id)
            .where(
                current_scopes.c.sheet == name,
                sa.func.substr(current_scopes.c.school, 1, 4).in_(sorted({s[:4] for s in scope})),
            )
        )
        for held in conn.execute(query).mappings():
            for school, years in scope.items():
                other = held["school"]
                if other[:4] != school[:4] or len(other) == len(school) or held["year"] not in years:
                    continue
                entry = found.setdefault(
                    (name, school, held["id"]), {"holder": _earlier(held), "others": set(), "years": set()}
                )
                entry["others"].add(other)
                entry["years"].add(held["year"])
    return [
        LevelConflict(sheet, school, tuple(sorted(e["others"])), tuple(sorted(e["years"])), e["holder"])
        for (sheet, school, _), e in sorted(found.items())
    ]


def store(engine: Engine, frames: dict[str, pd.DataFrame], meta: DeliveryMeta) -> StoreResult:
    """Store a validated delivery in one transaction: all of it, replacing its scope, or nothing."""
    return store_many(engine, [(frames, meta)])[0]


def _retryable(error: sa.exc.DBAPIError) -> bool:
    """A failure that a later attempt can get past: SQLite busy, PostgreSQL serialisation failure or deadlock."""
    return getattr(error.orig, "sqlstate", None) in ("40001", "40P01") or "database is locked" in str(error.orig)


def write_transaction(engine: Engine, work: Callable[[sa.Connection], T]) -> T:
    """Run `work` in one writing transaction that waits its turn: on SQLite it takes the write lock first
    (BEGIN IMMEDIATE, waiting up to SQLITE_WAIT_SECONDS), on PostgreSQL it locks the deliveries table; a
    busy or serialisation failure rolls back and tries again (WRITE_ATTEMPTS in all)."""
    for attempt in range(1, WRITE_ATTEMPTS + 1):
        try:
            with engine.begin() as conn:
                if conn.dialect.name == "sqlite":
                    conn.exec_driver_sql(f"PRAGMA cache_size=-{SQLITE_WRITE_CACHE_KIB}")
                    conn.exec_driver_sql("BEGIN IMMEDIATE")
                elif conn.dialect.name == "postgresql":  # serialise deliveries across app servers
                    conn.execute(sa.text("LOCK TABLE deliveries IN SHARE ROW EXCLUSIVE MODE"))
                return work(conn)
        except sa.exc.DBAPIError as error:
            if attempt == WRITE_ATTEMPTS or not _retryable(error):
                raise
            time.sleep(0.2 * attempt + random.random() * 0.3)
    raise AssertionError("unreachable")


def store_many(engine: Engine, items: list[tuple[dict[str, pd.DataFrame], DeliveryMeta]]) -> list[StoreResult]:
    """Store several deliveries in one transaction: all of them, or none."""
    return write_transaction(engine, lambda conn: [_store(conn, frames, meta) for frames, meta in items])


def _store(conn: sa.Connection, frames: dict[str, pd.DataFrame], meta: DeliveryMeta) -> StoreResult:
    tables = meta.tables or typed_tables(frames)
    content = meta.content_sha256 or tables_digest(tables)
    if meta.kind == "import" and _current_copy(conn, meta.sha256, content, frames):
        return StoreResult(None, unchanged=True)
    scopes = _scopes(frames)
    if conflicts := _level_conflicts(conn, scopes):
        raise LevelConflictError(conflicts)
    schools = sorted({school for scope in scopes.values() for school in scope if school})
    counts = {name: len(f) for name, f in frames.items()}
    delivery_id = conn.execute(
        deliveries.insert().values(
            created_at=dt.datetime.now(dt.UTC),
            submitted_by=meta.submitted_by,
            school=",".join(schools),
            file_name=meta.file_name,
            sha256=meta.sha256,
            content_sha256=content,
            kind=meta.kind,
            restored_from=meta.restored_from,
            row_counts=counts,
        )
    ).inserted_primary_key[0]
    result = StoreResult(delivery_id, stored=counts)
    action = "delivery.restore" if meta.kind == "restore" else f"delivery.{meta.kind}"
    details = {"file": meta.file_name, "schools": schools, "rows": counts, "restored_from": meta.restored_from}
    audit.record(conn, meta.submitted_by, action, str(delivery_id), None, details)
    for name in frames:
        sheet, table = SHEETS[name], FACT_TABLES[name]
        pairs = [(school or "", year) for school, years in scopes[name].items() for year in years]  # '' if regional
        if not pairs:
            result.replaced[name] = 0
            continue
        update = table.update().where(table.c.current, _in_scope(table, sheet, pairs)).values(current=False)
        result.replaced[name] = conn.execute(update).rowcount
        _insert_rows(conn, sheet, tables[name], delivery_id)
        snapshot = _snapshot_bytes(tables[name])
        conn.execute(snapshots.insert().values(delivery_id=delivery_id, sheet=name, arrow=snapshot))
        _claim_scopes(conn, sheet, pairs, delivery_id)
    return result


def _in_scope(table: sa.Table, sheet: Sheet, pairs: list[tuple[str, int]]) -> sa.ColumnElement[bool]:
    """Rows of these (school, year) pairs, as one condition."""
    if not sheet.school:
        return table.c[sheet.year].in_(sorted({year for _, year in pairs}))
    return sa.tuple_(table.c[sheet.school], table.c[sheet.year]).in_(pairs)


def _claim_scopes(conn: sa.Connection, sheet: Sheet, pairs: list[tuple[str, int]], delivery_id: int) -> None:
    """From now on this delivery counts for its sheet, schools and years: one delete and one insert."""
    claimed = sa.tuple_(current_scopes.c.school, current_scopes.c.year).in_(pairs)
    conn.execute(current_scopes.delete().where(current_scopes.c.sheet == sheet.name, claimed))
    rows = [{"sheet": sheet.name, "school": school, "year": year, "delivery_id": delivery_id} for school, year in pairs]
    conn.execute(current_scopes.insert(), rows)


def retire(engine: Engine, kind: str, by: str) -> int:
    """Stop counting every delivery of this kind (the demo set), in one transaction; its rows stay as history.

    Recorded as a delivery of kind `<kind>_retired`. Returns how many rows stopped counting.
    """
    return write_transaction(engine, lambda conn: _retire(conn, kind, by))


def _retire(conn: sa.Connection, kind: str, by: str) -> int:
    ids = conn.execute(sa.select(deliveries.c.id).where(deliveries.c.kind == kind)).scalars().all()
    if not ids:
        return 0
    retired = 0
    for table in FACT_TABLES.values():
        update = table.update().where(table.c.current, table.c.delivery_id.in_(ids)).values(current=False)
        retired += conn.execute(update).rowcount
    conn.execute(current_scopes.delete().where(current_scopes.c.delivery_id.in_(ids)))
    conn.execute(
        deliveries.insert().values(
            created_at=dt.datetime.now(dt.UTC), submitted_by=by, school="", file_name=f"({kind})",
            sha256="", content_sha256="", kind=f"{kind}_retired", restored_from=None, row_counts={},
        )
    )  # fmt: skip
    audit.record(conn, by, f"{kind}.retire", kind, {"deliveries": len(ids)}, {"rows_retired": retired})
    return retired


def current_rows_by_year(engine: Engine, frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Per sheet and year: current rows in the delivery's scope now, and rows after storing it."""
    lines = []
    with engine.connect() as conn:
        for name, frame in frames.items():
            sheet, table = SHEETS[name], FACT_TABLES[name]
            now: dict[int, int] = {}
            for school, years in _scope(sheet, frame).items():
                query = (
                    sa.select(table.c[sheet.year], sa.func.count())
                    .where(_scope_condition(table, sheet, school, years))
                    .group_by(table.c[sheet.year])
                )
                for year, count in conn.execute(query):
                    now[year] = now.get(year, 0) + count
            after = frame[sheet.year].value_counts()
            for year in sorted(set(now) | {int(y) for y in after.index}):
                lines.append({"blad": name, "jaar": year, "nu": now.get(year, 0), "na": int(after.get(year, 0))})
    return pd.DataFrame(lines, columns=["blad", "jaar", "nu", "na"])


def _row_counts(conn: sa.Connection, ids: list[int] | None = None) -> dict[int, tuple[int, int]]:
    """Delivery id -> (rows, rows still current)."""
    totals: dict[int, list[int]] = {}
    for table in FACT_TABLES.values():
        current = sa.func.sum(sa.case((table.c.current, 1), else_=0))
        query = sa.select(table.c.delivery_id, sa.func.count(), current).group_by(table.c.delivery_id)
        if ids is not None:
            query = query.where(table.c.delivery_id.in_(ids))
        for delivery_id, rows, still in conn.execute(query):
            entry = totals.setdefault(delivery_id, [0, 0])
            entry[0] += rows
            entry[1] += int(still or 0)
    return {k: (v[0], v[1]) for k, v in totals.items()}


def delivery_status(rows: int, current: int) -> str:
    """`actief`, `deels_vervangen` or `vervangen`: how much of a delivery still counts."""
    if rows and current == rows:
        return "actief"
    return "deels_vervangen" if current else "vervangen"


def delivery_history(engine: Engine) -> pd.DataFrame:
    """Every delivery, newest first: id, time, who, school, file, SHA-256, rows, status."""
    with engine.connect() as conn:
        records = conn.execute(sa.select(deliveries).order_by(deliveries.c.id.desc())).mappings().all()
        counts = _row_counts(conn)
    lines = []
    for r in records:
        rows, current = counts.get(r["id"], (0, 0))
        lines.append(
            {
                "id": r["id"],
                "tijd": r["created_at"],
                "door": r["submitted_by"],
                "school": r["school"],
                "bestand": r["file_name"],
                "sha256": r["sha256"],
                "rijen": rows,
                "status": delivery_status(rows, current),
                "soort": r["kind"],
                "hersteld_van": r["restored_from"],
            }
        )
    columns = ["id", "tijd", "door", "school", "bestand", "sha256", "rijen", "status", "soort", "hersteld_van"]
    return pd.DataFrame(lines, columns=columns).astype({"hersteld_van": "Int64"})


def delivery_frames(engine: Engine, delivery_id: int) -> dict[str, pd.DataFrame]:
    """The rows a delivery brought, per sheet, whether still current or not."""
    frames = {}
    with engine.connect() as conn:
        for name, table in FACT_TABLES.items():
            columns = [table.c[c] for c in SHEETS[name].stored_columns]
            query = sa.select(*columns).where(table.c.delivery_id == delivery_id).order_by(table.c.id)
            frame = pd.DataFrame(conn.execute(query).all(), columns=list(SHEETS[name].stored_columns))
            if not frame.empty:
                frames[name] = frame
    return frames


NEVER_BACK = ("demo",)
"""Kinds of delivery that, once retired, never count again (the demo set, after going live)."""


class RestoreRefused(ValueError):
    """A delivery that may not count again: it belongs to a set that was retired (the demo set before going live)."""

    def __init__(self, delivery_id: int, kind: str) -> None:
        super().__init__(f"delivery {delivery_id} belongs to the retired {kind} set")
        self.delivery_id, self.kind = delivery_id, kind


def _delivery_record(engine: Engine, delivery_id: int) -> sa.RowMapping:
    with engine.connect() as conn:
        original = conn.execute(sa.select(deliveries).where(deliveries.c.id == delivery_id)).mappings().first()
    if original is None:
        raise KeyError(delivery_id)
    return original


def describe_delivery(engine: Engine, delivery_id: int) -> EarlierDelivery:
    """Number, time, who and file of a delivery; KeyError if unknown."""
    return _earlier(_delivery_record(engine, delivery_id))


def delivery_row_counts(engine: Engine, delivery_id: int) -> tuple[int, int]:
    """How many rows a delivery brought, and how many of them count now."""
    with engine.connect() as conn:
        return _row_counts(conn, [delivery_id]).get(delivery_id, (0, 0))


def restore(engine: Engine, delivery_id: int, by: str) -> StoreResult:
    """Make an earlier delivery current again, as a new delivery in the history; KeyError if unknown,
    RestoreRefused for a delivery of a retired set (the demo after going live), LevelConflictError if it
    would count an institution next to its locations."""
    original = _delivery_record(engine, delivery_id)
    with engine.connect() as conn:
        kind = _original_kind(conn, original)
        retired = sa.select(deliveries.c.id).where(deliveries.c.kind == f"{kind}_retired").limit(1)
        if kind in NEVER_BACK and conn.execute(retired).first() is not None:
            raise RestoreRefused(delivery_id, kind)
    meta = DeliveryMeta(original["file_name"], original["sha256"], by, kind="restore", restored_from=delivery_id)
    return store(engine, delivery_frames(engine, delivery_id), meta)


def _original_kind(conn: sa.Connection, delivery: sa.RowMapping) -> str:
    """The kind of the delivery a chain of restores started from (a restored demo stays demo)."""
    while delivery["kind"] == "restore" and delivery["restored_from"] is not None:
        query = sa.select(deliveries).where(deliveries.c.id == delivery["restored_from"])
        found = conn.execute(query).mappings().first()
        if found is None:
            break
        delivery = found
    return delivery["kind"]


def current_facts(engine: Engine, sheet_name: str, categorical: bool = False) -> pd.DataFrame:
    """The rows of one sheet that count now: per school and year, those of the latest delivery.

    Read from the deliveries' Arrow snapshots (a million rows in about a second, against many seconds
    through row objects); with `categorical`, text columns arrive as pandas categoricals.
    """
    sheet = SHEETS[sheet_name]
    with engine.connect() as conn:
        scope_rows = conn.execute(
            sa.select(current_scopes.c.delivery_id, current_scopes.c.school, current_scopes.c.year).where(
                current_scopes.c.sheet == sheet_name
            )
        ).all()
        wanted: dict[int, set[tuple[str, int]]] = {}
        for delivery_id, school, year in scope_rows:
            wanted.setdefault(delivery_id, set()).add((school, year))
        query = sa.select(snapshots.c.delivery_id, snapshots.c.arrow).where(
            snapshots.c.sheet == sheet_name, snapshots.c.delivery_id.in_(sorted(wanted))
        )
        blobs = dict(conn.execute(query).all()) if wanted else {}
    tables = [
        _current_part(pa.ipc.open_file(pa.BufferReader(blobs[d])).read_all(), sheet, wanted[d]) for d in sorted(blobs)
    ]
    table = pa.concat_tables(tables) if tables else arrow_schema(sheet).empty_table()
    if categorical:
        encoded = [c.dictionary_encode() if pa.types.is_string(c.type) else c for c in table.columns]
        table = pa.Table.from_arrays(encoded, names=table.column_names)
    return typed(table.to_pandas(), sheet)  # the same types whichever driver read them


def _scope_keys(table: pa.Table, sheet: Sheet) -> pa.ChunkedArray:
    """Per row `school|year` (regional sheets: `|year`), built by Arrow kernels, not Python lists."""
    import pyarrow.compute as pc

    years = pc.cast(table[sheet.year], pa.string())
    schools = pc.fill_null(table[sheet.school], "") if sheet.school else pa.repeat("", table.num_rows)
    return pc.binary_join_element_wise(schools, years, "|")


def _current_part(table: pa.Table, sheet: Sheet, wanted: set[tuple[str, int]]) -> pa.Table:
    """The rows of one delivery's snapshot whose school and year it still counts for (Arrow unique and filter)."""
    import pyarrow.compute as pc

    keys = _scope_keys(table, sheet)
    wanted_keys = pa.array(sorted(f"{school}|{year}" for school, year in wanted), pa.string())
    if pc.all(pc.is_in(pc.unique(keys), value_set=wanted_keys)).as_py() is not False:
        return table
    return table.filter(pc.is_in(keys, value_set=wanted_keys))


def disagreements(engine: Engine) -> list[str]:
    """Where the derived records of what counts differ from `current_scopes` (empty when all agree)."""
    problems = []
    with engine.connect() as conn:
        for name, table in FACT_TABLES.items():
            sheet = SHEETS[name]
            school = sa.func.coalesce(table.c[sheet.school], "") if sheet.school else sa.literal("")
            counted = (
                sa.select(current_scopes.c.delivery_id)
                .where(
                    current_scopes.c.sheet == name,
                    current_scopes.c.school == school,
                    current_scopes.c.year == table.c[sheet.year],
                    current_scopes.c.delivery_id == table.c.delivery_id,
                )
                .exists()
            )
            wrong = sa.select(sa.func.count()).where(table.c.current != counted)
            if n := conn.execute(wrong).scalar_one():
                problems.append(f"{name}: {n} rows whose current flag disagrees with current_scopes")
        has_snapshot = sa.and_(
            snapshots.c.delivery_id == current_scopes.c.delivery_id, snapshots.c.sheet == current_scopes.c.sheet
        )
        missing = sa.select(current_scopes.c.sheet, current_scopes.c.delivery_id).where(
            ~sa.exists().where(has_snapshot)
        )
        problems += [
            f"{sheet}: delivery {d} counts but has no snapshot" for sheet, d in conn.execute(missing.distinct())
        ]
    return problems


def counts_any(engine: Engine, kind: str) -> bool:
    """True while some delivery of this kind (e.g. the demo set) still counts for a sheet, school and year."""
    query = (
        sa.select(current_scopes.c.year)
        .join(deliveries, deliveries.c.id == current_scopes.c.delivery_id)
        .where(deliveries.c.kind == kind)
        .limit(1)
    )
    with engine.connect() as conn:
        return conn.execute(query).first() is not None


def data_version(engine: Engine) -> tuple[int, int]:
    """Changes whenever a delivery is stored or restored: (number of deliveries, newest id). Cheap to ask."""
    with engine.connect() as conn:
        count, newest = conn.execute(sa.select(sa.func.count(), sa.func.max(deliveries.c.id))).one()
    return int(count), int(newest or 0)


def is_empty(engine: Engine) -> bool:
    with engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(deliveries)).scalar_one() == 0
