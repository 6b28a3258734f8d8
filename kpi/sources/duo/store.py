"""Open data in the database, beside the school deliveries and never mixed into them.

Each load is one transaction: a row in `open_data_loads` (file, SHA-256, rows, who, when), its rows in the
adapter's table, and an `opendata.load` entry in the audit log. A load counts for the school years it covers;
a newer file takes those years over, older ones stay as history. The same file (or the same figures in
another file) twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
import pyarrow as pa
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from kpi import paths
from kpi.db import metadata
from kpi.delivery.storage import sqlite_bulk_insert
from kpi.metrics.benchmark import OPEN_DATA_KPIS, OpenData
from kpi.settings.audit import record
from kpi.settings.region import region
from kpi.sources.duo import ADAPTERS
from kpi.sources.duo.base import (
    SUPPRESSED_SUFFIX,
    YEAR,
    Adapter,
    DuoFileError,
    Problem,
    content_digest,
    long_counts,
    read_duo_file,
)

open_data_loads = sa.Table(
    "open_data_loads",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("dataset", sa.String(40), nullable=False),
    sa.Column("file_name", sa.Text, nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False, index=True),
    sa.Column("content_sha256", sa.String(64), nullable=False),
    sa.Column("rows", sa.Integer, nullable=False),
    sa.Column("years", sa.JSON, nullable=False),
    sa.Column("loaded_by", sa.Text, nullable=False),
    sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
)


def _count_table(adapter: Adapter) -> sa.Table:
    """The adapter's rows: one per location key and school year, counts with their `<5` flags."""
    return sa.Table(
        adapter.table,
        metadata,
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True, autoincrement=True),
        sa.Column("load_id", sa.ForeignKey("open_data_loads.id"), nullable=False, index=True),
        sa.Column("current", sa.Boolean, nullable=False),
        *[sa.Column(name, sa.Text, nullable=False) for name in adapter.text_columns],
        sa.Column(YEAR, sa.Integer, nullable=False),
        *[sa.Column(name, sa.BigInteger, nullable=True) for name in adapter.count_columns],
        *[sa.Column(name + SUPPRESSED_SUFFIX, sa.Boolean, nullable=False) for name in adapter.count_columns],
        sa.Index(f"ix_{adapter.table}_current", "current", YEAR),
    )


PARTIAL = 0.5
"""A file with fewer than half the rows that count now for its years is a cut-out, not a newer edition."""
COUNT_TABLES: dict[str, sa.Table] = {name: _count_table(adapter) for name, adapter in ADAPTERS.items()}


@dataclass(frozen=True)
class LoadResult:
    load_id: int | None
    rows: int
    years: list[int]
    unchanged: bool = False
    replaced: int = 0
    """Rows of earlier loads that stopped counting (their years are now this file's)."""


def _insert(conn: sa.Connection, table: sa.Table, frame: pd.DataFrame, load_id: int) -> None:
    """Bulk insert inside the load's transaction: COPY on PostgreSQL, multi-row inserts on SQLite."""
    names = ["load_id", "current", *frame.columns]
    quote = conn.dialect.identifier_preparer.quote
    target = f"{quote(table.name)} ({', '.join(map(quote, names))})"
    if conn.dialect.name == "postgresql":
        columns = [frame[c].astype(object).where(frame[c].notna(), None).tolist() for c in frame.columns]
        rows = zip([load_id] * len(frame), [True] * len(frame), *columns, strict=True)
        with conn.connection.driver_connection.cursor() as cursor, cursor.copy(f"COPY {target} FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    sqlite_bulk_insert(conn, target, f"{int(load_id)}, 1", pa.Table.from_pandas(frame, preserve_index=False))


def _current_copy(conn: sa.Connection, dataset: str, same: sa.ColumnElement[bool]) -> LoadResult | None:
    """The earlier load matching `same` (file or figures) that still counts for every year it covers, if any."""
    table = COUNT_TABLES[dataset]
    query = sa.select(open_data_loads).where(open_data_loads.c.dataset == dataset, same)
    for load in conn.execute(query).mappings().all():
        counting = conn.execute(
            sa.select(table.c[YEAR]).distinct().where(table.c.load_id == load["id"], table.c.current)
        ).scalars()
        if sorted(counting.all()) == sorted(load["years"]):
            return LoadResult(None, load["rows"], sorted(load["years"]), unchanged=True)
    return None


def load_file(engine: Engine, dataset: str, data: bytes, file_name: str, by: str) -> LoadResult:
    """Read, check and store one open-data file in one transaction; DuoFileError (nothing stored) when unusable."""
    adapter = ADAPTERS[dataset]
    file = read_duo_file(data, file_name)
    with engine.connect() as conn:  # the same file again: known by its SHA-256 before any parsing
        if found := _current_copy(conn, dataset, open_data_loads.c.sha256 == file.sha256):
            return found
    frame = long_counts(file, adapter)
    years = sorted(int(y) for y in frame[YEAR].unique())
    content = content_digest(frame)
    table = COUNT_TABLES[dataset]
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":  # one load at a time across app servers
            conn.execute(sa.text("LOCK TABLE open_data_loads IN SHARE ROW EXCLUSIVE MODE"))
        same = sa.or_(open_data_loads.c.sha256 == file.sha256, open_data_loads.c.content_sha256 == content)
        if found := _current_copy(conn, dataset, same):
            return found
        counting = conn.execute(
            sa.select(sa.func.count()).select_from(table).where(table.c.current, table.c[YEAR].in_(years))
        ).scalar_one()
        if len(frame) < counting * PARTIAL:  # a cut-out of the national file would silently shrink the nation
            raise DuoFileError(file_name, [Problem("partial", value=str(len(frame)), column=str(counting))])
        load_id = conn.execute(
            open_data_loads.insert().values(
                dataset=dataset,
                file_name=file_name,
                sha256=file.sha256,
                content_sha256=content,
                rows=len(frame),
                years=years,
                loaded_by=by,
                loaded_at=dt.datetime.now(dt.UTC),
            )
        ).inserted_primary_key[0]
        replaced = conn.execute(
            table.update().where(table.c.current, table.c[YEAR].in_(years)).values(current=False)
        ).rowcount
        _insert(conn, table, frame, load_id)
        summary = {"dataset": dataset, "load": load_id, "sha256": file.sha256, "rows": len(frame), "years": years}
        record(conn, by, "opendata.load", file_name, None, {**summary, "replaced": replaced})
    return LoadResult(load_id, len(frame), years, replaced=replaced)


def current_counts(engine: Engine, dataset: str, where: dict[str, tuple[str, ...]] | None = None) -> pd.DataFrame:
    """The rows that count now (the newest load per school year), optionally only those matching `where`."""
    table = COUNT_TABLES[dataset]
    adapter = ADAPTERS[dataset]
    names = [*adapter.text_columns, YEAR, *adapter.count_columns]
    names += [c + SUPPRESSED_SUFFIX for c in adapter.count_columns]
    query = sa.select(*[table.c[n] for n in names]).where(table.c.current)
    for column, allowed in (where or {}).items():
        query = query.where(table.c[column].in_(allowed))
    with engine.connect() as conn:
        frame = pd.DataFrame(conn.execute(query).all(), columns=names)
    frame[YEAR] = frame[YEAR].astype("int64")
    for name in adapter.count_columns:
        frame[name] = pd.to_numeric(frame[name]).astype("Int64")
        frame[name + SUPPRESSED_SUFFIX] = frame[name + SUPPRESSED_SUFFIX].astype(bool)
    return frame


def open_data_history(engine: Engine) -> pd.DataFrame:
    """Every open-data load, newest first: id, time, who, dataset, file, SHA-256, rows, years, status."""
    with engine.connect() as conn:
        loads = conn.execute(sa.select(open_data_loads).order_by(open_data_loads.c.id.desc())).mappings().all()
        still: dict[int, int] = {}
        for table in COUNT_TABLES.values():
            query = sa.select(table.c.load_id, sa.func.count()).where(table.c.current).group_by(table.c.load_id)
            still.update({load_id: int(n) for load_id, n in conn.execute(query)})
    lines = [
        {
            "id": r["id"],
            "tijd": r["loaded_at"],
            "door": r["loaded_by"],
            "bron": r["dataset"],
            "bestand": r["file_name"],
            "sha256": r["sha256"],
            "rijen": r["rows"],
            "jaren": f"{min(r['years'])}-{max(r['years']) + 1}" if r["years"] else "",
            "status": _status(r["rows"], still.get(r["id"], 0)),
            "soort": "open_data",
        }
        for r in loads
    ]
    columns = ["id", "tijd", "door", "bron", "bestand", "sha256", "rijen", "jaren", "status", "soort"]
    return pd.DataFrame(lines, columns=columns)


def _status(rows: int, current: int) -> str:
    """The same words as for deliveries: `actief`, `deels_vervangen`, `vervangen`."""
    if rows and current == rows:
        return "actief"
    return "deels_vervangen" if current else "vervangen"


def has_loads(engine: Engine, dataset: str) -> bool:
    """True once any file of this dataset was ever loaded (the shipped copy is then not loaded again)."""
    query = sa.select(open_data_loads.c.id).where(open_data_loads.c.dataset == dataset).limit(1)
    with engine.connect() as conn:
        return conn.execute(query).first() is not None


SHIPPED: dict[str, str] = {"duo-examens": "duo_examen_raw_all.csv"}
"""The copy of each dataset shipped in `data/open/`, loaded on a fresh install."""
SHIPPED_BY = "open data (meegeleverd)"


def load_shipped(engine: Engine) -> list[LoadResult]:
    """Load each shipped open-data file whose dataset was never loaded (the first start of a fresh install)."""
    results = []
    for dataset, name in SHIPPED.items():
        path = paths.DATA_DIR / "open" / name
        if path.exists() and not has_loads(engine, dataset):
            results.append(load_file(engine, dataset, path.read_bytes(), name, SHIPPED_BY))
    return results


def open_data_facts(engine: Engine) -> OpenData:
    """What the open-data KPIs need from the database: their datasets' current rows, and the region."""
    wanted: dict[str, dict[str, tuple[str, ...]]] = {}
    for kpi in OPEN_DATA_KPIS:  # only the rows some KPI can count (the VMBO rows of the exam file)
        where = {k: tuple(map(str, v)) for k, v in kpi.population.where.items() if k == "onderwijstype"}
        wanted.setdefault(kpi.population.sheet, {}).update(where)
    return OpenData({name: current_counts(engine, name, where) for name, where in wanted.items()}, region(engine))
