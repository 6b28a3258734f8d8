"""Kiezen in techniek: the KPIs of this action line."""

from ui.action_line import render

render(("Kiezen",), "page_kiezen")
