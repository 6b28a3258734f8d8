"""Beheer, tab *Open data*: load a newer DUO file of the same shape, see every load, and keep the region.

Administrators only; every load and region change goes through the domain functions that write the audit log.
"""

from __future__ import annotations

import streamlit as st

from kpi.settings.region import KINDS, RegionError, add_member, remove_member
from kpi.sources.duo import EXAMS
from kpi.sources.duo.base import DuoFileError
from kpi.sources.duo.store import load_file, open_data_history
from kpi.views.opendata import school_years
from ui import data, session
from ui.i18n import language, t

ROUND = "opendata_round"
"""Bumped after a load: the uploader comes back empty, so a rerun never loads the same file again."""


def render() -> None:
    st.subheader(t("beheer_opendata.title"))
    user = session.user()
    if user.role != "admin":
        st.info(t("beheer_opendata.admins_only"))
        return
    _load(user.name)
    st.markdown(f"**{t('beheer_opendata.loads')}**")
    st.dataframe(open_data_history(data.engine()), hide_index=True, key="opendata_loads")
    _region(user.name)


def _load(by: str) -> None:
    if message := st.session_state.pop("opendata_result", None):
        st.success(message, icon=":material/check_circle:")
    upload = st.file_uploader(
        t("beheer_opendata.upload"), type=["csv"], key=f"opendata_file_{st.session_state.get(ROUND, 0)}"
    )
    if upload is None or not st.button(t("beheer_opendata.load"), key="opendata_load", type="primary"):
        return
    try:
        result = load_file(data.engine(), EXAMS.dataset, upload.getvalue(), upload.name, by)
    except DuoFileError as error:
        st.error("\n\n".join([*error.lines(language()), t("opendata.refused")]))
        return
    if result.unchanged:
        message = t("opendata.unchanged", file=upload.name)
    else:
        message = t(
            "opendata.loaded",
            file=upload.name,
            load=result.load_id,
            rows=result.rows,
            years=school_years(result.years),
            replaced=result.replaced,
        )
    st.session_state["opendata_result"] = message
    st.session_state[ROUND] = st.session_state.get(ROUND, 0) + 1
    st.rerun()


def _region(by: str) -> None:
    st.markdown(f"**{t('beheer_opendata.region')}**")
    opened = data.open_data(data.version())
    names = opened.schools()
    for kind, code in opened.region.members():
        left, right = st.columns([4, 1])
        left.markdown(f"{kind} · **{code}** {names.get(code, '')}")
        if right.button(t("beheer_opendata.remove"), key=f"regio_remove_{kind}_{code}"):
            _change(lambda k=kind, c=code: remove_member(data.engine(), k, c, by))
    st.caption(t("regio.locations_found", n=len(names)))
    with st.form("regio_add", border=False):
        kind = st.segmented_control(t("beheer_opendata.kind"), list(KINDS), default="gemeente", key="regio_kind")
        code = st.text_input(t("beheer_opendata.code"), key="regio_code")
        if st.form_submit_button(t("beheer_opendata.add"), key="regio_add_save"):
            _change(lambda: add_member(data.engine(), kind or "gemeente", code, by))


def _change(change) -> None:
    """Apply a region change; a refused one says why and changes nothing."""
    try:
        change()
    except RegionError as error:
        st.error(t(error.code, value=error.value))
        return
    st.rerun()
