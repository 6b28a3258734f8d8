"""Cached access to the domain layer: the only place the dashboard caches, and nothing cached is mutated."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from sqlalchemy.engine import Engine

from kpi.delivery.storage import data_version, engine_for, is_empty
from kpi.metrics import benchmark
from kpi.metrics.compute import school_breakdown
from kpi.metrics.facts import Facts, Filters, load_facts
from kpi.metrics.privacy import protected_results
from kpi.metrics.registry import REGISTRY
from kpi.metrics.targets import Target, load_targets
from kpi.settings.actions import Action, action_register
from kpi.settings.reference import techniek_lookup, techniek_table, unknown_programs
from kpi.sources.demo import demo_wanted, holds_demo, load_demo
from kpi.sources.duo.store import load_shipped, open_data_facts, open_data_state
from kpi.views.explorer import Selection, explorer_options, explorer_pivot, explorer_rows, school_names
from kpi.views.flows import doorstroom_matrix


@st.cache_resource
def engine() -> Engine:
    """One engine (and connection pool) per server process; the demo set fills an empty database, and the
    shipped open data (real DUO figures) a database that never had any, with or without the demo."""
    database = engine_for()
    if demo_wanted() and is_empty(database):
        load_demo(database)
    load_shipped(database)
    return database


def version() -> tuple:
    """The data version: cached results are keyed by it, so a delivery, an open-data load or a change of the
    region shows at once."""
    return (*data_version(engine()), *open_data_state(engine()))


@st.cache_resource(max_entries=2, ttl=3600)
def open_data(data: tuple) -> benchmark.OpenData:
    """The open-data rows and the region, loaded once per data version and shared by every session (read-only)."""
    return open_data_facts(engine())


@st.cache_resource(max_entries=2, ttl=3600)
def facts(data: tuple) -> Facts:
    """All current facts, loaded once per data version and shared by every session (read-only)."""
    return load_facts(engine())


@st.cache_data(ttl=60, max_entries=4)
def targets() -> dict[str, list[Target]]:
    return load_targets()


@st.cache_data(ttl=3600, max_entries=256)
def results(data: tuple, filters: Filters, year: int | None, role: str) -> pd.DataFrame:
    """KPI results (codes and numbers, the same in every language), protected for the role."""
    values = benchmark.all_kpi_values(facts(data), open_data(data), targets(), filters, year)
    return benchmark.protected_comparisons(protected_results(values, role))


@st.cache_data(ttl=3600, max_entries=128)
def breakdown(data: tuple, kpi_id: str, year: int, filters: Filters) -> pd.DataFrame:
    return school_breakdown(facts(data), REGISTRY[kpi_id], targets(), year, filters)


@st.cache_data(ttl=3600, max_entries=64)
def flows(data: tuple, year: int, filters: Filters, min_count: float) -> pd.DataFrame:
    return doorstroom_matrix(facts(data), year, filters, min_count)


@st.cache_data(ttl=3600, max_entries=64)
def pivot(data: tuple, selection: Selection, by: str | None) -> pd.DataFrame:
    return explorer_pivot(explorer_rows(facts(data), selection), by)


@st.cache_data(ttl=3600, max_entries=8)
def options(data: tuple) -> dict[str, list]:
    return explorer_options(facts(data))


@st.cache_data(ttl=3600, max_entries=8)
def names(data: tuple) -> dict[str, str]:
    """Schools to filter on: those with deliveries, and the region's locations in the open data."""
    return {**open_data(data).schools(), **school_names(facts(data))}


@st.cache_data(ttl=3600, max_entries=8)
def demo_shown(data: tuple) -> bool:
    return holds_demo(engine())


@st.cache_data(ttl=3600, max_entries=8)
def unclassified(data: tuple) -> pd.DataFrame:
    return unknown_programs(facts(data).leerlingen, techniek_lookup(techniek_table()))


def actions() -> list[Action]:
    """The action register, read fresh: it is small, and an update must show at once."""
    return action_register(engine())
