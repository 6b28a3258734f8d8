"""Downloads fit for Dutch Excel: headers and words in the language, whole numbers as integers, decimal commas
in CSV, real numbers in .xlsx, and first a statement of what was selected and when."""

from __future__ import annotations

import io

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from kpi.catalogue import word
from kpi.codes import SMALL
from kpi.metrics.registry import REGISTRY
from kpi.views.formatting import school_year, status_word
from kpi.views.safety import neutralised

Context = list[tuple[str, str]]
"""Lines stating the download: (what, value), e.g. ("Selectie", "Hele regio")."""


def tidy(frame: pd.DataFrame, language: str = "nl") -> pd.DataFrame:
    """Whole-number columns as integers (2014, not 2014.0), yes/no columns in words."""
    tidied = frame.copy()
    yes, no = word("yes", language), word("defs.no", language)
    for column in tidied.columns:
        values = tidied[column]
        if values.dtype == bool or isinstance(values.dtype, pd.BooleanDtype):
            tidied[column] = [yes if v is True or v == True else no for v in values]  # noqa: E712 (numpy bools)
        elif values.dtype.kind == "f":
            known = values.dropna()
            if len(known) and (known == known.round()).all():
                tidied[column] = values.astype("Int64")
    return tidied


def kpi_download(rows: pd.DataFrame, language: str = "nl") -> pd.DataFrame:
    """One KPI per school year with headers and status in words; masked numbers stay empty."""
    ordered = rows.dropna(subset=["year"]).sort_values("year")
    masked = ordered["masked"] if "masked" in ordered else pd.Series(None, index=ordered.index)
    return pd.DataFrame(
        {
            word("meet.kpi", language): [REGISTRY[i].label(language) for i in ordered["id"]],
            word("meet.school_year", language): [school_year(y) for y in ordered["year"]],
            word("meet.value", language): ordered["value"].astype(float).to_numpy(),
            word("meet.low", language): ordered["low"].where(~ordered["exact"].astype(bool)).astype(float).to_numpy(),
            word("meet.high", language): ordered["high"].where(~ordered["exact"].astype(bool)).astype(float).to_numpy(),
            word("meet.baseline", language): ordered["baseline_value"].astype(float).to_numpy(),
            word("meet.target", language): ordered["target_value"].astype(float).to_numpy(),
            word("meet.status", language): [status_word(s, language) for s in ordered["status"]],
            word("meet.projection", language): ordered["projection"].astype(float).to_numpy(),
            word("meet.small_numbers", language): [
                word("dl.masked_small" if m == SMALL else "dl.masked_hidden", language) if isinstance(m, str) else ""
                for m in masked
            ],
        }
    )


def flows_download(flows: pd.DataFrame, language: str = "nl") -> pd.DataFrame:
    """Flows between levels with headers in words."""
    return pd.DataFrame(
        {
            word("from", language): flows["van"].to_numpy(),
            word("to", language): flows["naar"].to_numpy(),
            word("count", language): flows["aantal"].astype(float).to_numpy(),
            word("dl.exact", language): flows["exact"].astype(bool).to_numpy(),
            word("in_plan", language): flows["plan"].astype(bool).to_numpy(),
        }
    )


def context_lines(
    selection: str, made: str, language: str = "nl", year: int | None = None, demo: bool = False, what: str = ""
) -> Context:
    """What a download holds and when it was made, for its first lines or first sheet."""
    lines = [(word("dl.what", language), what)] if what else []
    lines.append((word("meet.selection", language), selection))
    if year is not None:
        lines.append((word("meet.school_year", language), school_year(year)))
    lines.append((word("meet.made_label", language), made))
    if demo:
        lines.append((word("meet.demo_label", language), word("meet.demo_notice", language)))
    return lines


def csv_download(frame: pd.DataFrame, context: Context, language: str = "nl") -> bytes:
    """`;` CSV with decimal commas (Dutch) or points (English), the context first, a BOM for Excel."""
    table = neutralised(tidy(frame, language))
    lines = [f"{what};{value}" if what else value for what, value in context]
    body = table.to_csv(index=False, sep=";", decimal="," if language == "nl" else ".", lineterminator="\n")
    return ("\n".join(lines) + "\n\n" + body).encode("utf-8-sig")


def xlsx_download(
    frame: pd.DataFrame, context: Context, sheet: str, language: str = "nl", shares: bool = False
) -> bytes:
    """A workbook: first the context sheet (what was selected, when), then the table with real numbers."""
    workbook = Workbook()
    first = workbook.active
    first.title = word("meet.sheet_selection", language)
    for what, value in context:
        first.append([what, value])
    for cell in first["A"]:
        cell.font = Font(bold=True)
    first.column_dimensions["A"].width, first.column_dimensions["B"].width = 22, 100
    data = workbook.create_sheet(sheet[:31])
    table = neutralised(tidy(frame, language))
    data.append([str(c) for c in table.columns])
    for record in table.itertuples(index=False):
        data.append([None if v is pd.NA or (isinstance(v, float) and pd.isna(v)) else v for v in record])
    for cell in data[1]:
        cell.font = Font(bold=True)
    for index, column in enumerate(table.columns, start=1):
        values = table[column]
        if values.dtype.kind == "f":
            number_format = "0.0%" if shares else "#,##0.0"
            for cell in data[get_column_letter(index)][1:]:
                cell.number_format = number_format
        longest = max([len(str(column)), *(len(str(v)) for v in values.head(200))])
        data.column_dimensions[get_column_letter(index)].width = min(max(10, longest + 2), 60)
    data.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
