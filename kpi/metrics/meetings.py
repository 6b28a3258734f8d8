"""Meetings of the steering group: a snapshot of every KPI result when one is marked, and what changed since.

`changes_since(engine, meeting_id, role)` is the one entry point for screens and the meeting pack.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import dataclass

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from kpi.codes import Role
from kpi.db import metadata
from kpi.delivery.schema import SHEETS
from kpi.delivery.storage import FACT_TABLES, deliveries
from kpi.metrics.compute import RESULT_COLUMNS, kpi_values
from kpi.metrics.facts import load_facts
from kpi.metrics.privacy import masked_results
from kpi.metrics.registry import REGISTRY, Kpi
from kpi.metrics.targets import load_targets
from kpi.settings.audit import audit_log, record

meetings = sa.Table(
    "meetings",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("held_on", sa.Date, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("created_by", sa.Text, nullable=False),
    sa.Column("last_delivery_id", sa.Integer, nullable=False),
    sa.Column("last_audit_id", sa.Integer, nullable=False),
    sa.Column("snapshot", sa.JSON, nullable=False),
)
"""`snapshot`: every KPI result of the whole region, all years, as JSON records (unmasked; masked when shown)."""

MEETING_COLUMNS = ["id", "name", "held_on", "created_by", "created_at"]
CHANGE_COLUMNS = ["id", "year", "unit", "value_before", "value_after", "status_before", "status_after",
                  "target_before", "target_after", "baseline_before", "baseline_after", "changed", "causes"]  # fmt: skip
"""`changed`: codes `new`, `gone`, `value`, `status`, `target`, `baseline`; `causes`: ids from the causes table."""
CAUSE_COLUMNS = ["cause", "source", "at", "actor", "action", "subject", "old", "new", "years"]
"""`cause`: `levering:ID` or `audit:ID`; `source`: `delivery` or `audit`; `action`: the delivery kind or audit code."""
FROM_HISTORY = ("delivery.", "demo.retire", "meeting.")
"""Audit actions left out of the causes: deliveries, restores and retirements come from the delivery history."""
COMPARED = {"value": "value", "status": "status", "target": "target_value", "baseline": "baseline_value"}


@dataclass
class MeetingChanges:
    """What changed in the KPI results since a meeting, and what caused it."""

    meeting: dict
    kpis: pd.DataFrame
    """One row per KPI and year that changed (CHANGE_COLUMNS), by KPI and year."""
    causes: pd.DataFrame
    """Deliveries, restores and settings changes since the meeting, oldest first (CAUSE_COLUMNS)."""


def region_results(engine: Engine, role: Role = "admin") -> pd.DataFrame:
    """Every KPI result of the whole region, all years, as `role` may see them (a snapshot holds the admin's)."""
    return kpi_values(load_facts(engine), load_targets(engine), role=role)


def _records(results: pd.DataFrame) -> list[dict]:
    """JSON-ready records (NaN as null, numpy numbers as plain ones)."""
    return json.loads(results[list(RESULT_COLUMNS)].to_json(orient="records", date_format="iso"))


def mark_meeting(engine: Engine, name: str, held_on: dt.date, by: str) -> int:
    """Store a snapshot of every KPI result as this meeting's (audited `meeting.mark`); its id."""
    name = name.strip()
    if not name:
        raise ValueError("a meeting needs a name")
    snapshot = _records(region_results(engine))
    with engine.begin() as conn:
        record(conn, by, "meeting.mark", name, None, {"held_on": held_on.isoformat(), "results": len(snapshot)})
        last_audit = conn.execute(sa.select(sa.func.max(audit_log.c.id))).scalar_one()
        last_delivery = conn.execute(sa.select(sa.func.max(deliveries.c.id))).scalar_one() or 0
        return conn.execute(
            meetings.insert().values(
                name=name, held_on=held_on, created_at=dt.datetime.now(dt.UTC), created_by=by,
                last_delivery_id=last_delivery, last_audit_id=last_audit, snapshot=snapshot,
            )
        ).inserted_primary_key[0]  # fmt: skip


def meeting_list(engine: Engine) -> pd.DataFrame:
    """Every marked meeting, the latest first: id, name, held_on, created_by, created_at."""
    query = sa.select(*(meetings.c[c] for c in MEETING_COLUMNS)).order_by(
        meetings.c.held_on.desc(), meetings.c.id.desc()
    )
    with engine.connect() as conn:
        return pd.DataFrame(conn.execute(query).all(), columns=MEETING_COLUMNS)


def _differs(before: object, after: object) -> bool:
    missing = [x is None or (isinstance(x, float) and math.isnan(x)) for x in (before, after)]
    if all(missing):
        return False
    if any(missing):
        return True
    if isinstance(before, str) or isinstance(after, str):
        return before != after
    return not math.isclose(float(before), float(after), rel_tol=1e-9, abs_tol=1e-12)


def _delivery_causes(engine: Engine, after_id: int) -> tuple[pd.DataFrame, dict[int, set[tuple[str, int]]]]:
    """Deliveries after `after_id`, and per delivery the (sheet, year) pairs its rows cover."""
    with engine.connect() as conn:
        rows = conn.execute(sa.select(deliveries).where(deliveries.c.id > after_id).order_by(deliveries.c.id)).all()
        covers: dict[int, set[tuple[str, int]]] = {}
        for name, table in FACT_TABLES.items():
            year = table.c[SHEETS[name].year]
            query = sa.select(table.c.delivery_id, year).where(table.c.delivery_id > after_id).distinct()
            for delivery_id, value in conn.execute(query):
                covers.setdefault(delivery_id, set()).add((name, int(value)))
    lines = [
        {"cause": f"levering:{r.id}", "source": "delivery", "at": r.created_at, "actor": r.submitted_by,
         "action": r.kind, "subject": r.school or r.file_name, "old": r.restored_from, "new": r.file_name,
         "years": sorted({y for _, y in covers.get(r.id, ())})}
        for r in rows
    ]  # fmt: skip
    return pd.DataFrame(lines, columns=CAUSE_COLUMNS), covers


def _audit_causes(engine: Engine, after_id: int) -> pd.DataFrame:
    """Settings changes after the meeting (deliveries come from their own history, so not twice)."""
    query = sa.select(audit_log).where(audit_log.c.id > after_id).order_by(audit_log.c.id)
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    lines = [
        {"cause": f"audit:{r.id}", "source": "audit", "at": r.at, "actor": r.actor, "action": r.action,
         "subject": r.subject, "old": r.old_value, "new": r.new_value, "years": []}
        for r in rows
        if not r.action.startswith(FROM_HISTORY)
    ]  # fmt: skip
    return pd.DataFrame(lines, columns=CAUSE_COLUMNS)


def _uses_techniek(kpi: Kpi) -> bool:
    return bool(kpi.numerator.techniek or (kpi.denominator and kpi.denominator.techniek))


def _caused_by(row: dict, deliveries_: pd.DataFrame, covers: dict, settings: pd.DataFrame) -> list[str]:
    """Which of the causes can have moved this KPI in this year: deliveries of its sheet in this year or its
    baseline year, retirements, and settings changes of its target or of what counts as techniek."""
    kpi = REGISTRY.get(row["id"])
    if kpi is None:
        return []
    sheet = kpi.numerator.sheet
    years = {y for y in (row.get("year"), row.get("baseline_year")) if y is not None and not pd.isna(y)}
    found = []
    for cause, action in zip(deliveries_["cause"], deliveries_["action"], strict=True):
        delivery_id = int(cause.split(":")[1])
        if action.endswith("_retired") or any((sheet, int(y)) in covers.get(delivery_id, ()) for y in years):
            found.append(cause)
    for cause, action, subject in zip(settings["cause"], settings["action"], settings["subject"], strict=True):
        own = action.startswith(("target.", "baseline.")) and str(subject).split("/")[0] in (kpi.id, "")
        if own or action == "target.seed" or (action.startswith("reference.") and _uses_techniek(kpi)):
            found.append(cause)
    return found


def _one_row_per_target_move(kpis: pd.DataFrame) -> pd.DataFrame:
    """A moved target or baseline shows in every year of its KPI; where nothing else changed, keep the latest."""
    only_target = kpis["changed"].map(lambda codes: set(codes) <= {"target", "baseline"})
    latest = kpis.groupby("id")["year"].transform("max")
    return kpis[~only_target | (kpis["year"] == latest)].reset_index(drop=True)


def _meeting(engine: Engine, meeting_id: int) -> dict:
    with engine.connect() as conn:
        row = conn.execute(sa.select(meetings).where(meetings.c.id == meeting_id)).mappings().first()
    if row is None:
        raise KeyError(meeting_id)
    return dict(row)


def changes_since(engine: Engine, meeting_id: int, role: Role = "admin") -> MeetingChanges:
    """What changed in the region's KPI results since meeting `meeting_id`, as `role` may see it.

    For the Overzicht page and the meeting pack: `kpis` lists per KPI and year the value, status, target and
    baseline before and after with codes of what changed and the causes; `causes` the deliveries, restores and
    settings changes since the meeting. KeyError for an unknown meeting.
    """
    meeting = _meeting(engine, meeting_id)
    snapshot = meeting.pop("snapshot")
    before = masked_results(pd.DataFrame(snapshot, columns=list(RESULT_COLUMNS)), role)
    after = region_results(engine, role)
    keys = ["id", "year"]
    merged = pd.merge(
        before.assign(year=before["year"].fillna(-1)),
        after.assign(year=after["year"].fillna(-1)),
        on=keys,
        how="outer",
        suffixes=("_before", "_after"),
        indicator=True,
    )
    delivered, covers = _delivery_causes(engine, meeting["last_delivery_id"])
    settings = _audit_causes(engine, meeting["last_audit_id"])
    lines = []
    for row in merged.to_dict("records"):
        changed = {"left_only": ["gone"], "right_only": ["new"]}.get(str(row["_merge"]), [])
        changed += [
            code for code, column in COMPARED.items() if _differs(row[f"{column}_before"], row[f"{column}_after"])
        ]
        if not changed or (changed == ["gone"] and row["year"] == -1) or (changed == ["new"] and row["year"] == -1):
            continue
        year = None if row["year"] == -1 else int(row["year"])
        unit = row["unit_after"] if isinstance(row["unit_after"], str) else row["unit_before"]
        baseline_year = (
            row["baseline_year_after"] if not pd.isna(row["baseline_year_after"]) else row["baseline_year_before"]
        )
        lines.append({
            "id": row["id"], "year": year, "unit": unit,
            "value_before": row["value_before"], "value_after": row["value_after"],
            "status_before": row["status_before"], "status_after": row["status_after"],
            "target_before": row["target_value_before"], "target_after": row["target_value_after"],
            "baseline_before": row["baseline_value_before"], "baseline_after": row["baseline_value_after"],
            "changed": changed,
            "causes": _caused_by({"id": row["id"], "year": year, "baseline_year": baseline_year}, delivered, covers, settings),
        })  # fmt: skip
    order = {kpi: n for n, kpi in enumerate(REGISTRY)}
    kpis = _one_row_per_target_move(pd.DataFrame(lines, columns=CHANGE_COLUMNS))
    kpis = kpis.sort_values(["id", "year"], key=lambda c: c.map(order) if c.name == "id" else c).reset_index(drop=True)
    causes = pd.concat([delivered, settings], ignore_index=True) if len(settings) else delivered
    causes = causes.sort_values("at", kind="stable").reset_index(drop=True) if len(causes) else causes
    return MeetingChanges(meeting, kpis, causes)
