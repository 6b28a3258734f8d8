"""The vastgestelde nulmeting: fix the measured baseline values, and say why a later measurement differs."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from kpi.delivery.schema import SHEETS
from kpi.delivery.storage import current_scopes, deliveries
from kpi.metrics.compute import kpi_series
from kpi.metrics.facts import Facts, load_facts
from kpi.metrics.registry import REGISTRY
from kpi.metrics.targets import Target, load_targets, set_fixed_baseline

FIX_COLUMNS = ["kpi", "target_year", "baseline_year", "old", "new", "outcome"]
"""`outcome`: `fixed`, `unchanged` (already fixed at this value) or `no_data` (nothing measured in the year)."""


def measured_baseline(facts: Facts, target: Target) -> float | None:
    """The region's measured value of the target's KPI in its baseline year (None without data)."""
    series = kpi_series(facts, REGISTRY[target.kpi])
    if target.baseline_year not in series.index:
        return None
    value = float(series.loc[target.baseline_year, "value"])
    return None if math.isnan(value) else value


def fix_baselines(engine: Engine, by: str, kpis: Iterable[str] = ()) -> pd.DataFrame:
    """Fix the current measured baselines of these KPIs (default: all with a target); one audit entry each."""
    wanted = set(kpis)
    unknown = wanted - set(REGISTRY)
    if unknown:
        raise KeyError(", ".join(sorted(unknown)))
    facts = load_facts(engine)
    lines = []
    for kpi, targets in load_targets(engine).items():
        if wanted and kpi not in wanted:
            continue
        for target in targets:
            value = measured_baseline(facts, target)
            line = {"kpi": kpi, "target_year": target.target_year, "baseline_year": target.baseline_year,
                    "old": target.fixed_baseline, "new": value}  # fmt: skip
            if value is None:
                line["outcome"] = "no_data"
            elif target.fixed_baseline is not None and math.isclose(target.fixed_baseline, value):
                line["outcome"] = "unchanged"
            else:
                set_fixed_baseline(engine, kpi, target.target_year, value, by)
                line["outcome"] = "fixed"
            lines.append(line)
    return pd.DataFrame(lines, columns=FIX_COLUMNS)


def release_baselines(engine: Engine, by: str, kpis: Iterable[str]) -> int:
    """Let these KPIs' baselines follow the measurement again (audited); how many were released."""
    released = 0
    for kpi in kpis:
        for target in load_targets(engine).get(kpi, []):
            if target.fixed_baseline is not None:
                set_fixed_baseline(engine, kpi, target.target_year, None, by)
                released += 1
    return released


def deliveries_since_fixing(engine: Engine, target: Target) -> pd.DataFrame:
    """The deliveries stored after the baseline was fixed that count now for its KPI's sheet and baseline year.

    They are why the measured baseline can differ from the fixed one. Columns: id, tijd, door, school, bestand.
    """
    columns = ["id", "tijd", "door", "school", "bestand"]
    if target.fixed_at is None:
        return pd.DataFrame(columns=columns)
    fixed_at = target.fixed_at if target.fixed_at.tzinfo else target.fixed_at.replace(tzinfo=dt.UTC)
    sheet = SHEETS[REGISTRY[target.kpi].numerator.sheet].name
    shown = [deliveries.c[c] for c in ("id", "created_at", "submitted_by", "school", "file_name")]
    query = (
        sa.select(*shown)
        .join(current_scopes, current_scopes.c.delivery_id == deliveries.c.id)
        .where(current_scopes.c.sheet == sheet, current_scopes.c.year == target.baseline_year)
        .distinct()
        .order_by(deliveries.c.id)
    )
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    frame = pd.DataFrame(rows, columns=columns)
    times = pd.to_datetime(frame["tijd"], utc=True)
    return frame[times > pd.Timestamp(fixed_at)].reset_index(drop=True)
