"""Doelen en definities as people read them: every KPI's definition and target in words, and the techniek table."""

from __future__ import annotations

import pandas as pd

from kpi.catalogue import word
from kpi.metrics.registry import KPIS
from kpi.metrics.targets import Target
from kpi.views.formatting import number, school_year
from kpi.views.wording import rule_words


def target_sentence(target: Target, unit: str, language: str = "nl") -> str:
    """`groei van 10% ten opzichte van 2014-2015, in 2016-2017`."""
    rule = rule_words(
        {"rule": target.rule, "unit": unit, "baseline_year": target.baseline_year}, target.amount, language
    )
    return word("defs.target_sentence", language, rule=rule, year=school_year(target.target_year))


def definitions_table(targets: dict[str, list[Target]], language: str = "nl") -> pd.DataFrame:
    """One line per KPI and target: label, action line, definition, target in words, baseline, source, who."""
    lines = []
    for kpi in KPIS:
        for target in targets.get(kpi.id, []) or [None]:
            lines.append(
                (
                    kpi.label(language),
                    word(f"action_line.{kpi.action_line}", language),
                    kpi.definition(language),
                    target_sentence(target, kpi.unit, language) if target else word("meet.no_target", language),
                    school_year(target.baseline_year) if target else "",
                    number(target.fixed_baseline, kpi.unit, language)
                    if target and target.fixed_baseline is not None
                    else "",
                    kpi.plan,
                    kpi.responsible_for(language),
                )
            )
    keys = (
        "meet.kpi",
        "meet.action_line",
        "meet.definition",
        "meet.target",
        "defs.baseline_year",
        "nulmeting.fixed_col",
        "defs.plan",
        "defs.responsible",
    )
    return pd.DataFrame(lines, columns=[word(k, language) for k in keys])


def reference_shown(table: pd.DataFrame, language: str = "nl") -> pd.DataFrame:
    """The techniek/ICT reference table with headers and yes/no in words."""
    yes, no = word("yes", language), word("defs.no", language)
    return pd.DataFrame(
        {
            word("defs.name", language): table["naam"],
            word("defs.kind", language): table["soort"],
            word("defs.techniek", language): [yes if v else no for v in table["techniek"]],
            word("meet.note", language): table["toelichting"],
        }
    )
