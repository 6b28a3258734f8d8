"""Doelen en definities: every KPI's definition, rule, baseline, target and source; what counts as techniek."""

import pandas as pd
import streamlit as st

from kpi.metrics.registry import KPIS
from kpi.views.formatting import number
from ui import data
from ui.frame import require_frame
from ui.i18n import language, t
from ui.widgets import or_stop

require_frame()

st.title(t("page_targets"))
lang = language()
targets = or_stop(data.targets)
lines = []
for kpi in KPIS:
    for target in targets.get(kpi.id, []) or [None]:
        lines.append(
            {
                "id": kpi.id,
                "KPI": kpi.label(lang),
                t("section_lines"): t(f"action_line.{kpi.action_line}"),
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
