"""The body of an action line's page (Kiezen, Leren, Werken): per KPI a chart, the words around it and the data."""

import streamlit as st

from kpi.metrics.registry import KPIS
from kpi.metrics.targets import TargetsError
from kpi.views.safety import markdown_text
from ui import data, session
from ui.i18n import language, t
from ui.widgets import empty_state, kpi_detail


def render(lines: tuple[str, ...], title_key: str) -> None:
    st.title(t(title_key))
    try:
        everything = data.results(data.version(), session.filters(), None, language(), session.role())
    except TargetsError as error:
        st.error(t("targets_broken", error=markdown_text(error)))
        return
    years = sorted({int(y) for y in everything["year"].dropna()})
    if not years:
        empty_state()
        return
    year = st.selectbox(
        t("year"), years, index=len(years) - 1, key="jaar", bind="query-params", format_func=lambda y: f"{y}-{y + 1}"
    )
    for line in lines:
        if line == "Context":
            st.header(t("context_title"))
        for kpi in (k for k in KPIS if k.action_line == line):
            kpi_detail(kpi, everything[everything["id"] == kpi.id], year)
            st.divider()
