"""The body of an action line's page (Kiezen, Leren, Werken): a tab per KPI (its chart, the words around it and
the data), then the plan's actions. Only the open tab is computed and drawn, and its KPI id is in the URL (`?kpi=`):
with a chart for every KPI at once, a page took three to four times as long as a one-chart page to appear."""

import pandas as pd
import streamlit as st

from kpi.metrics.benchmark import default_year
from kpi.metrics.compute import kpi_history
from kpi.metrics.registry import KPIS
from ui import data, session
from ui.actions import partner_filter, render_actions
from ui.i18n import language, t
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
    _kpi_tabs(lines, everything, year, followed)
    chosen = everything[everything["year"] == year]
    for line in lines:
        if line != "Context":
            st.divider()
            render_actions(line, register, chosen, partner)


def _kpi_tabs(lines: tuple[str, ...], everything: pd.DataFrame, year: int, followed: set[str] | None) -> None:
    """A tab per KPI of these lines (those `followed`, if given), opening on the KPI the URL names (`?kpi=<id>`,
    the same link in every language), else on the first with figures."""
    kpis = [k for line in lines for k in KPIS if k.action_line == line and (followed is None or k.id in followed)]
    if not kpis:
        return
    lang = language()
    labels = [f"{t('context_title')} · {k.label(lang)}" if k.action_line == "Context" else k.label(lang) for k in kpis]
    ids = dict(zip(labels, (k.id for k in kpis), strict=True))
    with_values = set(everything["id"][everything["value"].notna()])
    linked = [label for label, kpi_id in ids.items() if kpi_id == st.query_params.get("kpi")]
    measured = [label for label, kpi_id in ids.items() if kpi_id in with_values]
    opened = next(iter(linked or measured), None)
    tabs = st.tabs(labels, default=opened, key="kpi_tab", on_change=_kpi_in_url, args=(ids,))
    for kpi, tab in zip(kpis, tabs, strict=True):
        if tab.open:
            with tab:
                kpi_detail(kpi, kpi_history(everything, kpi.id), year)


def _kpi_in_url(ids: dict[str, str]) -> None:
    """The chosen tab's KPI id into the URL (a label would change with the language)."""
    st.query_params["kpi"] = ids.get(st.session_state["kpi_tab"], "")
