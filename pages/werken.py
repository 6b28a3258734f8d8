"""Werken in techniek: the KPIs of this action line, and the labour-market context."""

from ui.action_line import render
from ui.frame import require_frame

require_frame()

render(("Werken", "Context"), "page_werken")
