"""Leren in techniek: the KPIs of this action line."""

from ui.action_line import render
from ui.frame import require_frame

require_frame()

render(("Leren",), "page_leren")
