"""What a meeting pack holds, decided once for every format: the selection, the year, the protected results
and, per KPI, the sentences and the chart. The writers (PDF, PowerPoint, HTML, Excel) only lay it out."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import pandas as pd
import plotly.graph_objects as go

from kpi.catalogue import word
from kpi.metrics.compute import kpi_values
from kpi.metrics.facts import REGION, Facts, Filters
from kpi.metrics.privacy import protected_results
from kpi.metrics.registry import ACTION_LINES, REGISTRY
from kpi.metrics.targets import Target
from kpi.views.charts import kpi_chart
from kpi.views.formatting import kpi_value, school_year
from kpi.views.pack import status_word
from kpi.views.wording import (
    judged_words,
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
    extra: dict = field(default_factory=dict)

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
    def judged(self) -> str:
        return judged_words(self.year, self.year_results["target_year"].dropna().tolist(), self.language)


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
    target: str
    rule: str
    definition: str
    small_note: str
    reason: str
    responsible: str


def latest_year(results: pd.DataFrame) -> int | None:
    """The latest school year with a measured value: the year a pack and the overview open on."""
    measured = results.dropna(subset=["value"]) if "value" in results else results
    years = measured["year"].dropna()
    if years.empty:
        years = results["year"].dropna()
    return int(years.max()) if len(years) else None


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
) -> Pack:
    """The pack for a selection and year (default: the latest year with data), protected for `role`."""
    everything = protected_results(kpi_values(facts, targets, filters, None, language), role)
    chosen_year = year if year is not None else latest_year(everything)
    if chosen_year is None:
        raise ValueError("no data")
    chosen = protected_results(kpi_values(facts, targets, filters, chosen_year, language), role)
    return Pack(
        year=int(chosen_year), filters=filters, names=names or {}, made=made or datetime.now().replace(microsecond=0),
        demo=demo, role=role, language=language, year_results=chosen, all_results=everything, targets=targets,
        changes=changes, actions=actions,
    )  # fmt: skip


def kpi_pages(pack: Pack) -> list[KpiPage]:
    """Per KPI of the chosen year, everything the pack says about it."""
    lang = pack.language
    pages = []
    for row in pack.year_results.to_dict("records"):
        kpi = REGISTRY[row["id"]]
        amount = target_amount(pack.targets, row)
        status = row["status"] if isinstance(row["status"], str) else None
        pages.append(
            KpiPage(
                id=kpi.id, label=kpi.label(lang), action_line=ACTION_LINES[kpi.action_line][0 if lang == "nl" else 1],
                value=kpi_value(row, lang), short_value=short_value(row, lang), range=range_words(row, lang),
                status=status, status_word=status_word(row["status"], lang), target=target_words(row, amount, lang),
                rule=rule_words(row, amount, lang), definition=kpi.definition(lang), small_note=small_note(row, lang),
                reason=row.get("reason_text") or "", responsible=kpi.responsible_for(lang),
            )
        )  # fmt: skip
    return pages


def pack_figures(pack: Pack) -> list[go.Figure]:
    """One chart per KPI page, without a title (the page carries it, so title and legend never overlap)."""
    results = pack.all_results
    return [kpi_chart(results[results["id"] == kpi_id], pack.language, pack.year) for kpi_id in _ids(pack)]


def _ids(pack: Pack) -> list[str]:
    return pack.year_results["id"].tolist()
