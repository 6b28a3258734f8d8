"""Stored facts to CSV or XLSX files that are safe to open in a spreadsheet."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from kpi.catalogue import WordedError
from kpi.views.safety import neutralised


def _flat(frame: pd.DataFrame) -> pd.DataFrame:
    """Column labels on one header row: the levels of a MultiIndex joined (a spreadsheet has one header)."""
    if not isinstance(frame.columns, pd.MultiIndex):
        return frame
    flat = frame.copy()
    flat.columns = [" ".join(str(part) for part in label if str(part)) for label in frame.columns]
    return flat


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """Semicolon CSV with a BOM, as Dutch Excel opens it; formulas neutralised."""
    return neutralised(_flat(frame)).to_csv(index=False, sep=";").encode("utf-8-sig")


def xlsx_bytes(sheets: dict[str, pd.DataFrame]) -> bytes:
    """A workbook with one sheet per frame; formulas neutralised, so no cell is ever a formula."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            neutralised(_flat(frame)).to_excel(writer, sheet_name=name[:31], index=False)
            writer.sheets[name[:31]].freeze_panes = "A2"
    return buffer.getvalue()


def write_export(path: Path, sheets: dict[str, pd.DataFrame]) -> None:
    """Write to .xlsx (every sheet) or .csv (the first sheet); the suffix decides."""
    if path.suffix.lower() == ".csv":
        path.write_bytes(csv_bytes(next(iter(sheets.values()))))
    elif path.suffix.lower() == ".xlsx":
        path.write_bytes(xlsx_bytes(sheets))
    else:
        raise WordedError("cli.export_suffix", suffix=path.suffix or "-")
