"""KPI results as text for the command line: a table, CSV or the JSON of interfaces.md."""

from __future__ import annotations

import json
import math

import pandas as pd

from kpi.metrics.benchmark import BENCHMARK_FIELDS
from kpi.metrics.compute import JSON_FIELDS
from kpi.views.export import csv_bytes


def _plain(value: object) -> object:
    """JSON-safe: NaN and NA become null, numpy numbers plain numbers."""
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):
        return value.item()
    return value


def results_json(results: pd.DataFrame) -> str:
    """One JSON array; each element one KPI in one year, with exactly the fields of interfaces.md."""
    fields = (*JSON_FIELDS, *BENCHMARK_FIELDS)  # nl_* null and source `leveringen` where a frame lacks them
    records = [{name: _plain(row.get(name)) for name in fields} for _, row in results.iterrows()]
    for record in records:
        if record["year"] is not None:
            record["year"] = int(record["year"])
        for name in ("baseline_year", "target_year"):
            if record[name] is not None:
                record[name] = int(record[name])
        record["exact"] = bool(record["exact"])
        record["source"] = record["source"] or "leveringen"
    return json.dumps(records, ensure_ascii=False, indent=1)


def results_csv(results: pd.DataFrame) -> bytes:
    extra = [c for c in BENCHMARK_FIELDS if c in results.columns]
    return csv_bytes(results[[*JSON_FIELDS, *extra, "reason_text"]])


def _shown(value: object, unit: str) -> str:
    if value is None or pd.isna(value):
        return "-"
    return f"{value:.1%}" if unit == "share" else f"{value:,.1f}".rstrip("0").rstrip(".")


def results_table(results: pd.DataFrame) -> str:
    """A readable table: KPI, year, value (or range), target, status and its reason."""
    lines = []
    for _, r in results.iterrows():
        value = _shown(r["value"], r["unit"])
        if not r["exact"] and r["value"] is not None and not pd.isna(r["value"]):
            value += f" [{_shown(r['low'], r['unit'])}–{_shown(r['high'], r['unit'])}]"
        year = "" if r["year"] is None or pd.isna(r["year"]) else str(int(r["year"]))
        target = _shown(r["target_value"], r["unit"])
        status = r["status"] if isinstance(r["status"], str) else "-"
        reason = f" ({r['reason_text']})" if r["reason_text"] else ""
        lines.append((r["id"], year, value, target, status + reason))
    headers = ("kpi", "jaar", "waarde", "doel", "status")
    widths = [max(len(str(row[i])) for row in [headers, *lines]) for i in range(4)]
    out = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=False)) + "  status"]
    out[0] = "  ".join(h.ljust(w) for h, w in zip(headers[:4], widths, strict=True)) + "  " + headers[4]
    for row in lines:
        out.append("  ".join(str(c).ljust(w) for c, w in zip(row[:4], widths, strict=True)) + "  " + row[4])
    return "\n".join(out)
