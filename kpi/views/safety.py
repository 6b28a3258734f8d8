"""Text that a spreadsheet would run as a formula, made harmless for export."""

from __future__ import annotations

import pandas as pd

from kpi.codes import FORMULA_STARTS


def neutralised(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy in which every text cell starting with = + - @ (or tab/CR) is prefixed with `'`."""
    safe = frame.copy()
    for column in safe.columns:
        values = safe[column]
        if values.dtype.kind in "biufcmM" or isinstance(values.dtype, pd.BooleanDtype):
            continue
        text = values.astype("string")
        risky = text.str.startswith(FORMULA_STARTS).fillna(False).astype(bool)
        if risky.any():
            safe[column] = values.astype(object).where(~risky, "'" + text)
    return safe
