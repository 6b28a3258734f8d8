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
# the two lists are long grids: drawn when opened, so the definitions show at once (the open state is in the URL)
reference = st.expander(t("reference_table"), key="techniek", bind="query-params")
if reference.open:
    with reference:
        st.dataframe(reference_shown(data.reference(data.version()), lang), hide_index=True, key="reference")
unknown = data.unclassified(data.version())
if unknown.empty:
    st.success(t("none_unknown"))
else:
    listed = st.expander(t("unknown_count", n=len(unknown)), key="onbekend", bind="query-params")
    if listed.open:
        with listed:
            st.dataframe(unknown_programs_table(unknown, lang), hide_index=True, key="unknown_programs")
