"""Techniekpact Monitor: the frame. Page config, navigation in sections, shared sidebar, then the page."""

import time

import streamlit as st
from streamlit.logger import get_logger

from ui import data, session
from ui.frame import framed
from ui.i18n import t
from ui.widgets import CSS

started = time.perf_counter()
st.set_page_config(page_title="Techniekpact Monitor", page_icon=":material/precision_manufacturing:", layout="wide")
st.html(CSS)
session.language_switch()
session.resume_login()

pages = {
    t("section_steering"): [
        st.Page("pages/overzicht.py", title=t("page_overview"), icon=":material/dashboard:", default=True)
    ],
    t("section_lines"): [
        st.Page("pages/kiezen.py", title=t("page_kiezen"), icon=":material/explore:"),
        st.Page("pages/leren.py", title=t("page_leren"), icon=":material/school:"),
        st.Page("pages/werken.py", title=t("page_werken"), icon=":material/engineering:"),
        st.Page("pages/doorstroom.py", title=t("page_doorstroom"), icon=":material/account_tree:"),
    ],
    t("section_analysis"): [
        st.Page("pages/verkenner.py", title=t("page_explorer"), icon=":material/query_stats:"),
        st.Page("pages/doelen.py", title=t("page_targets"), icon=":material/flag:"),
    ],
    t("section_schools"): [st.Page("pages/aanleveren.py", title=t("page_upload"), icon=":material/upload_file:")],
}
if session.user().is_admin:
    pages[t("section_schools")].append(
        st.Page("pages/beheer.py", title=t("beheer.page"), icon=":material/admin_panel_settings:")
    )
page = st.navigation(pages)
session.login_box()  # at the top of the sidebar, under the page list: easy to find on every page
session.sidebar_filters()
if data.demo_shown(data.version()):
    st.info(t("demo_banner"), icon=":material/info:")
try:
    with framed():
        page.run()
finally:  # server time per run, for operators and bench/bench_pages.py
    get_logger("techniekpact.render").debug(
        "render %s %.1f ms", page.url_path or "overzicht", (time.perf_counter() - started) * 1000
    )
