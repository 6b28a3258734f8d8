"""Brings any database to the current schema with Alembic, under a lock so servers may start together."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from kpi import paths
from kpi.db import metadata

MIGRATIONS = paths.ROOT / "migrations"
BASELINE = "0001"
LOCK_KEY = 7_412_301  # any constant: the PostgreSQL advisory lock all servers of this app take to migrate


def _config(conn: sa.Connection):
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = conn
    return config


def head() -> str:
    """The newest revision in `migrations/versions`."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory(str(MIGRATIONS)).get_current_head()


def revision(engine: Engine) -> str | None:
    """The revision a database is at (None for an empty or pre-Alembic one)."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine) -> None:
    """Create or upgrade the schema to head; safe when several processes do it at once."""
    from alembic import command

    import kpi.tables  # noqa: F401  (every stage's tables in the metadata)

    with _locked(engine), engine.begin() as conn:
        tables = set(sa.inspect(conn).get_table_names())
        config = _config(conn)
        if "alembic_version" not in tables:
            if "deliveries" in tables:  # made by the old create_all start-up: its oldest possible schema
                command.stamp(config, BASELINE)
            else:  # empty: the tables at once, marked as up to date
                metadata.create_all(conn)
                command.stamp(config, "head")
                return
        command.upgrade(config, "head")


@contextlib.contextmanager
def _locked(engine: Engine) -> Iterator[None]:
    """Hold the migration lock: a PostgreSQL advisory lock, or an exclusive lock file next to a SQLite file."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT pg_advisory_lock(:key)"), {"key": LOCK_KEY})
            conn.commit()
            try:
                yield
            finally:
                conn.execute(sa.text("SELECT pg_advisory_unlock(:key)"), {"key": LOCK_KEY})
                conn.commit()
        return
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    if not database or database == ":memory:":
        yield
        return
    try:
        import fcntl
    except ImportError:  # not on POSIX: one server per SQLite file
        yield
        return
    with open(Path(database).with_name(Path(database).name + ".migrate-lock"), "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
