"""Cached access to the domain layer: the only place the dashboard caches, and nothing cached is mutated."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from sqlalchemy.engine import Engine

from kpi.delivery.storage import data_version, delivery_history, engine_for, is_empty
from kpi.metrics.compute import kpi_values, school_breakdown
from kpi.metrics.facts import Facts, Filters, load_facts
from kpi.metrics.privacy import protected_results
from kpi.metrics.registry import REGISTRY
from kpi.metrics.targets import Target, load_targets
from kpi.settings.actions import Action, action_register
from kpi.settings.reference import techniek_lookup, techniek_table, unknown_programs
from kpi.sources.demo import demo_wanted, holds_demo, load_demo
from kpi.views.explorer import Selection, explorer_options, explorer_pivot, explorer_rows, school_names
from kpi.views.flows import doorstroom_matrix


@st.cache_resource
def engine() -> Engine:
    """One engine (and connection pool) per server process; the demo set fills an empty database."""
    database = engine_for()
    if demo_wanted() and is_empty(database):
        load_demo(database)
    return database


def version() -> tuple[int, int]:
    """The data version: cached results are keyed by it, so a delivery shows at once."""
    return data_version(engine())


@st.cache_resource(max_entries=2, ttl=3600)
def facts(data: tuple[int, int]) -> Facts:
    """All current facts, loaded once per data version and shared by every session (read-only)."""
    return load_facts(engine())


@st.cache_data(ttl=60, max_entries=4)
def targets() -> dict[str, list[Target]]:
    return load_targets()


@st.cache_data(ttl=3600, max_entries=256)
def results(data: tuple[int, int], filters: Filters, year: int | None, language: str, role: str) -> pd.DataFrame:
    """KPI results, protected for the role."""
    return protected_results(kpi_values(facts(data), targets(), filters, year, language), role)


@st.cache_data(ttl=3600, max_entries=128)
def breakdown(data: tuple[int, int], kpi_id: str, year: int, filters: Filters) -> pd.DataFrame:
    return school_breakdown(facts(data), REGISTRY[kpi_id], targets(), year, filters)


@st.cache_data(ttl=3600, max_entries=64)
def flows(data: tuple[int, int], year: int, filters: Filters, min_count: float) -> pd.DataFrame:
    return doorstroom_matrix(facts(data), year, filters, min_count)


@st.cache_data(ttl=3600, max_entries=64)
def pivot(data: tuple[int, int], selection: Selection, by: str | None) -> pd.DataFrame:
    return explorer_pivot(explorer_rows(facts(data), selection), by)


@st.cache_data(ttl=3600, max_entries=8)
def options(data: tuple[int, int]) -> dict[str, list]:
    return explorer_options(facts(data))


@st.cache_data(ttl=3600, max_entries=8)
def names(data: tuple[int, int]) -> dict[str, str]:
    return school_names(facts(data))


@st.cache_data(ttl=3600, max_entries=8)
def demo_shown(data: tuple[int, int]) -> bool:
    return holds_demo(engine())


@st.cache_data(ttl=3600, max_entries=8)
def unclassified(data: tuple[int, int]) -> pd.DataFrame:
    return unknown_programs(facts(data).leerlingen, techniek_lookup(techniek_table()))


def history() -> pd.DataFrame:
    return delivery_history(engine())


def actions() -> list[Action]:
    """The action register, read fresh: it is small, and an update must show at once."""
    return action_register(engine())
