"""Overzicht: every KPI as a card, grouped by action line, for the chosen school year."""

import streamlit as st

from kpi.metrics.benchmark import default_year
from kpi.metrics.registry import ACTION_LINES, REGISTRY
from kpi.metrics.targets import TargetsError
from kpi.views.pack import meeting_pack_html, meeting_pack_xlsx
from ui import data, session
from ui.actions import actions_summary
from ui.i18n import language, t
from ui.widgets import STATUS_ORDER, empty_state, kpi_card, status_badge

st.title(t("app_title"))
lang = language()
try:
    everything = data.results(data.version(), session.filters(), None, lang, session.role())
except TargetsError as error:
    st.error(t("targets_broken", error=error))
    st.stop()
years = sorted({int(y) for y in everything["year"].dropna()})
if not years:
    empty_state()
    st.stop()
year = st.selectbox(
    t("year"),
    years,
    index=years.index(default_year(everything)),
    key="jaar",
    bind="query-params",
    format_func=lambda y: f"{y}-{y + 1}",
)
st.caption(t("overview_caption", year=f"{year}-{year + 1}"))
chosen = data.results(data.version(), session.filters(), year, lang, session.role())
summary = st.columns(len(STATUS_ORDER))
for column, status in zip(summary, STATUS_ORDER, strict=True):
    column.markdown(
        f"{status_badge(status)} &nbsp; **{int((chosen['status'] == status).sum())}**", unsafe_allow_html=True
    )
actions_summary(data.actions())
for line, (dutch, english) in ACTION_LINES.items():
    rows = chosen[chosen["action_line"] == line]
    st.header(dutch if lang == "nl" else english)
    cards = st.columns(3)
    for index, row in enumerate(rows.to_dict("records")):
        with cards[index % 3]:
            kpi_card(REGISTRY[row["id"]], row, everything[everything["id"] == row["id"]])

st.divider()
st.subheader(t("meeting_pack"))
left, right = st.columns(2)
title = f"{t('app_title')} — {year}-{year + 1}"
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
