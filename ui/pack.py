"""The meeting pack from the dashboard: the same pack as `python -m kpi pack`, built on click, for the viewer's role."""

from __future__ import annotations

import streamlit as st

from kpi.clock import local_now, local_today
from kpi.views.images import browser_path
from kpi.views.meeting import Pack, actions_frame, build_pack, last_meeting_changes
from kpi.views.pack import pack_bytes
from kpi.views.wording import file_stem
from ui import data, session
from ui.i18n import language, t

MIME = {
    "pdf": "application/pdf",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "html": "text/html",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def current_pack(year: int) -> Pack:
    """The pack for what this visitor sees: shared filters, chosen year, role, language."""
    version = data.version()
    lang = language()
    changes = last_meeting_changes(data.engine(), session.role(), lang)
    return build_pack(
        data.facts(version),
        data.targets(),
        session.filters(),
        year,
        session.role(),
        lang,
        data.demo_shown(version),
        data.names(version),
        actions=actions_frame(data.actions(), lang, None if changes is None else changes.actions),
        changes=None if changes is None else changes.changes,
        meeting="" if changes is None else changes.meeting,
        opened=data.open_data(version),
    )


def shown_pack(year: int, everything, chosen) -> Pack:
    """A pack over results the page already has (cached), for the presentation's words."""
    version = data.version()
    return Pack(
        year=year,
        filters=session.filters(),
        names=data.names(version),
        made=local_now(),
        demo=data.demo_shown(version),
        role=session.role(),
        language=language(),
        year_results=chosen,
        all_results=everything,
        targets=data.targets(),
    )


def pack_downloads(year: int) -> None:
    """Vergaderpakket: PDF, PowerPoint, HTML and Excel; made when clicked (charts take a few seconds)."""
    st.subheader(t("meet.pack_button"))
    drawn = browser_path() is not None
    if not drawn:
        st.caption(t("meet.pack_failed", error=t("meet.no_chromium")))
    stem = file_stem(session.filters(), year, local_today().isoformat())
    columns = [*st.columns(2), *st.columns(2)]  # two by two: the words fit at 1280 px
    for column, fmt in zip(columns, ("pdf", "pptx", "html", "xlsx"), strict=True):
        column.download_button(
            t(f"meet.download_{fmt}"),
            lambda fmt=fmt: pack_bytes(current_pack(year), fmt),
            f"{stem}.{fmt}",
            MIME[fmt],
            key=f"pack_{fmt}",
            disabled=fmt != "xlsx" and not drawn,
            icon=":material/download:",
            width="stretch",
        )
