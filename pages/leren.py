"""Leren in techniek: the KPIs of this action line."""

from ui.action_line import render

render(("Leren",), "page_leren")
