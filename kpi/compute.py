"""Facts + registry + targets to KPI results: value or range, baseline, target, status, projection, per school."""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
import pandas as pd

from kpi.facts import REGION, Facts, Filters, filtered_leerlingen
from kpi.registry import KPIS, REGISTRY, Kpi, Measure
from kpi.schema import SHEETS, SUPPRESSED_SUFFIX
from kpi.targets import Target, target_for

SUPPRESSED_LOW, SUPPRESSED_POINT, SUPPRESSED_HIGH = 1, 2.5, 4
STATUSES = ("gehaald", "op_koers", "achter", "niet_gehaald", "onvoldoende_data")
JSON_FIELDS = ("id", "label", "action_line", "year", "value", "low", "high", "exact", "unit", "baseline_year",
               "baseline_value", "target_year", "target_value", "rule", "status", "projection")  # fmt: skip
RESULT_COLUMNS = (*JSON_FIELDS, "reason", "numerator", "denominator", "unclassified")

REASONS: dict[str, tuple[str, str]] = {
    "no_data": ("geen gegevens voor deze selectie", "no data for this selection"),
    "no_data_year": ("geen gegevens voor {year}", "no data for {year}"),
    "no_baseline": ("geen gegevens voor het basisjaar {baseline_year}", "no data for the baseline year {baseline_year}"),
    "range_spans": (
        "kleine aantallen (<5): de waarde ligt tussen {low} en {high}, te onzeker voor een oordeel",
        "small numbers (<5): the value lies between {low} and {high}, too uncertain for a verdict",
    ),
    "only_regional": ("alleen voor de hele regio beschikbaar, niet per school, route of niveau", "available for the whole region only, not per school, route or level"),
    "no_target": ("geen doel in data/targets.csv", "no target in data/targets.csv"),
    "before_baseline": ("jaar vóór het basisjaar: geen oordeel", "year before the baseline: no verdict"),
}  # fmt: skip


def reason_text(code: str | None, language: str = "nl", **values: object) -> str:
    """A status reason in words."""
    if not isinstance(code, str) or not code:
        return ""
    nl, en = REASONS[code]
    return (nl if language == "nl" else en).format(**values)


# -- adding up facts ---------------------------------------------------------------------------


def measure_mask(frame: pd.DataFrame, measure: Measure, with_techniek: bool = True) -> pd.Series:
    """Rows of the frame that the measure counts."""
    mask = pd.Series(True, index=frame.index)
    for column, allowed in measure.where.items():
        mask &= frame[column].isin(allowed)
    if with_techniek and measure.techniek:
        mask &= frame[measure.techniek].fillna(False).astype(bool)
    return mask


def totals(frame: pd.DataFrame, mask: pd.Series, measure: Measure, by: list[str]) -> pd.DataFrame:
    """Per group: low, point and high sums (suppressed cells as 1, 2.5 and 4) and the number of suppressed cells."""
    rows = frame.loc[mask]
    if measure.value is None:
        counted = pd.DataFrame({"known": 1.0, "suppressed": 0}, index=rows.index)
    else:
        flag = rows[measure.value + SUPPRESSED_SUFFIX].to_numpy(dtype=bool)
        known = rows[measure.value].astype("Float64").fillna(0).to_numpy(dtype=float)
        counted = pd.DataFrame({"known": known, "suppressed": flag.astype(int)}, index=rows.index)
    keys = [rows[column].astype("int64") if column in ("schooljaar", "jaar") else rows[column] for column in by]
    summed = counted.groupby(keys, observed=True).sum()
    summed.index.names = by
    return pd.DataFrame(
        {
            "low": summed["known"] + SUPPRESSED_LOW * summed["suppressed"],
            "point": summed["known"] + SUPPRESSED_POINT * summed["suppressed"],
            "high": summed["known"] + SUPPRESSED_HIGH * summed["suppressed"],
            "suppressed": summed["suppressed"],
        }
    )


def _source(facts: Facts, kpi: Kpi, filters: Filters) -> pd.DataFrame:
    frame = facts.sheets[kpi.numerator.sheet]
    return filtered_leerlingen(frame, filters) if kpi.per_school else frame


def kpi_series(facts: Facts, kpi: Kpi, filters: Filters = REGION, by: Iterable[str] = ()) -> pd.DataFrame:
    """Value per year (and per `by` group): value, low, high, exact, numerator, denominator, unclassified."""
    frame = _source(facts, kpi, filters)
    year = SHEETS[kpi.numerator.sheet].year
    keys = [*by, year]
    population_mask = measure_mask(frame, kpi.population)
    present = frame.loc[population_mask, keys].drop_duplicates()
    present[year] = present[year].astype("int64")
    index = pd.MultiIndex.from_frame(present) if by else pd.Index(present[year], name=year)
    num_mask = measure_mask(frame, kpi.numerator)
    num = totals(frame, num_mask, kpi.numerator, keys).reindex(index, fill_value=0)
    result = pd.DataFrame(index=index)
    if kpi.unit == "count":
        result["value"], result["low"], result["high"] = num["point"], num["low"], num["high"]
        result["numerator"], result["denominator"] = num["point"], np.nan
        suppressed = num["suppressed"]
    else:
        assert kpi.denominator is not None
        den_mask = measure_mask(frame, kpi.denominator)
        den = totals(frame, den_mask, kpi.denominator, keys).reindex(index, fill_value=0)
        with np.errstate(divide="ignore", invalid="ignore"):
            result["value"] = num["point"] / den["point"]
            if kpi.subset:  # the rest of the denominator moves opposite to the numerator
                rest = totals(frame, den_mask & ~num_mask, kpi.denominator, keys).reindex(index, fill_value=0)
                result["low"] = num["low"] / (num["low"] + rest["high"])
                result["high"] = num["high"] / (num["high"] + rest["low"])
            else:
                result["low"] = num["low"] / den["high"]
                result["high"] = num["high"] / den["low"]
        result = result.where(den["point"] > 0)
        result["numerator"], result["denominator"] = num["point"], den["point"]
        suppressed = num["suppressed"] + den["suppressed"]
    result["exact"] = suppressed == 0
    techniek = kpi.numerator.techniek
    if techniek:
        unknown = frame[techniek].isna() & measure_mask(frame, kpi.population, with_techniek=False)
        counts = frame.loc[unknown, keys].astype({year: "int64"}).groupby(keys, observed=True).size()
        result["unclassified"] = counts.reindex(index, fill_value=0).to_numpy()
    else:
        result["unclassified"] = 0
    return result.sort_index()


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


def _met(target: Target, value: float, baseline: float | None, wanted: float | None) -> bool | None:
    if wanted is None:
        return None
    return {
        "growth": lambda: _ge(value, wanted),
        "at_least": lambda: _ge(value, wanted),
        "at_most": lambda: _le(value, wanted),
        "increase": lambda: value > wanted and not math.isclose(value, wanted),
        "decrease": lambda: value < wanted and not math.isclose(value, wanted),
    }[target.rule]()


def point_status(target: Target, year: int, value: float, baseline: float | None) -> tuple[str | None, str | None]:
    """(status, reason) for one exact value against a target; status None before the baseline year."""
    if year < target.baseline_year:
        return None, "before_baseline"
    wanted = target_value(target, baseline)
    met = _met(target, value, baseline, wanted)
    if met:
        return "gehaald", None
    if met is None or baseline is None:
        if year >= target.target_year and wanted is not None:
            return "niet_gehaald", None
        return "onvoldoende_data", "no_baseline"
    if year >= target.target_year:
        return "niet_gehaald", None
    line = baseline + (wanted - baseline) * (year - target.baseline_year) / (target.target_year - target.baseline_year)
    lower_is_better = target.rule in ("decrease", "at_most")
    on_track = _le(value, line) if lower_is_better else _ge(value, line)
    return ("op_koers" if on_track else "achter"), None


def range_status(
    target: Target, year: int, value: tuple[float, float], baseline: tuple[float, float] | None
) -> tuple[str | None, str | None]:
    """The status only when every possible combination of value and baseline in their ranges agrees."""
    baselines = [None] if baseline is None else list(baseline)
    verdicts = {point_status(target, year, v, b) for v in value for b in baselines}
    if len(verdicts) == 1:
        return verdicts.pop()
    return "onvoldoende_data", "range_spans"


def projection(years: list[int], values: list[float], target_year: int, unit: str) -> float | None:
    """Least-squares line through the years with data, read at the target year."""
    if len(years) < 2:
        return None
    slope, intercept = np.polyfit(np.asarray(years, dtype=float), np.asarray(values, dtype=float), 1)
    projected = float(slope * target_year + intercept)
    return min(max(projected, 0.0), 1.0) if unit == "share" else max(projected, 0.0)


def _none(x: object) -> float | None:
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else float(x)


def _empty_result(kpi: Kpi, year: int | None, target: Target | None, reason: str, language: str) -> dict:
    row = {name: None for name in RESULT_COLUMNS}
    row.update(id=kpi.id, label=kpi.label(language), action_line=kpi.action_line, year=year, unit=kpi.unit,
               exact=True, status="onvoldoende_data", reason=reason, unclassified=0)  # fmt: skip
    if target is not None:
        row.update(baseline_year=target.baseline_year, target_year=target.target_year, rule=target.rule)
    return row


def kpi_results(kpi: Kpi, series: pd.DataFrame, targets: list[Target], language: str = "nl") -> list[dict]:
    """One result per year with data, judged by the target that applies to that year."""
    if series.empty:
        return [_empty_result(kpi, None, target_for(targets, None), "no_data", language)]
    series = series[series["value"].notna() | series["numerator"].notna()]
    years = [int(y) for y in series.index]
    rows = []
    for year, values in zip(years, series.itertuples(index=False), strict=True):
        target = target_for(targets, year)
        row = _empty_result(kpi, year, target, "", language)
        value = _none(values.value)
        row.update(value=value, low=_none(values.low), high=_none(values.high), exact=bool(values.exact),
                   numerator=_none(values.numerator), denominator=_none(values.denominator),
                   unclassified=int(values.unclassified), status=None, reason=None)  # fmt: skip
        if value is None:
            row.update(status="onvoldoende_data", reason="no_data_year")
            rows.append(row)
            continue
        if target is None:
            row.update(status="onvoldoende_data", reason="no_target")
            rows.append(row)
            continue
        base = series.loc[target.baseline_year] if target.baseline_year in series.index else None
        base_point = None if base is None else _none(base["value"])
        row["baseline_value"] = base_point
        row["target_value"] = target_value(target, base_point)
        if base_point is None and target.rule in ("growth", "increase", "decrease"):
            row.update(status="onvoldoende_data" if year >= target.baseline_year else None,
                       reason="no_baseline" if year >= target.baseline_year else "before_baseline")  # fmt: skip
        elif row["exact"] and (base is None or bool(base["exact"])):
            row["status"], row["reason"] = point_status(target, year, value, base_point)
        else:
            base_range = None if base_point is None else (float(base["low"]), float(base["high"]))
            row["status"], row["reason"] = range_status(target, year, (row["low"], row["high"]), base_range)
        known = [(y, v) for y, v in zip(years, series["value"], strict=True) if y <= year and not pd.isna(v)]
        row["projection"] = projection(
            [y for y, _ in known], [float(v) for _, v in known], target.target_year, kpi.unit
        )
        rows.append(row)
    return rows


def kpi_values(
    facts: Facts,
    targets: dict[str, list[Target]],
    filters: Filters = REGION,
    year: int | None = None,
    language: str = "nl",
    kpis: Iterable[Kpi] = KPIS,
) -> pd.DataFrame:
    """Every KPI per year with data (or one `onvoldoende_data` row when it has none), for a part of the region."""
    rows: list[dict] = []
    for kpi in kpis:
        own_targets = targets.get(kpi.id, [])
        if not kpi.per_school and not filters.is_region:
            rows.append(_empty_result(kpi, year, target_for(own_targets, year), "only_regional", language))
            continue
        results = kpi_results(kpi, kpi_series(facts, kpi, filters), own_targets, language)
        if year is not None:
            has_data = any(r["year"] is not None for r in results)
            results = [r for r in results if r["year"] == year] or [
                _empty_result(
                    kpi, year, target_for(own_targets, year), "no_data_year" if has_data else "no_data", language
                )
            ]
        rows.extend(results)
    frame = pd.DataFrame(rows, columns=list(RESULT_COLUMNS))
    frame["reason_text"] = [
        reason_text(
            r["reason"],
            language,
            year=r["year"],
            baseline_year=r["baseline_year"],
            low=_fmt(r["low"], r["unit"]),
            high=_fmt(r["high"], r["unit"]),
        )
        for r in rows
    ]
    return frame


def _fmt(value: float | None, unit: str) -> str:
    if value is None or pd.isna(value):
        return "?"
    return f"{value:.1%}" if unit == "share" else f"{value:.0f}"


def school_breakdown(
    facts: Facts, kpi: Kpi, targets: dict[str, list[Target]], year: int, filters: Filters = REGION
) -> pd.DataFrame:
    """Per school: value in `year` and in the baseline year, and the change; who pulls the KPI up or down."""
    columns = [
        "brin",
        "school",
        "value",
        "low",
        "high",
        "exact",
        "numerator",
        "denominator",
        "baseline_value",
        "change",
    ]
    if not kpi.per_school:
        return pd.DataFrame(columns=columns)
    series = kpi_series(facts, kpi, filters, by=["brin"])
    if series.empty:
        return pd.DataFrame(columns=columns)
    target = target_for(targets.get(kpi.id, []), year)
    baseline_year = target.baseline_year if target else None
    now = series.xs(year, level=1) if year in series.index.get_level_values(1) else series.iloc[0:0].droplevel(1)
    frame = now[["value", "low", "high", "exact", "numerator", "denominator"]].copy()
    if baseline_year is not None and baseline_year in series.index.get_level_values(1):
        frame["baseline_value"] = series.xs(baseline_year, level=1)["value"].reindex(frame.index)
    else:
        frame["baseline_value"] = np.nan
    frame["change"] = frame["value"] - frame["baseline_value"]
    names = facts.leerlingen.drop_duplicates("brin").set_index("brin")["school"].astype("object")
    frame = frame.reset_index()
    frame["brin"] = frame["brin"].astype("object")
    frame["school"] = frame["brin"].map(names)
    return frame[columns].sort_values(["change", "value"], ascending=False, na_position="last").reset_index(drop=True)


def kpi_by_id(kpi_id: str) -> Kpi:
    return REGISTRY[kpi_id]
