"""Doorstroom: a Sankey of the flows between levels, with the plan's flows highlighted."""

import streamlit as st

from kpi.metrics.privacy import sees_small_numbers
from kpi.views.charts import sankey
from kpi.views.downloads import flows_download
from kpi.views.flows import flows_shown
from kpi.views.formatting import school_year
from ui import data, session
from ui.frame import require_frame
from ui.i18n import language, t
from ui.widgets import downloads, empty_state, grid_on_demand, year_select

require_frame()

st.title(t("page_doorstroom"))
years = data.options(data.version())["years"]
if not years:
    empty_state()
    st.stop()
year = year_select(years)
protect = not sees_small_numbers(session.role())
flows = data.flows(data.version(), year, session.filters(), session.role())
if flows.empty:
    empty_state(year)
    st.stop()
st.caption(t("doorstroom_caption", year=school_year(year)))
st.plotly_chart(sankey(flows, language()), key="sankey", config={"displaylogo": False}, theme=None)
if protect:
    st.caption(t("small_left_out"))
downloads(flows_download(flows, language()), "doorstroom", key="flows", what=t("dl.flows"), year=year)
grid_on_demand(t("flows_table"), "tabel", lambda: flows_shown(flows, language()), "flows_table")
