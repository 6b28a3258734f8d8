"""The action register as people read it: status colours and one table for the pack and downloads."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from kpi.catalogue import word
from kpi.clock import local_today
from kpi.settings.actions import Action, overdue

ACTION_STATUS_COLOURS = {
    "gepland": "#6B6B6B",
    "loopt": "#0072B2",
    "gerealiseerd": "#009E73",
    "vertraagd": "#B35900",
    "gestopt": "#A01E1E",
}
"""Colour-blind-safe and dark enough for white text; a badge always carries its word too."""
OVERDUE_COLOUR = "#882255"
"""The badge of an action past its deadline, in the same palette."""


def actions_table(register: list[Action], language: str = "nl", today: dt.date | None = None) -> pd.DataFrame:
    """One row per action with headers and statuses in words, for the meeting pack and downloads."""
    today = today or local_today()
    columns = ("actielijn", "actie", "status", "deadline", "toelichting", "kpis", "partners")
    rows = [
        (
            a.action_line,
            a.title,
            word(f"action_status.{a.status}", language)
            + (f" ({word('actions.overdue', language)})" if overdue(a, today) else ""),
            a.due_year,
            a.note,
            ", ".join(a.kpis) or word("actions.milestone", language),
            ", ".join(a.partners),
        )
        for a in register
    ]
    frame = pd.DataFrame(rows, columns=[word(f"actions.column_{c}", language) for c in columns])
    return frame.astype({frame.columns[3]: "Int64"})
