"""Open-data KPIs on screen: the region (or a school) against the Netherlands, with DUO named as the source."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from kpi.metrics.registry import Kpi
from kpi.sources.duo import EXAMS
from kpi.views.formatting import kpi_value, number, reason_text, school_year
from kpi.views.opendata import benchmark_chart
from kpi.views.wording import chosen_schools
from ui import data, session
from ui.i18n import language, t

PLAN_RATIO = 0.5
"""The plan's claim: interest in G&V is half the national level."""


def _present(value: object) -> bool:
    return value is not None and not (isinstance(value, float) and pd.isna(value))


def ranged(value: object, low: object, high: object, unit: str) -> str:
    """`18,5% (17,9%–19,1%)`, or the value alone when it is exact."""
    lang = language()
    text = number(value, unit, lang)
    if _present(low) and _present(high) and low != high and _present(value):
        text += f" ({number(low, unit, lang)}–{number(high, unit, lang)})"
    return text


def ratio_text(row: dict) -> str:
    """The value as a fraction of the national one: `1,09 (1,02–1,17)`; empty when there is none."""
    if not _present(row.get("ratio")):
        return ""
    lang = language()
    text = number(row["ratio"], "count", lang, 2)
    if _present(row.get("ratio_low")) and _present(row.get("ratio_high")):
        text += f" ({number(row['ratio_low'], 'count', lang, 2)}–{number(row['ratio_high'], 'count', lang, 2)})"
    return text


def nl_line(row: dict, unit: str) -> str:
    """`Nederland 2023-2024: 18,5% (17,9%–19,1%)`."""
    value = ranged(row.get("nl_value"), row.get("nl_low"), row.get("nl_high"), unit)
    return t("opendata.versus_nl", year=school_year(row.get("year")), value=value)


def source_line(rows: pd.DataFrame) -> str:
    years = sorted(int(y) for y in rows["year"].dropna())
    span = f"{school_year(years[0])} – {school_year(years[-1])}" if years else "-"
    members = len(data.open_data(data.version()).region.members())
    return t("opendata.source", title=EXAMS.title, years=span, n=members)


def card_lines(row: dict, unit: str) -> None:
    """On the overview card: the Netherlands beside the region, and the ratio of the two for shares."""
    if _present(row.get("nl_value")):
        st.caption(nl_line(row, unit))
    ratio = ratio_text(row)
    if ratio:
        st.caption(t("opendata.ratio_school" if session.filters().schools else "opendata.ratio", ratio=ratio))


def detail(kpi: Kpi, rows: pd.DataFrame, year: int) -> None:
    """An open-data KPI with figures on its action line's page (under its title): region and NL chart, the verdict
    on the plan's claim, data."""
    from ui.widgets import downloads, status_badge  # the shared pieces; widgets hands open-data KPIs to us

    lang = language()
    schools = session.filters().schools
    chosen = chosen_schools(session.filters(), data.names(data.version())) or ""
    left, right = st.columns([2, 1])
    with left:
        figure = benchmark_chart(rows, lang, chosen or None)
        st.plotly_chart(figure, key=f"chart_{kpi.id}", config={"displaylogo": False}, theme=None)
        st.caption(source_line(rows))
    with right:
        current = rows[rows["year"] == year]
        row = current.iloc[0].to_dict() if len(current) else rows.dropna(subset=["year"]).iloc[-1].to_dict()
        who = t("opendata.selection", schools=chosen) if schools else t("opendata.region")
        st.markdown(f"**{who} {school_year(row['year'])}:** {kpi_value(row, lang)}")
        if schools and _present(row.get("region_value")):
            region = ranged(row["region_value"], row.get("region_low"), row.get("region_high"), kpi.unit)
            st.markdown(f"**{t('opendata.region')} {school_year(row['year'])}:** {region}")
        st.markdown(f"**{nl_line(row, kpi.unit)}**")
        ratio = ratio_text(row)
        if ratio:
            st.markdown(t("opendata.ratio_school" if schools else "opendata.ratio", ratio=ratio))
            if not schools:
                st.caption(t("opendata.claim", year=school_year(row["year"]), ratio=ratio))
        st.markdown(
            status_badge(row.get("status"), no_target=not isinstance(row.get("rule"), str)), unsafe_allow_html=True
        )
        if reason := reason_text(row, lang):
            st.caption(reason)
        st.markdown(f"**{t('definition')}.** {kpi.definition(lang)}")
        st.markdown(f"**{t('responsible')}.** {kpi.responsible_for(language())}")
        st.markdown(f"**{t('plan')}.** *“{kpi.plan}”*")
    with st.expander(t("data_table"), expanded=False):
        table = _table(rows, kpi.unit)
        st.dataframe(table, hide_index=True, key=f"table_{kpi.id}")
        downloads(table, kpi.id, key=f"dl_{kpi.id}")


def _table(rows: pd.DataFrame, unit: str) -> pd.DataFrame:
    """Per school year: the value, the region (when a school is chosen), the Netherlands and the ratio."""
    lang = language()
    records = rows.dropna(subset=["year"]).sort_values("year").to_dict("records")
    table = {
        t("opendata.col.year"): [school_year(r["year"]) for r in records],
        t("opendata.col.value"): [kpi_value(r, lang) for r in records],
    }
    if session.filters().schools:
        table[t("opendata.col.region")] = [
            ranged(r.get("region_value"), r.get("region_low"), r.get("region_high"), unit) for r in records
        ]
    table[t("opendata.col.nl")] = [ranged(r.get("nl_value"), r.get("nl_low"), r.get("nl_high"), unit) for r in records]
    if unit == "share":
        table[t("opendata.col.ratio")] = [ratio_text(r) for r in records]
    return pd.DataFrame(table)
