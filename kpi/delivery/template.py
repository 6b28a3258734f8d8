"""The delivery workbook a school fills in: instructions, the four sheets with headers, value lists."""

from __future__ import annotations

import io

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from kpi.delivery.schema import INSTRUCTIONS_SHEET, SHEETS

INSTRUCTIONS = [
    "Aanleverbestand Techniekpact Monitor Gooi & Vechtstreek",
    "",
    "Zo levert u aan:",
    "1. Vul per blad één regel per telling in; de kopregel laat u staan. Lege bladen mag u laten staan of verwijderen.",
    "2. Verplichte kolommen hebben een vetgedrukte kop; een cel met een keuzelijst accepteert alleen die waarden.",
    "3. Schooljaar: het beginjaar (2015) of voluit (2015-2016). BRIN: 2 cijfers + 2 letters, eventueel + vestiging (20AB01).",
    "4. Aantallen zijn hele getallen vanaf 0. Een klein aantal (1 tot 4) mag u als <5 schrijven; schrijf nooit - of . voor nul.",
    "5. Bij indicator 'doorstroom' vult u naar_onderwijssoort (en liefst naar_opleiding) in.",
    "6. Opnieuw aanleveren vervangt wat uw school eerder voor hetzelfde blad en dezelfde jaren aanleverde.",
    "",
    "Een bestand met een fout wordt niet opgeslagen; u krijgt een overzicht van alle problemen (blad, rij, kolom).",
]
HEADER_FILL = PatternFill("solid", fgColor="DDE7F0")


def _allowed_values(column) -> list[str]:
    if column.kind == "bool":
        return ["ja", "nee"]
    return list(column.values)


def template_bytes() -> bytes:
    """The template workbook as bytes."""
    workbook = Workbook()
    info = workbook.active
    info.title = INSTRUCTIONS_SHEET
    for line in INSTRUCTIONS:
        info.append([line])
    info["A1"].font = Font(bold=True, size=14)
    info.column_dimensions["A"].width = 120
    for sheet in SHEETS.values():
        ws = workbook.create_sheet(sheet.name)
        ws.append([c.name for c in sheet.columns])
        for index, column in enumerate(sheet.columns, start=1):
            cell = ws.cell(row=1, column=index)
            cell.font = Font(bold=column.required)
            cell.fill = HEADER_FILL
            cell.alignment = Alignment(wrap_text=True)
            letter = get_column_letter(index)
            ws.column_dimensions[letter].width = max(14, len(column.name) + 4)
            values = _allowed_values(column) if column.kind in ("enum", "bool") else []
            if values:
                rule = DataValidation(type="list", formula1='"' + ",".join(values) + '"', allow_blank=True)
                rule.error = "Kies een waarde uit de lijst."
                rule.errorTitle = column.name
                ws.add_data_validation(rule)
                rule.add(f"{letter}2:{letter}5000")
        ws.freeze_panes = "A2"
    return _saved(workbook)


def _saved(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def filled_workbook(frames: dict[str, pd.DataFrame]) -> bytes:
    """A delivery workbook holding these frames, shaped as a school would send it (markers for suppressed)."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, frame in frames.items():
        sheet = SHEETS[name]
        ws = workbook.create_sheet(name)
        ws.append([c.name for c in sheet.columns])
        shown = frame.copy()
        for count in sheet.counts:
            marker = shown[f"{count}_onderdrukt"].astype(bool)
            shown[count] = shown[count].astype(object).where(~marker, "<5")
        for column in sheet.columns:
            if column.kind == "bool":
                shown[column.name] = shown[column.name].map({True: "ja", False: "nee"})
        for row in shown[[c.name for c in sheet.columns]].itertuples(index=False):
            ws.append([None if pd.isna(v) else v for v in row])
    return _saved(workbook)
