"""Overzicht: every KPI as a card for the chosen school year, action lines flowing in rows of four; the meeting pack."""

import streamlit as st

from kpi.metrics.benchmark import default_year
from kpi.views.formatting import school_year
from kpi.views.wording import judged_results
from ui import data, session
from ui.actions import actions_summary
from ui.frame import require_frame
from ui.i18n import language, t
from ui.meeting_changes import since_meeting
from ui.pack import pack_downloads
from ui.widgets import card_grid, results_or_stop, status_summary, year_select

require_frame()

st.title(t("app_title"))
lang = language()
everything, years = results_or_stop()
year = year_select(years, default_year(everything))
chosen = data.results(data.version(), session.filters(), year, session.role())
judged = judged_results(chosen, year, lang)
st.caption(t("overview_caption", year=school_year(year)) + " " + judged)
status_summary(chosen)
actions_summary(data.actions())
card_grid(chosen, everything)

since_meeting()
st.divider()
pack_downloads(year)
