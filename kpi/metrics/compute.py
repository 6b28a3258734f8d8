"""Facts + registry + targets to KPI results: value or range, baseline, target, status, projection, per school."""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Mapping
from dataclasses import replace

import numpy as np
import pandas as pd

from kpi.codes import HIDDEN, NO_DATA, SMALL, STATUSES, SUPPRESSED_HIGH, SUPPRESSED_LOW, SUPPRESSED_POINT, Role, Status
from kpi.delivery.schema import SHEETS, SUPPRESSED_SUFFIX
from kpi.metrics.facts import REGION, Facts, Filters, filter_mask, isin_array
from kpi.metrics.privacy import masked_results, protected_series
from kpi.metrics.registry import KPIS, Kpi, Measure
from kpi.metrics.targets import Target, target_for

RESULT_COLUMNS = (
    *("id", "action_line", "year", "value", "low", "high", "exact", "unit", "baseline_year", "baseline_value"),
    *("target_year", "target_value", "rule", "status", "projection", "reason", "numerator", "denominator"),
    *("unclassified", "masked", "measured_baseline_value", "baseline_fixed"),
)
"""One KPI result: codes and numbers only; `reason` says why a result has no (or no certain) status, `masked`
why its numbers are hidden from the role (`<5`, `verborgen`); `measured_baseline_value` is what the data says
about the baseline year now, `baseline_fixed` whether `baseline_value` is the fixed one (vastgestelde nulmeting)."""


# -- adding up facts ---------------------------------------------------------------------------


class Columns:
    """Numpy arrays of one frame's columns, made once and shared by every KPI of a computation."""

    def __init__(
        self,
        frame: pd.DataFrame,
        parent: Columns | None = None,
        rows: np.ndarray | None = None,
        made: Mapping[tuple, np.ndarray] | None = None,
    ):
        self.frame = frame
        self._parent, self._rows = parent, rows
        self._memo: dict[tuple, np.ndarray] = dict(made or {})  # this computation's own; `made` is only read

    def __len__(self) -> int:
        return len(self.frame) if self._rows is None else len(self._rows)

    def take(self, rows: np.ndarray) -> Columns:
        """The same columns for some rows only; a KPI works on the few rows it needs."""
        return Columns(self.frame, self, rows)

    def _memoised(self, key: tuple, make) -> np.ndarray:
        if key not in self._memo:
            self._memo[key] = make(self) if self._parent is None else self._parent._memoised(key, make)[self._rows]
        return self._memo[key]

    def isin(self, column: str, allowed: tuple[object, ...]) -> np.ndarray:
        return self._memoised(("isin", column, allowed), lambda root: isin_array(root.frame[column], allowed))

    def flag(self, column: str) -> np.ndarray:
        return self._memoised(("flag", column), lambda root: root.frame[column].to_numpy(dtype=bool, na_value=False))

    def missing(self, column: str) -> np.ndarray:
        return self._memoised(("missing", column), lambda root: root.frame[column].isna().to_numpy())

    def numbers(self, column: str) -> np.ndarray:
        return self._memoised(
            ("numbers", column), lambda root: root.frame[column].to_numpy(dtype="float64", na_value=0.0)
        )

    def years(self, column: str) -> np.ndarray:
        return self._memoised(("years", column), lambda root: root.frame[column].to_numpy(dtype="int64"))

    def first_year(self, column: str) -> int:
        if self._parent is not None:
            return self._parent.first_year(column)
        return int(self.years(column).min()) if len(self.frame) else 0

    def offsets(self, column: str) -> np.ndarray:
        """Years as 0, 1, 2, ... from the first: ready for bincount."""
        return self._memoised(("offsets", column), lambda root: root.years(column) - root.first_year(column))

    def span(self, column: str) -> int:
        if self._parent is not None:
            return self._parent.span(column)
        return int(self.offsets(column).max()) + 1 if len(self.frame) else 0

    def labels(self, column: str) -> np.ndarray:
        return self._memoised(("labels", column), lambda root: root.frame[column].astype("object").to_numpy())


def facts_columns(facts: Facts, sheet: str) -> Columns:
    """A computation's array views of a sheet, starting from the arrays made when the facts were loaded."""
    return Columns(facts.sheets[sheet], made=facts.arrays.get(sheet))


def measure_mask(columns: Columns, measure: Measure, with_techniek: bool = True) -> np.ndarray:
    """Rows of the frame that the measure counts."""
    mask = np.ones(len(columns), dtype=bool)
    for column, allowed in measure.where.items():
        mask &= columns.isin(column, allowed)
    if with_techniek and measure.techniek:
        mask &= columns.flag(measure.techniek)
    return mask


def _index(columns: Columns, year: str, by: list[str], mask: np.ndarray) -> pd.Index:
    """The (by..., year) groups that have rows under the mask, sorted."""
    if not by:
        if len(columns) == 0:
            return pd.Index([], name=year, dtype="int64")
        counts = np.bincount(columns.offsets(year)[mask], minlength=columns.span(year))
        return pd.Index(columns.first_year(year) + np.flatnonzero(counts), name=year)
    keys = pd.DataFrame({k: columns.labels(k)[mask] for k in by} | {year: columns.years(year)[mask]})
    return pd.MultiIndex.from_frame(keys.drop_duplicates().sort_values([*by, year]))


def _sums(
    columns: Columns, year: str, by: list[str], index: pd.Index, mask: np.ndarray, weights: dict[str, np.ndarray]
) -> dict[str, np.ndarray]:
    """Per group of the index: the sums of the weights over the masked rows."""
    if not by:  # the common case, done with bincount: no sorting of a million rows
        offsets = columns.offsets(year)[mask]
        positions = index.to_numpy(dtype="int64") - columns.first_year(year)
        return {
            name: np.bincount(offsets, weights=w[mask], minlength=columns.span(year))[positions]
            for name, w in weights.items()
        }
    keys = [columns.labels(k)[mask] for k in by] + [columns.years(year)[mask]]
    summed = (
        pd.DataFrame({name: w[mask] for name, w in weights.items()}).groupby(keys).sum().reindex(index, fill_value=0)
    )
    return {name: summed[name].to_numpy(dtype="float64") for name in weights}


def totals(
    columns: Columns, measure: Measure, year: str, by: list[str], index: pd.Index, mask: np.ndarray
) -> dict[str, np.ndarray]:
    """Per group: low, point and high sums (suppressed cells as 1, 2.5 and 4) and the number of suppressed cells."""
    rows = len(mask)
    if measure.value is None:
        weights = {"known": np.ones(rows), "suppressed": np.zeros(rows)}
    else:
        weights = {
            "known": columns.numbers(measure.value),
            "suppressed": columns.flag(measure.value + SUPPRESSED_SUFFIX).astype("float64"),
        }
    summed = _sums(columns, year, by, index, mask, weights)
    known, suppressed = summed["known"], summed["suppressed"]
    return {
        "low": known + SUPPRESSED_LOW * suppressed,
        "point": known + SUPPRESSED_POINT * suppressed,
        "high": known + SUPPRESSED_HIGH * suppressed,
        "suppressed": suppressed,
    }


def kpi_series(
    facts: Facts, kpi: Kpi, filters: Filters = REGION, by: Iterable[str] = (), columns: Columns | None = None
) -> pd.DataFrame:
    """Value per year (and per `by` group): value, low, high, exact, numerator, denominator, unclassified."""
    if columns is None:
        columns = facts_columns(facts, kpi.numerator.sheet)
        if kpi.per_school and not filters.is_region:
            columns = columns.take(np.flatnonzero(filter_mask(facts.leerlingen, filters).to_numpy()))
    by = list(by)
    year = SHEETS[kpi.numerator.sheet].year
    masks = {"population": measure_mask(columns, kpi.population), "numerator": measure_mask(columns, kpi.numerator)}
    if kpi.denominator is not None:
        masks["denominator"] = measure_mask(columns, kpi.denominator)
    techniek = kpi.numerator.techniek
    if techniek:
        masks["unknown"] = columns.missing(techniek) & measure_mask(columns, kpi.population, with_techniek=False)
    rows = np.flatnonzero(functools.reduce(np.logical_or, masks.values()))
    columns = columns.take(rows)  # from here on only the rows this KPI needs
    masks = {name: mask[rows] for name, mask in masks.items()}
    index = _index(columns, year, by, masks["population"])
    num = totals(columns, kpi.numerator, year, by, index, masks["numerator"])
    out: dict[str, np.ndarray] = {}
    if kpi.unit == "count":
        out = {"value": num["point"], "low": num["low"], "high": num["high"], "numerator": num["point"]}
        out["denominator"] = np.full(len(index), np.nan)
        suppressed = num["suppressed"]
    else:
        assert kpi.denominator is not None
        den = totals(columns, kpi.denominator, year, by, index, masks["denominator"])
        with np.errstate(divide="ignore", invalid="ignore"):
            value = num["point"] / den["point"]
            if kpi.subset:  # the rest of the denominator moves opposite to the numerator
                rest = totals(columns, kpi.denominator, year, by, index, masks["denominator"] & ~masks["numerator"])
                low = num["low"] / (num["low"] + rest["high"])
                high = num["high"] / (num["high"] + rest["low"])
            else:
                low, high = num["low"] / den["high"], num["high"] / den["low"]
        valid = den["point"] > 0
        out = {name: np.where(valid, a, np.nan) for name, a in (("value", value), ("low", low), ("high", high))}
        out["numerator"], out["denominator"] = num["point"], den["point"]
        suppressed = num["suppressed"] + den["suppressed"]
    out["exact"] = suppressed == 0
    if techniek:
        unknown = _sums(columns, year, by, index, masks["unknown"], {"rows": np.ones(len(rows))})["rows"]
        out["unclassified"] = unknown.astype(int)
    else:
        out["unclassified"] = np.zeros(len(index), dtype=int)
    return pd.DataFrame(out, index=index)


# -- judging against the target ----------------------------------------------------------------


def _ge(a: float, b: float) -> bool:
    return a >= b - 1e-9 * max(1.0, abs(b))


def _le(a: float, b: float) -> bool:
    return a <= b + 1e-9 * max(1.0, abs(b))


def target_value(target: Target, baseline: float | None) -> float | None:
    """The value the target asks for, given the baseline value."""
    if target.rule == "growth":
        return None if baseline is None else baseline * (1 + (target.amount or 0))
    if target.rule in ("increase", "decrease"):
        return baseline
    return target.amount


def _met(target: Target, value: float, wanted: float | None) -> bool | None:
    if wanted is None:
        return None
    return {
        "growth": lambda: _ge(value, wanted),
        "at_least": lambda: _ge(value, wanted),
        "at_most": lambda: _le(value, wanted),
        "increase": lambda: value > wanted and not math.isclose(value, wanted),
        "decrease": lambda: value < wanted and not math.isclose(value, wanted),
    }[target.rule]()


def point_status(target: Target, year: int, value: float, baseline: float | None) -> tuple[Status | None, str | None]:
    """(status, reason) for one exact value against a target; status None before the baseline year."""
    if year < target.baseline_year:
        return None, "before_baseline"
    wanted = target_value(target, baseline)
    met = _met(target, value, wanted)
    if met:
        return "gehaald", None
    if met is None or baseline is None:
        if year >= target.target_year and wanted is not None:
            return "niet_gehaald", None
        return NO_DATA, "no_baseline"
    if year >= target.target_year:
        return "niet_gehaald", None
    line = baseline + (wanted - baseline) * (year - target.baseline_year) / (target.target_year - target.baseline_year)
    lower_is_better = target.rule in ("decrease", "at_most")
    on_track = _le(value, line) if lower_is_better else _ge(value, line)
    return ("op_koers" if on_track else "achter"), None


def range_status(
    target: Target, year: int, value: tuple[float, float], baseline: tuple[float, float] | None
) -> tuple[Status | None, str | None]:
    """The status only when every possible combination of value and baseline in their ranges agrees."""
    baselines = [None] if baseline is None else list(baseline)
    verdicts = {point_status(target, year, v, b) for v in value for b in baselines}
    if len(verdicts) == 1:
        return verdicts.pop()
    return NO_DATA, "range_spans"


def projection(years: list[int], values: list[float], target_year: int, unit: str) -> float | None:
    """Least-squares line through the years with data, read at the target year."""
    if len(years) < 2:
        return None
    slope, intercept = np.polyfit(np.asarray(years, dtype=float), np.asarray(values, dtype=float), 1)
    projected = float(slope * target_year + intercept)
    return min(max(projected, 0.0), 1.0) if unit == "share" else max(projected, 0.0)


def _none(x: object) -> float | None:
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else float(x)


def _mask(values: dict) -> str | None:
    """The mask of a series row (`<5`, `verborgen`), None when it is shown."""
    masked = values.get("masked")
    return masked if isinstance(masked, str) else None


def _visible_range(unit: str, values: dict) -> tuple[float, float] | None:
    """What a role may know of a value: the point or range, for a masked one only what the mask says (None: nothing)."""
    masked = _mask(values)
    if masked == SMALL:
        return (SUPPRESSED_LOW, SUPPRESSED_HIGH)
    if masked == HIDDEN:
        return (0.0, 1.0) if unit == "share" else None
    if bool(values["exact"]):
        return (float(values["value"]), float(values["value"]))
    return (float(values["low"]), float(values["high"]))


def _masked_status(
    kpi: Kpi, target: Target, year: int, values: dict, base: dict | None
) -> tuple[Status | None, str | None]:
    """The status where a masked value takes part: only a verdict that every value the mask allows agrees on."""
    value_range = _visible_range(kpi.unit, values)
    base_range = None
    if base is not None and (_mask(base) or _none(base["value"]) is not None):
        base_range = _visible_range(kpi.unit, base)
        if base_range is None:
            return NO_DATA, "baseline_small"
    if value_range is None:
        return NO_DATA, "small_numbers"
    if base_range is None and target.rule in ("growth", "increase", "decrease"):
        return (None, "before_baseline") if year < target.baseline_year else (NO_DATA, "no_baseline")
    status, reason = range_status(target, year, value_range, base_range)
    if reason == "range_spans":
        reason = "small_numbers" if _mask(values) else "baseline_small"
    return status, reason


def _empty_result(kpi: Kpi, year: int | None, target: Target | None, reason: str) -> dict:
    row = {name: None for name in RESULT_COLUMNS}
    row.update(
        id=kpi.id,
        action_line=kpi.action_line,
        year=year,
        unit=kpi.unit,
        exact=True,
        status=NO_DATA,
        reason=reason,
        unclassified=0,
        baseline_fixed=False,
    )
    if target is not None:
        row.update(baseline_year=target.baseline_year, target_year=target.target_year, rule=target.rule,
                   baseline_fixed=target.fixed_baseline is not None)  # fmt: skip
    return row


def kpi_results(kpi: Kpi, series: pd.DataFrame, targets: list[Target]) -> list[dict]:
    """One result per year with data, judged by the target that applies to that year."""
    if series.empty:
        return [_empty_result(kpi, None, target_for(targets, None), "no_data")]
    by_year = {int(year): values for year, values in zip(series.index, series.to_dict("records"), strict=True)}
    measured = [(year, v["value"]) for year, v in by_year.items() if _none(v["value"]) is not None]
    rows = []
    for year, values in by_year.items():
        target = target_for(targets, year)
        row = _empty_result(kpi, year, target, "")
        value = _none(values["value"])
        masked = _mask(values)
        row.update(
            value=value,
            low=_none(values["low"]),
            high=_none(values["high"]),
            exact=bool(values["exact"]),
            numerator=_none(values["numerator"]),
            denominator=_none(values["denominator"]),
            unclassified=int(values["unclassified"]),
            status=None,
            reason=None,
            masked=masked,
        )
        if value is None and masked is None:
            row.update(status=NO_DATA, reason="no_data_year")
            rows.append(row)
            continue
        if target is None:
            row.update(status=NO_DATA, reason="no_target")
            rows.append(row)
            continue
        base = by_year.get(target.baseline_year)
        row["measured_baseline_value"] = None if base is None else _none(base["value"])
        if target.fixed_baseline is not None:  # the vastgestelde nulmeting counts, whatever was delivered later
            base = {"value": target.fixed_baseline, "low": target.fixed_baseline, "high": target.fixed_baseline,
                    "exact": True, "masked": None}  # fmt: skip
        base_point = None if base is None else _none(base["value"])
        row["baseline_value"] = base_point
        row["target_value"] = target_value(target, base_point)  # from the masked series: hides a masked baseline
        if masked or (base is not None and _mask(base)):
            row["status"], row["reason"] = _masked_status(kpi, target, year, values, base)
        elif base_point is None and target.rule in ("growth", "increase", "decrease"):
            before = year < target.baseline_year
            row.update(status=None if before else NO_DATA, reason="before_baseline" if before else "no_baseline")
        elif row["exact"] and (base is None or bool(base["exact"])):
            row["status"], row["reason"] = point_status(target, year, value, base_point)
        else:
            base_range = None if base_point is None else (float(base["low"]), float(base["high"]))
            row["status"], row["reason"] = range_status(target, year, (row["low"], row["high"]), base_range)
            if row["reason"] == "range_spans" and row["exact"]:  # only the baseline is uncertain: say so
                row["reason"] = "baseline_range_spans"
        if year <= target.target_year:  # past the target year a projection to it says nothing new
            known = [(y, float(v)) for y, v in measured if y <= year]
            row["projection"] = projection([y for y, _ in known], [v for _, v in known], target.target_year, kpi.unit)
        rows.append(row)
    return rows


def kpi_values(
    facts: Facts,
    targets: dict[str, list[Target]],
    filters: Filters = REGION,
    year: int | None = None,
    kpis: Iterable[Kpi] = KPIS,
    role: Role = "admin",
) -> pd.DataFrame:
    """Every KPI per year with data (or one `onvoldoende_data` row when it has none), for a part of the region.

    Each series is masked for `role` before anything is derived from it; see `protected_results`.
    """
    rows: list[dict] = []
    columns = {name: facts_columns(facts, name) for name in facts.sheets}
    if not filters.is_region:  # a fixed baseline is the region's: a part of it is judged on its own baseline
        targets = {k: [replace(t, fixed_baseline=None) for t in ts] for k, ts in targets.items()}
        columns["leerlingen"] = columns["leerlingen"].take(
            np.flatnonzero(filter_mask(facts.leerlingen, filters).to_numpy())
        )
    for kpi in kpis:
        if kpi.source != "leveringen":  # open-data KPIs: kpi.metrics.benchmark
            continue
        own_targets = targets.get(kpi.id, [])
        if not kpi.per_school and not filters.is_region:
            rows.append(_empty_result(kpi, year, target_for(own_targets, year), "only_regional"))
            continue
        series = protected_series(kpi_series(facts, kpi, columns=columns[kpi.numerator.sheet]), kpi.unit, role)
        results = kpi_results(kpi, series, own_targets)
        if year is not None:
            has_data = any(r["year"] is not None for r in results)
            results = [r for r in results if r["year"] == year] or [
                _empty_result(kpi, year, target_for(own_targets, year), "no_data_year" if has_data else "no_data")
            ]
        rows.extend(results)
    return masked_results(pd.DataFrame(rows, columns=list(RESULT_COLUMNS)), role)


def protected_results(
    facts: Facts,
    targets: dict[str, list[Target]],
    role: Role,
    filters: Filters = REGION,
    year: int | None = None,
    kpis: Iterable[Kpi] = KPIS,
) -> pd.DataFrame:
    """KPI results as `role` may see them: the gate for cards, charts, the pack, downloads and the CLI.

    Masked rows have `masked` set (`<5` or `verborgen`) and no numbers; baselines, target values, statuses and
    projections are derived from the masked series, so none of them gives a masked value away.
    """
    return kpi_values(facts, targets, filters, year, kpis, role)


BREAKDOWN_COLUMNS = ["brin", "school", "value", "low", "high", "exact", "numerator", "denominator", "masked",
                     "baseline_value", "baseline_masked", "change"]  # fmt: skip


def school_breakdown(
    facts: Facts,
    kpi: Kpi,
    targets: dict[str, list[Target]],
    year: int,
    filters: Filters = REGION,
    role: Role = "admin",
) -> pd.DataFrame:
    """Per school: value in `year` and in the baseline year, and the change; who pulls the KPI up or down.

    Each school's series is masked for `role` first, so a masked value or baseline leaves no change behind.
    """
    if not kpi.per_school:
        return pd.DataFrame(columns=BREAKDOWN_COLUMNS)
    series = kpi_series(facts, kpi, filters, by=["brin"])
    if series.empty:
        return pd.DataFrame(columns=BREAKDOWN_COLUMNS)
    series = protected_series(series, kpi.unit, role)
    target = target_for(targets.get(kpi.id, []), year)
    baseline_year = target.baseline_year if target else None
    years = series.index.get_level_values(1)
    now = series.xs(year, level=1) if year in years else series.iloc[0:0].droplevel(1)
    frame = now[["value", "low", "high", "exact", "numerator", "denominator", "masked"]].copy()
    if baseline_year is not None and baseline_year in years:
        base = series.xs(baseline_year, level=1).reindex(frame.index)
        frame["baseline_value"], frame["baseline_masked"] = base["value"], base["masked"]
    else:
        frame["baseline_value"], frame["baseline_masked"] = np.nan, None
    frame["change"] = frame["value"] - frame["baseline_value"]
    names = facts.leerlingen.drop_duplicates("brin").set_index("brin")["school"].astype("object")
    frame = frame.reset_index()
    frame["brin"] = frame["brin"].astype("object")
    frame["school"] = frame["brin"].map(names)
    frame = frame[BREAKDOWN_COLUMNS].sort_values(["change", "value"], ascending=False, na_position="last")
    return frame.reset_index(drop=True)


def protected_breakdown(
    facts: Facts, kpi: Kpi, targets: dict[str, list[Target]], year: int, role: Role, filters: Filters = REGION
) -> pd.DataFrame:
    """The per-school breakdown as `role` may see it: the gate for the breakdown on the action-line pages."""
    return school_breakdown(facts, kpi, targets, year, filters, role)


def status_counts(results: pd.DataFrame) -> list[tuple[Status | None, bool, int]]:
    """(status, without a target, KPIs): every status, also at 0; then the KPIs without a status, when there are
    any: those without a target (geen doel), and those without a verdict yet (geen oordeel)."""
    judged = results["status"].isin(STATUSES)
    no_target = ~judged & ~results["rule"].map(lambda rule: isinstance(rule, str)).astype(bool)
    counts = [(status, False, int((results["status"] == status).sum())) for status in STATUSES]
    extra = [(None, True, int(no_target.sum())), (None, False, int((~judged & ~no_target).sum()))]
    return counts + [count for count in extra if count[2]]


def kpi_history(results: pd.DataFrame, kpi_id: str) -> pd.DataFrame:
    """One KPI's results, every year."""
    return results[results["id"] == kpi_id]


def measured_kpis(results: pd.DataFrame) -> list[str]:
    """The KPIs a results frame holds, in its order."""
    return results["id"].drop_duplicates().tolist()


def progress_to_target(row: dict) -> float | None:
    """How far from the baseline toward the target a result has come, 0 to 1; None where that has no meaning."""
    value, base, wanted = row.get("value"), row.get("baseline_value"), row.get("target_value")
    if any(x is None or (isinstance(x, float) and math.isnan(x)) for x in (value, wanted)):
        return None
    if row.get("rule") == "increase":  # "more than in the baseline year": how close to the baseline value
        return 1.0 if row.get("status") == "gehaald" else max(0.0, min(1.0, value / wanted)) if wanted else None
    if row.get("rule") == "decrease":
        return 1.0 if row.get("status") == "gehaald" else max(0.0, min(1.0, wanted / value)) if value else None
    if base is None or (isinstance(base, float) and math.isnan(base)) or math.isclose(base, wanted):
        return max(0.0, min(1.0, value / wanted)) if wanted and row.get("rule") != "at_most" else None
    return max(0.0, min(1.0, (value - base) / (wanted - base)))
