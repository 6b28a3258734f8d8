"""The body of an action line's page (Kiezen, Leren, Werken): per KPI a chart, the words around it and the data."""

import streamlit as st

from kpi.metrics.registry import KPIS
from ui import data, session
from ui.i18n import t
from ui.widgets import empty_state, kpi_detail, or_stop, year_select


def render(lines: tuple[str, ...], title_key: str) -> None:
    st.title(t(title_key))
    everything = or_stop(lambda: data.results(data.version(), session.filters(), None, session.role()))
    years = sorted({int(y) for y in everything["year"].dropna()})
    if not years:
        empty_state()
        return
    year = year_select(years)
    for line in lines:
        if line == "Context":
            st.header(t("context_title"))
        for kpi in (k for k in KPIS if k.action_line == line):
            kpi_detail(kpi, everything[everything["id"] == kpi.id], year)
            st.divider()
