"""The analysts' explorer: any selection of leerlingen facts, pivoted by year and one dimension."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from kpi.catalogue import word
from kpi.codes import SUPPRESSED_POINT, Role
from kpi.metrics.benchmark import OpenData
from kpi.metrics.facts import REGION, Facts, Filters, filtered_leerlingen
from kpi.metrics.privacy import protected_table
from kpi.views.formatting import cell, school_year

DIMENSIONS = ("brin", "onderwijssoort", "opleiding", "route", "indicator", "naar_onderwijssoort", "geslacht")
PIVOT_DIMENSIONS = tuple(d for d in DIMENSIONS if d != "indicator")
"""What the explorer splits by: one indicator at a time, so different indicators are never added up."""
DEFAULT_INDICATOR = "ingeschreven"
OTHER = "(leeg)"
"""The column for rows without a value in the chosen dimension (`explorer.empty` in words)."""
TOTAL = "totaal"
"""The one column when nothing is chosen to pivot by (`total` in words)."""


@dataclass(frozen=True)
class Selection:
    """What the analyst looks at: the shared filters plus indicators and a span of years."""

    filters: Filters = REGION
    indicators: tuple[str, ...] = ()
    years: tuple[int, int] | None = None


def explorer_rows(facts: Facts, selection: Selection) -> pd.DataFrame:
    """The leerlingen facts inside the selection, with a point count (suppressed cells as 2.5)."""
    rows = filtered_leerlingen(facts.leerlingen, selection.filters)
    if selection.indicators:
        rows = rows[rows["indicator"].isin(selection.indicators)]
    if selection.years:
        rows = rows[rows["schooljaar"].between(*selection.years)]
    rows = rows.copy()
    rows["aantal_punt"] = rows["aantal"].astype("Float64").fillna(0) + SUPPRESSED_POINT * rows["aantal_onderdrukt"]
    return rows


def explorer_pivot(rows: pd.DataFrame, by: str | None) -> pd.DataFrame:
    """School years down, the chosen dimension across (or one total column), counts summed."""
    if rows.empty:
        return pd.DataFrame()
    if by is None:
        pivot = rows.groupby("schooljaar")["aantal_punt"].sum().to_frame(TOTAL)
    else:
        keys = rows[by].astype("object").fillna(OTHER)
        pivot = rows.assign(_by=keys).pivot_table(
            index="schooljaar", columns="_by", values="aantal_punt", aggfunc="sum", observed=True
        )  # a group without rows in a year stays empty (a gap), never 0
        pivot.columns.name = by
    years = rows["schooljaar"].astype(int)
    pivot = pivot.reindex(range(int(years.min()), int(years.max()) + 1))  # a year without data is a gap too
    pivot.index.name = "schooljaar"
    return pivot.astype(float)


def protected_pivot(facts: Facts, selection: Selection, by: str | None, role: Role) -> pd.DataFrame:
    """The pivot as `role` may see it: counts from 1 to 4 as `<5` (the chart draws them as gaps). The gate for the
    Verkenner's chart, table and downloads."""
    pivot = explorer_pivot(explorer_rows(facts, selection), by)
    return protected_table(pivot, role, counts=list(pivot.columns))  # every column: a program may be named `jaar`


def explorer_options(facts: Facts) -> dict[str, list]:
    """The values each filter can take in the stored data."""
    frame = facts.leerlingen
    options = {
        column: sorted(str(v) for v in frame[column].dropna().unique())
        for column in ("brin", "onderwijssoort", "opleiding", "indicator")
    }
    options["route"] = ["regulier", *sorted(str(v) for v in frame["route"].dropna().unique())]
    years = sorted(int(y) for y in frame["schooljaar"].unique())
    options["years"] = years
    return options


def school_names(facts: Facts) -> dict[str, str]:
    """BRIN -> school name as delivered."""
    frame = facts.leerlingen[["brin", "school"]].dropna().drop_duplicates("brin")
    return {str(b): str(s) for b, s in zip(frame["brin"], frame["school"], strict=True)}


def known_school_names(facts: Facts, opened: OpenData) -> dict[str, str]:
    """Schools to filter on and name: those with deliveries, and the region's locations in the open data."""
    return {**opened.schools(), **school_names(facts)}


@dataclass(frozen=True)
class PivotShown:
    """A protected pivot ready to show: for the chart, for downloads and for the table on screen (cells in words)."""

    chart: pd.DataFrame
    table: pd.DataFrame
    shown: pd.DataFrame


def pivot_shown(pivot: pd.DataFrame, by: str | None, names: dict[str, str], language: str = "nl") -> PivotShown:
    """The pivot with its series named: schools by name and code (or code alone), the total and the empty in words."""
    if by == "brin":
        pivot = pivot.rename(columns=lambda brin: f"{names[brin]} ({brin})" if brin in names else brin)
    chart = pivot.rename(columns={TOTAL: word("meet.total", language), OTHER: word("explorer.empty", language)})
    table = chart.reset_index()
    table = table.assign(schooljaar=[school_year(y) for y in table["schooljaar"]]).rename(
        columns={"schooljaar": word("meet.school_year", language)}
    )
    shown = table.copy()
    for column in shown.columns[1:]:
        shown[column] = [cell(v, "count", language) for v in shown[column]]
    return PivotShown(chart, table, shown)
