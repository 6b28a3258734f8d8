"""Doorstroom between levels (VMBO -> MBO -> HBO) as flows, with the plan's own flows marked."""

from __future__ import annotations

import pandas as pd

from kpi.metrics.compute import SUPPRESSED_POINT
from kpi.metrics.facts import REGION, Facts, Filters, filtered_leerlingen
from kpi.metrics.privacy import LIMIT, Role, sees_small_numbers
from kpi.metrics.registry import HBO, MBO, MBO4_HBO_PROGRAMS

TECHNIEK_SUFFIX = " techniek/ICT"
COLUMNS = ["van", "naar", "aantal", "exact", "plan"]


def _node(level: pd.Series, techniek: pd.Series) -> pd.Series:
    """MBO levels split into their techniek/ICT part, so the plan's chain VMBO-TL -> MBO-4 techniek -> HBO shows."""
    label = level.astype("object")
    is_mbo = label.isin(MBO) & techniek.fillna(False).astype(bool)
    return label.where(~is_mbo, label + TECHNIEK_SUFFIX)


def doorstroom_matrix(facts: Facts, year: int, filters: Filters = REGION, min_count: float = 0) -> pd.DataFrame:
    """Flows of one school year: from level, to level, how many (suppressed cells as 2.5), and whether the
    plan names that flow (MAVO to MBO-4 techniek/ICT; MBO-4 ICT-beheer and Engineering to HBO)."""
    rows = filtered_leerlingen(facts.leerlingen, filters)
    rows = rows[
        (rows["indicator"] == "doorstroom") & (rows["schooljaar"] == year) & rows["naar_onderwijssoort"].notna()
    ]
    if rows.empty:
        return pd.DataFrame(columns=COLUMNS)
    counts = rows["aantal"].astype("Float64").fillna(0).to_numpy(dtype=float)
    suppressed = rows["aantal_onderdrukt"].to_numpy(dtype=bool)
    source_program = rows["opleiding"].astype("object").isin(MBO4_HBO_PROGRAMS).to_numpy()
    flows = pd.DataFrame(
        {
            "van": _node(rows["onderwijssoort"], rows["techniek"]).to_numpy(),
            "naar": _node(rows["naar_onderwijssoort"], rows["naar_techniek"]).to_numpy(),
            "aantal": counts + SUPPRESSED_POINT * suppressed,
            "onderdrukt": suppressed,
            "plan": (
                (
                    (rows["onderwijssoort"] == "VMBO-TL")
                    & (rows["naar_onderwijssoort"] == "MBO-4")
                    & rows["naar_techniek"].fillna(False)
                )
                | ((rows["onderwijssoort"] == "MBO-4") & rows["naar_onderwijssoort"].isin(HBO) & source_program)
            ).to_numpy(dtype=bool),
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
