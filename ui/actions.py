"""The actions of an action line on its page: progress in words and colour, and an update form for the editors."""

from __future__ import annotations

import html

import pandas as pd
import streamlit as st

from kpi.clock import local_today
from kpi.metrics.registry import REGISTRY
from kpi.settings.actions import (
    ACTION_STATUSES,
    SEEDED_BY,
    Action,
    actions_of,
    may_update_actions,
    overdue,
    overdue_count,
    partners,
    set_action_status,
    status_counts,
)
from kpi.views.actions import ACTION_STATUS_COLOURS, OVERDUE_COLOUR
from kpi.views.formatting import school_year
from ui import data, session
from ui.i18n import language, t
from ui.widgets import badge, status_badge


def action_badge(status: str) -> str:
    """Coloured badge with the action status in words."""
    return badge(t(f"action_status.{status}"), ACTION_STATUS_COLOURS[status])


def partner_filter(register: list[Action]) -> str | None:
    """A partner to follow ("what does College De Brink contribute?"), kept in the URL."""
    return st.selectbox(
        t("actions.partner_filter"),
        partners(register),
        index=None,
        key="partner",
        bind="query-params",
        placeholder=t("actions.partner_all"),
    )


def render_actions(line: str, register: list[Action], chosen: pd.DataFrame, partner: str | None) -> None:
    """The actions of `line` (of `partner`, when one is chosen), each with its status, KPIs and partners."""
    shown = actions_of(register, line, partner)
    if partner and not shown:
        st.caption(t("actions.none_for_partner", partner=partner))
        return
    counts = ", ".join(f"{n} {t(f'action_status.{s}')}" for s, n in status_counts(shown).items() if n)
    if late := overdue_count(shown, local_today()):
        counts += "; " + t("actions.overdue_count", n=late)
    box = st.expander(
        t("actions.heading", n=len(shown), statuses=counts),
        expanded=bool(partner),  # "what does this partner contribute?" is answered at once
        key=f"open_actions_{line}",
        on_change="rerun",
    )
    if box.open:  # made only while open: the page appears sooner
        with box:
            _action_cards(shown, chosen)


def _action_cards(shown: list[Action], chosen: pd.DataFrame) -> None:
    """Each action with its status, result, note, KPIs (with their status) and partners; a form for editors."""
    if saved := st.session_state.pop("action_saved", None):
        st.success(saved)
    st.caption(t("actions.caption"))
    statuses = dict(zip(chosen["id"], chosen["status"], strict=False))
    today = local_today()
    for action in shown:
        with st.container(border=True):
            kpis = [
                f"{html.escape(REGISTRY[k].label(language()))} {status_badge(statuses.get(k))}"
                for k in action.kpis
                if k in REGISTRY
            ]
            lines = [  # one element per action: each element costs the browser time
                f"{action_badge(action.status)} "
                + (badge(t("actions.overdue"), OVERDUE_COLOUR) + " " if overdue(action, today) else "")
                + f"&nbsp; **{html.escape(action.title)}**",
                f"{html.escape(action.action)}  \n*{t('actions.result')}:* {html.escape(action.result)}",
                html.escape(action.note) if action.note else f"*{t('actions.no_note')}*",
                f"*{t('actions.kpis')}:* " + ("; ".join(kpis) if kpis else t("actions.milestone")),
            ]
            st.markdown("\n\n".join(lines), unsafe_allow_html=True)
            st.caption(
                f"{t('actions.partners')}: {', '.join(action.partners)} · "
                + (t("actions.due", year=school_year(action.due_year)) + " · " if action.due_year else "")
                + (
                    t("actions.not_updated")
                    if action.updated_by == SEEDED_BY
                    else t("actions.updated_by", date=action.updated_at.strftime("%d-%m-%Y"), name=action.updated_by)
                )
            )
            if may_update_actions(session.role()):
                _update_form(action)


def _update_form(action: Action) -> None:
    with st.expander(t("actions.edit")), st.form(f"action_form_{action.id}", border=False):
        status = st.selectbox(
            t("actions.status_label"),
            ACTION_STATUSES,
            index=ACTION_STATUSES.index(action.status),
            format_func=lambda s: t(f"action_status.{s}"),
            key=f"action_status_{action.id}",
        )
        note = st.text_area(t("actions.note_label"), action.note, max_chars=1000, key=f"action_note_{action.id}")
        if st.form_submit_button(t("actions.save"), key=f"action_save_{action.id}"):
            saved = set_action_status(data.engine(), action.id, status, note, session.user().name)
            st.session_state["action_saved"] = t(
                "actions.saved", title=saved.title, status=t(f"action_status.{saved.status}")
            )
            st.rerun()


def actions_summary(register: list[Action]) -> None:
    """How many of the plan's actions have each status, as one line of badges."""
    counts = status_counts(register)
    late = overdue_count(register, local_today())
    st.markdown(
        f"**{t('actions.overview')}** &nbsp; "
        + " &nbsp; ".join(f"{action_badge(status)} **{n}**" for status, n in counts.items())
        + (f" &nbsp; · &nbsp; {badge(t('actions.overdue_count', n=late), OVERDUE_COLOUR)}" if late else ""),
        unsafe_allow_html=True,
    )
