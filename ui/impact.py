"""The impact preview on the upload page: which KPI values the delivery changes, loud warnings, confirmation."""

from __future__ import annotations

import streamlit as st

from kpi.delivery.ingest import CheckedFile
from kpi.metrics.impact import Impact, delivery_impact
from kpi.views.impact import baseline_lines, changes_table, warning_message
from ui import data, session
from ui.i18n import language, t


def _impact(checked: CheckedFile) -> Impact:
    """Computed once per checked file and data version (a rerun or a click does not recompute it)."""
    version = data.version()
    key = (id(checked), checked.sha256, version, session.role())
    cached = st.session_state.get("impact")
    if cached is None or cached[0] != key:
        facts = data.facts(version)
        impact = delivery_impact(data.engine(), checked.frames, session.role(), facts, data.targets())
        st.session_state["impact"] = cached = (key, impact)
    return cached[1]


def impact_preview(checked: CheckedFile) -> bool:
    """Show what storing this checked delivery would change; True when it may be stored now.

    A delivery with warnings (rows that disappear, a baseline or target that moves) may be stored only after
    the user ticks the confirmation.
    """
    with st.spinner(t("impact.title")):
        impact = _impact(checked)
    st.subheader(t("impact.title"))
    st.caption(t("impact.caption"))
    lang = language()
    for warning in impact.warnings:
        if warning["kind"] == "baseline_changes":  # a list reads better than one long sentence
            lines = "\n".join(f"- {line}" for line in baseline_lines(warning, lang))
            st.error(f"{t('impact.baseline_changes_head')}\n\n{lines}", icon=":material/warning:")
        else:
            st.error(warning_message(warning, lang), icon=":material/warning:")
    if impact.changes.empty:
        st.info(t("impact.none"))
    else:
        st.dataframe(changes_table(impact.changes, lang), hide_index=True, key="impact_changes")
    if not impact.needs_confirmation:
        return True
    confirmed = st.checkbox(t("impact.confirm"), key=f"impact_confirm_{checked.sha256[:16]}")
    if not confirmed:
        st.caption(t("impact.confirm_needed"))
    return confirmed
