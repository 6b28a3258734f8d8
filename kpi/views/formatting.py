"""Numbers and school years as people read them: `1.234` and `80,0%` in Dutch, `2015-2016`."""

from __future__ import annotations

import math

from kpi.metrics.privacy import HIDDEN, SMALL


def school_year(year: object) -> str:
    """2015 -> `2015-2016`."""
    if year is None or (isinstance(year, float) and math.isnan(year)):
        return "-"
    return f"{int(year)}-{int(year) + 1}"


def number(value: object, unit: str = "count", language: str = "nl", decimals: int | None = None) -> str:
    """A count or share for display, in the language's separators; `-` when missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    value = float(value)
    if unit == "share":
        text = f"{value * 100:,.{1 if decimals is None else decimals}f}%"
    else:
        places = decimals if decimals is not None else (0 if value == int(value) else 1)
        text = f"{value:,.{places}f}"
    if language == "nl":
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return text


def kpi_value(row: dict, language: str = "nl", masked_words: dict[str, str] | None = None) -> str:
    """A KPI result's value as shown: masked, a point value, or a point value with its range."""
    masked = row.get("masked")
    if masked == SMALL:
        return SMALL
    if masked == HIDDEN:
        return (masked_words or {}).get(HIDDEN, "verborgen" if language == "nl" else "hidden")
    text = number(row.get("value"), row["unit"], language)
    if not row.get("exact", True) and text != "-":
        text += f" ({number(row.get('low'), row['unit'], language)}–{number(row.get('high'), row['unit'], language)})"
    return text
