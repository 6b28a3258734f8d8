"""Kiezen in techniek: the KPIs of this action line."""

from pages.actielijn import render

render(("Kiezen",), "page_kiezen")
