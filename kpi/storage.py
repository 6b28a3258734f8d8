"""Deliveries in a SQL database: one transaction per delivery, replace rules, history and restore."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from kpi.schema import SHEETS, SUPPRESSED_SUFFIX, Sheet

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
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

metadata = sa.MetaData()
deliveries = sa.Table(
    "deliveries",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("submitted_by", sa.String(200), nullable=False),
    sa.Column("school", sa.String(200), nullable=False, server_default=""),
    sa.Column("file_name", sa.String(500), nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False, index=True),
    sa.Column("content_sha256", sa.String(64), nullable=False, index=True),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("restored_from", sa.Integer, nullable=True),
    sa.Column("row_counts", sa.JSON, nullable=False),
)


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


def _sqlite_pragmas(connection, _record) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def engine_for(url: str | None = None) -> Engine:
    """An engine on `url` (default: TECHNIEKPACT_DB, else the SQLite file under data/), schema created."""
    url = url or database_url()
    engine = sa.create_engine(url, pool_pre_ping=True)
    if engine.dialect.name == "sqlite":
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        database = engine.url.database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
    metadata.create_all(engine)  # creates what is missing; never drops
    return engine


@dataclass
class DeliveryMeta:
    file_name: str
    sha256: str
    submitted_by: str
    kind: str = "import"
    restored_from: int | None = None


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


def _rows(frame: pd.DataFrame, sheet: Sheet, delivery_id: int) -> list[tuple]:
    """The frame as plain Python tuples (NA as None), ready for the driver's executemany."""
    columns = []
    for name in sheet.stored_columns:
        values = frame[name]
        columns.append(values.astype(object).where(values.notna(), None).tolist())
    n = len(frame)
    return list(zip([delivery_id] * n, [True] * n, *columns, strict=True))


def _insert_rows(conn: sa.Connection, sheet: Sheet, frame: pd.DataFrame, delivery_id: int) -> None:
    # Straight to the driver's executemany: SQLAlchemy's per-row parameter handling costs 5x more here.
    table = FACT_TABLES[sheet.name]
    names = ["delivery_id", "current", *sheet.stored_columns]
    quote = conn.dialect.identifier_preparer.quote
    marker = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    sql = (
        f"INSERT INTO {quote(table.name)} ({', '.join(map(quote, names))}) VALUES ({', '.join([marker] * len(names))})"
    )
    conn.exec_driver_sql(sql, _rows(frame, sheet, delivery_id))


def content_digest(frames: dict[str, pd.DataFrame]) -> str:
    """SHA-256 of what a delivery holds, so a re-saved copy of the same data is recognised too."""
    digest = hashlib.sha256()
    for name in sorted(frames):
        frame = frames[name][list(SHEETS[name].stored_columns)].astype("string")
        digest.update(name.encode())
        digest.update(frame.to_csv(index=False).encode())
    return digest.hexdigest()


def _is_current_copy(conn: sa.Connection, sha256: str, content: str) -> bool:
    """True when this file (or the same content) is stored and every row of it is still current."""
    same = sa.or_(deliveries.c.sha256 == sha256, deliveries.c.content_sha256 == content)
    ids = conn.execute(sa.select(deliveries.c.id).where(same)).scalars().all()
    for delivery_id in ids:
        counts = _row_counts(conn, [delivery_id]).get(delivery_id, (0, 0))
        if counts[0] > 0 and counts[0] == counts[1]:
            return True
    return False


def store(engine: Engine, frames: dict[str, pd.DataFrame], meta: DeliveryMeta) -> StoreResult:
    """Store a validated delivery in one transaction: all of it, replacing its scope, or nothing."""
    return store_many(engine, [(frames, meta)])[0]


def store_many(engine: Engine, items: list[tuple[dict[str, pd.DataFrame], DeliveryMeta]]) -> list[StoreResult]:
    """Store several deliveries in one transaction: all of them, or none."""
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":  # serialise deliveries across app servers
            conn.execute(sa.text("LOCK TABLE deliveries IN SHARE ROW EXCLUSIVE MODE"))
        return [_store(conn, frames, meta) for frames, meta in items]


def _store(conn: sa.Connection, frames: dict[str, pd.DataFrame], meta: DeliveryMeta) -> StoreResult:
    content = content_digest(frames)
    if meta.kind == "import" and _is_current_copy(conn, meta.sha256, content):
        return StoreResult(None, unchanged=True)
    schools = sorted({s for name, f in frames.items() for s in _scope(SHEETS[name], f) if s})
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
    for name, frame in frames.items():
        sheet, table = SHEETS[name], FACT_TABLES[name]
        replaced = 0
        for school, years in _scope(sheet, frame).items():
            update = table.update().where(_scope_condition(table, sheet, school, years)).values(current=False)
            replaced += conn.execute(update).rowcount
        result.replaced[name] = replaced
        if not frame.empty:
            _insert_rows(conn, sheet, frame, delivery_id)
    return result


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


def restore(engine: Engine, delivery_id: int, by: str) -> StoreResult:
    """Make an earlier delivery current again, as a new delivery in the history; KeyError if unknown."""
    with engine.connect() as conn:
        original = conn.execute(sa.select(deliveries).where(deliveries.c.id == delivery_id)).mappings().first()
    if original is None:
        raise KeyError(delivery_id)
    meta = DeliveryMeta(original["file_name"], original["sha256"], by, kind="restore", restored_from=delivery_id)
    return store(engine, delivery_frames(engine, delivery_id), meta)


def current_facts(engine: Engine, sheet_name: str) -> pd.DataFrame:
    """The rows of one sheet that count now: the latest delivery per school, sheet and year."""
    sheet, table = SHEETS[sheet_name], FACT_TABLES[sheet_name]
    columns = list(sheet.stored_columns)
    with engine.connect() as conn:
        result = conn.execute(sa.select(*[table.c[c] for c in columns]).where(table.c.current))
        return pd.DataFrame(result.all(), columns=columns)


def is_empty(engine: Engine) -> bool:
    with engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(deliveries)).scalar_one() == 0
