"""The plan's actions as a register: the plan's words, the KPIs that measure them, and their progress."""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import asdict, dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from kpi import paths
from kpi.db import metadata
from kpi.metrics.registry import REGISTRY
from kpi.settings import audit

ACTIONS_FILE = paths.DATA_DIR / "acties.csv"
ACTION_STATUSES = ("gepland", "loopt", "gerealiseerd", "vertraagd", "gestopt")
SEED_STATUS = "gepland"
SEEDED_BY = "actieplan"
EDITORS = frozenset({"admin", "stuurgroep"})
"""Roles that may record progress on actions."""

actions = sa.Table(
    "actions",
    metadata,
    sa.Column("id", sa.String(60), primary_key=True),
    sa.Column("action_line", sa.String(20), nullable=False),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("action", sa.Text, nullable=False),
    sa.Column("result", sa.Text, nullable=False),
    sa.Column("partners", sa.JSON, nullable=False),
    sa.Column("kpis", sa.JSON, nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("due_year", sa.Integer, nullable=True),
    sa.Column("note", sa.Text, nullable=False, server_default=""),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_by", sa.Text, nullable=False),
    sa.Column("position", sa.Integer, nullable=False),
)


@dataclass(frozen=True)
class Action:
    """One action of the plan with its current progress."""

    id: str
    action_line: str
    title: str
    action: str
    result: str
    partners: tuple[str, ...]
    kpis: tuple[str, ...]
    status: str
    due_year: int | None
    note: str
    updated_at: dt.datetime
    updated_by: str

    def as_json(self) -> dict:
        """The fields of `acties list --format json`."""
        record = asdict(self)
        record["partners"], record["kpis"] = list(self.partners), list(self.kpis)
        record["updated_at"] = self.updated_at.isoformat(timespec="seconds")
        return record


class ActionError(ValueError):
    """An unknown action id or status; `code` names which, for the catalogue."""

    def __init__(self, code: str, value: str) -> None:
        super().__init__(f"{code}: {value}")
        self.code, self.value = code, value


def seed_rows() -> list[dict]:
    """The actions as the plan words them, from data/acties.csv, checked against the KPI registry."""
    with ACTIONS_FILE.open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file, delimiter=";"))
    now = dt.datetime.now(dt.UTC)
    seeded = []
    for position, row in enumerate(rows):
        kpis = tuple(k for k in row["kpis"].split("|") if k)
        unknown = [k for k in kpis if k not in REGISTRY]
        if unknown:
            raise ValueError(f"{ACTIONS_FILE.name}: action {row['id']} names unknown KPIs {unknown}")
        seeded.append(
            {
                "id": row["id"],
                "action_line": row["actielijn"],
                "title": row["titel"],
                "action": row["actie"],
                "result": row["resultaat"],
                "partners": [p.strip() for p in row["partners"].split("|") if p.strip()],
                "kpis": list(kpis),
                "status": SEED_STATUS,
                "due_year": int(row["deadline"]) if row["deadline"] else None,
                "note": "",
                "updated_at": now,
                "updated_by": SEEDED_BY,
                "position": position,
            }
        )
    return seeded


def _seed_if_empty(engine: Engine) -> None:
    """Fill the register from the plan once; concurrent first starts insert it only once."""
    with engine.begin() as conn:
        if conn.execute(sa.select(sa.func.count()).select_from(actions)).scalar_one():
            return
        try:
            with conn.begin_nested():
                conn.execute(actions.insert(), seed_rows())
        except sa.exc.IntegrityError:
            pass  # another process seeded it first


def action_register(engine: Engine) -> list[Action]:
    """Every action of the plan, in the plan's order."""
    _seed_if_empty(engine)
    with engine.connect() as conn:
        rows = conn.execute(sa.select(actions).order_by(actions.c.position)).mappings().all()
    return [_action(row) for row in rows]


def set_action_status(engine: Engine, action_id: str, status: str, note: str | None, by: str) -> Action:
    """Record progress on an action (status and, when given, the explanation); audited in the same transaction."""
    if status not in ACTION_STATUSES:
        raise ActionError("unknown_status", status)
    _seed_if_empty(engine)
    with engine.begin() as conn:
        row = conn.execute(sa.select(actions).where(actions.c.id == action_id).with_for_update()).mappings().first()
        if row is None:
            raise ActionError("unknown_action", action_id)
        old = {"status": row["status"], "note": row["note"]}
        new = {"status": status, "note": row["note"] if note is None else note.strip()}
        if new != old:
            stamp = {"updated_at": dt.datetime.now(dt.UTC), "updated_by": by}
            conn.execute(actions.update().where(actions.c.id == action_id).values(**new, **stamp))
            audit.record(conn, by, "action.status", action_id, old, new)
        row = conn.execute(sa.select(actions).where(actions.c.id == action_id)).mappings().one()
    return _action(row)


def may_update_actions(role: str) -> bool:
    """Whether a role may record progress on actions."""
    return role in EDITORS


def partners(register: list[Action]) -> list[str]:
    """Every partner named in the register, alphabetically."""
    return sorted({p for action in register for p in action.partners}, key=str.casefold)


def actions_of(register: list[Action], action_line: str | None = None, partner: str | None = None) -> list[Action]:
    """The actions of one action line and/or one partner."""
    return [
        a
        for a in register
        if (action_line is None or a.action_line == action_line) and (partner is None or partner in a.partners)
    ]


OPEN_STATUSES = frozenset({"gepland", "loopt", "vertraagd"})
"""Statuses of an action that is not finished (realised or stopped)."""


SCHOOL_YEAR_STARTS = (8, 1)
"""A school year runs from 1 August: due in 2016 is due in school year 2016-2017, as the KPI targets are."""


def overdue(action: Action, today: dt.date) -> bool:
    """Still open after the school year it was due in."""
    if action.status not in OPEN_STATUSES or action.due_year is None:
        return False
    return today >= dt.date(action.due_year + 1, *SCHOOL_YEAR_STARTS)


def overdue_count(register: list[Action], today: dt.date) -> int:
    """How many actions are still open after the school year they were due in."""
    return sum(overdue(a, today) for a in register)


def status_counts(register: list[Action]) -> dict[str, int]:
    """How many actions have each status, in the status order."""
    return {status: sum(a.status == status for a in register) for status in ACTION_STATUSES}


def _action(row: sa.RowMapping) -> Action:
    updated_at = row["updated_at"]
    if updated_at.tzinfo is None:  # SQLite keeps no zone; we always write UTC
        updated_at = updated_at.replace(tzinfo=dt.UTC)
    return Action(
        id=row["id"],
        action_line=row["action_line"],
        title=row["title"],
        action=row["action"],
        result=row["result"],
        partners=tuple(row["partners"]),
        kpis=tuple(row["kpis"]),
        status=row["status"],
        due_year=row["due_year"],
        note=row["note"],
        updated_at=updated_at,
        updated_by=row["updated_by"],
    )
