"""The targets file (data/targets.csv): baselines and targets per KPI, editable by analysts, checked line by line."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from kpi import paths
from kpi.metrics.registry import REGISTRY

TARGETS_FILE = paths.DATA_DIR / "targets.csv"
Rule = Literal["growth", "at_least", "at_most", "increase", "decrease"]
RULES: tuple[str, ...] = ("growth", "at_least", "at_most", "increase", "decrease")
COLUMNS = ("kpi", "baseline_year", "target_year", "rule", "target", "source")


class TargetsError(ValueError):
    """The targets file cannot be used; the message names the file, line and what to fix."""


@dataclass(frozen=True)
class Target:
    kpi: str
    baseline_year: int
    target_year: int
    rule: Rule
    amount: float | None
    """growth: the fraction (0.10); at_least/at_most: the number or share; increase/decrease: None."""
    source: str = ""


def _amount(text: str, rule: str, where: str) -> float | None:
    text = text.strip().replace(",", ".")
    if rule in ("increase", "decrease"):
        if text:
            raise TargetsError(f"{where}: rule '{rule}' takes no target value, found '{text}'")
        return None
    if not text:
        raise TargetsError(f"{where}: rule '{rule}' needs a target value (e.g. 10% or 30)")
    percent = text.endswith("%")
    try:
        number = float(text.rstrip("%"))
    except ValueError:
        raise TargetsError(f"{where}: target '{text}' is not a number (write e.g. 10%, 0.8 or 30)") from None
    return number / 100 if percent else number


def parse_targets(text: str, name: str = "targets.csv") -> dict[str, list[Target]]:
    """Targets per KPI id, sorted by target year; TargetsError names the line of any mistake."""
    rows = list(csv.reader(text.splitlines()))
    if not rows or tuple(c.strip() for c in rows[0]) != COLUMNS:
        raise TargetsError(f"{name} line 1: header must be {','.join(COLUMNS)}")
    targets: dict[str, list[Target]] = {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        where = f"{name} line {number}"
        if len(row) < 5:
            raise TargetsError(f"{where}: expected {len(COLUMNS)} columns, found {len(row)}")
        kpi, baseline, target_year, rule, amount = (c.strip() for c in row[:5])
        if kpi not in REGISTRY:
            raise TargetsError(f"{where}: unknown KPI '{kpi}' (known: {', '.join(REGISTRY)})")
        if rule not in RULES:
            raise TargetsError(f"{where}: unknown rule '{rule}' (one of {', '.join(RULES)})")
        try:
            years = int(baseline), int(target_year)
        except ValueError:
            raise TargetsError(
                f"{where}: years must be whole numbers, found '{baseline}' and '{target_year}'"
            ) from None
        if years[0] >= years[1]:
            raise TargetsError(f"{where}: the baseline year {years[0]} must come before the target year {years[1]}")
        value = _amount(amount, rule, where)
        if REGISTRY[kpi].unit == "share" and value is not None and rule != "growth" and not 0 <= value <= 1:
            raise TargetsError(f"{where}: '{kpi}' is a share; write its target as a percentage (80%) or fraction (0.8)")
        source = row[5].strip() if len(row) > 5 else ""
        entry = Target(kpi, years[0], years[1], rule, value, source)  # type: ignore[arg-type]
        if any(t.target_year == entry.target_year for t in targets.get(kpi, [])):
            raise TargetsError(f"{where}: '{kpi}' already has a target for {entry.target_year}")
        targets.setdefault(kpi, []).append(entry)
    return {k: sorted(v, key=lambda t: t.target_year) for k, v in targets.items()}


def load_targets(path: Path = TARGETS_FILE) -> dict[str, list[Target]]:
    """The targets file as shipped or edited."""
    return parse_targets(path.read_text(encoding="utf-8-sig"), path.name)


def target_for(targets: list[Target], year: int | None) -> Target | None:
    """The target a year is judged by: the first whose target year is not before it, else the last."""
    if not targets:
        return None
    if year is None:
        return targets[0]
    return next((t for t in targets if t.target_year >= year), targets[-1])
