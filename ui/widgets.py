"""Small rendering pieces shared by the pages: status badge, KPI card, KPI detail block, empty state."""

from __future__ import annotations

import html

import pandas as pd
import streamlit as st

from kpi.metrics.compute import progress_to_target
from kpi.metrics.privacy import protected_table
from kpi.metrics.registry import Kpi
from kpi.views.charts import STATUS_COLOURS, kpi_chart
from kpi.views.export import csv_bytes, xlsx_bytes
from kpi.views.formatting import kpi_value, number, school_year
from kpi.views.pack import status_word
from ui import data, opendata, session
from ui.i18n import language, t

RULE_WORDS = {
    "nl": {"growth": "groei van {p} t.o.v. {b}", "at_least": "minstens {n}", "at_most": "hoogstens {n}", "increase": "meer dan in {b}", "decrease": "minder dan in {b}"},
    "en": {"growth": "growth of {p} over {b}", "at_least": "at least {n}", "at_most": "at most {n}", "increase": "more than in {b}", "decrease": "less than in {b}"},
}  # fmt: skip


STATUS_ORDER = ("gehaald", "op_koers", "achter", "niet_gehaald", "onvoldoende_data")


def status_badge(status: object, no_target: bool = False) -> str:
    """Coloured badge that always carries its word (never colour alone); `no_target`: a context KPI."""
    key = status if isinstance(status, str) else "onvoldoende_data"
    word = status_word(status, language()) if isinstance(status, str) else t("before_baseline")
    if no_target and not isinstance(status, str):
        word = t("opendata.no_target")
    colour = STATUS_COLOURS[key]
    return f'<span class="tp-badge" style="background:{colour}">{html.escape(word)}</span>'


def rule_text(row: dict, unit: str) -> str:
    target = data.targets().get(row["id"], [])
    rule = row.get("rule")
    if not isinstance(rule, str):
        return ""
    amount = next((x.amount for x in target if x.target_year == row.get("target_year")), None)
    words = RULE_WORDS[language()][rule]
    return words.format(
        p=number(amount, "share", language(), 0) if amount is not None else "",
        n=number(amount, unit, language()),
        b=row.get("baseline_year"),
    )


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
        st.markdown(
            status_badge(row.get("status"), no_target=not isinstance(row.get("rule"), str)), unsafe_allow_html=True
        )
        if row.get("reason_text"):
            st.caption(row["reason_text"])
        if isinstance(row.get("rule"), str):
            target_line = f"{t('target')} {row['target_year']}: {number(row.get('target_value'), kpi.unit, lang)} ({rule_text(row, kpi.unit)})"
            st.caption(target_line)
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
    right.download_button(t("download_excel"), lambda: xlsx_bytes({name[:31]: frame}), f"{name}.xlsx", key=f"{key}_xlsx",
                          mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")  # fmt: skip


def kpi_detail(kpi: Kpi, rows: pd.DataFrame, year: int) -> None:
    """One KPI on its action line's page: chart, words, per-school breakdown, data and download."""
    if kpi.source == "duo":  # region against the Netherlands, from open data
        opendata.detail(kpi, rows, year)
        return
    lang = language()
    st.subheader(kpi.label(lang))
    if rows["value"].isna().all() and rows["masked"].isna().all():
        reason = rows["reason_text"].iloc[0]
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
        if row.get("reason_text"):
            st.caption(row["reason_text"])
        st.markdown(f"**{t('definition')}.** {kpi.definition(lang)}")
        if isinstance(row.get("rule"), str):
            st.markdown(f"**{t('rule')}.** {rule_text(row, kpi.unit)} ({row['target_year']})")
        st.markdown(f"**{t('responsible')}.** {kpi.responsible}")
        st.markdown(f"**{t('plan')}.** *“{kpi.plan}”*")
    if kpi.per_school:
        with st.expander(t("per_school"), expanded=False):
            frame = data.breakdown(data.version(), kpi.id, int(row["year"]), session.filters())
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
    parts = {"value": ("numerator", "denominator")} if kpi.unit == "share" else None
    counts = ["value", "numerator", "baseline_value"] if kpi.unit == "count" else []
    protected = protected_table(frame, counts, session.role(), parts)
    return pd.DataFrame(
        {
            t("school"): [f"{s or ''} ({b})" for s, b in zip(protected["school"], protected["brin"], strict=True)],
            t("value"): [v if isinstance(v, str) else number(v, kpi.unit, lang) for v in protected["value"]],
            t("baseline"): [
                v if isinstance(v, str) else number(v, kpi.unit, lang) for v in protected["baseline_value"]
            ],
            t("change"): [
                "" if isinstance(v, str) or isinstance(b, str) else number(c, kpi.unit, lang)
                for c, v, b in zip(protected["change"], protected["value"], protected["baseline_value"], strict=True)
            ],
        }
    )


CSS = """
<style>
.tp-badge {color: #fff; padding: 0.15rem 0.65rem; border-radius: 0.8rem; font-weight: 600; font-size: 0.95rem; white-space: nowrap;}
</style>
"""
