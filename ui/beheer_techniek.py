"""Beheer tab 'Techniekindeling': classify program names as techniek/ICT or not; the KPIs follow, audited."""

from __future__ import annotations

import streamlit as st

from kpi.settings.reference import classify_program
from ui import data, session
from ui.i18n import t


def render() -> None:
    """The tab's body (administrators only)."""
    user = session.user()
    if user.role != "admin":
        st.info(t("need_login"))
        return
    st.caption(t("beheer_techniek.caption"))
    if message := st.session_state.pop("beheer_techniek_flash", None):
        st.success(message)
    version = data.version()
    unknown = data.unclassified(version)
    if not unknown.empty:
        st.markdown(f"**{t('beheer_techniek.unknown')}**")
        st.dataframe(unknown, hide_index=True, key="beheer_techniek_unknown")
    with st.form("beheer_techniek_form"):
        suggestions = unknown["opleiding"].astype(str).tolist()
        name = st.selectbox(t("beheer_techniek.name"), suggestions, index=0 if suggestions else None,
                            accept_new_options=True, key="beheer_techniek_naam", placeholder=t("choose_or_type"))  # fmt: skip
        counts = st.radio(t("beheer_techniek.counts"), [True, False], horizontal=True, key="beheer_techniek_ja",
                          format_func=lambda yes: t("beheer_techniek.yes") if yes else t("beheer_techniek.no"))  # fmt: skip
        kind = st.text_input(t("beheer_techniek.kind"), key="beheer_techniek_soort")
        note = st.text_input(t("beheer_techniek.note"), key="beheer_techniek_toelichting")
        if st.form_submit_button(t("beheer_techniek.save"), key="techniek_save") and name:
            try:
                classify_program(data.engine(), name, counts, user.name, kind, note)
            except ValueError as error:
                st.error(str(error))
                return
            what = t("beheer_techniek.yes") if counts else t("beheer_techniek.no")
            st.session_state["beheer_techniek_flash"] = t("beheer_techniek.saved", name=name, what=what)
            st.rerun()
    st.dataframe(data.reference(version), hide_index=True, key="beheer_techniek_table")
