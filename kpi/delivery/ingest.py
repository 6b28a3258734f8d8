"""A school's file, end to end: read, check, and store in one transaction, or refuse with every problem."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd
import pyarrow as pa
from sqlalchemy.engine import Engine

from kpi.delivery.isolated import PendingRead
from kpi.delivery.messages import Problem
from kpi.delivery.problem_list import spans_text
from kpi.delivery.reading import RefusedFile, raw_sheets
from kpi.delivery.storage import (
    DeliveryMeta,
    EarlierDelivery,
    LevelConflict,
    StoreResult,
    current_copy,
    current_rows_by_year,
    level_conflicts,
    store,
    tables_digest,
    typed_tables,
)
from kpi.delivery.validation import validated
from kpi.settings import reference, register

Progress = Callable[[str], None]


@dataclass
class CheckedFile:
    """A delivery after reading and checking: clean frames per sheet, problems, and its hash."""

    file_name: str
    sha256: str
    frames: dict[str, pd.DataFrame] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    content_sha256: str = ""
    """What the clean rows hold, so a re-saved copy of a delivered file is recognised before storing."""
    tables: dict[str, pa.Table] = field(default_factory=dict)
    """The clean rows as they are stored: typed Arrow tables, sorted (computed once, with the digest)."""

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.frames)


def checked_file(
    data: bytes,
    file_name: str,
    as_school: str | None = None,
    progress: Progress | None = None,
    engine: Engine | None = None,
    ahead: PendingRead | None = None,
) -> CheckedFile:
    """Read and check a delivery without storing anything; with `engine`, against its school register and
    what counts now (without one: the register a new database starts with).

    `as_school` (None: no restriction) limits the file to one school; an empty or malformed code allows nothing.
    `ahead` is this file's read started earlier (isolated.read_ahead).
    """
    report = progress or (lambda step: None)
    checked = CheckedFile(file_name, hashlib.sha256(data).hexdigest())
    report("reading")
    try:
        sheets, notes = raw_sheets(data, file_name, ahead)
    except RefusedFile as refused:
        checked.problems = [refused.problem]
        return checked
    report("checking")
    known = register.known_schools(engine) if engine is not None else reference.known_schools()
    checked.frames, problems = validated(sheets, known, as_school)
    checked.problems = notes + problems
    if checked.ok:
        checked.tables = typed_tables(checked.frames)
        checked.content_sha256 = tables_digest(checked.tables)
    if checked.ok and engine is not None:
        with engine.connect() as conn:
            checked.problems += conflict_problems(level_conflicts(conn, checked.frames))
    return checked


def conflict_problems(conflicts: list[LevelConflict]) -> list[Problem]:
    """Level conflicts as problems: one per sheet, school code and delivery that holds the other level."""
    return [
        Problem(
            "brin_level_held",
            c.sheet,
            column="brin",
            value=c.school,
            params={
                "years": spans_text(c.years),
                "delivery": c.holder.delivery_id,
                "file": c.holder.file_name,
                "date": f"{c.holder.created_at:%d-%m-%Y}",
                "by": c.holder.submitted_by,
                "others": ", ".join(c.others),
            },
        )
        for c in conflicts
    ]


@dataclass
class DeliveryPreview:
    """What storing a checked file would do: rows per sheet and year now and after, or that it is stored already."""

    rows: pd.DataFrame
    copy_of: EarlierDelivery | None


def delivery_preview(engine: Engine, checked: CheckedFile) -> DeliveryPreview:
    """Per sheet and year the rows that count now in the delivery's scope and after storing; or its earlier copy."""
    copy_of = current_copy(engine, checked.sha256, checked.content_sha256, checked.frames)
    return DeliveryPreview(current_rows_by_year(engine, checked.frames), copy_of)


def stored_file(engine: Engine, checked: CheckedFile, by: str, progress: Progress | None = None) -> StoreResult:
    """Store a checked delivery; refuses (ValueError) one that has errors."""
    if not checked.ok:
        raise ValueError("a delivery with errors is never stored")
    (progress or (lambda step: None))("storing")
    return store(
        engine,
        checked.frames,
        DeliveryMeta(
            checked.file_name, checked.sha256, by, content_sha256=checked.content_sha256, tables=checked.tables
        ),
    )
