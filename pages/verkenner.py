"""Verkenner: filter any way, one indicator per year and one dimension, chart it, download it; the URL keeps the view."""

import streamlit as st

from kpi.metrics.facts import Filters
from kpi.views.charts import explorer_chart
from kpi.views.explorer import DEFAULT_INDICATOR, PIVOT_DIMENSIONS, Selection, pivot_shown
from kpi.views.formatting import school_year
from ui import data, session
from ui.frame import require_frame
from ui.i18n import language, t
from ui.widgets import downloads, empty_state, grid_on_demand

require_frame()

st.title(t("page_explorer"))
version = data.version()
options = data.options(version)
if not options["years"]:
    empty_state()
    st.stop()
names = data.names(version)
first, last = options["years"][0], options["years"][-1]
top = st.columns(3)
programs = top[0].multiselect(
    t("program"), options["opleiding"], key="opleiding", bind="query-params", placeholder=t("all")
)
indicators = options["indicator"]
indicator = top[1].selectbox(  # one indicator: different indicators are never added up
    t("indicator"),
    indicators,
    index=indicators.index(DEFAULT_INDICATOR) if DEFAULT_INDICATOR in indicators else 0,
    key="indicator",
    bind="query-params",
    format_func=lambda i: t(f"ind.{i}"),
)
by = top[2].selectbox(
    t("per"),
    [None, *PIVOT_DIMENSIONS],
    key="per",
    bind="query-params",
    format_func=lambda d: t("total") if d is None else t(f"dim.{d}"),
)
span = (
    st.select_slider(t("years"), options["years"], (first, last), school_year, key="jaren", bind="query-params")
    if first < last
    else (first, last)
)
shared = session.filters()
selection = Selection(
    Filters(shared.schools, shared.routes, shared.levels, tuple(programs)),
    (indicator,) if indicator else (),
    tuple(span),
)
pivot = data.pivot(version, selection, by, session.role())
if pivot.empty:
    empty_state()
    st.stop()
view = pivot_shown(pivot, by, names, language())
per = "" if by is None else " " + t("per_dim", dim=t(f"dim.{by}").lower())
what = t(
    "explorer_chart_title",
    indicator=t(f"ind.{indicator}"),
    per=per,
    first=school_year(span[0]),
    last=school_year(span[1]),
)
chart = explorer_chart(view.chart, language(), what, t("explorer_y"))
st.plotly_chart(chart, key="explorer_chart", config={"displaylogo": False}, theme=None)
downloads(view.table, "verkenner", key="explorer", what=what)
grid_on_demand(t("pivot"), "draaitabel", lambda: view.shown, "pivot_table")
