"""Leren in techniek: the KPIs of this action line."""

from pages.actielijn import render

render(("Leren",), "page_leren")
