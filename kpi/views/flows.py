"""Doorstroom between levels (VMBO -> MBO -> HBO) as flows, with the plan's own flows marked."""

from __future__ import annotations

import pandas as pd

from kpi.catalogue import word
from kpi.codes import SUPPRESSED_POINT, Role
from kpi.metrics.facts import REGION, Facts, Filters, filtered_leerlingen
from kpi.metrics.privacy import LIMIT, sees_small_numbers
from kpi.metrics.registry import KPIS, MBO, Measure
from kpi.views.formatting import estimate_text

TECHNIEK_SUFFIX = " techniek/ICT"
COLUMNS = ["van", "naar", "aantal", "exact", "plan"]
PLAN_FLOWS: tuple[Measure, ...] = tuple(
    k.numerator
    for k in KPIS
    if k.numerator.sheet == "leerlingen" and k.numerator.where.get("indicator") == ("doorstroom",)
)
"""The flows the plan names: every KPI that counts a doorstroom (MAVO to MBO-4 techniek/ICT, MBO-4 to HBO)."""


def _node(level: pd.Series, techniek: pd.Series) -> pd.Series:
    """MBO levels split into their techniek/ICT part, so the plan's chain VMBO-TL -> MBO-4 techniek -> HBO shows."""
    label = level.astype("object")
    is_mbo = label.isin(MBO) & techniek.fillna(False).astype(bool)
    return label.where(~is_mbo, label + TECHNIEK_SUFFIX)


def _in_plan(rows: pd.DataFrame) -> pd.Series:
    """Whether a row lies in one of the plan's flows, by the same definition as the KPIs that count them."""
    hit = pd.Series(False, index=rows.index)
    for measure in PLAN_FLOWS:
        mask = pd.Series(True, index=rows.index)
        for column, allowed in measure.where.items():
            mask &= rows[column].astype("object").isin(allowed)
        if measure.techniek:
            mask &= rows[measure.techniek].fillna(False).astype(bool)
        hit |= mask
    return hit


def doorstroom_matrix(facts: Facts, year: int, filters: Filters = REGION, min_count: float = 0) -> pd.DataFrame:
    """Flows of one school year: from level, to level, how many (suppressed cells as 2.5), and whether the
    plan names that flow (see PLAN_FLOWS)."""
    rows = filtered_leerlingen(facts.leerlingen, filters)
    rows = rows[
        (rows["indicator"] == "doorstroom") & (rows["schooljaar"] == year) & rows["naar_onderwijssoort"].notna()
    ]
    if rows.empty:
        return pd.DataFrame(columns=COLUMNS)
    counts = rows["aantal"].astype("Float64").fillna(0).to_numpy(dtype=float)
    suppressed = rows["aantal_onderdrukt"].to_numpy(dtype=bool)
    flows = pd.DataFrame(
        {
            "van": _node(rows["onderwijssoort"], rows["techniek"]).to_numpy(),
            "naar": _node(rows["naar_onderwijssoort"], rows["naar_techniek"]).to_numpy(),
            "aantal": counts + SUPPRESSED_POINT * suppressed,
            "onderdrukt": suppressed,
            "plan": _in_plan(rows).to_numpy(dtype=bool),
        }
    )
    grouped = flows.groupby(["van", "naar"], as_index=False).agg(
        aantal=("aantal", "sum"), onderdrukt=("onderdrukt", "any"), plan=("plan", "any")
    )
    grouped["exact"] = ~grouped.pop("onderdrukt")
    grouped = grouped[grouped["aantal"] >= min_count] if min_count else grouped
    return grouped.sort_values("aantal", ascending=False).reset_index(drop=True)[COLUMNS]


def protected_flows(facts: Facts, year: int, role: Role, filters: Filters = REGION) -> pd.DataFrame:
    """The flows as `role` may see them: a flow below 5 is left out (a Sankey cannot draw `<5`). The gate for the
    Doorstroom page and its download."""
    return doorstroom_matrix(facts, year, filters, 0 if sees_small_numbers(role) else LIMIT)


def flows_shown(flows: pd.DataFrame, language: str = "nl") -> pd.DataFrame:
    """The flows as the page lists them: from, to, the count (`≈` when estimated) and whether the plan names it."""
    counts = zip(flows["aantal"], flows["exact"], strict=True)
    return pd.DataFrame(
        {
            word("from", language): flows["van"],
            word("to", language): flows["naar"],
            word("count", language): [estimate_text(v, "count", exact, language) for v, exact in counts],
            word("in_plan", language): [word("yes", language) if plan else "" for plan in flows["plan"]],
        }
    )
