"""Beheer tab 'Vergaderingen': mark a steering group meeting (a snapshot of every KPI), audited."""

from __future__ import annotations

import streamlit as st

from kpi.clock import local_today
from kpi.metrics.meetings import mark_meeting
from ui import data, session
from ui.i18n import t
from ui.meeting_changes import meetings


def render() -> None:
    """The tab's body (administrators only)."""
    user = session.user()
    if user.role != "admin":
        st.info(t("need_login"))
        return
    st.caption(t("beheer_vergaderingen.caption"))
    if message := st.session_state.pop("beheer_vergaderingen_flash", None):
        st.success(message)
    with st.form("beheer_vergadering_form"):
        name = st.text_input(t("vergadering.name"), key="beheer_vergadering_naam")
        held_on = st.date_input(
            t("vergadering.date"), local_today(), key="beheer_vergadering_datum", format="DD-MM-YYYY"
        )
        if st.form_submit_button(t("vergadering.mark"), type="primary", key="vergadering_mark"):
            try:
                mark_meeting(data.engine(), name, held_on, user.name)
            except ValueError:
                st.error(t("vergadering.name"))
                return
            st.session_state["beheer_vergaderingen_flash"] = t("vergadering.marked", name=name.strip())
            st.rerun()
    marked = meetings(data.version())
    if not marked.empty:
        st.markdown(f"**{t('vergadering.list')}**")
        st.dataframe(marked, hide_index=True, key="beheer_vergaderingen_table")
