"""Figures, tables and files made from KPI results."""
