"""Open-data KPIs: the region (or a school) against the Netherlands, from stored per-location rows.

The region is cut at query time from the region definition, so changing it changes the KPIs at once. DUO's
`<5` cells make values ranges exactly as for deliveries (1 and 4 as bounds, 2.5 as point value).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kpi.codes import OPEN_DATA_YEAR as YEAR
from kpi.codes import SUPPRESSED_HIGH, SUPPRESSED_LOW, SUPPRESSED_POINT, Role
from kpi.delivery.schema import SUPPRESSED_SUFFIX
from kpi.metrics.compute import RESULT_COLUMNS, _empty_result, kpi_results, protected_results
from kpi.metrics.facts import REGION, Facts, Filters
from kpi.metrics.privacy import masked_results, protected_series
from kpi.metrics.registry import KPIS, REGISTRY, Kpi, Measure
from kpi.metrics.targets import Target, target_for
from kpi.settings.region import Region

BENCHMARK_FIELDS = ("nl_value", "nl_low", "nl_high", "source")
"""What the KPI JSON gains (interfaces.md): the national value and its range, and where the facts come from."""
COMPARISON_COLUMNS = ("region_value", "region_low", "region_high", "ratio", "ratio_low", "ratio_high")
"""For views: the region beside a filtered school, and the value as a fraction of the national one."""
OPEN_DATA_KPIS: tuple[Kpi, ...] = tuple(k for k in KPIS if k.source == "duo")


@dataclass(frozen=True)
class OpenData:
    """The open-data rows that count now, per dataset, and the region definition they are cut by."""

    counts: dict[str, pd.DataFrame]
    region: Region

    @property
    def loaded(self) -> bool:
        """Whether any open data counts (a database where none was ever loaded has none)."""
        return any(len(frame) for frame in self.counts.values())

    def schools(self) -> dict[str, str]:
        """Location code -> name, for the region's locations in the open data (the school filter offers them)."""
        names: dict[str, str] = {}
        for frame in self.counts.values():
            local = frame[region_mask(frame, self.region)]
            names.update(dict(zip(local["vestiging"], local["naam"], strict=True)))
        return names


def region_mask(frame: pd.DataFrame, area: Region) -> np.ndarray:
    """Rows at a location of the region: in one of its municipalities, or one of its named locations."""
    return (frame["gemeente"].isin(area.municipalities) | frame["vestiging"].isin(area.locations)).to_numpy()


def school_mask(frame: pd.DataFrame, schools: tuple[str, ...]) -> np.ndarray:
    """Rows of these schools: a 6-character location code, or a 4-character institution (all its locations)."""
    codes = frame["vestiging"].to_numpy(dtype=str)
    wanted = tuple(s.strip().upper() for s in schools)
    return np.array([c.startswith(wanted) for c in codes], dtype=bool) if len(codes) else np.zeros(0, dtype=bool)


def _mask(frame: pd.DataFrame, measure: Measure) -> np.ndarray:
    mask = np.ones(len(frame), dtype=bool)
    for column, allowed in measure.where.items():
        mask &= frame[column].isin(allowed).to_numpy()
    return mask


def _sums(frame: pd.DataFrame, measure: Measure, mask: np.ndarray, years: pd.Index) -> dict[str, np.ndarray]:
    """Per year: low, point and high sums of the measure's counts (`<5` as 1, 2.5 and 4) and suppressed cells."""
    value = measure.value or "kandidaten"
    part = frame[mask]
    known = part[value].fillna(0).astype("float64").groupby(part[YEAR]).sum().reindex(years, fill_value=0.0)
    hidden = part[value + SUPPRESSED_SUFFIX].astype("float64").groupby(part[YEAR]).sum().reindex(years, fill_value=0.0)
    known, hidden = known.to_numpy(), hidden.to_numpy()
    return {
        "low": known + SUPPRESSED_LOW * hidden,
        "point": known + SUPPRESSED_POINT * hidden,
        "high": known + SUPPRESSED_HIGH * hidden,
        "suppressed": hidden,
    }


def open_data_series(frame: pd.DataFrame, kpi: Kpi) -> pd.DataFrame:
    """Value per year for these rows: value, low, high, exact, numerator, denominator (as `kpi_series`)."""
    population = _mask(frame, kpi.population)
    years = pd.Index(sorted(frame.loc[population, YEAR].unique()), name=YEAR, dtype="int64")
    numerator = _mask(frame, kpi.numerator)
    num = _sums(frame, kpi.numerator, numerator, years)
    if kpi.unit == "count" or kpi.denominator is None:
        out = {
            "value": num["point"],
            "low": num["low"],
            "high": num["high"],
            "numerator": num["point"],
            "denominator": np.full(len(years), np.nan),
            "exact": num["suppressed"] == 0,
        }
    else:
        denominator = _mask(frame, kpi.denominator)
        den = _sums(frame, kpi.denominator, denominator, years)
        rest = _sums(frame, kpi.denominator, denominator & ~numerator, years) if kpi.subset else den
        with np.errstate(divide="ignore", invalid="ignore"):
            value = num["point"] / den["point"]
            if kpi.subset:  # the rest of the denominator moves opposite to the numerator
                low, high = num["low"] / (num["low"] + rest["high"]), num["high"] / (num["high"] + rest["low"])
            else:
                low, high = num["low"] / den["high"], num["high"] / den["low"]
        valid = den["point"] > 0
        out = {name: np.where(valid, a, np.nan) for name, a in (("value", value), ("low", low), ("high", high))}
        out.update(numerator=num["point"], denominator=den["point"], exact=(num["suppressed"] + den["suppressed"]) == 0)
    out["unclassified"] = np.zeros(len(years), dtype=int)
    return pd.DataFrame(out, index=years)


def _ratio(row: dict) -> dict[str, float | None]:
    """The value as a fraction of the national value; its range from the extremes of both ranges."""
    value, nl = row.get("value"), row.get("nl_value")
    if row["unit"] != "share" or value is None or not nl:
        return {"ratio": None, "ratio_low": None, "ratio_high": None}
    low = row["low"] / row["nl_high"] if row.get("nl_high") else None
    high = row["high"] / row["nl_low"] if row.get("nl_low") else None
    return {"ratio": value / nl, "ratio_low": low, "ratio_high": high}


def _at(series: pd.DataFrame, year: int, prefix: str) -> dict[str, float | None]:
    if year is None or year not in series.index:
        return {f"{prefix}_value": None, f"{prefix}_low": None, f"{prefix}_high": None}
    found = series.loc[year]
    return {
        f"{prefix}_{name}": None if pd.isna(found[name]) else float(found[name]) for name in ("value", "low", "high")
    }


def _results(kpi: Kpi, data: OpenData, targets: list[Target], filters: Filters, role: Role) -> list[dict]:
    """One open-data KPI per year: the region's value (or the filtered schools'), with the nation's beside it.

    Every series is masked for `role` before anything is derived from it, as for deliveries.
    """
    if filters.routes or filters.programs:  # DUO's file knows no routes and only sectors for programs
        return [_empty_result(kpi, None, target_for(targets, None), "open_data_filter")]
    frame = data.counts.get(kpi.population.sheet)
    if frame is None or frame.empty:
        return [_empty_result(kpi, None, target_for(targets, None), "no_data")]
    if filters.levels:
        frame = frame[frame["niveau"].isin(filters.levels).to_numpy()]
    national = protected_series(open_data_series(frame, kpi), kpi.unit, role)
    regional = protected_series(open_data_series(frame[region_mask(frame, data.region)], kpi), kpi.unit, role)
    own = regional
    if filters.schools:
        own = protected_series(open_data_series(frame[school_mask(frame, filters.schools)], kpi), kpi.unit, role)
    rows = kpi_results(kpi, own, targets)
    for row in rows:
        if not targets and row["reason"] == "no_target":  # context only: no status until a target is set
            row.update(status=None, reason=None)
        row.update(_at(national, row["year"], "nl"))
        row.update(_at(regional, row["year"], "region") if filters.schools else dict.fromkeys(COMPARISON_COLUMNS[:3]))
        row.update(_ratio(row))
    return rows


def open_data_values(
    data: OpenData,
    targets: dict[str, list[Target]],
    filters: Filters = REGION,
    year: int | None = None,
    kpis: Iterable[Kpi] = OPEN_DATA_KPIS,
    role: Role = "admin",
) -> pd.DataFrame:
    """Every open-data KPI per year with data, as `kpi_values` gives them, plus the national benchmark; masked
    for `role` like every KPI result (a masked value takes its ratio and comparisons along)."""
    rows = []
    for kpi in kpis:
        own_targets = targets.get(kpi.id, [])
        results = _results(kpi, data, own_targets, filters, role)
        if year is not None:
            has_data = any(r["year"] is not None for r in results)
            reason = "no_data_year" if has_data else "no_data"
            results = [r for r in results if r["year"] == year] or [
                _empty_result(kpi, year, target_for(own_targets, year), reason)
            ]
        for row in results:
            row["source"] = kpi.source
        rows.extend(results)
    frame = pd.DataFrame(rows, columns=[*RESULT_COLUMNS, *BENCHMARK_FIELDS, *COMPARISON_COLUMNS])
    return masked_results(frame, role)


def all_kpi_values(
    facts: Facts,
    data: OpenData,
    targets: dict[str, list[Target]],
    filters: Filters = REGION,
    year: int | None = None,
    role: Role = "admin",
) -> pd.DataFrame:
    """Every KPI of the registry as `role` may see it, from deliveries and from open data, in registry order."""
    delivered = protected_results(facts, targets, role, filters, year).assign(source="leveringen")
    opened = open_data_values(data, targets, filters, year, role=role)
    codes = ("status", "reason", "masked")
    frame = pd.concat([delivered, opened.astype(dict.fromkeys(codes, "object"))], ignore_index=True)
    for column in (*BENCHMARK_FIELDS, *COMPARISON_COLUMNS):
        frame[column] = frame[column].astype("object").where(frame[column].notna(), None)
    position = {kpi_id: i for i, kpi_id in enumerate(REGISTRY)}
    return frame.sort_values("id", key=lambda ids: ids.map(position), kind="stable").reset_index(drop=True)


def default_year(results: pd.DataFrame) -> int | None:
    """The school year a page opens on: the latest in which a delivered KPI has data, else the latest with any.

    Open data may run years ahead of (or behind) the deliveries; the steering group follows the deliveries.
    """
    shown = results["value"].notna()
    if "masked" in results.columns:  # a masked value is still a year with data
        shown |= results["masked"].notna()
    measured = results[shown & results["year"].notna()]
    delivered = measured[measured["source"] != "duo"] if "source" in measured.columns else measured
    years = delivered["year"] if len(delivered) else results["year"].dropna()
    return int(years.max()) if len(years) else None
