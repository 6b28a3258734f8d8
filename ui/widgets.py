"""Small rendering pieces shared by the pages: status badge, KPI card, KPI detail block, empty state."""

from __future__ import annotations

import datetime as dt
import html

import pandas as pd
import streamlit as st

from kpi.metrics.compute import progress_to_target
from kpi.metrics.privacy import protected_table
from kpi.metrics.registry import ACTION_LINES, REGISTRY, Kpi
from kpi.views.charts import STATUS_COLOURS, kpi_chart, projection_drawn
from kpi.views.downloads import context_lines, csv_download, kpi_download, xlsx_download
from kpi.views.formatting import kpi_value, number, school_year
from kpi.views.meeting import latest_year
from kpi.views.pack import status_word
from kpi.views.wording import file_stem, range_words, selection_words, short_value, target_amount, target_words
from ui import data, session
from ui.i18n import language, t

STATUS_ORDER = ("gehaald", "op_koers", "achter", "niet_gehaald", "onvoldoende_data")


def status_badge(status: object) -> str:
    """Coloured badge that always carries its word (never colour alone)."""
    key = status if isinstance(status, str) else "onvoldoende_data"
    word = status_word(status, language()) if isinstance(status, str) else t("before_baseline")
    colour = STATUS_COLOURS[key]
    return f'<span class="tp-badge" style="background:{colour}">{html.escape(word)}</span>'


def status_summary(chosen: pd.DataFrame) -> None:
    """How many KPIs have each status, on one line that wraps between badges, never inside one."""
    items = [
        f'<span class="tp-count">{status_badge(status)} <b>{int((chosen["status"] == status).sum())}</b></span>'
        for status in STATUS_ORDER
    ]
    st.markdown(f'<div class="tp-summary">{"".join(items)}</div>', unsafe_allow_html=True)


def year_select(everything: pd.DataFrame) -> int | None:
    """The school year to show, written as one (2016-2017); the default is the latest year with data."""
    years = sorted({int(y) for y in everything["year"].dropna()})
    if not years:
        return None
    latest = latest_year(everything)
    return st.selectbox(
        t("year"), years, index=years.index(latest) if latest in years else len(years) - 1, key="jaar",
        bind="query-params", format_func=school_year,
    )  # fmt: skip


def kpi_card(kpi: Kpi, row: dict, history: pd.DataFrame) -> None:
    """One KPI on the overview: value, status word, target, progress, sparkline and projection."""
    lang = language()
    with st.container(border=True, key=f"card_{kpi.id}"):
        st.markdown(f"**{kpi.label(lang)}**")
        sparkline = [float(v) for v in history.sort_values("year")["value"] if not pd.isna(v)]  # masked years left out
        st.metric(
            t("value") + f" {school_year(row['year'])}" if row.get("year") is not None else t("value"),
            short_value(row, lang),  # the range goes below: a card never cuts its value off
            chart_data=sparkline if len(sparkline) > 1 else None,
            chart_type="line",
            help=kpi.definition(lang),
        )
        if range_words(row, lang):
            st.caption(range_words(row, lang))
        st.markdown(status_badge(row.get("status")), unsafe_allow_html=True)
        if row.get("reason_text"):
            st.caption(row["reason_text"])
        if isinstance(row.get("rule"), str):
            st.caption(target_words(row, target_amount(data.targets(), row), lang))
            progress = progress_to_target(row)
            if progress is not None and not row.get("masked"):
                st.progress(progress, text=t("progress"))
            if projection_drawn(history) and not pd.isna(row.get("projection")):  # named only where it is drawn
                st.caption(
                    t("projection", year=school_year(row["target_year"]))
                    + ": "
                    + number(row["projection"], kpi.unit, lang, 1 if kpi.unit == "share" else 0)
                )
        if row.get("unclassified"):
            n = int(row["unclassified"])
            st.caption("⚠ " + (t("meet.rows", n=n) if n == 1 else t("unclassified", n=n)))


def card_grid(chosen: pd.DataFrame, everything: pd.DataFrame, width: int = 4) -> None:
    """Every KPI card in rows of `width`, action lines flowing on (each named above its first card in a row),
    so twelve cards take three rows instead of one row per action line."""
    lang = language()
    rows = chosen.to_dict("records")
    for start in range(0, len(rows), width):
        columns = st.columns(width)
        for offset, row in enumerate(rows[start : start + width]):
            with columns[offset]:
                first = offset == 0 or rows[start + offset - 1]["action_line"] != row["action_line"]
                line = ACTION_LINES[row["action_line"]][0 if lang == "nl" else 1]
                st.markdown(f"##### {line}" if first else "##### &nbsp;")
                kpi_card(REGISTRY[row["id"]], row, everything[everything["id"] == row["id"]])


def empty_state(year: int | None = None) -> None:
    st.info(t("no_data", what=t("for_year", year=school_year(year)) if year else ""))


def downloads(
    frame: pd.DataFrame, name: str, key: str, what: str = "", year: int | None = None, shares: bool = False
) -> None:
    """CSV (`;`, decimal commas) and Excel (real numbers) of a table, first stating the selection and the date;
    the file name carries both. Safe to open: formulas neutralised."""
    lang = language()
    now = dt.datetime.now()
    version = data.version()
    selection = selection_words(session.filters(), data.names(version), lang)
    context = context_lines(selection, now.strftime("%d-%m-%Y %H:%M"), lang, year, data.demo_shown(version), what)
    stem = file_stem(session.filters(), year, now.date().isoformat(), name)
    left, right = st.columns(2)
    left.download_button(t("download_csv"), lambda: csv_download(frame, context, lang), f"{stem}.csv", "text/csv",
                         key=f"{key}_csv")  # fmt: skip
    right.download_button(t("download_excel"), lambda: xlsx_download(frame, context, name, lang, shares), f"{stem}.xlsx",
                          key=f"{key}_xlsx", mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")  # fmt: skip


def kpi_detail(kpi: Kpi, rows: pd.DataFrame, year: int) -> None:
    """One KPI on its action line's page: chart, words, per-school breakdown, data and download."""
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
            st.markdown(f"**{t('target')}.** {target_words(row, target_amount(data.targets(), row), lang)}")
        st.markdown(f"**{t('responsible')}.** {kpi.responsible_for(lang)}")
        st.markdown(f"**{t('plan')}.** *“{kpi.plan}”*")
    if kpi.per_school:
        with st.expander(t("per_school"), expanded=False):
            frame = data.breakdown(data.version(), kpi.id, int(row["year"]), session.filters())
            shown = _breakdown_table(frame, kpi)
            st.dataframe(shown, hide_index=True, key=f"breakdown_{kpi.id}")
    with st.expander(t("data_table"), expanded=False):
        shown = rows.dropna(subset=["year"]).sort_values("year")
        display = pd.DataFrame(
            {
                t("meet.school_year"): [school_year(y) for y in shown["year"]],
                t("meet.value"): [kpi_value(r, lang) for r in shown.to_dict("records")],
                t("meet.target"): [number(v, kpi.unit, lang) for v in shown["target_value"]],
                t("meet.status"): [status_word(s, lang) for s in shown["status"]],
            }
        )
        st.dataframe(display, hide_index=True, key=f"table_{kpi.id}")
        downloads(
            kpi_download(rows, lang), kpi.id, key=f"dl_{kpi.id}", what=kpi.label(lang), shares=kpi.unit == "share"
        )


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
.tp-summary {display: flex; flex-wrap: wrap; gap: 0.4rem 1.4rem; align-items: center; margin: 0.3rem 0 0.8rem;}
.tp-count {white-space: nowrap;}
</style>
"""
