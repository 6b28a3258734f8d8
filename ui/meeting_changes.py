"""'Sinds de vorige vergadering' on Overzicht: what changed since a chosen meeting, and what caused it."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from kpi.metrics.meetings import MeetingChanges, changes_since, meeting_list
from kpi.metrics.registry import REGISTRY
from kpi.views.formatting import number, school_year, status_word
from ui import data, session
from ui.i18n import language, t


@st.cache_data(ttl=3600, max_entries=8)
def meetings(version: tuple[int, ...]) -> pd.DataFrame:
    return meeting_list(data.engine())


@st.cache_data(ttl=3600, max_entries=32)
def changes(version: tuple[int, ...], meeting_id: int, role: str) -> MeetingChanges:
    return changes_since(data.engine(), meeting_id, role)


def _label(meeting: dict) -> str:
    return t("vergadering.label", name=meeting["name"], date=pd.Timestamp(meeting["held_on"]).strftime("%d-%m-%Y"))


def _pair(before: object, after: object, shown) -> str:
    return f"{shown(before)} → {shown(after)}"


def _cause_name(cause: str) -> str:
    source, ident = cause.split(":")
    return t("vergadering.delivery", id=ident) if source == "levering" else t("vergadering.setting", id=ident)


def _cause_what(row: dict) -> str:
    action = row["action"]
    if row["source"] == "delivery":
        key = "cause.delivery.retired" if action.endswith("_retired") else f"cause.delivery.{action}"
        old = "" if pd.isna(row["old"]) else int(row["old"])
        return t(key, old=old) if key in _known() else action
    return t(f"cause.{action}") if f"cause.{action}" in _known() else action


def _known() -> set[str]:
    from kpi.catalogue import catalogue

    return set(catalogue())


def changes_table(found: MeetingChanges) -> pd.DataFrame:
    """The changed KPI results in words and formatted numbers."""
    lang = language()
    rows = []
    for c in found.kpis.to_dict("records"):
        kpi = REGISTRY[c["id"]]

        def value(x, unit=c["unit"]):
            return number(x, unit, lang)

        def status(x):
            return status_word(x, lang) if isinstance(x, str) else "-"

        rows.append(
            {
                "KPI": kpi.label(lang),
                t("year"): school_year(c["year"]),
                t("vergadering.changed"): ", ".join(t(f"vergadering.what.{code}") for code in c["changed"]),
                t("value"): _pair(c["value_before"], c["value_after"], value),
                t("vergadering.status"): _pair(c["status_before"], c["status_after"], status),
                t("target"): _pair(c["target_before"], c["target_after"], value),
                t("vergadering.caused_by"): ", ".join(_cause_name(x) for x in c["causes"]) or "-",
            }
        )
    return pd.DataFrame(rows)


def causes_table(found: MeetingChanges) -> pd.DataFrame:
    """Deliveries, restores and settings changes since the meeting, oldest first."""
    return pd.DataFrame(
        {
            "#": [_cause_name(c) for c in found.causes["cause"]],
            t("vergadering.when"): pd.to_datetime(found.causes["at"], utc=True).dt.strftime("%d-%m-%Y %H:%M"),
            t("vergadering.who"): found.causes["actor"],
            t("vergadering.what_col"): [_cause_what(r) for r in found.causes.to_dict("records")],
            t("vergadering.subject"): found.causes["subject"],
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
        format_func=lambda i: _label(by_id[i]),
    )
    found = changes(version, int(chosen), session.role())
    meeting = by_id[int(chosen)]
    date = pd.Timestamp(meeting["held_on"]).strftime("%d-%m-%Y")
    if found.kpis.empty:
        st.success(t("vergadering.nothing_changed", name=meeting["name"], date=date))
    else:
        st.caption(t("vergadering.caption", name=meeting["name"], date=date))
        st.dataframe(changes_table(found), hide_index=True, key="meeting_changes")
    if not found.causes.empty:
        with st.expander(t("vergadering.causes"), expanded=True):
            st.dataframe(causes_table(found), hide_index=True, key="meeting_causes")
