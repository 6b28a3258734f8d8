"""The small-number rule of kpis.md, applied by role: one place that every view and export goes through."""

from __future__ import annotations

import pandas as pd

from kpi.codes import HIDDEN, SEES_SMALL_NUMBERS, SMALL, SMALL_MAX, Role

VALUE_COLUMNS = ("value", "low", "high", "projection", "baseline_value")


def _small_count(values: pd.Series) -> pd.Series:
    numbers = pd.to_numeric(values, errors="coerce")
    return (numbers >= 1) & (numbers <= SMALL_MAX)


def _few(values: pd.Series) -> pd.Series:
    return pd.to_numeric(values, errors="coerce").fillna(0) <= SMALL_MAX


def protected_results(results: pd.DataFrame, role: Role) -> pd.DataFrame:
    """KPI results for a role: counts 1 to 4 become `<5`, shares on numerator or denominator below 5 are hidden.

    Adds `masked` (None, "<5" or "verborgen"); masked numbers are set to NaN, so nothing downstream can show them.
    """
    protected = results.copy()
    protected["masked"] = None
    if role in SEES_SMALL_NUMBERS or protected.empty:
        return protected
    counts = protected["unit"] == "count"
    shares = protected["unit"] == "share"
    small = counts & _small_count(protected["value"])
    hidden = shares & protected["value"].notna() & (_few(protected["numerator"]) | _few(protected["denominator"]))
    protected.loc[small, "masked"] = SMALL
    protected.loc[hidden, "masked"] = HIDDEN
    masked = small | hidden
    protected.loc[masked, list(VALUE_COLUMNS)] = float("nan")
    masked_years = set(zip(protected.loc[masked, "id"], protected.loc[masked, "year"], strict=True))
    baseline_masked = [(i, y) in masked_years for i, y in zip(protected["id"], protected["baseline_year"], strict=True)]
    protected.loc[baseline_masked, "baseline_value"] = float("nan")
    small_baseline = counts & _small_count(protected["baseline_value"])
    protected.loc[small_baseline, "baseline_value"] = float("nan")
    return protected


def protected_table(
    frame: pd.DataFrame, count_columns: list[str], role: Role, share_parts: dict[str, tuple[str, str]] | None = None
) -> pd.DataFrame:
    """Any table for a role: counts 1 to 4 shown as `<5`; a share column hidden when its parts are below 5."""
    if role in SEES_SMALL_NUMBERS or frame.empty:
        return frame
    protected = frame.copy()
    for column in count_columns:
        small = _small_count(protected[column])
        if small.any():
            protected[column] = protected[column].astype(object).where(~small, SMALL)
    for column, (numerator, denominator) in (share_parts or {}).items():
        few = _few(frame[numerator]) | _few(frame[denominator])
        protected[column] = protected[column].astype(object).where(~few, HIDDEN)
    return protected


def sees_small_numbers(role: Role) -> bool:
    return role in SEES_SMALL_NUMBERS
