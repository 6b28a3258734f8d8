"""The stored facts as one analysis-ready set of frames, and the filters every view shares."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sqlalchemy.engine import Engine

from kpi.delivery.schema import LEERLINGEN, SHEETS, typed
from kpi.delivery.storage import current_facts
from kpi.metrics.registry import KPIS
from kpi.settings.reference import techniek_flags, techniek_lookup, techniek_table, unknown_programs

REGULAR_ROUTE = "regulier"
"""The route filter's word for rows without a route."""

CATEGORICAL = (
    "brin",
    "school",
    "onderwijssoort",
    "opleiding",
    "route",
    "indicator",
    "naar_onderwijssoort",
    "naar_opleiding",
    "geslacht",
    "crebo",
)


@dataclass(frozen=True)
class Filters:
    """Which part of the region a view looks at; empty means all."""

    schools: tuple[str, ...] = ()
    routes: tuple[str, ...] = ()
    levels: tuple[str, ...] = ()
    programs: tuple[str, ...] = ()

    @property
    def is_region(self) -> bool:
        return not (self.schools or self.routes or self.levels or self.programs)


@dataclass(frozen=True)
class Facts:
    """Current rows of every sheet; leerlingen carries `techniek` and `naar_techniek` (NA: unclassified).

    Shared by every session (the UI caches it), so nothing changes it after it is made.
    """

    sheets: dict[str, pd.DataFrame] = field(default_factory=dict)
    arrays: Mapping[str, Mapping[tuple, np.ndarray]] = field(default_factory=dict, repr=False, compare=False)
    """Per sheet, the numpy views the computation asks for most, made once here and read-only."""

    @property
    def leerlingen(self) -> pd.DataFrame:
        return self.sheets["leerlingen"]


def prepared_leerlingen(frame: pd.DataFrame, lookup: dict[str, bool]) -> pd.DataFrame:
    """Categorical, with the techniek flags of the reference table (changes the typed frame it is given)."""
    for column in CATEGORICAL:
        frame[column] = frame[column].astype("category")
    frame["techniek"] = techniek_flags(frame["opleiding"], lookup)
    frame["naar_techniek"] = techniek_flags(frame["naar_opleiding"], lookup)
    return frame


def facts_from_frames(frames: dict[str, pd.DataFrame], lookup: dict[str, bool] | None = None) -> Facts:
    """Facts from plain frames in the stored columns (missing sheets are empty)."""
    lookup = lookup if lookup is not None else techniek_lookup(techniek_table())
    sheets = {}
    for name, sheet in SHEETS.items():
        frame = typed(frames.get(name, pd.DataFrame()), sheet)
        frame[sheet.year] = frame[sheet.year].astype("int64")  # every fact has a year: plain integers for numpy
        sheets[name] = prepared_leerlingen(frame, lookup) if name == LEERLINGEN.name else frame
    return Facts(sheets, {name: sheet_arrays(frame, SHEETS[name].year) for name, frame in sheets.items()})


def sheet_arrays(frame: pd.DataFrame, year: str) -> dict[tuple, np.ndarray]:
    """Flags, numbers, gaps, years and the registry's row selections as read-only arrays, keyed as
    `compute.Columns` asks for them."""
    arrays: dict[tuple, np.ndarray] = {("years", year): frame[year].to_numpy(dtype="int64")}
    for name, values in frame.items():
        if pd.api.types.is_bool_dtype(values.dtype):
            arrays["flag", name] = values.to_numpy(dtype=bool, na_value=False)
        elif pd.api.types.is_numeric_dtype(values.dtype):
            arrays["numbers", name] = values.to_numpy(dtype="float64", na_value=0.0)
            arrays["missing", name] = values.isna().to_numpy()
    for column, allowed in _registry_conditions(frame):
        arrays["isin", column, allowed] = isin_array(frame[column], allowed)
    for array in arrays.values():
        array.flags.writeable = False
    return arrays


def _registry_conditions(frame: pd.DataFrame) -> set[tuple[str, tuple]]:
    """Every (column, allowed values) a KPI of the registry selects rows by, for the columns this frame has."""
    measures = [m for kpi in KPIS for m in (kpi.numerator, kpi.denominator) if m is not None]
    return {(c, allowed) for m in measures for c, allowed in m.where.items() if c in frame.columns}


def isin_array(values: pd.Series, allowed: tuple[object, ...]) -> np.ndarray:
    """Which rows hold one of the allowed values (decided per category for categoricals)."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        hit = np.append(values.cat.categories.isin(allowed), False)  # code -1 (missing) -> False
        return hit[values.cat.codes.to_numpy()]
    if values.dtype.kind in "iuf":
        return np.isin(values.to_numpy(dtype="float64", na_value=np.nan), np.asarray(allowed, dtype="float64"))
    return values.isin(allowed).to_numpy(dtype=bool)


def load_facts(engine: Engine, lookup: dict[str, bool] | None = None) -> Facts:
    """Every current fact from the database, ready for computation."""
    lookup = lookup if lookup is not None else techniek_lookup(techniek_table(engine))
    return facts_from_frames({name: current_facts(engine, name, categorical=True) for name in SHEETS}, lookup)


def _matches(values: pd.Series, wanted: tuple[str, ...], prefix: bool = False) -> pd.Series:
    """Row mask, computed once per category rather than per row."""
    categories = (
        values.cat.categories if isinstance(values.dtype, pd.CategoricalDtype) else pd.Index(values.dropna().unique())
    )
    if prefix:
        keep = [c for c in categories if any(str(c).upper().startswith(w.upper()) for w in wanted)]
    else:
        keep = [c for c in categories if str(c).lower() in {w.lower() for w in wanted}]
    return values.isin(keep)


def filtered_leerlingen(leerlingen: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    """The leerlingen rows within the filters (school by BRIN prefix, route `regulier` = no route)."""
    return leerlingen if filters.is_region else leerlingen[filter_mask(leerlingen, filters)]


def filter_mask(leerlingen: pd.DataFrame, filters: Filters) -> pd.Series:
    """Which leerlingen rows lie within the filters."""
    mask = pd.Series(True, index=leerlingen.index)
    if filters.schools:
        mask &= _matches(leerlingen["brin"], filters.schools, prefix=True)
    if filters.routes:
        routes = leerlingen["route"]
        regular = routes.isna() if REGULAR_ROUTE in {r.lower() for r in filters.routes} else False
        mask &= _matches(routes, filters.routes) | regular
    if filters.levels:
        mask &= _matches(leerlingen["onderwijssoort"], filters.levels)
    if filters.programs:
        mask &= _matches(leerlingen["opleiding"], filters.programs)
    return mask


def filtered_sheets(
    engine: Engine, year: int | None, schools: list[str], route: str | None, levels: list[str]
) -> dict[str, pd.DataFrame]:
    """Stored facts for export: leerlingen filtered by school, route and level; all sheets by year."""
    filters = Filters(tuple(schools), (route,) if route else (), tuple(levels))
    frames = {}
    for name, sheet in SHEETS.items():
        frame = current_facts(engine, name)
        if name == LEERLINGEN.name:
            frame = filtered_leerlingen(frame, filters)
        elif name != LEERLINGEN.name and (schools or route or levels):
            frame = frame.iloc[0:0]  # the regional sheets have no school, route or level
        if year is not None:
            frame = frame[frame[sheet.year] == year]
        frames[name] = frame.reset_index(drop=True)
    return frames


def unknown_program_names(engine: Engine) -> pd.DataFrame:
    """Program names in the stored data that the techniek/ICT reference table does not classify."""
    return unknown_programs(current_facts(engine, "leerlingen"), techniek_lookup(techniek_table(engine)))


REGION = Filters()
"""No filter: the whole region."""
