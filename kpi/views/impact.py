"""A delivery's impact preview in words: warning messages, a table of KPI changes, and the dry-run JSON."""

from __future__ import annotations

import math

import pandas as pd

from kpi.catalogue import word
from kpi.delivery.messages import Problem
from kpi.delivery.problem_list import problem_record
from kpi.metrics.impact import WHAT_DISAPPEARS, Impact
from kpi.metrics.registry import REGISTRY
from kpi.views.formatting import number, school_year, status_word, target_number


def year_ranges(years: list[int]) -> str:
    """[2013, 2014, 2015, 2017] -> `2013–2015, 2017` (school years by their first calendar year)."""
    runs: list[list[int]] = []
    for year in sorted(years):
        if runs and year == runs[-1][-1] + 1:
            runs[-1].append(year)
        else:
            runs.append([year])
    return ", ".join(f"{r[0]}–{r[-1]}" if len(r) > 1 else str(r[0]) for r in runs)


def _kpi_label(kpi_id: str, language: str) -> str:
    return REGISTRY[kpi_id].label(language) if kpi_id in REGISTRY else kpi_id


def warning_message(warning: dict, language: str = "nl") -> str:
    """One warning as a sentence that names what disappears or which KPI moves."""
    if warning["kind"] == "removes_rows":
        kind, detail = WHAT_DISAPPEARS[warning["sheet"]]
        parts = []
        for column, names in ((kind, warning["indicators"]), (detail, warning["programs"])):
            if column and names:
                years = [y["year"] for y in warning["per_year"] if set(names) & set(y["indicators"] + y["programs"])]
                parts.append(f"{column} {', '.join(names)} ({year_ranges(years)})")
        school = word("impact.of_school", language, school=warning["school"]) if warning["school"] else ""
        return word(
            "impact.removes_rows",
            language,
            sheet=warning["sheet"],
            school=school,
            before=warning["rows_before"],
            after=warning["rows_after"],
            years=year_ranges(warning["years"]),
            what="; ".join(parts) or word("impact.removes_rows_fewer", language),
        )
    return word("impact.baseline_changes", language, kpis="; ".join(baseline_lines(warning, language)))


def baseline_lines(warning: dict, language: str = "nl") -> list[str]:
    """One line per KPI of a `baseline_changes` warning: its baseline and target, before and after."""
    lines = []
    for moved in warning["kpis"]:
        unit = moved["unit"]
        lines.append(
            word(
                "impact.baseline_line",
                language,
                kpi=_kpi_label(moved["kpi"], language),
                baseline_year=school_year(moved["baseline_year"]),
                baseline_before=number(moved["baseline_before"], unit, language),
                baseline_after=number(moved["baseline_after"], unit, language),
                target_year=moved["target_year"],
                target_before=target_number(moved["target_before"], unit, language),
                target_after=target_number(moved["target_after"], unit, language),
            )
        )
    return lines


def changes_table(changes: pd.DataFrame, language: str = "nl") -> pd.DataFrame:
    """The KPI changes as shown: KPI, school year, region or school, value now and after, status now and after."""
    rows = []
    for c in changes.to_dict("records"):
        rows.append(
            {
                "KPI": _kpi_label(c["kpi"], language),
                word("year", language): school_year(c["year"]),
                word("impact.where", language): c["school"] or word("impact.region", language),
                word("impact.before", language): number(c["before"], c["unit"], language),
                word("impact.after", language): number(c["after"], c["unit"], language),
                word("impact.status_before", language): status_word(c["status_before"], language)
                if c["status_before"]
                else "-",
                word("impact.status_after", language): status_word(c["status_after"], language)
                if c["status_after"]
                else "-",
            }
        )
    return pd.DataFrame(rows)


def _plain(value: object) -> object:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    return value.item() if hasattr(value, "item") else value


def dry_run_json(problems: list[tuple[str, Problem]], impact: Impact | None, language: str = "nl") -> dict:
    """The object `import --dry-run --format json` prints (interfaces.md); `problems` as (file, problem)."""
    changes = (
        [] if impact is None else [{k: _plain(v) for k, v in c.items()} for c in impact.changes.to_dict("records")]
    )
    warnings = [] if impact is None else [w | {"message": warning_message(w, language)} for w in impact.warnings]
    return {
        "stored": False,
        "problems": [{"file": f} | problem_record(p, language) for f, p in problems],  # rows as ranges
        "changes": changes,
        "warnings": warnings,
    }


def dry_run_lines(impact: Impact, language: str = "nl") -> list[str]:
    """The preview as text lines: warnings first, then each KPI change."""
    lines = []
    if impact.warnings:
        lines.append(word("impact.warnings_head", language) + ":")
        lines += [f"! {warning_message(w, language)}" for w in impact.warnings]
    if impact.changes.empty:
        lines.append(word("impact.none", language))
        return lines
    lines.append(word("impact.changes_head", language) + ":")
    for c in impact.changes.to_dict("records"):
        where = c["school"] or word("impact.region", language)
        status = ""
        if c["status_before"] != c["status_after"]:
            status = f"  [{status_word(c['status_before'], language) if c['status_before'] else '-'} → "
            status += f"{status_word(c['status_after'], language) if c['status_after'] else '-'}]"
        lines.append(
            f"  {_kpi_label(c['kpi'], language)}  {school_year(c['year'])}  {where}: "
            f"{number(c['before'], c['unit'], language)} → {number(c['after'], c['unit'], language)}{status}"
        )
    return lines
