"""Open data for people: problems with a DUO file in words, the list of loads, the region's members."""

from __future__ import annotations

from kpi.catalogue import word
from kpi.sources.duo.base import DuoFileError


def problem_lines(error: DuoFileError, language: str = "nl") -> list[str]:
    """Every problem with a DUO file in one line each, naming the file, line and column."""
    lines = [
        word(f"opendata.problem.{p.code}", language, file=error.file_name, line=p.line or "", column=p.column or "",
             value=p.value or "")
        for p in error.problems
    ]  # fmt: skip
    if error.more:
        lines.append(word("opendata.problem.more", language, n=error.more))
    return lines


def school_years(years: list[int]) -> str:
    """[2019, ..., 2023] -> `2019-2020 t/m 2023-2024` (Dutch) or `to` (English)."""
    if not years:
        return "-"
    first, last = min(years), max(years)
    return f"{first}-{first + 1}" if first == last else f"{first}-{first + 1} – {last}-{last + 1}"
