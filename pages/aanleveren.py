"""Gegevens aanleveren: template, upload, grouped problems, preview of what changes, store, history, restore."""

import streamlit as st

from kpi.delivery.template import template_bytes
from kpi.settings.users import has_accounts
from ui import data, session, upload
from ui.frame import require_frame
from ui.i18n import t

require_frame()

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

as_school = upload.school_choice(user)
upload.last_result()
file = upload.uploader()
if file is not None:
    checked = upload.checked(file, as_school)
    upload.problem_report(checked)
    if checked.ok:
        upload.store_step(checked, user)
history = upload.history(user)
upload.restore_step(user, history)
