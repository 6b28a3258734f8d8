"""The audit log: who changed what, when, from which value to which. Every settings change passes `record`."""

from __future__ import annotations

import datetime as dt
import json

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from kpi.db import metadata

audit_log = sa.Table(
    "audit_log",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False, index=True),
    sa.Column("actor", sa.Text, nullable=False),
    sa.Column("action", sa.String(60), nullable=False),
    sa.Column("subject", sa.Text, nullable=False, server_default=""),
    sa.Column("old_value", sa.JSON, nullable=True),
    sa.Column("new_value", sa.JSON, nullable=True),
)
"""`action` is a code such as `school.add` or `delivery.store`; words for it come from the catalogue."""


def record(
    conn: sa.Connection, actor: str, action: str, subject: str = "", old: object = None, new: object = None
) -> None:
    """Write one audit entry inside the caller's transaction, so the change and its record commit together."""
    conn.execute(
        audit_log.insert().values(
            at=dt.datetime.now(dt.UTC),
            actor=actor,
            action=action,
            subject=subject,
            old_value=_jsonable(old),
            new_value=_jsonable(new),
        )
    )


def audit_entries(engine: Engine, limit: int | None = None) -> list[dict]:
    """The audit log, newest first, as plain dicts."""
    query = sa.select(audit_log).order_by(audit_log.c.id.desc())
    if limit:
        query = query.limit(limit)
    with engine.connect() as conn:
        return [dict(row._mapping) for row in conn.execute(query)]


def _jsonable(value: object) -> object:
    """Values round-trip through JSON so the stored record is exactly what `audit` prints."""
    return None if value is None else json.loads(json.dumps(value, default=str))


def latest_entry_id(engine: Engine) -> int:
    """The newest audit entry's id (0 when none): changes with every settings change, cheap to ask."""
    with engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.max(audit_log.c.id))).scalar_one() or 0)
