"""What a meeting pack holds, decided once for every format: the selection, the year, the protected results
and, per KPI, the sentences and the chart. The writers (PDF, PowerPoint, HTML, Excel) only lay it out."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import NamedTuple

import pandas as pd
import plotly.graph_objects as go

from kpi.catalogue import word
from kpi.clock import local_now
from kpi.metrics.benchmark import OpenData, all_kpi_values, default_year
from kpi.metrics.compute import kpi_history, protected_results
from kpi.metrics.facts import REGION, Facts, Filters
from kpi.metrics.registry import REGISTRY
from kpi.metrics.targets import Target
from kpi.views.charts import kpi_chart
from kpi.views.formatting import kpi_value, reason_text, school_year, status_word
from kpi.views.opendata import benchmark_chart
from kpi.views.wording import (
    chosen_schools,
    judged_results,
    range_words,
    rule_words,
    selection_words,
    short_value,
    small_note,
    target_amount,
    target_words,
)


@dataclass(frozen=True)
class Pack:
    """Everything a pack shows, already protected for the role it is made for."""

    year: int
    filters: Filters
    names: dict[str, str]
    made: datetime
    demo: bool
    role: str
    language: str
    year_results: pd.DataFrame
    all_results: pd.DataFrame
    targets: dict[str, list[Target]]
    changes: pd.DataFrame | None = None
    """Changes since the last marked meeting (None: no meeting marked, so no page for it)."""
    actions: pd.DataFrame | None = None
    """The action register (None: no register, so no page for it)."""
    meeting: str = ""
    """The meeting the changes are counted from, in words (`Stuurgroep oktober, 12-10-2026`)."""

    def word(self, key: str, **values: object) -> str:
        return word(key, self.language, **values)

    @property
    def title(self) -> str:
        return self.word("meet.pack_title")

    @property
    def selection(self) -> str:
        return selection_words(self.filters, self.names, self.language)

    @property
    def school_year(self) -> str:
        return school_year(self.year)

    @property
    def made_text(self) -> str:
        return self.made.strftime("%d-%m-%Y %H:%M")

    @property
    def changes_title(self) -> str:
        if self.meeting:
            return self.word("meet.changes_since", meeting=self.meeting)
        return self.word("meet.changes_title")

    @property
    def judged(self) -> str:
        return judged_results(self.year_results, self.year, self.language)


@dataclass(frozen=True)
class KpiPage:
    """One KPI's page of the pack, in words."""

    id: str
    label: str
    action_line: str
    value: str
    """The value with its range, as in tables: `13,1% (9,9%–16,3%)`."""
    short_value: str
    """The value alone, for large type: `≈ 13,1%`."""
    range: str
    status: str | None
    status_word: str
    has_target: bool
    """False for a KPI the plan sets no target for (the open-data context KPIs): its status word says so."""
    target: str
    rule: str
    definition: str
    small_note: str
    reason: str
    responsible: str


def build_pack(
    facts: Facts,
    targets: dict[str, list[Target]],
    filters: Filters = REGION,
    year: int | None = None,
    role: str = "viewer",
    language: str = "nl",
    demo: bool = False,
    names: dict[str, str] | None = None,
    made: datetime | None = None,
    changes: pd.DataFrame | None = None,
    actions: pd.DataFrame | None = None,
    meeting: str = "",
    opened: OpenData | None = None,
) -> Pack:
    """The pack for a selection and year (default: the latest year with data), protected for `role`; with
    `opened`, the open-data KPIs too (as on the dashboard)."""
    everything = _results(facts, opened, targets, role, filters, None)
    chosen_year = year if year is not None else default_year(everything)
    if chosen_year is None:
        raise ValueError("no data")
    chosen = _results(facts, opened, targets, role, filters, chosen_year)
    return replace(
        pack_of_results(chosen, everything, targets, role, language, int(chosen_year)),
        filters=filters,
        names=names or {},
        made=made or local_now(),
        demo=demo,
        changes=changes,
        actions=actions,
        meeting=meeting,
    )


def _results(
    facts: Facts,
    opened: OpenData | None,
    targets: dict[str, list[Target]],
    role: str,
    filters: Filters,
    year: int | None,
) -> pd.DataFrame:
    """Every KPI's results for the role: the delivered ones, and with open data loaded the open-data ones as well
    (never pages of empty charts)."""
    if opened is None or not opened.loaded:
        return protected_results(facts, targets, role, filters, year)
    return all_kpi_values(facts, opened, targets, filters, year, role)


def pack_of_results(
    chosen: pd.DataFrame,
    everything: pd.DataFrame,
    targets: dict[str, list[Target]],
    role: str = "viewer",
    language: str = "nl",
    year: int | None = None,
) -> Pack:
    """A pack over results computed (and protected) elsewhere, e.g. the dashboard's cached ones."""
    chosen_year = year if year is not None else default_year(chosen) or default_year(everything) or 0
    return Pack(
        year=int(chosen_year),
        filters=REGION,
        names={},
        made=local_now(),
        demo=False,
        role=role,
        language=language,
        year_results=chosen,
        all_results=everything,
        targets=targets,
    )


def kpi_pages(pack: Pack) -> list[KpiPage]:
    """Per KPI of the chosen year, everything the pack says about it."""
    lang = pack.language
    pages = []
    for row in pack.year_results.to_dict("records"):
        kpi = REGISTRY[row["id"]]
        amount = target_amount(pack.targets, row)
        status = row["status"] if isinstance(row["status"], str) else None
        has_target = isinstance(row.get("rule"), str)
        pages.append(
            KpiPage(
                id=kpi.id,
                label=kpi.label(lang),
                action_line=word(f"action_line.{kpi.action_line}", lang),
                value=kpi_value(row, lang),
                short_value=short_value(row, lang),
                range=range_words(row, lang),
                status=status,
                status_word=status_word(row["status"], lang, no_target=not has_target),
                has_target=has_target,
                target=target_words(row, amount, lang),
                rule=rule_words(row, amount, lang),
                definition=kpi.definition(lang),
                small_note=small_note(row, lang),
                reason=reason_text(row, lang),
                responsible=kpi.responsible_for(lang),
            )
        )
    return pages


def pack_figures(pack: Pack) -> list[go.Figure]:
    """One chart per KPI page, without a title (the page carries it, so title and legend never overlap)."""
    chosen = chosen_schools(pack.filters, pack.names)
    return [
        kpi_figure(kpi_history(pack.all_results, kpi_id), pack.language, pack.year, chosen) for kpi_id in _ids(pack)
    ]


def kpi_figure(history: pd.DataFrame, language: str, year: int, selection: str | None = None) -> go.Figure:
    """A KPI's chart: for open data the region (and `selection`) against the Netherlands, else the measured values
    with baseline, target and the year discussed."""
    if len(history) and REGISTRY[history["id"].iloc[0]].source == "duo":
        return benchmark_chart(history, language, selection)
    return kpi_chart(history, language, year)


def _ids(pack: Pack) -> list[str]:
    return pack.year_results["id"].tolist()


CHANGE_WORDS = ("new", "gone", "value", "status", "target", "baseline")


def changes_table(kpis: pd.DataFrame, language: str = "nl") -> pd.DataFrame:
    """What changed since the last meeting, per KPI and school year, in words: then and now."""
    from kpi.views.formatting import number

    lines = []
    for row in kpis.to_dict("records"):
        unit = row.get("unit") or "count"
        lines.append(
            (
                REGISTRY[row["id"]].label(language) if row["id"] in REGISTRY else str(row["id"]),
                school_year(row.get("year")),
                number(row.get("value_before"), unit, language),
                number(row.get("value_after"), unit, language),
                status_word(row.get("status_before"), language),
                status_word(row.get("status_after"), language),
                ", ".join(word(f"meet.change.{c}", language) for c in row.get("changed") or [] if c in CHANGE_WORDS),
            )
        )
    keys = (
        "meet.kpi",
        "meet.school_year",
        "meet.then",
        "meet.now",
        "meet.status_then",
        "meet.status_now",
        "meet.what_changed",
    )
    return pd.DataFrame(lines, columns=[word(k, language) for k in keys])


class LastMeeting(NamedTuple):
    """What the pack says about the latest marked meeting."""

    changes: pd.DataFrame
    """The changed KPI results in words (`changes_table`)."""
    meeting: str
    """The meeting in words: `Stuurgroep oktober, 12-10-2026`."""
    actions: pd.DataFrame
    """The actions whose status moved since then (ACTION_CHANGE_COLUMNS)."""


def last_meeting_changes(engine, role: str, language: str = "nl") -> LastMeeting | None:
    """Changes since the latest marked meeting (as `role` may see them); None when no meeting is marked."""
    from kpi.metrics.meetings import changes_since, meeting_list

    meetings = meeting_list(engine)
    if meetings.empty:
        return None
    latest = meetings.iloc[0]
    held = pd.Timestamp(latest["held_on"]).strftime("%d-%m-%Y")
    changes = changes_since(engine, int(latest["id"]), role)
    return LastMeeting(changes_table(changes.kpis, language), f"{latest['name']}, {held}", changes.actions)


def _moved(move: dict, language: str) -> str:
    """`gepland → loopt`."""
    return " → ".join(word(f"action_status.{move[k]}", language) for k in ("status_before", "status_after"))


def actions_frame(register: list, language: str = "nl", moved: pd.DataFrame | None = None) -> pd.DataFrame:
    """The action register for the pack: action, status and deadline in words, KPIs by their labels, and
    for the actions in `moved` (since the last meeting) their status then and now."""
    from kpi.views.actions import actions_table

    table = actions_table(register, language)
    if moved is not None and len(moved):
        then = {m["action"]: m for m in moved.to_dict("records")}
        table[word("actions.column_since", language)] = [
            _moved(then[a.id], language) if a.id in then else "" for a in register
        ]
    kpis = [", ".join(REGISTRY[k].label(language) for k in a.kpis if k in REGISTRY) for a in register]
    table[table.columns[5]] = [k or word("actions.milestone", language) for k in kpis]
    table[table.columns[3]] = [school_year(a.due_year) if a.due_year else "" for a in register]
    return table.loc[:, [c for c in table.columns if table[c].astype(str).str.strip().ne("").any()]]
