"""Overzicht: every KPI as a card, grouped by action line, for the chosen school year."""

import streamlit as st

from kpi.codes import STATUSES
from kpi.metrics.benchmark import default_year
from kpi.metrics.registry import ACTION_LINES, REGISTRY
from kpi.views.formatting import school_year
from kpi.views.pack import meeting_pack_html, meeting_pack_xlsx
from ui import data, session
from ui.actions import actions_summary
from ui.frame import require_frame
from ui.i18n import language, t
from ui.meeting_changes import since_meeting
from ui.widgets import empty_state, kpi_card, or_stop, status_badge, year_select

require_frame()

st.title(t("app_title"))
lang = language()
everything = or_stop(lambda: data.results(data.version(), session.filters(), None, session.role()))
years = sorted({int(y) for y in everything["year"].dropna()})
if not years:
    empty_state()
    st.stop()
year = year_select(years, default_year(everything))
st.caption(t("overview_caption", year=school_year(year)))
chosen = data.results(data.version(), session.filters(), year, session.role())
summary = st.columns(len(STATUSES))
for column, status in zip(summary, STATUSES, strict=True):
    column.markdown(
        f"{status_badge(status)} &nbsp; **{int((chosen['status'] == status).sum())}**", unsafe_allow_html=True
    )
actions_summary(data.actions())
for line in ACTION_LINES:
    rows = chosen[chosen["action_line"] == line]
    st.header(t(f"action_line.{line}"))
    cards = st.columns(3)
    for index, row in enumerate(rows.to_dict("records")):
        with cards[index % 3]:
            kpi_card(REGISTRY[row["id"]], row, everything[everything["id"] == row["id"]])

since_meeting()
st.divider()
st.subheader(t("meeting_pack"))
left, right = st.columns(2)
title = f"{t('app_title')} — {school_year(year)}"
# Built on click only: twelve charts are too much work for every rerun.
left.download_button(
    t("download_html"),
    lambda: meeting_pack_html(chosen, everything, title, lang),
    f"techniekpact_{year}.html",
    "text/html",
    key="pack_html",
)
right.download_button(
    t("download_xlsx"),
    lambda: meeting_pack_xlsx(chosen, everything, lang),
    f"techniekpact_{year}.xlsx",
    key="pack_xlsx",
)
