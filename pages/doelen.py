"""Doelen en definities: every KPI's definition, target in words, baseline and source; what counts as techniek."""

import streamlit as st

from kpi.views.definitions import definitions_table, reference_shown
from kpi.views.records import unknown_programs_table
from ui import data
from ui.frame import require_frame
from ui.i18n import language, t
from ui.widgets import grid_on_demand, or_stop

require_frame()

st.title(t("page_targets"))
lang = language()
targets = or_stop(data.targets)
st.subheader(t("kpi_table"))
st.table(definitions_table(targets, lang), hide_index=True)  # static: every definition read in full, wrapped
grid_on_demand(
    t("reference_table"), "techniek", lambda: reference_shown(data.reference(data.version()), lang), "reference"
)
unknown = data.unclassified(data.version())
if unknown.empty:
    st.success(t("none_unknown"))
else:
    listed = t("unknown_count", n=len(unknown))
    grid_on_demand(listed, "onbekend", lambda: unknown_programs_table(unknown, lang), "unknown_programs")
