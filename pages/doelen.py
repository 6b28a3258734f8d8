"""Doelen en definities: every KPI's definition, target in words, baseline and source; what counts as techniek."""

import streamlit as st

from kpi.views.definitions import definitions_table, reference_shown
from kpi.views.records import unknown_programs_table
from ui import data
from ui.frame import require_frame
from ui.i18n import language, t
from ui.widgets import or_stop

require_frame()

st.title(t("page_targets"))
lang = language()
targets = or_stop(data.targets)
st.subheader(t("kpi_table"))
st.table(definitions_table(targets, lang), hide_index=True)  # static: every definition read in full, wrapped
st.subheader(t("reference_table"))
st.dataframe(reference_shown(data.reference(data.version()), lang), hide_index=True, key="reference")
st.subheader(t("unknown_programs"))
unknown = data.unclassified(data.version())
if unknown.empty:
    st.success(t("none_unknown"))
else:
    st.dataframe(unknown_programs_table(unknown, lang), hide_index=True, key="unknown_programs")
