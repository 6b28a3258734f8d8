"""Presentatie for the meeting room: full width, no sidebar, an overview slide and then one KPI per slide, large."""

from __future__ import annotations

import html

import pandas as pd
import streamlit as st

from kpi.views.formatting import school_year
from kpi.views.meeting import KpiPage, kpi_figure
from kpi.views.wording import chosen_schools
from ui import data, session
from ui.i18n import t
from ui.widgets import CSS as SHARED_CSS
from ui.widgets import status_badge, status_summary

SLIDE_PARAM = "dia"
TILES_PER_ROW = 5
"""Fourteen KPIs in three rows: the overview slide fits a 1920x1080 screen."""

# Only on this page: no sidebar (the shared filters still come from the URL), no header, the whole width.
CSS = (
    SHARED_CSS
    + """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stExpandSidebarButton"],
[data-testid="stHeader"] {display: none !important;}
[data-testid="stMainBlockContainer"] {max-width: 100% !important; padding: 1.2rem 3rem 1rem !important;}
.tp-present-line {font-size: 22px !important; color: #555; margin: 0;}
.tp-present-title {font-size: 46px !important; font-weight: 700; line-height: 1.15 !important; margin: 0 0 0.6rem;}
.tp-present-value {font-size: 104px !important; font-weight: 800; line-height: 1.05 !important; margin: 0.2rem 0 0.6rem; white-space: nowrap;}
.tp-present-status .tp-badge {font-size: 30px !important; padding: 0.3rem 1.1rem; border-radius: 1.2rem;}
.tp-present-text {font-size: 24px !important; line-height: 1.4 !important; margin: 0.8rem 0 0;}
.tp-present-small {font-size: 19px !important; line-height: 1.4 !important; color: #444; margin: 0.6rem 0 0;}
.tp-tile {border: 1px solid #DDD; border-radius: 0.6rem; padding: 0.7rem 0.9rem; margin-bottom: 0.6rem; min-height: 165px;}
.tp-tile-label {font-size: 19px !important; font-weight: 600; line-height: 1.25 !important;}
.tp-tile-value {font-size: 40px !important; font-weight: 800; margin: 0.1rem 0; white-space: nowrap;}
.st-key-present_summary .tp-badge {font-size: 22px !important;}
.st-key-present_summary b {font-size: 24px !important;}
</style>
"""
)


def slide_index(total: int) -> int:
    """The current slide's index from the URL, which counts as the screen does (`?dia=3`: "3 van 16"), kept
    within 0 .. total - 1."""
    try:
        index = int(st.query_params.get(SLIDE_PARAM, 1)) - 1
    except ValueError:
        index = 0
    return max(0, min(index, total - 1))


def _go(to: int) -> None:
    st.query_params[SLIDE_PARAM] = str(to + 1)


def controls(index: int, total: int):
    """Previous and next (also the arrow keys), where we are, the way back; returns a column for the year."""
    back, previous, where, following, _, rest = st.columns([2, 1.3, 1, 1.3, 2.4, 2], vertical_alignment="center")
    back.page_link("pages/overzicht.py", label=t("page_overview"), icon=":material/arrow_back:")
    previous.button(
        t("meet.previous"),
        key="present_previous",  # no icon: Streamlit shows the arrow key beside the label
        shortcut="Left",
        on_click=_go,
        args=(max(0, index - 1),),
        disabled=index == 0,
        width="stretch",
    )
    where.markdown(f"**{t('meet.slide_of', n=index + 1, total=total)}**")
    following.button(
        t("meet.next"),
        key="present_next",
        shortcut="Right",
        on_click=_go,
        args=(min(total - 1, index + 1),),
        disabled=index >= total - 1,
        width="stretch",
    )
    return rest


def overview_slide(
    title: str, selection: str, judged: str, chosen: pd.DataFrame, pages: list[KpiPage], demo: str = ""
) -> None:
    """The first slide: every KPI's value and status on one screen (and the demo notice while demo data counts)."""
    if demo:
        st.warning(demo, icon=":material/warning:")
    st.markdown(f'<div class="tp-present-line">{html.escape(selection)}</div>', unsafe_allow_html=True)
    st.markdown(f'<div class="tp-present-title">{html.escape(title)}</div>', unsafe_allow_html=True)
    st.markdown(f'<div class="tp-present-small">{html.escape(judged)}</div>', unsafe_allow_html=True)
    with st.container(key="present_summary"):
        status_summary(chosen)
    for start in range(0, len(pages), TILES_PER_ROW):  # row by row: the tiles of a row line up
        for column, page in zip(st.columns(TILES_PER_ROW), pages[start : start + TILES_PER_ROW], strict=False):
            column.markdown(
                f'<div class="tp-tile"><div class="tp-tile-label">{html.escape(page.label)}</div>'
                f'<div class="tp-tile-value">{html.escape(page.short_value)}</div>'
                f"{status_badge(page.status, not page.has_target)}</div>",
                unsafe_allow_html=True,
            )


def kpi_slide(page: KpiPage, history: pd.DataFrame, year: int, language: str) -> None:
    """One KPI: value, status, target and chart, large enough for the back of the room."""
    st.markdown(f'<div class="tp-present-line">{html.escape(page.action_line)}</div>', unsafe_allow_html=True)
    st.markdown(f'<div class="tp-present-title">{html.escape(page.label)}</div>', unsafe_allow_html=True)
    words, chart = st.columns([2, 3], gap="large")
    with words:
        st.markdown(
            f'<div class="tp-present-line">{html.escape(t("value"))} {school_year(year)}</div>'
            f'<div class="tp-present-value" data-testid="tp-present-value">{html.escape(page.short_value)}</div>'
            f'<div class="tp-present-status">{status_badge(page.status, not page.has_target)}</div>'
            f'<div class="tp-present-text">{html.escape(page.target)}</div>'
            + (
                f'<div class="tp-present-small">{html.escape(page.range)}</div>'
                if page.range and not page.reason
                else ""
            )
            + (f'<div class="tp-present-small">{html.escape(_sentence(page.reason))}</div>' if page.reason else "")
            + f'<div class="tp-present-small">{html.escape(page.definition)}</div>',
            unsafe_allow_html=True,
        )
    with chart:
        figure = kpi_figure(history, language, year, _selection())
        figure.update_layout(height=620, font={"size": 20}, legend={"font": {"size": 18}})
        figure.update_xaxes(tickfont={"size": 18})
        figure.update_yaxes(tickfont={"size": 18})
        st.plotly_chart(figure, key=f"present_chart_{page.id}", config={"displaylogo": False}, theme=None)


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def actions_slide(register: list) -> None:
    """The last slide: every action of the plan with its status in words and colour, and its explanation."""
    from ui.actions import action_badge, actions_summary

    st.markdown(f'<div class="tp-present-title">{html.escape(t("actions.title"))}</div>', unsafe_allow_html=True)
    with st.container(key="present_summary"):
        actions_summary(register)
    tiles = st.columns(3)
    for index, action in enumerate(register):
        note = f'<div class="tp-present-small">{html.escape(action.note)}</div>' if action.note else ""
        tiles[index % 3].markdown(
            f'<div class="tp-tile"><div class="tp-present-line">{html.escape(t(f"action_line.{action.action_line}"))}'
            f'</div><div class="tp-tile-label">{html.escape(action.title)}</div>{action_badge(action.status)}{note}</div>',
            unsafe_allow_html=True,
        )


def _selection() -> str | None:
    """The chosen schools by name (None: the whole region), for an open-data chart's third line."""
    return chosen_schools(session.filters(), data.names(data.version()))
