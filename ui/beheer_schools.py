"""Beheer, tab Scholen: the register (placeholders highlighted), add or update, import a CSV, retire."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from kpi.settings.register import (
    KINDS,
    ImportProblems,
    RegisterError,
    add_school,
    import_schools,
    placeholders,
    retire_school,
    school_register,
)
from ui import data, session
from ui.i18n import choose, t

PLACEHOLDER_STYLE = "background-color: #fff3cd"


def render() -> None:
    engine = data.engine()
    if flash := st.session_state.pop("beheer_schools_flash", None):
        st.success(flash)
    unchecked = placeholders(engine)
    if unchecked:
        words = t("beheer.placeholders", count=len(unchecked)) if len(unchecked) > 1 else t("beheer.placeholder_one")
        st.warning(words, icon=":material/warning:")
    table = register_table()
    st.dataframe(
        table.style.apply(
            lambda row: [PLACEHOLDER_STYLE if row[t("beheer.check")] == t("register.placeholder") else ""] * len(row),
            axis=1,
        ),
        hide_index=True,
        key="register_table",
    )
    left, right = st.columns(2)
    with left:
        _add_form()
    with right:
        _import_form()
        _retire_form()


def register_table() -> pd.DataFrame:
    """The register with Dutch (or English) column names and states in words."""
    rows = [
        {
            t("beheer.brin"): s.brin,
            t("beheer.naam"): s.naam,
            t("beheer.gemeente"): s.gemeente,
            t("beheer.soort"): s.soort,
            t("beheer.check"): t("register.verified" if s.verified else "register.placeholder"),
            t("beheer.state"): t("register.retired_word" if s.retired else "register.active"),
        }
        for s in school_register(data.engine())
    ]
    columns = ["beheer.brin", "beheer.naam", "beheer.gemeente", "beheer.soort", "beheer.check", "beheer.state"]
    return pd.DataFrame(rows, columns=[t(c) for c in columns])


def _add_form() -> None:
    with st.form("school_add", clear_on_submit=True):
        st.markdown(f"**{t('beheer.add_school')}**")
        brin = st.text_input(t("beheer.brin"), key="school_add_brin", max_chars=6)
        naam = st.text_input(t("beheer.naam"), key="school_add_naam", max_chars=200)
        gemeente = st.text_input(t("beheer.gemeente"), key="school_add_gemeente", max_chars=200)
        soort = st.selectbox(t("beheer.soort"), KINDS, index=None, key="school_add_soort", placeholder=choose(KINDS))
        if st.form_submit_button(t("beheer.save"), key="school_add_save"):
            try:
                school = add_school(data.engine(), brin, naam, gemeente, soort or "", session.user().name)
            except RegisterError as error:
                st.error(t(f"register.{error.code}", **error.params))
                return
            st.session_state["beheer_schools_flash"] = t("register.added", brin=school.brin, naam=school.naam)
            st.rerun()


def _import_form() -> None:
    st.markdown(f"**{t('beheer.import_schools')}**")
    upload = st.file_uploader(
        t("beheer.import_schools"), type=["csv"], key="school_import", label_visibility="collapsed"
    )
    if upload is not None and st.button(t("beheer.import_button"), key="school_import_button"):
        try:
            changed, total = import_schools(data.engine(), upload.getvalue(), session.user().name)
        except ImportProblems as problems:
            lines = [
                t("register.line", line=line, message=t(f"register.{p.code}", **p.params))
                if line
                else t(f"register.{p.code}", **p.params)
                for line, p in problems.problems
            ]
            st.error("\n".join(f"- {line}" for line in [*lines, t("register.nothing_stored")]))
            return
        st.session_state["beheer_schools_flash"] = t("register.imported", count=changed, total=total)
        st.rerun()


def _retire_form() -> None:
    active = [s for s in school_register(data.engine(), include_retired=False)]
    st.markdown(f"**{t('beheer.retire_school')}**")
    brin = st.selectbox(
        t("beheer.retire_school"), [s.brin for s in active], index=None, key="school_retire_brin",
        format_func=lambda b: f"{b} – {next(s.naam for s in active if s.brin == b)}", label_visibility="collapsed",
        placeholder=choose(active),
    )  # fmt: skip
    if brin is None:
        return
    sure = st.checkbox(t("beheer.retire_confirm", brin=brin), key="school_retire_sure")
    if st.button(t("beheer.retire_button"), key="school_retire_button", disabled=not sure):
        retire_school(data.engine(), brin, session.user().name)
        st.session_state["beheer_schools_flash"] = t("register.retired", brin=brin)
        st.rerun()
