"""Doelen en definities: every KPI's definition, rule, baseline, target and source; what counts as techniek."""

import pandas as pd
import streamlit as st

from kpi.metrics.registry import ACTION_LINES, KPIS
from kpi.metrics.targets import TargetsError
from kpi.views.formatting import number
from ui import data
from ui.i18n import language, t

st.title(t("page_targets"))
lang = language()
try:
    targets = data.targets()
except TargetsError as error:
    st.error(t("targets_broken", error=error))
    st.stop()
lines = []
for kpi in KPIS:
    for target in targets.get(kpi.id, []) or [None]:
        lines.append(
            {
                "id": kpi.id,
                "KPI": kpi.label(lang),
                t("section_lines"): ACTION_LINES[kpi.action_line][0 if lang == "nl" else 1],
                t("definition"): kpi.definition(lang),
                t("rule"): target.rule if target else "",
                t("baseline"): target.baseline_year if target else "",
                t("target"): ""
                if target is None
                else f"{target.amount if target.amount is not None else ''} ({target.target_year})",
                t("nulmeting.fixed_col"): number(target.fixed_baseline, kpi.unit, lang) if target else "",
                t("plan"): target.source if target else kpi.plan,
                t("responsible"): kpi.responsible,
            }
        )
st.subheader(t("kpi_table"))
st.dataframe(pd.DataFrame(lines), hide_index=True, key="kpi_definitions")
st.subheader(t("reference_table"))
st.dataframe(data.reference(data.version()), hide_index=True, key="reference")
st.subheader(t("unknown_programs"))
unknown = data.unclassified(data.version())
if unknown.empty:
    st.success(t("none_unknown"))
else:
    st.dataframe(unknown, hide_index=True, key="unknown_programs")
