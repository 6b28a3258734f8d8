"""Cached access to the domain layer: the only place the dashboard caches, and nothing cached is mutated."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from sqlalchemy.engine import Engine

from kpi.delivery.storage import data_version, engine_for, is_empty
from kpi.metrics.benchmark import OpenData, all_kpi_values
from kpi.metrics.compute import protected_breakdown
from kpi.metrics.facts import Facts, Filters, load_facts
from kpi.metrics.registry import REGISTRY
from kpi.metrics.targets import Target, load_targets
from kpi.settings.actions import Action, action_register
from kpi.settings.audit import latest_entry_id
from kpi.settings.reference import techniek_lookup, techniek_table, unknown_programs
from kpi.sources.demo import demo_wanted, holds_demo, load_demo
from kpi.sources.duo.store import load_shipped, open_data_facts
from kpi.views.explorer import Selection, explorer_options, known_school_names, protected_pivot
from kpi.views.flows import protected_flows


@st.cache_resource
def engine() -> Engine:
    """One engine (and connection pool) per server process; the demo set fills an empty database, and the
    shipped open data (real DUO figures) a database that never had any, with or without the demo."""
    database = engine_for()
    if demo_wanted() and is_empty(database):
        load_demo(database)
    load_shipped(database)
    return database


def version() -> tuple[int, ...]:
    """The data version: cached results are keyed by it, so a delivery or a settings change shows at once
    (open-data loads and region changes are audited, so they count as settings changes)."""
    return (*data_version(engine()), latest_entry_id(engine()))


@st.cache_resource(max_entries=2, ttl=3600)
def open_data(data: tuple[int, ...]) -> OpenData:
    """The open-data rows and the region, loaded once per data version and shared by every session (read-only)."""
    return open_data_facts(engine())


@st.cache_resource(max_entries=2, ttl=3600)
def facts(data: tuple[int, ...]) -> Facts:
    """All current facts, loaded once per data version and shared by every session (read-only)."""
    return load_facts(engine())


def targets() -> dict[str, list[Target]]:
    """The targets as set now (cached per version)."""
    return _targets(version())


@st.cache_data(ttl=3600, max_entries=4)
def _targets(data: tuple[int, ...]) -> dict[str, list[Target]]:
    return load_targets(engine())


@st.cache_data(ttl=3600, max_entries=4)
def reference(data: tuple[int, ...]) -> pd.DataFrame:
    """The techniek/ICT reference table as set now."""
    return techniek_table(engine())


@st.cache_data(ttl=3600, max_entries=256)
def results(data: tuple[int, ...], filters: Filters, year: int | None, role: str) -> pd.DataFrame:
    """KPI results (codes and numbers, the same in every language), protected for the role."""
    return all_kpi_values(facts(data), open_data(data), targets(), filters, year, role)


@st.cache_data(ttl=3600, max_entries=128)
def breakdown(data: tuple[int, ...], kpi_id: str, year: int, filters: Filters, role: str) -> pd.DataFrame:
    return protected_breakdown(facts(data), REGISTRY[kpi_id], targets(), year, role, filters)


@st.cache_data(ttl=3600, max_entries=64)
def flows(data: tuple[int, ...], year: int, filters: Filters, role: str) -> pd.DataFrame:
    return protected_flows(facts(data), year, role, filters)


@st.cache_data(ttl=3600, max_entries=64)
def pivot(data: tuple[int, ...], selection: Selection, by: str | None, role: str) -> pd.DataFrame:
    return protected_pivot(facts(data), selection, by, role)


@st.cache_data(ttl=3600, max_entries=8)
def options(data: tuple[int, ...]) -> dict[str, list]:
    return explorer_options(facts(data))


@st.cache_data(ttl=3600, max_entries=8)
def names(data: tuple[int, ...]) -> dict[str, str]:
    return known_school_names(facts(data), open_data(data))


@st.cache_data(ttl=3600, max_entries=8)
def demo_shown(data: tuple[int, ...]) -> bool:
    return holds_demo(engine())


@st.cache_data(ttl=3600, max_entries=8)
def unclassified(data: tuple[int, ...]) -> pd.DataFrame:
    return unknown_programs(facts(data).leerlingen, techniek_lookup(reference(data)))


def actions() -> list[Action]:
    """The action register, read fresh: it is small, and an update must show at once."""
    return action_register(engine())
