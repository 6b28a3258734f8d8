"""A KPI's fixed baseline in words: the fixed value, and when the measurement now differs, both and why."""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from kpi.metrics.baselines import deliveries_since_fixing
from kpi.metrics.registry import Kpi
from kpi.metrics.targets import target_for
from kpi.views.formatting import number, school_year
from ui import data
from ui.i18n import language, t


@st.cache_data(ttl=3600, max_entries=64)
def _since(version: tuple[int, ...], kpi_id: str, target_year: int) -> pd.DataFrame:
    target = next(x for x in data.targets()[kpi_id] if x.target_year == target_year)
    return deliveries_since_fixing(data.engine(), target)


def _missing(x: object) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def baseline_note(kpi: Kpi, row: dict) -> None:
    """Captions under a KPI whose baseline is fixed; nothing for the others."""
    if not row.get("baseline_fixed") or _missing(row.get("baseline_value")):
        return
    target = target_for(data.targets().get(kpi.id, []), row.get("year"))
    if target is None or target.fixed_baseline is None:
        return
    lang = language()
    fixed = row["baseline_value"]
    when = pd.Timestamp(target.fixed_at).strftime("%d-%m-%Y") if target.fixed_at else "-"
    year = school_year(target.baseline_year)
    st.caption(t("nulmeting.fixed_caption", year=year, fixed=number(fixed, kpi.unit, lang), date=when,
                 by=target.fixed_by or "-"))  # fmt: skip
    measured = row.get("measured_baseline_value")
    if _missing(measured) or math.isclose(float(measured), float(fixed), rel_tol=1e-9):
        return
    difference = float(measured) - float(fixed)
    sign = "+" if difference > 0 else "−"
    st.caption(
        "⚠ "
        + t(
            "nulmeting.differs",
            measured=number(measured, kpi.unit, lang),
            difference=sign + number(abs(difference), kpi.unit, lang),
            year=year,
        )
    )
    since = _since(data.version(), kpi.id, target.target_year)
    if not since.empty:
        names = ", ".join(f"#{r['id']} ({r['school'] or r['bestand']}, {r['door']})" for r in since.to_dict("records"))
        st.caption(t("nulmeting.since", year=year, deliveries=names))
