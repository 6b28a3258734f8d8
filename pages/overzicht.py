"""Overzicht: every KPI as a card, grouped by action line, for the chosen school year; the meeting pack."""

import streamlit as st

from kpi.metrics.targets import TargetsError
from kpi.views.formatting import school_year
from kpi.views.wording import judged_words
from ui import data, session
from ui.actions import actions_summary
from ui.i18n import language, t
from ui.pack import pack_downloads
from ui.widgets import card_grid, empty_state, status_summary, year_select

COLUMNS = 4  # twelve cards in three rows

st.title(t("app_title"))
lang = language()
try:
    everything = data.results(data.version(), session.filters(), None, lang, session.role())
except TargetsError as error:
    st.error(t("targets_broken", error=error))
    st.stop()
year = year_select(everything)
if year is None:
    empty_state()
    st.stop()
chosen = data.results(data.version(), session.filters(), year, lang, session.role())
st.caption(
    t("overview_caption", year=school_year(year))
    + " "
    + judged_words(year, chosen["target_year"].dropna().tolist(), lang)
)
status_summary(chosen)
actions_summary(data.actions())
card_grid(chosen, everything, COLUMNS)

st.divider()
pack_downloads(year)
