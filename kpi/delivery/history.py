"""The delivery history as people read it: what an account may see, school names, and what a restore would do."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy.engine import Engine

from kpi.clock import local_time
from kpi.delivery.brin import covers
from kpi.delivery.ingest import conflict_problems
from kpi.delivery.messages import Problem
from kpi.delivery.storage import (
    EarlierDelivery,
    current_rows_by_year,
    delivery_frames,
    delivery_history,
    delivery_row_counts,
    describe_delivery,
    level_conflicts,
)


def school_label(codes: str, names: dict[str, str]) -> str:
    """`14SM05,03FO01` -> `College De Brink (14SM05), Hilfertsheem College (03FO01)`; a location falls back
    on its institution's name."""
    labels = []
    for code in filter(None, codes.split(",")):
        name = names.get(code) or names.get(code[:4])
        labels.append(f"{name} ({code})" if name else code)
    return ", ".join(labels)


def visible_history(engine: Engine, schools: tuple[str, ...] | None, names: dict[str, str]) -> pd.DataFrame:
    """Every delivery an account may see (None: all; a school account: those of its own schools), newest first,
    times on a Dutch clock, schools named; status and kind stay codes (words are chosen at the edge)."""
    history = delivery_history(engine)
    if schools is not None:
        own = history["school"].map(lambda codes: any(covers(s, c) for s in schools for c in codes.split(",")))
        history = history[own.astype(bool)]
    return history.assign(
        tijd=history["tijd"].map(local_time), school=history["school"].map(lambda c: school_label(c, names))
    ).reset_index(drop=True)


@dataclass
class RestorePreview:
    """What making an earlier delivery current again would do, before anyone confirms it."""

    delivery: EarlierDelivery
    rows: pd.DataFrame
    """Per sheet and year: rows that count now in the delivery's scope (`nu`), and after the restore (`na`)."""
    conflicts: list[Problem]
    """Refusals: the restore would count an institution next to its locations."""
    counts_in_full: bool
    """Every row of it counts already: restoring changes nothing."""


def restore_preview(engine: Engine, delivery_id: int) -> RestorePreview:
    """The rows per sheet and year now and after restoring this delivery; KeyError for an unknown id."""
    delivery = describe_delivery(engine, delivery_id)
    frames = delivery_frames(engine, delivery_id)
    with engine.connect() as conn:
        conflicts = conflict_problems(level_conflicts(conn, frames))
    rows, current = delivery_row_counts(engine, delivery_id)
    return RestorePreview(delivery, current_rows_by_year(engine, frames), conflicts, rows > 0 and rows == current)
