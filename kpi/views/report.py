"""KPI results as text for the command line: a table, CSV or the JSON of interfaces.md."""

from __future__ import annotations

import json
import math

import pandas as pd

from kpi.catalogue import word
from kpi.metrics.benchmark import BENCHMARK_FIELDS
from kpi.metrics.registry import REGISTRY
from kpi.views.export import csv_bytes
from kpi.views.formatting import kpi_value, reason_text, school_year, status_word, target_number, text_table

JSON_FIELDS = (
    *("id", "label", "action_line", "year", "value", "low", "high", "exact", "unit", "baseline_year"),
    *("baseline_value", "target_year", "target_value", "rule", "status", "projection"),
    *("measured_baseline_value", "baseline_fixed"),
)
"""The fields of one KPI result in the JSON of interfaces.md, in order; the last two added with fixed baselines:
`baseline_value` is then the fixed value and `measured_baseline_value` what the data says now."""
TABLE_HEADS = ("kpi", "year", "value", "target", "status")


def _plain(value: object) -> object:
    """JSON-safe: NaN and NA become null, numpy numbers plain numbers."""
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):
        return value.item()
    return value


def worded(results: pd.DataFrame, language: str = "nl") -> pd.DataFrame:
    """KPI results with the words for a reader added: the KPI's `label` and `reason_text`."""
    rows = results.to_dict("records")
    return results.assign(
        label=[REGISTRY[r["id"]].label(language) for r in rows],
        reason_text=[reason_text(r, language) for r in rows],
    )


def results_json(results: pd.DataFrame, language: str = "nl") -> str:
    """One JSON array; each element one KPI in one year, with exactly the fields of interfaces.md."""
    results = worded(results, language)
    fields = (*JSON_FIELDS, *BENCHMARK_FIELDS)  # nl_* null and source `leveringen` where a frame lacks them
    records = [{name: _plain(row.get(name)) for name in fields} for _, row in results.iterrows()]
    for record in records:
        if record["year"] is not None:
            record["year"] = int(record["year"])
        for name in ("baseline_year", "target_year"):
            if record[name] is not None:
                record[name] = int(record[name])
        record["exact"] = bool(record["exact"])
        record["baseline_fixed"] = bool(record["baseline_fixed"])
        record["source"] = record["source"] or "leveringen"
    return json.dumps(records, ensure_ascii=False, indent=1)


def results_csv(results: pd.DataFrame, language: str = "nl") -> bytes:
    """The JSON's fields and the reason in words, as CSV."""
    extra = [c for c in BENCHMARK_FIELDS if c in results.columns]
    return csv_bytes(worded(results, language)[[*JSON_FIELDS, *extra, "reason_text"]])


def table_rows(results: pd.DataFrame, language: str = "nl") -> pd.DataFrame:
    """The results as a reader sees them: KPI label, school year, value (range low–high), target, status in words
    with its reason (ids are in `--format json|csv` and `doel list`)."""
    rows = []
    for r in worded(results, language).to_dict("records"):
        target = target_number(r["target_value"], r["unit"], language)
        status = status_word(r["status"], language) if isinstance(r["status"], str) else "-"
        reason = f" ({r['reason_text']})" if r["reason_text"] else ""
        rows.append((r["label"], school_year(r["year"]), kpi_value(r, language), target, status + reason))
    return pd.DataFrame(rows, columns=[word(f"cli.head.{h}", language) for h in TABLE_HEADS])


def results_table(results: pd.DataFrame, language: str = "nl") -> str:
    """A readable table: KPI, school year, value (or range), target, status and its reason."""
    return text_table(table_rows(results, language))
