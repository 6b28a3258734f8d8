"""Beheer tab 'Doelen & nulmeting': change a target, fix or release baselines; every change audited."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from kpi.metrics.baselines import fix_baselines, release_baselines
from kpi.metrics.facts import REGION
from kpi.metrics.registry import KPIS, REGISTRY
from kpi.metrics.targets import RULES, TargetsError, checked_target, set_target
from kpi.views.formatting import number
from ui import data, session
from ui.i18n import choose, language, t


def _flash() -> None:
    if message := st.session_state.pop("beheer_doelen_flash", None):
        st.success(message)


def targets_table() -> pd.DataFrame:
    """Every target with its fixed and its measured baseline, in words."""
    lang = language()
    results = data.results(data.version(), REGION, None, "admin")
    measured = results.dropna(subset=["target_year"]).drop_duplicates(["id", "target_year"])
    measured = measured.set_index(["id", "target_year"])["measured_baseline_value"]
    rows = []
    for kpi_id, targets in data.targets().items():
        unit = REGISTRY[kpi_id].unit
        for x in targets:
            amount = "" if x.amount is None else number(x.amount, "share" if x.rule == "growth" else unit, lang)
            rows.append({
                "KPI": REGISTRY[kpi_id].label(lang),
                t("beheer_doelen.baseline_year"): x.baseline_year,
                t("beheer_doelen.target_year"): x.target_year,
                t("beheer_doelen.rule"): x.rule,
                t("target"): amount,
                t("nulmeting.fixed_col"): number(x.fixed_baseline, unit, lang),
                t("nulmeting.measured_col"): number(measured.get((kpi_id, float(x.target_year))), unit, lang),
                t("vergadering.who"): x.fixed_by or "",
            })  # fmt: skip
    return pd.DataFrame(rows)


def _edit_form(by: str) -> None:
    lang = language()
    with st.form("beheer_doel_form"):
        st.markdown(f"**{t('beheer_doelen.edit')}**")
        kpi_id = st.selectbox(t("beheer_doelen.kpi"), [k.id for k in KPIS], key="beheer_doel_kpi",
                              format_func=lambda k: REGISTRY[k].label(lang))  # fmt: skip
        left, right, rule_column = st.columns(3)
        baseline_year = left.number_input(t("beheer_doelen.baseline_year"), 2000, 2100, 2014, key="beheer_doel_basis")
        target_year = right.number_input(t("beheer_doelen.target_year"), 2000, 2100, 2016, key="beheer_doel_jaar")
        rule = rule_column.selectbox(t("beheer_doelen.rule"), RULES, key="beheer_doel_regel")
        amount = st.text_input(t("beheer_doelen.amount"), key="beheer_doel_waarde")
        source = st.text_input(t("beheer_doelen.source"), key="beheer_doel_bron")
        if st.form_submit_button(t("beheer_doelen.save"), key="beheer_doel_save"):
            try:
                target = checked_target(kpi_id, baseline_year, target_year, rule, amount, source)
            except TargetsError as error:
                st.error(str(error))
                return
            set_target(data.engine(), target, by)
            st.session_state["beheer_doelen_flash"] = t("beheer_doelen.saved", kpi=kpi_id, year=target_year)
            st.rerun()


def _baseline_buttons(by: str) -> None:
    lang = language()
    chosen = st.multiselect(t("beheer_doelen.fix_which"), [k.id for k in KPIS], key="beheer_nulmeting_kpis",
                            format_func=lambda k: REGISTRY[k].label(lang), placeholder=choose(KPIS, many=True))  # fmt: skip
    left, right = st.columns(2)
    if left.button(t("beheer_doelen.fix"), key="beheer_nulmeting_fix", type="primary"):
        fixed = fix_baselines(data.engine(), by, chosen)
        st.session_state["beheer_doelen_flash"] = t("beheer_doelen.fixed", n=int((fixed["outcome"] == "fixed").sum()))
        st.rerun()
    if right.button(t("beheer_doelen.release"), key="beheer_nulmeting_release"):
        released = release_baselines(data.engine(), by, chosen or list(REGISTRY))
        st.session_state["beheer_doelen_flash"] = t("beheer_doelen.released", n=released)
        st.rerun()


def render() -> None:
    """The tab's body (administrators only)."""
    user = session.user()
    if user.role != "admin":
        st.info(t("need_login"))
        return
    st.caption(t("beheer_doelen.caption"))
    _flash()
    st.dataframe(targets_table(), hide_index=True, key="beheer_doelen_table")
    _baseline_buttons(user.name)
    _edit_form(user.name)
