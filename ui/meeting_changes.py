"""'Sinds de vorige vergadering' on Overzicht: what changed since a chosen meeting, and what caused it."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from kpi.clock import local_time
from kpi.metrics.meetings import MeetingChanges, changes_since, meeting_list
from kpi.views.formatting import day
from kpi.views.records import meeting_label, since_causes, since_changes
from ui import data, session
from ui.i18n import choose, language, t


@st.cache_data(ttl=3600, max_entries=8)
def meetings(version: tuple[int, ...]) -> pd.DataFrame:
    return meeting_list(data.engine())


@st.cache_data(ttl=3600, max_entries=32)
def changes(version: tuple[int, ...], meeting_id: int, role: str) -> MeetingChanges:
    return changes_since(data.engine(), meeting_id, role)


def action_changes_table(found: MeetingChanges) -> pd.DataFrame:
    """The actions whose status moved since the meeting, in words."""
    titles = {a.id: a.title for a in data.actions()}
    moved = found.actions
    return pd.DataFrame(
        {
            t("actions.column_actie"): [titles.get(a, a) for a in moved["action"]],
            t("actions.column_status"): [
                f"{t(f'action_status.{b}')} → {t(f'action_status.{a}')}"
                for b, a in zip(moved["status_before"], moved["status_after"], strict=True)
            ],
            t("actions.column_toelichting"): moved["note"],
            t("vergadering.who"): moved["actor"],
            t("vergadering.when"): [local_time(at).strftime("%d-%m-%Y %H:%M") for at in moved["at"]],
        }
    )


def since_meeting() -> None:
    """The section on Overzicht: choose a meeting (latest by default); see what changed and why."""
    version = data.version()
    marked = meetings(version)
    st.divider()
    st.subheader(t("vergadering.since"))
    if marked.empty:
        st.caption(t("vergadering.none"))
        return
    by_id = {int(m["id"]): m for m in marked.to_dict("records")}
    chosen = st.selectbox(
        t("vergadering.choose"),
        list(by_id),
        key="vergadering",
        bind="query-params",
        placeholder=choose(by_id),
        format_func=lambda i: meeting_label(by_id[i], language()),
    )
    found = changes(version, int(chosen), session.role())
    meeting = by_id[int(chosen)]
    date = day(meeting["held_on"])
    if found.kpis.empty:
        st.success(t("vergadering.nothing_changed", name=meeting["name"], date=date))
    else:
        st.caption(t("vergadering.caption", name=meeting["name"], date=date))
        st.dataframe(since_changes(found, language()), hide_index=True, key="meeting_changes")
    if not found.actions.empty:
        st.markdown(f"**{t('vergadering.actions_moved')}**")
        st.dataframe(action_changes_table(found), hide_index=True, key="meeting_action_changes")
    if not found.causes.empty:
        with st.expander(t("vergadering.causes"), expanded=True):
            st.dataframe(since_causes(found, language()), hide_index=True, key="meeting_causes")
