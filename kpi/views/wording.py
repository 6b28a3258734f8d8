"""KPI results in sentences a chair can read aloud: targets with their school year and rule, the selection,
small-number notes. Words come from the catalogue; numbers and school years from formatting."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from kpi.catalogue import word
from kpi.codes import HIDDEN, SMALL
from kpi.metrics.facts import REGULAR_ROUTE, Filters
from kpi.metrics.targets import Target
from kpi.views.formatting import estimate_text, masked_word, number, rule_text, school_year, target_number

if TYPE_CHECKING:
    import pandas as pd


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def target_amount(targets: dict[str, list[Target]], row: dict) -> float | None:
    """The amount written in the targets file for the target this result is judged by."""
    return next(
        (t.amount for t in targets.get(row["id"], []) if t.target_year == row.get("target_year")),
        None,
    )


def rule_words(row: dict, amount: float | None, language: str = "nl") -> str:
    """The rule of a result in words: `groei van 10% t.o.v. 2014-2015`, `minstens 6`, `meer dan in 2014-2015`."""
    return rule_text(row.get("rule"), amount, row["unit"], row.get("baseline_year"), language)


def target_words(row: dict, amount: float | None, language: str = "nl") -> str:
    """`Doel 2016-2017: 254 (groei van 10% ten opzichte van 2014-2015)`; `Geen doel vastgesteld` without one."""
    if not isinstance(row.get("rule"), str):
        return word("meet.no_target", language)
    if _missing(row.get("target_value")):  # e.g. the region's "minstens 6" under a school filter: the rule alone
        rule = rule_words(row, amount, language)
        return word("meet.target_rule", language, year=school_year(row.get("target_year")), rule=rule)
    return word(
        "meet.target_line",
        language,
        year=school_year(row.get("target_year")),
        value=target_number(row.get("target_value"), row["unit"], language),
        rule=rule_words(row, amount, language),
    )


def range_words(row: dict, language: str = "nl") -> str:
    """`tussen 9,9% en 16,3%` for a value with a range; empty for an exact or masked value."""
    if row.get("exact", True) or _missing(row.get("low")) or _missing(row.get("high")):
        return ""
    return word(
        "meet.range",
        language,
        low=number(row["low"], row["unit"], language),
        high=number(row["high"], row["unit"], language),
    )


def short_value(row: dict, language: str = "nl") -> str:
    """The value alone, short enough for a card or a slide: `≈ 13,1%` when small numbers take part."""
    masked = row.get("masked")
    if masked in (SMALL, HIDDEN):
        return masked_word(masked, language)
    return estimate_text(row.get("value"), row["unit"], row.get("exact", True), language)


def small_note(row: dict, language: str = "nl") -> str:
    """What small numbers do to this value, in one sentence."""
    masked = row.get("masked")
    if masked == SMALL:
        return word("meet.small_masked", language)
    if masked == HIDDEN:
        return word("meet.small_hidden", language)
    spread = range_words(row, language)
    if spread:
        return word(
            "meet.small_range",
            language,
            low=number(row["low"], row["unit"], language),
            high=number(row["high"], row["unit"], language),
        )
    return word("meet.small_none", language)


def selection_words(filters: Filters, names: dict[str, str], language: str = "nl") -> str:
    """`School: College De Brink (14SM05) · Route: Vakmanschapsroute`, or `hele regio` without filters."""
    parts = []
    if filters.schools:
        shown = [f"{names[b]} ({b})" if names.get(b) else b for b in filters.schools]
        parts.append(f"{word('school', language)}: {', '.join(shown)}")
    if filters.routes:
        routes = [word("regulier", language) if r == REGULAR_ROUTE else r for r in filters.routes]
        parts.append(f"{word('route', language)}: {', '.join(routes)}")
    if filters.levels:
        parts.append(f"{word('level', language)}: {', '.join(filters.levels)}")
    if filters.programs:
        parts.append(f"{word('program', language)}: {', '.join(filters.programs)}")
    return " · ".join(parts) if parts else word("meet.whole_region", language)


def judged_words(year: int, target_years: list[int], language: str = "nl") -> str:
    """Which school year is shown and which target year it is judged against."""
    years = sorted({int(y) for y in target_years if not _missing(y)})
    if not years:
        return word("meet.judged_plain", language, year=school_year(year))
    return word(
        "meet.judged_against",
        language,
        year=school_year(year),
        target_year=", ".join(school_year(y) for y in years),
    )


def chosen_schools(filters: Filters, names: dict[str, str]) -> str | None:
    """The schools a selection holds, by name (`College De Brink, Comenius College`); None for the whole region."""
    return ", ".join(names.get(code, code) for code in filters.schools) or None


def judged_results(results: pd.DataFrame, year: int, language: str = "nl") -> str:
    """judged_words for the target years of one year's KPI results."""
    return judged_words(year, results["target_year"].dropna().tolist(), language)


def file_stem(filters: Filters, year: int | None, made: str, what: str = "") -> str:
    """A file name that carries the selection and the date: `techniekpact_14SM05_2016-2017_2026-11-28`."""
    parts = [
        "techniekpact",
        *([what] if what else []),
        *filters.schools,
        *filters.routes,
        *filters.levels,
        *filters.programs,
    ]
    if year is not None:
        parts.append(school_year(year))
    parts.append(made)
    stem = "_".join(parts)
    return "".join(c if c.isalnum() or c in "-_" else "-" for c in stem)[:120]
