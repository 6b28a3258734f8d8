"""Beheer (administrators only): the school register, the accounts and the audit log, one tab each.

Another area adds a tab with one line in TABS and its own `ui/beheer_<area>.py` with a `render()`.
"""

import streamlit as st

from ui import (
    beheer_accounts,
    beheer_audit,
    beheer_doelen,
    beheer_opendata,
    beheer_schools,
    beheer_techniek,
    beheer_vergaderingen,
    session,
)
from ui.frame import require_frame
from ui.i18n import t

require_frame()

TABS = [
    ("beheer.tab_schools", beheer_schools.render),
    ("beheer.tab_accounts", beheer_accounts.render),
    ("beheer_doelen.title", beheer_doelen.render),
    ("beheer_techniek.title", beheer_techniek.render),
    ("beheer_vergaderingen.title", beheer_vergaderingen.render),
    ("beheer_opendata.title", beheer_opendata.render),
    ("beheer.tab_audit", beheer_audit.render),
]

st.title(t("beheer.title"))
if not session.user().is_admin:
    st.warning(t("beheer.only_admins"))
    st.stop()
for tab, (_, render) in zip(st.tabs([t(key) for key, _ in TABS], key="tab", bind="query-params"), TABS, strict=True):
    with tab:
        render()
