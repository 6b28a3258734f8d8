"""The body of an action line's page (Kiezen, Leren, Werken): per KPI a chart, the words around it and the data."""

import streamlit as st

from kpi.metrics.benchmark import default_year
from kpi.metrics.registry import KPIS
from ui import data, session
from ui.actions import partner_filter, render_actions
from ui.i18n import t
from ui.widgets import empty_state, kpi_detail, or_stop, year_select


def render(lines: tuple[str, ...], title_key: str) -> None:
    st.title(t(title_key))
    everything = or_stop(lambda: data.results(data.version(), session.filters(), None, session.role()))
    everything = everything[everything["action_line"].isin(lines)]  # this page's years only
    years = sorted({int(y) for y in everything["year"].dropna()})
    if not years:
        empty_state()
        return
    year = year_select(years, default_year(everything))
    register = data.actions()
    partner = partner_filter(register)
    followed = {k for a in register if partner in a.partners for k in a.kpis} if partner else None
    if partner:
        st.caption(t("actions.partner_caption", partner=partner))
    chosen = everything[everything["year"] == year]
    for line in lines:
        if line == "Context":
            st.header(t("context_title"))
        else:
            render_actions(line, register, chosen, partner)
            st.divider()
        for kpi in (k for k in KPIS if k.action_line == line and (followed is None or k.id in followed)):
            kpi_detail(kpi, everything[everything["id"] == kpi.id], year)
            st.divider()
