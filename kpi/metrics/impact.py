"""What a checked delivery would change, before it is stored: KPI values before -> after, and the warnings.

The delivery is applied in memory to the current facts exactly as storing would (per sheet it replaces the
rows of its schools and years), and the KPIs are computed on both. Nothing is written.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sqlalchemy.engine import Engine

from kpi.codes import Role
from kpi.delivery.schema import SHEETS, Sheet
from kpi.metrics.compute import kpi_values
from kpi.metrics.facts import REGION, Facts, Filters, facts_from_frames, load_facts
from kpi.metrics.privacy import sees_small_numbers
from kpi.metrics.targets import Target, load_targets
from kpi.settings.reference import program_key, techniek_lookup, techniek_table

WHAT_DISAPPEARS: dict[str, tuple[str, str | None]] = {
    "leerlingen": ("indicator", "opleiding"),
    "organisaties": ("soort", None),
    "werkenden": ("regeling", "sector"),
    "arbeidsmarkt": ("sector", None),
}
"""Per sheet: the column whose values a re-delivery may drop (named in the warning), and a finer one."""
CHANGE_COLUMNS = ["kpi", "year", "school", "unit", "before", "after", "status_before", "status_after"]
"""`school` is None for the whole region, else the delivering school's code."""


@dataclass
class Impact:
    """The preview of a delivery: KPI changes and warnings (codes and values; words are chosen at the edge)."""

    changes: pd.DataFrame
    warnings: list[dict] = field(default_factory=list)

    @property
    def needs_confirmation(self) -> bool:
        return bool(self.warnings)


def _scope_mask(frame: pd.DataFrame, sheet: Sheet, delivered: pd.DataFrame) -> np.ndarray:
    """Rows of `frame` in the delivery's scope: its schools and years (regional sheets: its years)."""
    if frame.empty or delivered.empty:
        return np.zeros(len(frame), dtype=bool)
    years = pd.to_numeric(frame[sheet.year]).astype("int64")
    if sheet.school is None:
        return years.isin(pd.to_numeric(delivered[sheet.year]).unique()).to_numpy()
    wanted = pd.MultiIndex.from_arrays(
        [delivered[sheet.school].astype(str), pd.to_numeric(delivered[sheet.year]).astype("int64")]
    ).unique()
    keys = pd.MultiIndex.from_arrays([frame[sheet.school].astype(str), years])
    return keys.isin(wanted)


def applied(facts: Facts, delivery: dict[str, pd.DataFrame], lookup: dict[str, bool]) -> Facts:
    """The facts as they would be after storing the delivery (in memory, nothing written)."""
    frames = {}
    for name, sheet in SHEETS.items():
        current = facts.sheets[name]
        new = delivery.get(name)
        if new is None or new.empty:
            frames[name] = current[list(sheet.stored_columns)]
            continue
        kept = current.loc[~_scope_mask(current, sheet, new), list(sheet.stored_columns)]
        plain = {c: "object" for c in kept.columns if isinstance(kept[c].dtype, pd.CategoricalDtype)}
        frames[name] = pd.concat(
            [kept.astype(plain), new[list(sheet.stored_columns)].astype(object)], ignore_index=True
        )
    return facts_from_frames(frames, lookup)


def _keyed(frame: pd.DataFrame, group: list[str], column: str) -> pd.DataFrame:
    """Distinct (group..., value) pairs with the value's matching key (program names as the reference table
    compares them), computed once per distinct value."""
    pairs = frame[[*group, column]].dropna().astype(str).drop_duplicates()
    keys = {value: program_key(value) for value in pairs[column].unique()}
    return pairs.assign(key=pairs[column].map(keys))


def _lost(now: pd.DataFrame, new: pd.DataFrame, group: list[str], column: str) -> dict[tuple, list[str]]:
    """Per (group...) key: the values present now and absent after the delivery."""
    before, after = _keyed(now, group, column), _keyed(new, group, column)
    merged = before.merge(after[[*group, "key"]].drop_duplicates(), on=[*group, "key"], how="left", indicator=True)
    gone = merged[merged["_merge"] == "left_only"]
    return {key: sorted(set(values)) for key, values in gone.groupby(group)[column]}


def removed_rows(facts: Facts, delivery: dict[str, pd.DataFrame]) -> list[dict]:
    """`removes_rows` warnings: per sheet and school, the years where the delivery leaves fewer current rows
    than now, or none, for some indicator or program; with what disappears."""
    warnings = []
    for name, new in delivery.items():
        sheet = SHEETS[name]
        if new.empty:
            continue
        current = facts.sheets[name]
        now = current[_scope_mask(current, sheet, new)]
        if now.empty:
            continue
        kind, detail = WHAT_DISAPPEARS[name]
        group = [sheet.school, sheet.year] if sheet.school else [sheet.year]
        now, new = (f.assign(**{sheet.year: f[sheet.year].astype("int64")}) for f in (now, new))
        rows_now = now.groupby([now[c].astype(str) for c in group]).size()
        rows_new = new.groupby([new[c].astype(str) for c in group]).size()
        kinds = _lost(now, new, group, kind)
        details = _lost(now, new, group, detail) if detail else {}
        per_school: dict[str | None, dict] = {}
        for key, before in rows_now.items():
            key = key if isinstance(key, tuple) else (key,)
            after = int(rows_new.get(key if len(key) > 1 else key[0], 0))
            lost_kinds, lost_details = kinds.get(key, []), details.get(key, [])
            if after >= before and not lost_kinds and not lost_details:
                continue
            school, year = (key[0] if sheet.school else None), int(key[-1])
            entry = per_school.setdefault(school, {"kind": "removes_rows", "sheet": name, "school": school, "years": [],
                                                   "indicators": set(), "programs": set(), "rows_before": 0,
                                                   "rows_after": 0, "per_year": []})  # fmt: skip
            entry["years"].append(year)
            entry["indicators"].update(lost_kinds)
            entry["programs"].update(lost_details)
            entry["rows_before"] += int(before)
            entry["rows_after"] += after
            entry["per_year"].append({"year": year, "rows_before": int(before), "rows_after": after,
                                      "indicators": lost_kinds, "programs": lost_details})  # fmt: skip
        for entry in per_school.values():
            entry["indicators"], entry["programs"] = sorted(entry["indicators"]), sorted(entry["programs"])
            entry["years"] = sorted(entry["years"])
            warnings.append(entry)
    return warnings


def _number(x: object) -> float | None:
    return None if x is None or (isinstance(x, float) and math.isnan(x)) or x is pd.NA else float(x)


def _moved(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return (a is None) != (b is None)
    return not math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


def value_changes(before: pd.DataFrame, after: pd.DataFrame, school: str | None) -> list[dict]:
    """Per KPI and year: the value (or status) before and after, where either moves."""
    keys = ["id", "year"]
    shown = ["unit", "value", "status"]
    merged = pd.merge(
        before.loc[before["year"].notna(), keys + shown],
        after.loc[after["year"].notna(), keys + shown],
        on=keys,
        how="outer",
        suffixes=("_before", "_after"),
    )
    lines = []
    for row in merged.to_dict("records"):
        old, new = _number(row["value_before"]), _number(row["value_after"])
        status_old = row["status_before"] if isinstance(row["status_before"], str) else None
        status_new = row["status_after"] if isinstance(row["status_after"], str) else None
        if not _moved(old, new) and status_old == status_new:
            continue
        unit = row["unit_after"] if isinstance(row["unit_after"], str) else row["unit_before"]
        lines.append({"kpi": row["id"], "year": int(row["year"]), "school": school, "unit": unit, "before": old,
                      "after": new, "status_before": status_old, "status_after": status_new})  # fmt: skip
    return lines


def baseline_changes(before: pd.DataFrame, after: pd.DataFrame) -> list[dict]:
    """Per KPI and target year whose baseline value or target value would move (the region's)."""
    keys = ["id", "target_year"]
    shown = ["baseline_year", "baseline_value", "target_value", "unit"]

    def targets(results: pd.DataFrame) -> pd.DataFrame:
        judged = results[results["rule"].notna() & results["target_year"].notna()]
        return judged.drop_duplicates(keys)[keys + shown]

    merged = pd.merge(targets(before), targets(after), on=keys, how="outer", suffixes=("_before", "_after"))
    moved = []
    for row in merged.to_dict("records"):
        base = _number(row["baseline_value_before"]), _number(row["baseline_value_after"])
        wanted = _number(row["target_value_before"]), _number(row["target_value_after"])
        if _moved(*base) or _moved(*wanted):
            baseline_year = (
                row["baseline_year_after"] if not pd.isna(row["baseline_year_after"]) else row["baseline_year_before"]
            )
            moved.append({"kpi": row["id"], "target_year": int(row["target_year"]), "baseline_year": int(baseline_year),
                          "unit": row["unit_after"] if isinstance(row["unit_after"], str) else row["unit_before"],
                          "baseline_before": base[0], "baseline_after": base[1],
                          "target_before": wanted[0], "target_after": wanted[1]})  # fmt: skip
    return moved


def _small_hidden(moved: dict) -> dict:
    """Counts from 1 to 4 left out for roles that may not see them."""
    if moved["unit"] != "count":
        return moved
    names = ("baseline_before", "baseline_after", "target_before", "target_after")
    return moved | {n: None for n in names if moved[n] is not None and 1 <= moved[n] <= 4}


def delivering_schools(delivery: dict[str, pd.DataFrame]) -> list[str]:
    """The school codes a delivery names (leerlingen), as written."""
    frame = delivery.get("leerlingen")
    return [] if frame is None or frame.empty else sorted(frame["brin"].dropna().astype(str).unique())


def delivery_impact(
    engine: Engine,
    delivery: dict[str, pd.DataFrame] | list[dict[str, pd.DataFrame]],
    role: Role = "admin",
    facts: Facts | None = None,
    targets: dict[str, list[Target]] | None = None,
) -> Impact:
    """The preview of checked deliveries (stored in this order) against what is stored now.

    `facts`/`targets` may be passed when already loaded. Region values are protected for `role`; the
    delivering school's own values are not (it sent them).
    """
    batch = [delivery] if isinstance(delivery, dict) else delivery
    lookup = techniek_lookup(techniek_table(engine))
    facts = facts if facts is not None else load_facts(engine, lookup)
    targets = targets if targets is not None else load_targets(engine)
    warnings: list[dict] = []
    after_facts = facts
    for frames in batch:
        warnings += removed_rows(after_facts, frames)
        after_facts = applied(after_facts, frames, lookup)
    region = (kpi_values(facts, targets, REGION), kpi_values(after_facts, targets, REGION))
    shown = (
        region
        if sees_small_numbers(role)
        else tuple(kpi_values(f, targets, REGION, role=role) for f in (facts, after_facts))
    )
    changes = value_changes(*shown, None)
    for school in sorted({s for frames in batch for s in delivering_schools(frames)}):
        part = Filters(schools=(school,))
        changes += value_changes(kpi_values(facts, targets, part), kpi_values(after_facts, targets, part), school)
    moved = baseline_changes(*region)
    if not sees_small_numbers(role):
        moved = [_small_hidden(m) for m in moved]
    if moved:
        warnings.append({"kind": "baseline_changes", "kpis": moved})
    frame = pd.DataFrame(changes, columns=CHANGE_COLUMNS).astype({"school": object, "status_before": object,
                                                                   "status_after": object})  # fmt: skip
    for column in ("school", "status_before", "status_after"):
        frame[column] = frame[column].where(frame[column].notna(), None)
    return Impact(frame, warnings)
