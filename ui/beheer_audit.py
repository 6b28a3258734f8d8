"""Beheer, tab Auditlog: every change, newest first: who, when, what, the old and the new value."""

from __future__ import annotations

import json

import pandas as pd
import streamlit as st

from kpi.catalogue import catalogue
from kpi.settings.audit import audit_entries
from ui import data
from ui.i18n import t

SHOWN = 1000


def render() -> None:
    entries = audit_entries(data.engine(), limit=SHOWN)
    if not entries:
        st.info(t("audit.empty"))
        return
    st.dataframe(audit_table(entries), hide_index=True, key="audit_table")


def audit_table(entries: list[dict]) -> pd.DataFrame:
    """The entries with translated column names; values as compact JSON text."""

    def text(value: object) -> str:
        return "" if value is None else json.dumps(value, ensure_ascii=False)

    return pd.DataFrame(
        {
            t("audit.at"): [e["at"].strftime("%Y-%m-%d %H:%M:%S") for e in entries],
            t("audit.actor"): [e["actor"] for e in entries],
            t("audit.action"): [action_words(e["action"]) for e in entries],
            t("audit.subject"): [e["subject"] for e in entries],
            t("audit.old"): [text(e["old_value"]) for e in entries],
            t("audit.new"): [text(e["new_value"]) for e in entries],
        }
    )


def action_words(code: str) -> str:
    """An action code in words where the catalogue has them (`audit_action.<code>`), else the code itself."""
    key = f"audit_action.{code}"
    return f"{t(key)} ({code})" if key in catalogue() else code
