"""Codes and numbers as people read them: `1.234` and `80,0%` in Dutch, `2015-2016`, statuses and reasons in words.

The domain layer returns codes; these functions choose the words, in the language asked for, from `kpi/words.toml`.
"""

from __future__ import annotations

import math

from kpi.catalogue import separators, word
from kpi.codes import HIDDEN, SMALL

MASKED_KEYS = {SMALL: "masked.small", HIDDEN: "masked.hidden"}


def _missing(value: object) -> bool:
    """None, NaN, pd.NA (any kind of float) or infinite: nothing to show."""
    try:
        return value is None or not math.isfinite(float(value))
    except TypeError:  # pd.NA
        return True
    except ValueError:  # text
        return False


def _whole(value: float) -> bool:
    return abs(value - round(value)) < 1e-9  # 230 * 1.1 is 253.00000000000003: still whole


def school_year(year: object) -> str:
    """2015 -> `2015-2016`."""
    if _missing(year):
        return "-"
    return f"{int(year)}-{int(year) + 1}"


def number(value: object, unit: str = "count", language: str = "nl", decimals: int | None = None) -> str:
    """A count or share in the language's separators; `-` when missing, `≈ 410` for an estimated count."""
    # a count has a fraction only as an estimate (a suppressed cell counts 2.5): never show half a pupil
    if _missing(value):
        return "-"
    value = float(value)
    if unit == "share":
        text = f"{value * 100:,.{1 if decimals is None else decimals}f}%"
    elif decimals is None and not _whole(value):
        return "≈ " + number(math.copysign(math.floor(abs(value) + 0.5), value), unit, language)
    else:
        text = f"{value:,.{0 if decimals is None else decimals}f}"
    decimal, thousands = separators(language)
    return text.replace(",", "\x00").replace(".", decimal).replace("\x00", thousands)


def target_number(value: object, unit: str = "count", language: str = "nl") -> str:
    """A target is a threshold, not an estimate: a computed count keeps its tenth (254 pupils miss `254,1`)."""
    if unit == "count" and not _missing(value) and not _whole(float(value)):
        return number(value, unit, language, decimals=1)
    return number(value, unit, language)


def estimate_text(value: object, unit: str = "count", exact: bool = True, language: str = "nl") -> str:
    """A value, with one `≈` before it when it is estimated from suppressed cells."""
    text = number(value, unit, language)
    return text if exact or text.startswith("≈") or text == "-" else "≈ " + text


def masked_word(code: str, language: str = "nl") -> str:
    """`<5` or the word for a hidden share."""
    return word(MASKED_KEYS[code], language)


def cell(value: object, unit: str = "count", language: str = "nl") -> str:
    """One cell of a protected table: a masked code in words, or the number."""
    if isinstance(value, str) and value in MASKED_KEYS:
        return masked_word(value, language)
    return value if isinstance(value, str) else number(value, unit, language)


def kpi_value(row: dict, language: str = "nl") -> str:
    """A KPI result's value as shown: masked, a point value, or a point value with its range."""
    masked = row.get("masked")
    if isinstance(masked, str) and masked in MASKED_KEYS:
        return masked_word(masked, language)
    text = number(row.get("value"), row["unit"], language)
    if not row.get("exact", True) and text != "-":
        text += f" ({number(row.get('low'), row['unit'], language)}–{number(row.get('high'), row['unit'], language)})"
    return text


def status_word(status: object, language: str = "nl", no_target: bool = False) -> str:
    """A status code in words; no status is `geen doel` for a KPI without a target (the open-data context
    KPIs), else `geen oordeel` (a year before the baseline)."""
    if isinstance(status, str):
        return word(f"status.{status}", language)
    return word("opendata.no_target" if no_target else "status.none", language)


def reason_text(row: dict, language: str = "nl") -> str:
    """Why a result has the status it has, in words; empty when it needs no reason."""
    code = row.get("reason")
    if not isinstance(code, str) or not code:
        return ""
    unit = row.get("unit", "count")
    if code == "range_spans" and (_missing(row.get("low")) or _missing(row.get("high"))):
        code = "range_spans_masked"  # the range itself is protected: say why without it
    return word(
        f"reason.{code}",
        language,
        year=school_year(row.get("year")),
        baseline_year=school_year(row.get("baseline_year")),
        low=number(row.get("low"), unit, language),
        high=number(row.get("high"), unit, language),
    )


def rule_text(rule: object, amount: float | None, unit: str, baseline_year: object, language: str = "nl") -> str:
    """A target's rule in words: `groei van 10% t.o.v. 2013-2014`, `minstens 30`."""
    if not isinstance(rule, str):
        return ""
    return word(
        f"rule_text.{rule}",
        language,
        percent=number(amount, "share", language, 0) if amount is not None else "",
        amount=number(amount, unit, language),
        baseline_year=school_year(baseline_year),  # a school year, as everywhere (2014-2015)
    )


def moment(value: object) -> str:
    """A stored moment (UTC) as a Dutch clock reads it, to the minute: `28-11-2026 08:41`; empty when missing."""
    import datetime as dt

    import pandas as pd

    from kpi.clock import local_time

    if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    return f"{local_time(value):%d-%m-%Y %H:%M}"


def day(value: object) -> str:
    """A date as `28-11-2026`; empty when missing."""
    import datetime as dt

    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    return f"{value:%d-%m-%Y}"


def plain_value(value: object, language: str = "nl") -> str:
    """A stored setting's value as a person reads it: `naam: X, rol: admin` for a mapping, `-` for none."""
    if value is None or value == "" or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if isinstance(value, dict):
        return ", ".join(f"{key}: {plain_value(item, language)}" for key, item in value.items()) or "-"
    if isinstance(value, list | tuple):
        return ", ".join(plain_value(item, language) for item in value) or "-"
    if isinstance(value, bool):
        return word("cli.yes" if value else "cli.no", language)
    if isinstance(value, int | float):
        return number(value, "count", language, None if isinstance(value, int) else _places(value))
    return str(value)


def _places(value: float) -> int:
    """Decimals that show a stored number without losing or inventing digits (at most 6)."""
    text = f"{value:.6f}".rstrip("0")
    return len(text.split(".")[1]) if "." in text else 0


def text_table(frame: object) -> str:
    """A frame as aligned plain text for the terminal: headers as given, missing cells empty, no index."""
    import pandas as pd

    frame = pd.DataFrame(frame)
    heads = [str(c) for c in frame.columns]
    rows = [["" if _blank(v) else str(v) for v in row] for row in frame.itertuples(index=False)]
    widths = [max(len(r[i]) for r in [heads, *rows]) for i in range(len(heads))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in [heads, *rows])


def _blank(value: object) -> bool:
    import pandas as pd

    return value is None or (not isinstance(value, list | tuple | dict) and bool(pd.isna(value)))
