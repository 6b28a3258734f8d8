"""Beheer, tab Accounts: who may log in with which role and schools; add or replace, remove."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from kpi.settings.register import school_register
from kpi.settings.users import ROLES, AccountError, add_user, remove_user, user_list
from kpi.views.formatting import moment
from ui import data, session
from ui.i18n import choose, t


def render() -> None:
    engine = data.engine()
    if flash := st.session_state.pop("beheer_accounts_flash", None):
        st.success(flash)
    accounts = user_list(engine)
    table = pd.DataFrame(
        [
            {
                t("user"): a["name"],
                t("beheer.role"): t(f"role_{a['role']}") if a["role"] in ROLES else a["role"],
                t("beheer.schools_of_account"): ", ".join(a["schools"]),
                t("beheer.updated"): f"{moment(a['updated_at'])} ({a['updated_by']})",
            }
            for a in accounts
        ],
        columns=[t("user"), t("beheer.role"), t("beheer.schools_of_account"), t("beheer.updated")],
    )
    st.dataframe(table, hide_index=True, key="accounts_table")
    left, right = st.columns(2)
    with left:
        _add_form()
    with right:
        _remove_form([a["name"] for a in accounts])


def _add_form() -> None:
    brins = [s.brin for s in school_register(data.engine(), include_retired=False)]
    with st.form("account_add", clear_on_submit=True):
        st.markdown(f"**{t('beheer.add_account')}**")
        name = st.text_input(t("user"), key="account_add_name", max_chars=100)
        role = st.selectbox(t("beheer.role"), ROLES, key="account_add_role", format_func=lambda r: t(f"role_{r}"))
        schools = st.multiselect(
            t("beheer.schools_of_account"), brins, key="account_add_schools", placeholder=choose(brins, many=True)
        )
        password = st.text_input(t("password"), type="password", key="account_add_password")
        if st.form_submit_button(t("beheer.save"), key="account_add_save"):
            try:
                user = add_user(data.engine(), name, password, role, tuple(schools), session.user().name)
            except AccountError as error:
                st.error(t(f"accounts.{error.code}", **error.params))
                return
            st.session_state["beheer_accounts_flash"] = t("accounts.saved", name=user.name, role=t(f"role_{user.role}"))
            st.rerun()


def _remove_form(names: list[str]) -> None:
    me = session.user().name
    others = [n for n in names if n != me]  # never one's own account
    st.markdown(f"**{t('beheer.remove_account')}**")
    name = st.selectbox(
        t("beheer.remove_account"), others, index=None, key="account_remove_name", label_visibility="collapsed",
        placeholder=choose(others),
    )  # fmt: skip
    if name is None:
        return
    sure = st.checkbox(t("beheer.remove_confirm", name=name), key="account_remove_sure")
    if st.button(t("beheer.remove_button"), key="account_remove_button", disabled=not sure):
        remove_user(data.engine(), name, me)
        st.session_state["beheer_accounts_flash"] = t("accounts.removed", name=name)
        st.rerun()
