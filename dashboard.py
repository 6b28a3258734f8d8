"""Techniekpact Monitor: the frame. Page config, navigation in sections, shared sidebar, then the page."""

import time
from pathlib import Path

import streamlit as st
from streamlit.logger import get_logger

from ui import data, session
from ui.frame import framed
from ui.i18n import t
from ui.widgets import CSS, uploader_css

PAGES = Path(__file__).resolve().parent / "pages"  # absolute: the frame may be started from a page
ICON = PAGES.parent / "ui" / "favicon.png"  # shipped: a material icon here would be fetched from Google's servers
started = time.perf_counter()
st.set_page_config(page_title="Techniekpact Monitor", page_icon=str(ICON), layout="wide")
st.html(CSS)
session.language_switch()
st.html(uploader_css())  # after the switch: in the chosen language
session.resume_login()

pages = {
    t("section_steering"): [
        st.Page(PAGES / "overzicht.py", title=t("page_overview"), icon=":material/dashboard:", default=True),
        st.Page(PAGES / "presentatie.py", title=t("meet.present_title"), icon=":material/slideshow:"),
    ],
    t("section_lines"): [
        st.Page(PAGES / "kiezen.py", title=t("page_kiezen"), icon=":material/explore:"),
        st.Page(PAGES / "leren.py", title=t("page_leren"), icon=":material/school:"),
        st.Page(PAGES / "werken.py", title=t("page_werken"), icon=":material/engineering:"),
        st.Page(PAGES / "doorstroom.py", title=t("page_doorstroom"), icon=":material/account_tree:"),
    ],
    t("section_analysis"): [
        st.Page(PAGES / "verkenner.py", title=t("page_explorer"), icon=":material/query_stats:"),
        st.Page(PAGES / "doelen.py", title=t("page_targets"), icon=":material/flag:"),
    ],
    t("section_schools"): [st.Page(PAGES / "aanleveren.py", title=t("page_upload"), icon=":material/upload_file:")],
}
if session.user().is_admin:
    pages[t("section_schools")].append(
        st.Page(PAGES / "beheer.py", title=t("beheer.page"), icon=":material/admin_panel_settings:")
    )
page = st.navigation(pages)
session.login_box()  # at the top of the sidebar, under the page list: easy to find on every page
session.sidebar_filters()
if data.demo_shown(data.version()) and page.url_path != "presentatie":  # the slides carry their own notice
    st.info(t("demo_banner"), icon=":material/info:")
try:
    with framed():
        page.run()
finally:  # server time per run, for operators and bench/bench_pages.py
    get_logger("techniekpact.render").debug(
        "render %s %.1f ms", page.url_path or "overzicht", (time.perf_counter() - started) * 1000
    )
