"""Beheer, tab Auditlog: every change, newest first: who, when, what, the old and the new value."""

from __future__ import annotations

import streamlit as st

from kpi.settings.audit import audit_entries
from kpi.views.records import audit_table
from ui import data
from ui.i18n import language, t

SHOWN = 1000


def render() -> None:
    entries = audit_entries(data.engine(), limit=SHOWN)
    if not entries:
        st.info(t("audit.empty"))
        return
    st.dataframe(audit_table(entries, language()), hide_index=True, key="audit_table")
