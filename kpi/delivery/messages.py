"""Problems found in a delivery: a code and where; their words live in kpi/words.toml (`problem.<code>`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from kpi.catalogue import word

Severity = Literal["error", "warning"]
HEADS = ("severity", "sheet", "row", "column", "found", "expected")
"""The columns of the problem report, in order; their words are `problem_head.<name>`."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or worth a warning) in a delivery: where, what was found, what was expected."""

    code: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    value: str | None = None
    severity: Severity = "error"
    params: dict[str, object] = field(default_factory=dict, compare=False)

    def message(self, language: str = "nl") -> str:
        """What was expected, or what happened, in words."""
        params = {
            k: f"{v:.1f}".replace(".", ",") if isinstance(v, float) and language == "nl" else v
            for k, v in self.params.items()
        }
        return word(f"problem.{self.code}", language, value=self.value, **params)

    def as_row(self, language: str = "nl") -> dict[str, object]:
        """The problem as one line of the report, headed in the user's language."""
        values = (
            word(f"severity.{self.severity}", language),
            self.sheet or "",
            self.row,
            self.column or "",
            self.value or "",
            self.message(language),
        )
        return {word(f"problem_head.{h}", language): v for h, v in zip(HEADS, values, strict=True)}


def report_lines(problems: list[Problem], language: str = "nl") -> list[str]:
    """Problems as printable lines: sheet, Excel row, column, value found, what was expected."""
    sheet, row, column, found = (word(f"problem_head.{h}", language) for h in ("sheet", "row", "column", "found"))
    lines = []
    for p in problems:
        where = [f"{sheet} {p.sheet}" if p.sheet else "", f"{row} {p.row}" if p.row else ""]
        where.append(f"{column} {p.column}" if p.column else "")
        where.append(f"{found} '{p.value}'" if p.value not in (None, "") else "")
        head = word(f"severity.{p.severity}", language).upper()
        location = ", ".join(w for w in where if w)
        lines.append(f"{head}: {location} — {p.message(language)}" if location else f"{head}: {p.message(language)}")
    return lines
