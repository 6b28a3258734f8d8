"""Doorstroom: a Sankey of the flows between levels, with the plan's flows highlighted."""

import pandas as pd
import streamlit as st

from kpi.metrics.privacy import sees_small_numbers
from kpi.views.charts import sankey
from kpi.views.formatting import number, school_year
from ui import data, session
from ui.frame import require_frame
from ui.i18n import language, t
from ui.widgets import downloads, empty_state, year_select

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
shown = pd.DataFrame(
    {
        t("from"): flows["van"],
        t("to"): flows["naar"],
        t("count"): [
            number(v, "count", language()) + ("" if exact else " ≈")
            for v, exact in zip(flows["aantal"], flows["exact"], strict=True)
        ],
        t("in_plan"): [t("yes") if plan else "" for plan in flows["plan"]],
    }
)
st.dataframe(shown, hide_index=True, key="flows_table")
downloads(flows, f"doorstroom_{year}", key="flows")
