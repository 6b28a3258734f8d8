"""Gegevens aanleveren: template, upload, every problem at once, preview of what changes, store, history, restore."""

import pandas as pd
import streamlit as st

from kpi.delivery.ingest import checked_file, replacement_preview, stored_file
from kpi.delivery.reading import max_upload_bytes
from kpi.delivery.storage import RestoreRefused, restore
from kpi.delivery.template import template_bytes
from kpi.settings.users import has_accounts
from kpi.views.export import csv_bytes
from ui import data, session
from ui.i18n import language, t

st.title(t("page_upload"))
st.caption(t("template_help"))
st.download_button(
    t("template"), template_bytes(), "techniekpact_aanlevering.xlsx", key="template", icon=":material/download:"
)
user = session.user()
if not user.may_deliver:
    st.info(t("need_login"))
    if not has_accounts(data.engine()):
        st.caption(t("no_accounts"))
    st.stop()

as_school = None
if user.role == "school":
    as_school = user.schools[0] if len(user.schools) == 1 else st.selectbox(t("on_behalf"), user.schools, key="namens")
limit_mb = max_upload_bytes() // (1024 * 1024)
upload = st.file_uploader(t("upload"), type=["xlsx", "xlsm", "xls", "ods", "csv"], key="upload", help=t("upload_help", mb=limit_mb),
                          max_upload_size=limit_mb + 1)  # fmt: skip
if upload is not None:
    token = (upload.file_id, as_school)
    if st.session_state.get("checked_token") != token:  # check each file once, not on every rerun
        with st.status(t("reading"), expanded=False) as status:
            steps = {"reading": t("reading"), "checking": t("checking")}
            checked = checked_file(
                upload.getvalue(),
                upload.name,
                as_school,
                progress=lambda step: status.update(label=steps[step]),
                engine=data.engine(),
            )
            status.update(label=t("checked"), state="complete" if checked.ok else "error")
        st.session_state["checked"], st.session_state["checked_token"] = checked, token
    checked = st.session_state["checked"]
    report = pd.DataFrame([p.as_row(language()) for p in checked.problems])
    if checked.errors:
        st.error(t("refused", n=len(checked.errors)))
    elif checked.problems:
        st.warning(t("warnings", n=len(checked.problems)))
    if not report.empty:
        st.dataframe(report, hide_index=True, key="problems")
        st.download_button(
            t("download_problems"), lambda: csv_bytes(report), "problemen.csv", "text/csv", key="problems_csv"
        )
    if checked.ok:
        st.subheader(t("preview"))
        preview = replacement_preview(data.engine(), checked)
        st.dataframe(
            preview.rename(columns={"nu": t("rows_now"), "na": t("rows_after")}), hide_index=True, key="preview"
        )
        if st.button(t("store"), type="primary", key="store"):
            with st.spinner(t("storing")):
                result = stored_file(data.engine(), checked, user.name)
            if result.unchanged:
                st.info(t("unchanged"))
            else:
                st.success(
                    t(
                        "stored",
                        id=result.delivery_id,
                        rows=sum(result.stored.values()),
                        replaced=sum(result.replaced.values()),
                    )
                )
            st.session_state.pop("checked_token", None)

st.subheader(t("history"))
if flash := st.session_state.pop("flash", None):
    st.success(flash)
history = data.history()
if user.role == "school":
    own = history["school"].str.split(",").map(lambda codes: any(c.startswith(user.schools) for c in codes))
    history = history[own]
st.dataframe(history, hide_index=True, key="history")
if user.may_restore and not history.empty:
    st.subheader(t("restore"))
    chosen = st.selectbox(t("restore"), history["id"].tolist(), key="restore_id", label_visibility="collapsed")
    if st.button(t("restore_button"), key="restore_button"):
        try:
            result = restore(data.engine(), int(chosen), user.name)
        except RestoreRefused as refused:
            st.error(t(f"restore_refused.{refused.kind}_retired", id=refused.delivery_id))
        else:
            st.session_state["flash"] = t("restored", old=chosen, new=result.delivery_id)
            st.rerun()  # so the history above shows the restore too
