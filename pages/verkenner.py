"""Verkenner: filter any way, pivot by year and one dimension, chart it, download it; the URL keeps the view."""

import streamlit as st

from kpi.metrics.facts import Filters
from kpi.metrics.privacy import protected_table
from kpi.views.charts import explorer_chart
from kpi.views.explorer import DEFAULT_INDICATOR, PIVOT_DIMENSIONS, Selection
from kpi.views.formatting import number, school_year
from ui import data, session
from ui.i18n import language, t
from ui.widgets import downloads, empty_state

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
indicator_options = options["indicator"]
indicator = top[1].selectbox(
    t("indicator"), indicator_options, key="indicator", bind="query-params", format_func=lambda i: t(f"ind.{i}"),
    index=indicator_options.index(DEFAULT_INDICATOR) if DEFAULT_INDICATOR in indicator_options else 0,
)  # fmt: skip
by = top[2].selectbox(
    t("per"), [None, *PIVOT_DIMENSIONS], key="per", bind="query-params",
    format_func=lambda d: t("total") if d is None else t(f"dim.{d}"),
)  # fmt: skip
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
pivot = data.pivot(version, selection, by)
if pivot.empty:
    empty_state()
    st.stop()
if by == "brin":
    pivot = pivot.rename(columns=lambda brin: f"{names.get(brin, brin)} ({brin})")
pivot = pivot.rename(columns={"totaal": t("meet.total")})
what = t("explorer_chart_title", indicator=t(f"ind.{indicator}"), per="" if by is None else " " + t("per_dim", dim=t(f"dim.{by}").lower()),
         first=school_year(span[0]), last=school_year(span[1]))  # fmt: skip
st.plotly_chart(explorer_chart(pivot, language(), what, t("explorer_y")), key="explorer_chart",
                config={"displaylogo": False}, theme=None)  # fmt: skip
st.subheader(t("pivot"))
table = pivot.reset_index()
protected = protected_table(table, [c for c in table.columns if c != "schooljaar"], session.role())
shown = protected.assign(schooljaar=[school_year(y) for y in protected["schooljaar"]])
for column in shown.columns[1:]:
    shown[column] = [v if isinstance(v, str) else number(v, "count", language()) for v in shown[column]]
st.dataframe(shown.rename(columns={"schooljaar": t("meet.school_year")}), hide_index=True, key="pivot_table")
downloads(
    protected.assign(schooljaar=[school_year(y) for y in protected["schooljaar"]]).rename(
        columns={"schooljaar": t("meet.school_year")}
    ),
    "verkenner",
    key="explorer",
    what=what,
)
