"""The pieces of *Gegevens aanleveren*: upload and check, grouped problems, store and reset, history, restore."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from streamlit.runtime.uploaded_file_manager import UploadedFile

from kpi.clock import local_time, local_today
from kpi.delivery.brin import is_brin
from kpi.delivery.history import restore_preview, visible_history
from kpi.delivery.ingest import CheckedFile, checked_file, conflict_problems, delivery_preview, stored_file
from kpi.delivery.problem_list import problem_csv_table, problem_summary, problem_table, problems_file_name
from kpi.delivery.reading import max_upload_bytes
from kpi.delivery.storage import EarlierDelivery, LevelConflictError, RestoreRefused, restore
from kpi.settings.register import school_register
from kpi.settings.users import User
from kpi.views.export import csv_bytes
from kpi.views.records import history_table, rows_change_table
from ui import data
from ui.i18n import choose, language, t
from ui.impact import impact_preview

MB = 1024 * 1024
ROUND = "upload_round"
"""Bumped after each store: the uploader gets a new key, so it comes back empty (no stale file, no second store)."""
RESULT = "upload_result"
RESTORED = "restore_result"
PENDING = "restore_pending"


def upload_limit_mb() -> int:
    """One limit everywhere: the importer's, capped by the server's (`server.maxUploadSize`)."""
    return min(max_upload_bytes() // MB, int(st.get_option("server.maxUploadSize")))


def school_choice(user: User) -> str | None:
    """Whom a school account delivers for (None: an administrator, unrestricted); stops the page without one."""
    if user.role != "school":
        return None
    schools = [s for s in user.schools if is_brin(s)]
    if not schools:  # an account without a valid BRIN delivers nothing, and never everything
        st.error(t("deliver.no_school"))
        st.stop()
    return schools[0] if len(schools) == 1 else st.selectbox(t("on_behalf"), schools, key="namens")


def last_result() -> None:
    """The outcome of the last *Opslaan*, shown once after the page reset."""
    if message := st.session_state.pop(RESULT, None):
        st.success(message, icon=":material/check_circle:")


def uploader() -> UploadedFile | None:
    limit = upload_limit_mb()
    return st.file_uploader(
        t("upload"),
        type=["xlsx", "xlsm", "xls", "ods", "csv"],
        key=f"upload_{st.session_state.get(ROUND, 0)}",
        help=t("upload_help", mb=limit),
        max_upload_size=limit,
    )


def checked(upload: UploadedFile, as_school: str | None) -> CheckedFile:
    """Read and check the file once per file and school, not on every rerun."""
    token = (upload.file_id, as_school)
    if st.session_state.get("checked_token") != token:
        with st.status(t("reading"), expanded=False) as status:
            steps = {"reading": t("reading"), "checking": t("checking")}
            result = checked_file(
                upload.getvalue(),
                upload.name,
                as_school,
                progress=lambda step: status.update(label=steps[step]),
                engine=data.engine(),
            )
            status.update(label=t("checked"), state="complete" if result.ok else "error")
        st.session_state["checked"], st.session_state["checked_token"] = result, token
    return st.session_state["checked"]


def problem_report(result: CheckedFile) -> None:
    """The summary, whole-file problems as plain text, and one table row per distinct problem, with a CSV."""
    if not result.problems:
        return
    lang = language()
    summary = problem_summary(result.problems, lang)
    if result.errors:
        st.error(t("deliver.refused", summary=summary))
    else:
        st.warning(t("deliver.warnings", summary=summary))
    whole_file = [p for p in result.problems if p.sheet is None]
    for problem in whole_file:  # a sentence, not squeezed into a table cell
        (st.error if problem.severity == "error" else st.warning)(problem.message(lang))
    in_sheets = [p for p in result.problems if p.sheet is not None]
    if in_sheets:
        _problem_lines(problem_table(in_sheets, lang))
    st.download_button(
        t("download_problems"),
        lambda: csv_bytes(problem_csv_table(result.problems, lang)),
        problems_file_name(result.file_name, local_today(), lang),
        "text/csv",
        key="problems_csv",
        icon=":material/download:",
    )


TABLE_LINES = 100
"""Up to this many lines the problems are a plain table whose cells wrap; beyond it, a scrolling grid."""


def _problem_lines(table: pd.DataFrame) -> None:
    if len(table) <= TABLE_LINES:
        st.table(table, hide_index=True)
    else:
        st.dataframe(table, hide_index=True, key="problems")


def _when(delivery: EarlierDelivery) -> str:
    return f"{local_time(delivery.created_at):%d-%m-%Y %H:%M}"


def store_step(result: CheckedFile, user: User) -> None:
    """What storing would change, or that this file counts already; then *Opslaan*, which resets the page."""
    preview = delivery_preview(data.engine(), result)
    if preview.copy_of is not None:  # before any button: storing it again would change nothing
        copy = preview.copy_of
        st.info(t("deliver.already", id=copy.delivery_id, when=_when(copy), by=copy.submitted_by))
        return
    st.subheader(t("preview"))
    st.dataframe(rows_change_table(preview.rows, "rows_after", language()), hide_index=True, key="preview")
    may_store = impact_preview(result)  # what it changes in the KPIs; warnings need a confirmation
    if not st.button(t("store"), type="primary", key="store", disabled=not may_store):
        return
    try:
        with st.spinner(t("storing")):
            stored = stored_file(data.engine(), result, user.name)
    except LevelConflictError as refused:  # another delivery came in between check and store
        st.error(t("deliver.refused", summary=problem_summary(conflict_problems(refused.conflicts), language())))
        _problem_lines(problem_table(conflict_problems(refused.conflicts), language()))
        return
    replaced = sum(stored.replaced.values())
    message = (
        t("unchanged")
        if stored.unchanged
        else t("stored", id=stored.delivery_id, rows=sum(stored.stored.values()), replaced=replaced)
    )
    st.session_state[RESULT] = message
    st.session_state[ROUND] = st.session_state.get(ROUND, 0) + 1
    st.session_state.pop("checked_token", None)
    st.session_state.pop("checked", None)
    st.rerun()


def _register_names() -> dict[str, str]:
    """BRIN -> name as registered (read fresh: the register is small and a new school must show at once)."""
    return {school.brin: school.naam for school in school_register(data.engine())}


def history(user: User) -> pd.DataFrame:
    """The deliveries this user may see, with Dutch (or English) headings, school names and status in words."""
    names = _register_names() | data.names(data.version())
    schools = user.schools if user.role == "school" else None
    frame = visible_history(data.engine(), schools, names)
    st.subheader(t("history"))
    if frame.empty:  # rather than a grid saying "empty" in English
        st.caption(t("deliver.history_none"))
        return frame
    st.dataframe(
        history_table(frame, language()),
        hide_index=True,
        key="history",
        column_config={
            t("deliver.history_head.tijd"): st.column_config.DatetimeColumn(format="DD-MM-YYYY HH:mm"),
            t("deliver.history_head.bestand"): st.column_config.TextColumn(width="medium"),
        },
    )
    return frame


def _describe(row: pd.Series) -> str:
    return t(
        "deliver.restore_pick", id=row["id"], file=row["bestand"], when=f"{row['tijd']:%d-%m-%Y %H:%M}", by=row["door"]
    )


def restore_step(user: User, frame: pd.DataFrame) -> None:
    """Pick an earlier delivery, see what restoring it changes, and confirm (or cancel)."""
    choices = frame[frame["rijen"] > 0]
    if not user.may_restore or choices.empty:
        return
    st.subheader(t("restore"))
    if message := st.session_state.pop(RESTORED, None):
        st.success(message, icon=":material/check_circle:")
    labels = {int(r["id"]): _describe(r) for _, r in choices.iterrows()}
    chosen = st.selectbox(
        t("restore"),
        list(labels),
        format_func=labels.get,
        key="restore_id",
        label_visibility="collapsed",
        placeholder=choose(labels),
    )
    if st.session_state.get(PENDING) != chosen:
        if st.button(t("restore_button"), key="restore_button"):
            st.session_state[PENDING] = chosen
            st.rerun()
        return
    _confirm_restore(user, chosen)


def _confirm_restore(user: User, chosen: int) -> None:
    preview = restore_preview(data.engine(), chosen)
    delivery = preview.delivery
    about = {"id": chosen, "file": delivery.file_name, "when": _when(delivery), "by": delivery.submitted_by}
    with st.container(border=True, key="restore_confirmation"):
        if preview.conflicts:
            st.error(t("deliver.restore_refused", **about))
            _problem_lines(problem_table(preview.conflicts, language()))
        elif preview.counts_in_full:
            st.info(t("deliver.restore_in_full", **about))
        else:
            st.warning(t("deliver.restore_ask", **about))
            st.dataframe(
                rows_change_table(preview.rows, "deliver.rows_after_restore", language()),
                hide_index=True,
                key="restore_rows",
            )
            if st.button(t("deliver.restore_confirm", id=chosen), type="primary", key="restore_confirm"):
                _restore(user, chosen)
        if st.button(t("deliver.restore_cancel"), key="restore_cancel"):
            st.session_state.pop(PENDING, None)
            st.rerun()


def _restore(user: User, chosen: int) -> None:
    try:
        result = restore(data.engine(), chosen, user.name)
    except LevelConflictError as refused:  # another delivery came in since the preview
        _problem_lines(problem_table(conflict_problems(refused.conflicts), language()))
        return
    except RestoreRefused as refused:  # the retired demo set never counts again
        st.error(t(f"restore_refused.{refused.kind}_retired", id=refused.delivery_id))
        return
    st.session_state[RESTORED] = t("restored", old=chosen, new=result.delivery_id)
    st.session_state.pop(PENDING, None)
    st.rerun()  # the history above shows the restore at once
