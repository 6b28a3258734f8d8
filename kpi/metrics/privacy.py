"""The small-number rule of kpis.md, by role: counts from 1 to 4 and shares built on fewer than 5 never reach a
role that may not see them (viewer, anonymous, school); analysts and administrators see everything.

Privacy by construction: a series is masked BEFORE anything is derived from it (baseline, target value, status,
change, projection, breakdown), so no derived number can give a masked one away. Every frame that leaves `kpi/`
for a role goes through one of these gates (call them; never hand a role the unprotected functions' output):

- `kpi.metrics.compute.protected_results(facts, targets, role, ...)`: KPI results (cards, charts, pack, CLI).
- `kpi.metrics.compute.protected_breakdown(facts, kpi, targets, year, role, ...)`: the per-school breakdown.
- `kpi.views.explorer.protected_pivot(facts, selection, by, role)`: the Verkenner's chart, table and downloads.
- `kpi.views.flows.protected_flows(facts, year, role, ...)`: the doorstroom Sankey and its table.
- `protected_table(frame, role, ...)` (here): any other table; every numeric column is a count unless named.

The primitives below (`protected_series`, `masked_results`) are what those gates are built from.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
import pandas as pd

from kpi.codes import HIDDEN, SEES_SMALL_NUMBERS, SMALL, SMALL_MAX

LIMIT = SMALL_MAX + 1
"""Counts below this (and above 0) are small; shares need a numerator and denominator of at least this."""

SERIES_NUMBERS = ("value", "low", "high", "numerator", "denominator")
"""The numbers of a KPI series (kpi_series) that a mask blanks."""
NOT_COUNTS = frozenset({"year", "baseline_year", "target_year", "exact", "unclassified", "jaar", "schooljaar"})
"""Numeric columns that are no count of people: years, flags and the number of unclassified program rows."""
DERIVED = ("baseline_value", "target_value", "projection")
"""Result fields about other years or the target: checked one by one, not blanked with a masked value."""
SET_TARGETS = ("at_least", "at_most")
"""Rules whose target value is a number the steering group set, not one derived from the data."""


def sees_small_numbers(role: str) -> bool:
    """Whether the role may see counts from 1 to 4 (analyst, admin)."""
    return role in SEES_SMALL_NUMBERS


def is_small(values: object) -> pd.Series | bool:
    """Counts above 0 and below 5 (a point value of 4.5 from a suppressed cell included)."""
    if isinstance(values, pd.Series):
        numbers = pd.to_numeric(values, errors="coerce")
        return ((numbers > 0) & (numbers < LIMIT)).fillna(False).astype(bool)
    number = _float(values)
    return number is not None and 0 < number < LIMIT


def is_few(values: pd.Series) -> pd.Series:
    """Parts of a share below 5 (unknown counts as few: a share on an unknown base is not shown)."""
    return (pd.to_numeric(values, errors="coerce").fillna(0) < LIMIT).astype(bool)


def _float(value: object) -> float | None:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def _count_mask(frame: pd.DataFrame, columns: Iterable[str]) -> tuple[pd.Series, pd.Series]:
    """(masked, certainly small) for count rows: any bound below 5 masks; `<5` only when the highest is below 5."""
    present = [c for c in columns if c in frame]
    small = pd.Series(False, index=frame.index)
    for column in present:
        small |= is_small(frame[column])
    high = frame["high"] if "high" in frame else frame[present[0]] if present else pd.Series(np.nan, frame.index)
    certain = small & (pd.to_numeric(high, errors="coerce").fillna(0) < LIMIT)
    return small, certain


def protected_series(series: pd.DataFrame, unit: str, role: str) -> pd.DataFrame:
    """A KPI series (kpi_series) as the role may see it, with `masked` (None, `<5` or `verborgen`) per row.

    Masked rows have no value, range, numerator or denominator; what is derived from them (baseline, target
    value, status, change, projection) then knows only that the value is masked.
    """
    protected = series.copy()
    protected["masked"] = pd.Series(None, index=protected.index, dtype="object")
    if sees_small_numbers(role) or protected.empty:
        return protected
    if unit == "share":
        few = is_few(protected["numerator"]) | is_few(protected["denominator"])
        hidden = protected["value"].notna() & few
        protected.loc[hidden, "masked"] = HIDDEN
    else:
        hidden, certain = _count_mask(protected, ("value", "low", "high"))
        protected.loc[hidden, "masked"] = HIDDEN
        protected.loc[certain, "masked"] = SMALL
    if hidden.any():
        protected.loc[hidden, [c for c in SERIES_NUMBERS if c in protected]] = np.nan
    return protected


def _numeric_columns(frame: pd.DataFrame, keep: Iterable[str]) -> list[str]:
    skip = NOT_COUNTS | set(keep)
    return [
        c
        for c in frame.columns
        if c not in skip and frame[c].dtype.kind in "iuf" and not pd.api.types.is_bool_dtype(frame[c])
    ]


def masked_results(results: pd.DataFrame, role: str) -> pd.DataFrame:
    """The last check on KPI results before they leave `kpi/`: every numeric field, not only the known ones.

    Results built by `protected_results` pass unchanged; anything else (a new column, another source) is masked
    here: a count row with a value below 5 loses every number, any other count field below 5 is blanked, and a
    share row on a numerator or denominator below 5 loses every number.
    """
    protected = results.copy()
    if "masked" not in protected:
        protected["masked"] = None
    protected["masked"] = protected["masked"].astype("object").where(protected["masked"].notna(), None)
    if sees_small_numbers(role) or protected.empty:
        return protected
    numeric = _numeric_columns(protected, ())
    shares = protected["unit"] == "share"
    counts = ~shares
    set_target = protected["rule"].isin(SET_TARGETS) if "rule" in protected else pd.Series(False, protected.index)
    few = pd.Series(False, index=protected.index)
    for part in ("numerator", "denominator"):  # a share without its parts is hidden: it cannot be checked
        few |= is_few(protected[part]) if part in protected else True
    hidden_share = shares & protected["value"].notna() & few
    hidden_count, certain = _count_mask(protected, ("value", "low", "high"))
    hidden_count &= counts
    hidden = hidden_share | hidden_count
    if hidden.any():
        protected.loc[hidden_share | (hidden_count & ~certain), "masked"] = HIDDEN
        protected.loc[hidden_count & certain, "masked"] = SMALL
        row_numbers = [c for c in numeric if c not in DERIVED]  # the row's own numbers, and any unknown column
        protected.loc[hidden, row_numbers] = np.nan
    for column in numeric:  # any other count field: a baseline, a projection, a derived target, a new column
        small = counts & is_small(protected[column])
        if column == "target_value":
            small &= ~set_target
        if small.any():
            protected.loc[small, column] = np.nan
    if "baseline_value" in protected and "target_value" in protected:
        derived_target = ~set_target & protected["baseline_value"].isna() & protected["target_value"].notna()
        if derived_target.any():
            protected.loc[derived_target, "target_value"] = np.nan
    return protected


def protected_table(
    frame: pd.DataFrame,
    role: str,
    counts: Iterable[str] | None = None,
    shares: dict[str, tuple[str, str]] | None = None,
    keep: Iterable[str] = (),
) -> pd.DataFrame:
    """Any table for a role: counts from 1 to 4 shown as `<5`, a share column `verborgen` when a part is below 5.

    `counts` defaults to every numeric column that is not a share, a year or in `keep`: a column nobody thought
    of is protected too (the parts of a share are counts like any other).
    """
    if sees_small_numbers(role) or frame.empty:
        return frame
    shares = shares or {}
    protected = frame.copy()
    count_columns = _numeric_columns(frame, [*keep, *shares]) if counts is None else list(counts)
    for column in count_columns:
        small = is_small(frame[column])
        if small.any():
            protected[column] = protected[column].astype(object).where(~small, SMALL)
    for column, (numerator, denominator) in shares.items():
        few = (is_few(frame[numerator]) | is_few(frame[denominator])) & frame[column].notna()
        if few.any():
            protected[column] = protected[column].astype(object).where(~few, HIDDEN)
    return protected
