"""Overzicht: every KPI as a card, grouped by action line, for the chosen school year; the meeting pack."""

import streamlit as st

from kpi.metrics.registry import ACTION_LINES, REGISTRY
from kpi.metrics.targets import TargetsError
from kpi.views.formatting import school_year
from kpi.views.wording import judged_words
from ui import data, session
from ui.actions import actions_summary
from ui.i18n import language, t
from ui.pack import pack_downloads
from ui.widgets import empty_state, kpi_card, status_summary, year_select

COLUMNS = 4  # twelve cards in three rows: about two screens at 1920x1080

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
for line, (dutch, english) in ACTION_LINES.items():
    rows = chosen[chosen["action_line"] == line]
    st.subheader(dutch if lang == "nl" else english)
    cards = st.columns(COLUMNS)
    for index, row in enumerate(rows.to_dict("records")):
        with cards[index % COLUMNS]:
            kpi_card(REGISTRY[row["id"]], row, everything[everything["id"] == row["id"]])

st.divider()
pack_downloads(year)
