"""Verkenner: filter any way, pivot by year and one dimension, chart it, download it; the URL keeps the view."""

import streamlit as st

from kpi.metrics.facts import Filters
from kpi.views.charts import explorer_chart
from kpi.views.explorer import DIMENSIONS, OTHER, TOTAL, Selection
from kpi.views.formatting import cell, school_year
from ui import data, session
from ui.frame import require_frame
from ui.i18n import language, t
from ui.widgets import downloads, empty_state

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
indicators = top[1].multiselect(
    t("indicator"), options["indicator"], key="indicator", bind="query-params", placeholder=t("all")
)
by = top[2].selectbox(
    t("per"), [None, *DIMENSIONS], key="per", bind="query-params", format_func=lambda d: t("total") if d is None else d
)
span = (
    st.slider(t("years"), first, last, (first, last), key="jaren", bind="query-params")
    if first < last
    else (first, last)
)
shared = session.filters()
selection = Selection(
    Filters(shared.schools, shared.routes, shared.levels, tuple(programs)), tuple(indicators), tuple(span)
)
pivot = data.pivot(version, selection, by, session.role())
if pivot.empty:
    empty_state()
    st.stop()
if by == "brin":
    pivot = pivot.rename(columns=lambda brin: brin if brin == OTHER else f"{names.get(brin, brin)} ({brin})")
pivot = pivot.rename(columns={TOTAL: t("total"), OTHER: t("explorer.empty")})
st.plotly_chart(explorer_chart(pivot, language()), key="explorer_chart", config={"displaylogo": False}, theme=None)
st.subheader(t("pivot"))
protected = pivot.reset_index()
shown = protected.assign(schooljaar=[school_year(y) for y in protected["schooljaar"]])
for column in shown.columns[1:]:
    shown[column] = [cell(v, "count", language()) for v in shown[column]]
st.dataframe(shown, hide_index=True, key="pivot_table")
downloads(protected, "verkenner", key="explorer")
