"""Werken in techniek: the KPIs of this action line, and the labour-market context."""

from ui.action_line import render

render(("Werken", "Context"), "page_werken")
