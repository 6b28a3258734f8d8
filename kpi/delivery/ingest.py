"""A school's file, end to end: read, check, and store in one transaction, or refuse with every problem."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy.engine import Engine

from kpi.delivery.messages import Problem
from kpi.delivery.reading import RefusedFile, raw_sheets
from kpi.delivery.storage import DeliveryMeta, StoreResult, current_rows_by_year, store
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
) -> CheckedFile:
    """Read and check a delivery without storing anything, against the register in `engine`'s database
    (without one: the register a new database starts with)."""
    report = progress or (lambda step: None)
    checked = CheckedFile(file_name, hashlib.sha256(data).hexdigest())
    report("reading")
    try:
        sheets, notes = raw_sheets(data, file_name)
    except RefusedFile as refused:
        checked.problems = [refused.problem]
        return checked
    report("checking")
    known = register.known_schools(engine) if engine is not None else reference.known_schools()
    checked.frames, problems = validated(sheets, known, as_school)
    checked.problems = notes + problems
    return checked


def replacement_preview(engine: Engine, checked: CheckedFile) -> pd.DataFrame:
    """Per sheet and year: rows that count now in the delivery's scope, and rows after storing it."""
    return current_rows_by_year(engine, checked.frames)


def stored_file(engine: Engine, checked: CheckedFile, by: str, progress: Progress | None = None) -> StoreResult:
    """Store a checked delivery; refuses (ValueError) one that has errors."""
    if not checked.ok:
        raise ValueError("a delivery with errors is never stored")
    (progress or (lambda step: None))("storing")
    return store(engine, checked.frames, DeliveryMeta(checked.file_name, checked.sha256, by))
