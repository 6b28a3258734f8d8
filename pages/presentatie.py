"""Presentatie: the meeting room view. An overview, then one KPI per slide; arrows step, the URL keeps the place."""

import streamlit as st

from kpi.metrics.benchmark import default_year
from kpi.metrics.compute import kpi_history, measured_kpis
from kpi.views.meeting import kpi_pages
from ui import data, session
from ui.frame import require_frame
from ui.i18n import language, t
from ui.pack import shown_pack
from ui.present import CSS, actions_slide, controls, kpi_slide, overview_slide, slide_index
from ui.widgets import results_or_stop, year_select

require_frame()
st.html(CSS)
lang = language()
everything, years = results_or_stop()
register = data.actions()
total = len(measured_kpis(everything)) + 2  # the overview first, the plan's actions last
index = slide_index(total)
with controls(index, total):
    year = year_select(years, default_year(everything))
chosen = data.results(data.version(), session.filters(), year, session.role())
pack = shown_pack(year, everything, chosen)
pages = kpi_pages(pack)
if index == 0:
    demo = t("meet.demo_notice") if pack.demo else ""
    overview_slide(f"{t('app_title')} · {pack.school_year}", pack.selection, pack.judged, chosen, pages, demo)
elif index == total - 1:
    actions_slide(register)
else:
    page = pages[index - 1]
    kpi_slide(page, kpi_history(everything, page.id), year, lang)
st.caption(t("meet.keys_hint"))
