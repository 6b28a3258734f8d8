"""Small rendering pieces shared by the pages: status badge, KPI card, KPI detail block, empty state."""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import TypeVar

import pandas as pd
import streamlit as st

from kpi.codes import NO_DATA
from kpi.metrics.compute import progress_to_target
from kpi.metrics.registry import Kpi
from kpi.metrics.targets import TargetsError
from kpi.views.charts import STATUS_COLOURS, kpi_chart
from kpi.views.export import csv_bytes, xlsx_bytes
from kpi.views.formatting import kpi_value, number, reason_text, school_year, status_word
from kpi.views.formatting import rule_text as rule_words
from kpi.views.safety import markdown_text
from ui import data, opendata, session
from ui.baseline import baseline_note
from ui.i18n import language, t

T = TypeVar("T")
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def status_badge(status: object, no_target: bool = False) -> str:
    """Coloured badge that always carries its word (never colour alone); `no_target`: a context KPI (geen doel)."""
    colour = STATUS_COLOURS[status if isinstance(status, str) else NO_DATA]
    shown = t("opendata.no_target") if no_target and not isinstance(status, str) else status_word(status, language())
    return f'<span class="tp-badge" style="background:{colour}">{html.escape(shown)}</span>'


def rule_text(row: dict, unit: str) -> str:
    """The target's rule of a result in words, with the amount the targets file gives for its target year."""
    target = data.targets().get(row["id"], [])
    amount = next((x.amount for x in target if x.target_year == row.get("target_year")), None)
    return rule_words(row.get("rule"), amount, unit, row.get("baseline_year"), language())


def year_select(years: list[int], default: int | None = None) -> int:
    """The school year a page shows (`default`, else the latest), kept in the URL as `?jaar=`."""
    index = years.index(default) if default in years else len(years) - 1
    return st.selectbox(t("year"), years, index=index, key="jaar", bind="query-params", format_func=school_year)


def or_stop(make: Callable[[], T]) -> T:
    """What `make` returns; when the targets file is broken, its problem in words and the page stops."""
    try:
        return make()
    except TargetsError as error:
        st.error(t("targets_broken", error=markdown_text(error)))
        st.stop()
        raise  # st.stop() raises; this line only tells type checkers so


def kpi_card(kpi: Kpi, row: dict, history: pd.DataFrame) -> None:
    """One KPI on the overview: value, status word, target, progress, sparkline and projection."""
    lang = language()
    with st.container(border=True, key=f"card_{kpi.id}"):
        st.markdown(f"**{kpi.label(lang)}**")
        sparkline = [float(v) for v in history.sort_values("year")["value"] if not pd.isna(v)]  # masked years left out
        st.metric(
            t("value") + f" {school_year(row['year'])}" if row.get("year") is not None else t("value"),
            kpi_value(row, lang),
            chart_data=sparkline if len(sparkline) > 1 else None,
            chart_type="line",
            help=kpi.definition(lang),
        )
        if kpi.source == "duo":
            opendata.card_lines(row, kpi.unit)
        no_target = not isinstance(row.get("rule"), str)
        st.markdown(status_badge(row.get("status"), no_target), unsafe_allow_html=True)
        if reason := reason_text(row, lang):
            st.caption(reason)
        if isinstance(row.get("rule"), str):
            target_line = f"{t('target')} {row['target_year']}: {number(row.get('target_value'), kpi.unit, lang)} ({rule_text(row, kpi.unit)})"
            st.caption(target_line)
            baseline_note(kpi, row)
            progress = progress_to_target(row)
            if progress is not None and not row.get("masked"):
                st.progress(progress, text=t("progress"))
            if row.get("projection") is not None and not pd.isna(row.get("projection")):
                st.caption(
                    t("projection", year=row["target_year"])
                    + ": "
                    + number(row["projection"], kpi.unit, lang, 1 if kpi.unit == "share" else 0)
                )
        if row.get("unclassified"):
            st.caption("⚠ " + t("unclassified", n=int(row["unclassified"])))


def empty_state(year: int | None = None) -> None:
    st.info(t("no_data", what=t("for_year", year=school_year(year)) if year else ""))


def downloads(frame: pd.DataFrame, name: str, key: str) -> None:
    """CSV and Excel downloads of a table, safe to open (formulas neutralised)."""
    left, right = st.columns(2)
    left.download_button(t("download_csv"), lambda: csv_bytes(frame), f"{name}.csv", "text/csv", key=f"{key}_csv")
    right.download_button(
        t("download_excel"), lambda: xlsx_bytes({name[:31]: frame}), f"{name}.xlsx", key=f"{key}_xlsx", mime=XLSX_MIME
    )


def kpi_detail(kpi: Kpi, rows: pd.DataFrame, year: int) -> None:
    """One KPI on its action line's page: chart, words, per-school breakdown, data and download."""
    if kpi.source == "duo":  # the region against the Netherlands, from open data
        opendata.detail(kpi, rows, year)
        return
    lang = language()
    st.subheader(kpi.label(lang))
    if rows["value"].isna().all() and rows["masked"].isna().all():
        reason = reason_text(rows.iloc[0].to_dict(), lang)
        st.info(reason[:1].upper() + reason[1:] + "." if reason else t("no_data", what=""))
        return
    left, right = st.columns([2, 1])
    with left:
        st.plotly_chart(kpi_chart(rows, lang), key=f"chart_{kpi.id}", config={"displaylogo": False}, theme=None)
    with right:
        current = rows[rows["year"] == year]
        row = current.iloc[0].to_dict() if len(current) else rows.iloc[-1].to_dict()
        st.markdown(f"**{t('value')} {school_year(row['year'])}:** {kpi_value(row, lang)}")
        st.markdown(status_badge(row.get("status")), unsafe_allow_html=True)
        if reason := reason_text(row, lang):
            st.caption(reason)
        st.markdown(f"**{t('definition')}.** {kpi.definition(lang)}")
        if isinstance(row.get("rule"), str):
            st.markdown(f"**{t('rule')}.** {rule_text(row, kpi.unit)} ({row['target_year']})")
            baseline_note(kpi, row)
        st.markdown(f"**{t('responsible')}.** {kpi.responsible}")
        st.markdown(f"**{t('plan')}.** *“{kpi.plan}”*")
    if kpi.per_school:
        with st.expander(t("per_school"), expanded=False):
            frame = data.breakdown(data.version(), kpi.id, int(row["year"]), session.filters(), session.role())
            shown = _breakdown_table(frame, kpi)
            st.dataframe(shown, hide_index=True, key=f"breakdown_{kpi.id}")
    with st.expander(t("data_table"), expanded=False):
        table = rows[
            [
                "year",
                "value",
                "low",
                "high",
                "exact",
                "baseline_value",
                "target_value",
                "status",
                "projection",
                "masked",
            ]
        ]
        display = table.assign(
            year=table["year"].map(school_year),
            value=[kpi_value(r, lang) for r in rows.to_dict("records")],
            target_value=[number(v, kpi.unit, lang) for v in table["target_value"]],
            status=[status_word(s, lang) for s in table["status"]],
        )[["year", "value", "target_value", "status"]]
        st.dataframe(display, hide_index=True, key=f"table_{kpi.id}")
        downloads(table, kpi.id, key=f"dl_{kpi.id}")


def _breakdown_table(frame: pd.DataFrame, kpi: Kpi) -> pd.DataFrame:
    lang = language()
    if frame.empty:
        return frame
    rows = frame.to_dict("records")  # protected for the role already: masked values are gone, `masked` says why
    return pd.DataFrame(
        {
            t("school"): [f"{r['school'] or ''} ({r['brin']})" for r in rows],
            t("value"): [kpi_value(r | {"unit": kpi.unit}, lang) for r in rows],
            t("baseline"): [
                kpi_value({"value": r["baseline_value"], "masked": r["baseline_masked"], "unit": kpi.unit}, lang)
                for r in rows
            ],
            t("change"): [number(r["change"], kpi.unit, lang) for r in rows],
        }
    )


CSS = """
<style>
.tp-badge {color: #fff; padding: 0.15rem 0.65rem; border-radius: 0.8rem; font-weight: 600; font-size: 0.95rem; white-space: nowrap;}
</style>
"""
