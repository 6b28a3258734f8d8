"""Small rendering pieces shared by the pages: status badge, KPI card, KPI detail block, empty state."""

from __future__ import annotations

import html
import json
from collections.abc import Callable
from typing import TypeVar

import pandas as pd
import streamlit as st

from kpi.clock import local_now
from kpi.codes import NO_DATA
from kpi.delivery.limits import max_upload_bytes
from kpi.metrics.compute import progress_to_target, status_counts
from kpi.metrics.registry import REGISTRY, Kpi
from kpi.metrics.targets import Target, TargetsError
from kpi.views.charts import STATUS_COLOURS, kpi_chart, projection_drawn
from kpi.views.downloads import context_lines, csv_download, kpi_download, xlsx_download
from kpi.views.formatting import kpi_value, number, reason_text, school_year, status_word, target_number
from kpi.views.safety import markdown_text
from kpi.views.wording import file_stem, range_words, selection_words, short_value, target_amount, target_words
from ui import data, opendata, session
from ui.baseline import baseline_note
from ui.i18n import language, t

T = TypeVar("T")
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def badge(text: str, colour: str) -> str:
    """A coloured badge that carries its word (never colour alone)."""
    return f'<span class="tp-badge" style="background:{colour}">{html.escape(text)}</span>'


def status_badge(status: object, no_target: bool = False) -> str:
    """A KPI status badge; `no_target`: a context KPI (geen doel)."""
    return badge(
        status_word(status, language(), no_target), STATUS_COLOURS[status if isinstance(status, str) else NO_DATA]
    )


def status_summary(chosen: pd.DataFrame) -> None:
    """How many KPIs have each status, on one line that wraps between badges, never inside one."""
    items = [
        f'<span class="tp-count">{status_badge(status, no_target)} <b>{count}</b></span>'
        for status, no_target, count in status_counts(chosen)
    ]  # they add up to the cards
    st.markdown(f'<div class="tp-summary">{"".join(items)}</div>', unsafe_allow_html=True)


def year_select(years: list[int], latest: int | None = None) -> int:
    """The school year a page shows, written as one (2016-2017), kept in the URL as `?jaar=2016-2017`; by
    default `latest` (the latest year with a measured value), else the last year."""
    index = years.index(latest) if latest in years else len(years) - 1
    return st.selectbox(t("year"), years, index=index, key="jaar", bind="query-params", format_func=school_year)


def card_grid(chosen: pd.DataFrame, everything: pd.DataFrame, width: int = 4) -> None:
    """Every KPI card in rows of `width`, action lines flowing on (each named above its first card in a row),
    so twelve cards take three rows instead of one row per action line."""
    rows = chosen.to_dict("records")
    targets = data.targets()
    histories = dict(tuple(everything.groupby("id", sort=False)))
    for start in range(0, len(rows), width):
        columns = st.columns(width)
        for offset, row in enumerate(rows[start : start + width]):
            with columns[offset]:
                first = offset == 0 or rows[start + offset - 1]["action_line"] != row["action_line"]
                line = t(f"action_line.{row['action_line']}")
                st.markdown(f"##### {line}" if first else "##### &nbsp;")  # two lines' room each (CSS below)
                kpi_card(REGISTRY[row["id"]], row, histories.get(row["id"], everything.iloc[0:0]), targets)


def grid_on_demand(label: str, key: str, rows: Callable[[], pd.DataFrame], grid_key: str) -> None:
    """An interactive table made and drawn only once its expander is opened; the open state is in the URL."""
    # a grid settles 250-300 ms after the rest of a page: closed, the page appears that much sooner
    opened = st.expander(label, key=key, bind="query-params")
    if opened.open:
        with opened:
            st.dataframe(rows(), hide_index=True, key=grid_key)


def or_stop(make: Callable[[], T]) -> T:
    """What `make` returns; when the targets file is broken, its problem in words and the page stops."""
    try:
        return make()
    except TargetsError as error:
        st.error(t("targets_broken", error=markdown_text(error)))
        st.stop()
        raise  # st.stop() raises; this line only tells type checkers so


def results_or_stop() -> tuple[pd.DataFrame, list[int]]:
    """Every year's results for the shared filters and the user's role, and those years; with no year at all the
    page says so and stops."""
    everything = or_stop(lambda: data.results(data.version(), session.filters(), None, session.role()))
    years = sorted({int(y) for y in everything["year"].dropna()})
    if not years:
        empty_state()
        st.stop()
    return everything, years


def kpi_card(kpi: Kpi, row: dict, history: pd.DataFrame, targets: dict[str, list[Target]]) -> None:
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
        if spread := range_words(row, lang):
            st.caption(spread)
        if kpi.source == "duo":
            opendata.card_lines(row, kpi.unit)
        no_target = not isinstance(row.get("rule"), str)
        st.markdown(status_badge(row.get("status"), no_target), unsafe_allow_html=True)
        if reason := reason_text(row, lang):
            st.caption(reason)
        if isinstance(row.get("rule"), str):
            st.caption(target_words(row, target_amount(targets, row), lang))
            baseline_note(kpi, row)
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


def empty_state(year: int | None = None) -> None:
    st.info(t("no_data", what=t("for_year", year=school_year(year)) if year else ""))


def downloads(
    frame: pd.DataFrame, name: str, key: str, what: str = "", year: int | None = None, shares: bool = False
) -> None:
    """CSV (`;`, decimal commas) and Excel (real numbers) of a table, first stating the selection and the date;
    the file name carries both. Safe to open: formulas neutralised."""
    lang = language()
    now = local_now()
    version = data.version()
    selection = selection_words(session.filters(), data.names(version), lang)
    context = context_lines(selection, now.strftime("%d-%m-%Y %H:%M"), lang, year, data.demo_shown(version), what)
    stem = file_stem(session.filters(), year, now.date().isoformat(), name)
    left, right = st.columns(2)
    left.download_button(
        t("download_csv"), lambda: csv_download(frame, context, lang), f"{stem}.csv", "text/csv", key=f"{key}_csv"
    )
    right.download_button(
        t("download_excel"),
        lambda: xlsx_download(frame, context, name, lang, shares),
        f"{stem}.xlsx",
        key=f"{key}_xlsx",
        mime=XLSX_MIME,
    )


def kpi_detail(kpi: Kpi, rows: pd.DataFrame, year: int) -> None:
    """One KPI on its action line's page: chart, words, per-school breakdown, data and download."""
    lang = language()
    st.subheader(kpi.label(lang))
    if rows["value"].isna().all() and rows["masked"].isna().all():
        reason = reason_text(rows.iloc[0].to_dict(), lang)
        st.info(reason[:1].upper() + reason[1:] + "." if reason else t("no_data", what=""))
        return
    if kpi.source == "duo":  # the region against the Netherlands, from open data
        opendata.detail(kpi, rows, year)
        return
    left, right = st.columns([2, 1])
    with left:
        st.plotly_chart(kpi_chart(rows, lang), key=f"chart_{kpi.id}", config={"displaylogo": False}, theme=None)
    with right:
        current = rows[rows["year"] == year]
        row = current.iloc[0].to_dict() if len(current) else rows.iloc[-1].to_dict()
        value = f"**{t('value')} {school_year(row['year'])}:** {kpi_value(row, lang)}"
        st.markdown(f"{value}\n\n{status_badge(row.get('status'))}", unsafe_allow_html=True)
        if reason := reason_text(row, lang):
            st.caption(reason)
        has_target = isinstance(row.get("rule"), str)
        words = [f"**{t('definition')}.** {kpi.definition(lang)}"]  # one element: each one costs the browser
        if has_target:
            words.append(target_words(row, target_amount(data.targets(), row), lang))  # "Doel 2016-2017: …"
        words += [f"**{t('responsible')}.** {kpi.responsible_for(lang)}", f"**{t('plan')}.** *“{kpi.plan}”*"]
        st.markdown("\n\n".join(words))
        if has_target:
            baseline_note(kpi, row)
    if kpi.per_school:  # computed only while open: a closed breakdown costs nothing
        breakdown = st.expander(t("per_school"), expanded=False, key=f"open_breakdown_{kpi.id}", on_change="rerun")
        if breakdown.open:
            with breakdown:
                frame = data.breakdown(data.version(), kpi.id, int(row["year"]), session.filters(), session.role())
                shown = _breakdown_table(frame, kpi)
                st.dataframe(shown, hide_index=True, key=f"breakdown_{kpi.id}")
    table_box = st.expander(t("data_table"), expanded=False, key=f"open_table_{kpi.id}", on_change="rerun")
    if table_box.open:  # the table and its downloads are made only while open
        with table_box:
            _kpi_table(kpi, rows, lang)


def _kpi_table(kpi: Kpi, rows: pd.DataFrame, lang: str) -> None:
    """A KPI's values per year as a table, with its downloads."""
    shown = rows.dropna(subset=["year"]).sort_values("year")
    display = pd.DataFrame(
        {
            t("meet.school_year"): [school_year(y) for y in shown["year"]],
            t("meet.value"): [kpi_value(r, lang) for r in shown.to_dict("records")],
            t("meet.target"): [target_number(v, kpi.unit, lang) for v in shown["target_value"]],
            t("meet.status"): [status_word(s, lang) for s in shown["status"]],
        }
    )
    st.dataframe(display, hide_index=True, key=f"table_{kpi.id}")
    table = kpi_download(rows, lang)
    downloads(table, kpi.id, key=f"dl_{kpi.id}", what=kpi.label(lang), shares=kpi.unit == "share")


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
.tp-badge {color: #fff; padding: 0.15rem 0.65rem; border-radius: 0.8rem; font-weight: 600; font-size: 0.95rem; display: inline-block; max-width: 100%; line-height: 1.35;}
.tp-summary {display: flex; flex-wrap: wrap; gap: 0.4rem 1.4rem; align-items: center; margin: 0.3rem 0 0.8rem;}
.tp-count {white-space: nowrap;}
/* The card grid's action-line headings (its only h5) take two lines' room, so a wrapped one leaves cards aligned. */
[data-testid="stColumn"] h5 {box-sizing: content-box; min-height: 2.6em; line-height: 1.3 !important; display: flex; align-items: flex-end;}
/* A static table fits its column: long words ("beroepskeuzeprogramma") break at a cell's edge, not past the page. */
[data-testid="stTable"] table {width: 100% !important;}
[data-testid="stTable"] td, [data-testid="stTable"] th {min-width: 5.4em;}
[data-testid="stTable"] td p, [data-testid="stTable"] th p {overflow-wrap: anywhere !important;}
/* The KPI tabs wrap onto more lines instead of scrolling, so the open one is always in sight. */
.st-key-kpi_tab [role="tablist"] {flex-wrap: wrap; row-gap: 0.2rem; overflow: visible;}
.st-key-kpi_tab [data-testid="stTab"][aria-selected="true"] {box-shadow: inset 0 -3px 0 currentColor;}
</style>
"""


def uploader_css() -> str:
    """Streamlit writes its file uploader's button and size line in English only: the same words from the
    catalogue, laid over them (the limit is this installation's)."""
    button, limit = t("uploader.button"), t("uploader.limit", mb=max_upload_bytes() // (1024 * 1024))
    zone = '[data-testid="stFileUploaderDropzone"]'
    return f"""<style>
{zone} button [data-testid="stMarkdownContainer"] p {{font-size: 0 !important;}}
{zone} button [data-testid="stMarkdownContainer"] p::after {{content: {json.dumps(button, ensure_ascii=False)}; font-size: 0.9rem;}}
[data-testid="stFileUploaderDropzoneInstructions"] span {{font-size: 0 !important;}}
[data-testid="stFileUploaderDropzoneInstructions"] span::after {{content: {json.dumps(limit, ensure_ascii=False)}; font-size: 0.85rem;}}
</style>"""
