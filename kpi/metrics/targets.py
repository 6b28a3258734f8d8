"""Targets per KPI as settings in the database (seeded from data/targets.csv), each with an optional fixed baseline.

Every change passes through here and is recorded in the audit log in the same transaction.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Literal

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from kpi import paths
from kpi.codes import SYSTEM_ACTOR
from kpi.db import metadata
from kpi.metrics.registry import REGISTRY
from kpi.settings.audit import record

TARGETS_FILE = paths.DATA_DIR / "targets.csv"
Rule = Literal["growth", "at_least", "at_most", "increase", "decrease"]
RULES: tuple[str, ...] = ("growth", "at_least", "at_most", "increase", "decrease")
COLUMNS = ("kpi", "baseline_year", "target_year", "rule", "target", "source")


class TargetsError(ValueError):
    """The targets file cannot be used; the message names the file, line and what to fix."""


@dataclass(frozen=True)
class Target:
    kpi: str
    baseline_year: int
    target_year: int
    rule: Rule
    amount: float | None
    """growth: the fraction (0.10); at_least/at_most: the number or share; increase/decrease: None."""
    source: str = ""
    fixed_baseline: float | None = None
    """The vastgestelde nulmeting: the baseline value as fixed by the steering group; targets follow it."""
    fixed_at: dt.datetime | None = None
    fixed_by: str | None = None


target_settings = sa.Table(
    "target_settings",
    metadata,
    sa.Column("kpi", sa.String(60), primary_key=True),
    sa.Column("target_year", sa.Integer, primary_key=True),
    sa.Column("baseline_year", sa.Integer, nullable=False),
    sa.Column("rule", sa.String(20), nullable=False),
    sa.Column("amount", sa.Float, nullable=True),
    sa.Column("source", sa.Text, nullable=False, server_default=""),
    sa.Column("fixed_baseline", sa.Float, nullable=True),
    sa.Column("fixed_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("fixed_by", sa.Text, nullable=True),
)
"""One row per KPI and target year; seeded from data/targets.csv when empty."""


def _amount(text: str, rule: str, where: str) -> float | None:
    text = text.strip().replace(",", ".")
    if rule in ("increase", "decrease"):
        if text:
            raise TargetsError(f"{where}: rule '{rule}' takes no target value, found '{text}'")
        return None
    if not text:
        raise TargetsError(f"{where}: rule '{rule}' needs a target value (e.g. 10% or 30)")
    percent = text.endswith("%")
    try:
        number = float(text.rstrip("%"))
    except ValueError:
        raise TargetsError(f"{where}: target '{text}' is not a number (write e.g. 10%, 0.8 or 30)") from None
    return number / 100 if percent else number


def checked_target(
    kpi: str, baseline_year: object, target_year: object, rule: str, amount: str, source: str = "", where: str = ""
) -> Target:
    """A Target from text as an analyst writes it; TargetsError says what to fix (`where` names the place)."""
    where = where or kpi
    if kpi not in REGISTRY:
        raise TargetsError(f"{where}: unknown KPI '{kpi}' (known: {', '.join(REGISTRY)})")
    if rule not in RULES:
        raise TargetsError(f"{where}: unknown rule '{rule}' (one of {', '.join(RULES)})")
    try:
        years = int(str(baseline_year).strip()), int(str(target_year).strip())
    except ValueError:
        raise TargetsError(
            f"{where}: years must be whole numbers, found '{baseline_year}' and '{target_year}'"
        ) from None
    if years[0] >= years[1]:
        raise TargetsError(f"{where}: the baseline year {years[0]} must come before the target year {years[1]}")
    value = _amount(amount, rule, where)
    if REGISTRY[kpi].unit == "share" and value is not None and rule != "growth" and not 0 <= value <= 1:
        raise TargetsError(f"{where}: '{kpi}' is a share; write its target as a percentage (80%) or fraction (0.8)")
    return Target(kpi, years[0], years[1], rule, value, source.strip())  # type: ignore[arg-type]


def parse_targets(text: str, name: str = "targets.csv") -> dict[str, list[Target]]:
    """Targets per KPI id, sorted by target year; TargetsError names the line of any mistake."""
    rows = list(csv.reader(text.splitlines()))
    if not rows or tuple(c.strip() for c in rows[0]) != COLUMNS:
        raise TargetsError(f"{name} line 1: header must be {','.join(COLUMNS)}")
    targets: dict[str, list[Target]] = {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        where = f"{name} line {number}"
        if len(row) < 5:
            raise TargetsError(f"{where}: expected {len(COLUMNS)} columns, found {len(row)}")
        kpi, baseline, target_year, rule, amount = (c.strip() for c in row[:5])
        entry = checked_target(kpi, baseline, target_year, rule, amount, row[5] if len(row) > 5 else "", where)
        if any(t.target_year == entry.target_year for t in targets.get(kpi, [])):
            raise TargetsError(f"{where}: '{kpi}' already has a target for {entry.target_year}")
        targets.setdefault(kpi, []).append(entry)
    return {k: sorted(v, key=lambda t: t.target_year) for k, v in targets.items()}


def targets_from_file(path: Path = TARGETS_FILE) -> dict[str, list[Target]]:
    """The targets file as shipped: what an empty database is seeded with."""
    return parse_targets(path.read_text(encoding="utf-8-sig"), path.name)


def seed_targets(engine: Engine, path: Path = TARGETS_FILE, by: str = SYSTEM_ACTOR) -> int:
    """Fill an empty targets table from the file (audited); how many targets it stored (0 when not empty)."""
    with engine.begin() as conn:
        if conn.execute(sa.select(target_settings.c.kpi).limit(1)).first() is not None:
            return 0
        rows = [_row(t) for ts in targets_from_file(path).values() for t in ts]
        try:
            with conn.begin_nested():
                conn.execute(target_settings.insert(), rows)
        except sa.exc.IntegrityError:  # another server seeded it at the same moment
            return 0
        record(conn, by, "target.seed", path.name, None, {"targets": len(rows)})
        return len(rows)


def load_targets(engine: Engine | None = None) -> dict[str, list[Target]]:
    """The targets in the database (default: the configured one), seeded from the file when there are none."""
    if engine is None:
        from kpi.delivery.storage import engine_for

        engine = engine_for()
    seed_targets(engine)
    with engine.connect() as conn:
        rows = conn.execute(sa.select(target_settings)).mappings().all()
    targets: dict[str, list[Target]] = {}
    for row in rows:
        if row["kpi"] in REGISTRY:  # a KPI removed from the registry keeps its row, unused
            targets.setdefault(row["kpi"], []).append(_target(row))
    return {k: sorted(v, key=lambda t: t.target_year) for k, v in targets.items()}


def _row(target: Target) -> dict:
    return {name: getattr(target, name) for name in (c.name for c in target_settings.columns)}


def _target(row) -> Target:
    fields = dict(row)
    fields["target_year"], fields["baseline_year"] = int(fields["target_year"]), int(fields["baseline_year"])
    return Target(**fields)


def audit_value(target: Target | None) -> dict | None:
    """A target as the audit log keeps it: plain values, readable later."""
    return None if target is None else asdict(target)


def _stored(conn: sa.Connection, kpi: str, target_year: int) -> Target | None:
    key = sa.and_(target_settings.c.kpi == kpi, target_settings.c.target_year == target_year)
    row = conn.execute(sa.select(target_settings).where(key)).mappings().first()
    return None if row is None else _target(row)


def set_target(engine: Engine, target: Target, by: str) -> Target:
    """Add or change one target (audited `target.change`); a fixed baseline stays only while its year stays."""
    with engine.begin() as conn:
        old = _stored(conn, target.kpi, target.target_year)
        new = replace(target, fixed_baseline=None, fixed_at=None, fixed_by=None)
        if old is not None and old.baseline_year == target.baseline_year:
            new = replace(new, fixed_baseline=old.fixed_baseline, fixed_at=old.fixed_at, fixed_by=old.fixed_by)
        if old == new:
            return new
        key = sa.and_(target_settings.c.kpi == target.kpi, target_settings.c.target_year == target.target_year)
        conn.execute(target_settings.delete().where(key))
        conn.execute(target_settings.insert().values(**_row(new)))
        record(conn, by, "target.change", f"{target.kpi}/{target.target_year}", audit_value(old), audit_value(new))
        return new


def remove_target(engine: Engine, kpi: str, target_year: int, by: str) -> bool:
    """Remove one target (audited `target.remove`); False when there was none."""
    with engine.begin() as conn:
        old = _stored(conn, kpi, target_year)
        if old is None:
            return False
        key = sa.and_(target_settings.c.kpi == kpi, target_settings.c.target_year == target_year)
        conn.execute(target_settings.delete().where(key))
        record(conn, by, "target.remove", f"{kpi}/{target_year}", audit_value(old), None)
        return True


def set_fixed_baseline(engine: Engine, kpi: str, target_year: int, value: float | None, by: str) -> Target:
    """Fix (or with None release) the baseline value of one target; audited `baseline.fix` / `baseline.release`."""
    with engine.begin() as conn:
        old = _stored(conn, kpi, target_year)
        if old is None:
            raise KeyError(f"{kpi}/{target_year}")
        now = dt.datetime.now(dt.UTC) if value is not None else None
        new = replace(old, fixed_baseline=value, fixed_at=now, fixed_by=by if value is not None else None)
        key = sa.and_(target_settings.c.kpi == kpi, target_settings.c.target_year == target_year)
        conn.execute(
            target_settings.update()
            .where(key)
            .values(fixed_baseline=new.fixed_baseline, fixed_at=new.fixed_at, fixed_by=new.fixed_by)
        )
        action = "baseline.fix" if value is not None else "baseline.release"
        record(conn, by, action, f"{kpi}/{target_year}", audit_value(old), audit_value(new))
        return new


def target_for(targets: list[Target], year: int | None) -> Target | None:
    """The target a year is judged by: the first whose target year is not before it, else the last."""
    if not targets:
        return None
    if year is None:
        return targets[0]
    return next((t for t in targets if t.target_year >= year), targets[-1])
