"""Text from files made harmless on its way out: to a spreadsheet, a chart or markdown, and a terminal.

It imports only the leaf `kpi.codes` (where FORMULA_STARTS lives, so the delivery checks warn by the same rule).
One definition of each rule, here:

- `neutralised(frame)`: every download (CSV, Excel, the meeting pack); headers, index names and cells.
- `html_text(text)`: every label a chart draws (plotly renders `<a href>`, `<b>` ... in names and titles).
- `markdown_text(text)`: data put into markdown (st.markdown, captions, messages, expander labels).
- `printable(text)`: command-line output; terminal escape codes and other control characters removed.
"""

from __future__ import annotations

import html
import re

import pandas as pd

from kpi.codes import FORMULA_STARTS

_LEADING_SPACE = " \u00a0"
_TERMINAL_CODES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]|\x9b[0-?]*[ -/]*[@-~]"
)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
"""Control characters (tab and newline kept) and the bidirectional overrides that reorder what a terminal shows."""
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>$:])")


def formula_like(text: pd.Series) -> pd.Series:
    """Per value: would a spreadsheet run it as a formula (also after leading spaces)? Missing values: False."""
    stripped = text.astype("string").str.lstrip(_LEADING_SPACE)
    return stripped.str.startswith(FORMULA_STARTS).fillna(False).astype(bool)


def safe_cell(value: object) -> object:
    """One value as a spreadsheet should see it: text that would be a formula gets a leading `'`."""
    if isinstance(value, str) and value.lstrip(_LEADING_SPACE).startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _safe_labels(index: pd.Index) -> pd.Index:
    """Index or column labels (every level of a MultiIndex) and their names, neutralised."""
    if isinstance(index, pd.MultiIndex):
        levels = [_safe_labels(level) for level in index.levels]
        safe = index.set_levels(levels, verify_integrity=False)
    else:
        safe = index if index.dtype.kind in "biufcmM" else index.map(safe_cell)
    return safe.set_names([safe_cell(n) for n in index.names])


def neutralised(frame: pd.DataFrame) -> pd.DataFrame:
    """The one way a frame leaves for a spreadsheet: no header, index name or text cell can be a formula.

    Text starting with = + - @ (or tab, CR, LF, their full-width forms, after spaces) gets a leading `'`;
    numbers stay numbers (a negative number is no formula).
    """
    safe = frame.copy()
    safe.columns = _safe_labels(safe.columns)
    safe.index = _safe_labels(safe.index)
    for position in range(safe.shape[1]):
        values = safe.iloc[:, position]
        if values.dtype.kind in "biufcmM" or isinstance(values.dtype, pd.BooleanDtype):
            continue
        risky = formula_like(values)
        if risky.any():
            safe.isetitem(position, values.astype(object).where(~risky, "'" + values.astype("string")))
    return safe


def html_text(text: object) -> str:
    """A label for a chart or HTML page: `<`, `>` and `&` escaped, so a name is shown, never run as markup."""
    return html.escape(str(text), quote=False)


def markdown_text(text: object) -> str:
    """Data inside markdown: HTML escaped and markdown syntax backslashed, so a value never becomes a link."""
    return _MARKDOWN.sub(r"\\\1", html_text(text))


def printable(text: str) -> str:
    """Text for a terminal: escape sequences and control characters removed (tab and newline kept)."""
    return _CONTROL.sub("", _TERMINAL_CODES.sub("", text))
