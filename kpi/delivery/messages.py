"""Problems found in a delivery, and the one table of their Dutch and English wording."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from kpi.catalogue import word

Language = Literal["nl", "en"]
Severity = Literal["error", "warning"]

# code -> (Dutch, English): what was expected, or what happened. {placeholders} come from params.
MESSAGES: dict[str, tuple[str, str]] = {
    "file_empty": ("Het bestand is leeg.", "The file is empty."),
    "file_too_large": (
        "Het bestand is {size_mb} MB; de grens is {limit_mb} MB. Splits het bestand of lever per schooljaar aan.",
        "The file is {size_mb} MB; the limit is {limit_mb} MB. Split it or deliver one school year at a time.",
    ),
    "file_encrypted": (
        "Het bestand is beveiligd met een wachtwoord. Sla het op zonder wachtwoord en lever het opnieuw aan.",
        "The file is password-protected. Save it without a password and deliver it again.",
    ),
    "file_bomb": (
        "Het bestand zou uitgepakt meer dan {limit_mb} MB zijn; zo'n bestand wordt niet gelezen.",
        "Unpacked, the file would be more than {limit_mb} MB; such a file is not read.",
    ),
    # --- reading limits ---
    "file_too_many_cells": (
        "Het blad reikt tot cel {cell} ({rows} rijen × {columns} kolommen); de grens is {limit} cellen. "
        "Verwijder lege rijen en kolommen onder en naast de gegevens (ook opmaak) en lever opnieuw aan.",
        "The sheet reaches cell {cell} ({rows} rows × {columns} columns); the limit is {limit} cells. "
        "Delete empty rows and columns below and beside the data (formatting too) and deliver again.",
    ),
    "file_read_memory": (
        "Het lezen van dit bestand ging over de geheugengrens van {limit_mb} MB en is gestopt; er is niets "
        "opgeslagen. Verwijder lege rijen en kolommen of splits het bestand.",
        "Reading this file went over the memory limit of {limit_mb} MB and was stopped; nothing was stored. "
        "Delete empty rows and columns or split the file.",
    ),
    "file_read_timeout": (
        "Het lezen van dit bestand duurde langer dan {seconds} seconden en is gestopt; splits het bestand.",
        "Reading this file took longer than {seconds} seconds and was stopped; split the file.",
    ),
    "file_nul": (
        "Het bestand bevat een NUL-teken (een onzichtbaar teken dat in tekst niet hoort); sla het opnieuw op als CSV.",
        "The file contains a NUL character (an invisible character that does not belong in text); save it as CSV again.",
    ),
    "file_mixed_encoding": (
        "Het bestand mengt twee tekencoderingen (UTF-8 en een andere) vanaf deze regel; letters als é zouden "
        "verminkt raken. Sla het op als 'CSV UTF-8'.",
        "The file mixes two character encodings (UTF-8 and another) from this line on; letters such as é would be "
        "garbled. Save it as 'CSV UTF-8'.",
    ),
    "csv_too_many_lines": (
        "Het bestand heeft meer dan {limit} regels (ook lege regels tellen); splits het bestand.",
        "The file has more than {limit} lines (empty lines count too); split the file.",
    ),
    "csv_line_too_long": (
        "Deze regel is langer dan {limit} tekens; zo'n regel komt in een export niet voor.",
        "This line is longer than {limit} characters; an export has no such line.",
    ),
    "csv_too_many_fields": (
        "Deze regel heeft meer dan {limit} velden; controleer het scheidingsteken.",
        "This line has more than {limit} fields; check the separator.",
    ),
    "count_thousands": (
        "'{value}' heeft een punt of komma als scheiding van duizendtallen; schrijf het aantal zonder (1000).",
        "'{value}' has a point or comma as thousands separator; write the count without it (1000).",
    ),
    "text_control": (
        "Tekst met een onzichtbaar stuurteken (zoals NUL of een escape-teken); verwijder het.",
        "Text with an invisible control character (such as NUL or escape); remove it.",
    ),
    "text_too_long": (
        "Tekst van meer dan {limit} tekens; zo lang is geen naam of omschrijving.",
        "Text of more than {limit} characters; no name or description is that long.",
    ),
    # --- end reading limits ---
    "file_kind_mismatch": (
        "De naam eindigt op {extension}, maar de inhoud is {detected}; het bestand is gelezen als {detected}.",
        "The name ends in {extension}, but the content is {detected}; the file was read as {detected}.",
    ),
    "no_sheets": (
        "Geen enkel werkblad werd herkend. Verwacht: bladen leerlingen, organisaties, werkenden of arbeidsmarkt met hun kolomkoppen (zie de template).",
        "No sheet was recognised. Expected: sheets leerlingen, organisaties, werkenden or arbeidsmarkt with their column headers (see the template).",
    ),
    "no_rows": (
        "Het bestand bevat geen enkele regel met gegevens; er is niets aan te leveren.",
        "The file holds no data rows; there is nothing to deliver.",
    ),
    "sheet_skipped": (
        "Werkblad overgeslagen: het past bij geen enkel blad van de template.",
        "Sheet skipped: it matches no sheet of the template.",
    ),
    "sheet_twice": (
        "Het blad {sheet} komt meer dan eens voor in dit bestand (ook in '{other}'); lever het in één werkblad aan.",
        "Sheet {sheet} occurs more than once in this file (also in '{other}'); deliver it in one sheet.",
    ),
    "header_not_found": (
        "Geen kopregel gevonden met de verplichte kolommen {columns}.",
        "No header row found with the required columns {columns}.",
    ),
    "column_missing": ("Verplichte kolom ontbreekt.", "Required column is missing."),
    "column_unknown": ("Onbekende kolom; wordt genegeerd.", "Unknown column; ignored."),
    "column_twice": ("Kolom komt twee keer voor; de eerste wordt gebruikt.", "Column occurs twice; the first is used."),
    "total_row": ("Totaalregel herkend en weggelaten.", "Totals row recognised and left out."),
    "required": ("Een waarde is verplicht.", "A value is required."),
    "required_when": (
        "Een waarde is verplicht als {other} '{when}' is.",
        "A value is required when {other} is '{when}'.",
    ),
    "year_format": (
        "Een schooljaar zoals 2015 of 2015-2016.",
        "A school year such as 2015 or 2015-2016.",
    ),
    "year_range": ("Een jaar van {minimum} tot en met {maximum}.", "A year from {minimum} to {maximum}."),
    "brin_format": (
        "Een BRIN-code: 2 cijfers en 2 letters (20AB), eventueel met 2 cijfers voor de vestiging (20AB01).",
        "A BRIN code: 2 digits and 2 letters (20AB), optionally with 2 digits for the location (20AB01).",
    ),
    "brin_unknown": (
        "Een BRIN-code van een school in het register van het Techniekpact (data/scholen.csv); deze school is onbekend.",
        "A BRIN code of a school in the Techniekpact register (data/scholen.csv); this school is unknown.",
    ),
    "brin_not_yours": (
        "Alleen gegevens van school {school}: u levert aan namens die school.",
        "Only data of school {school}: you deliver on behalf of that school.",
    ),
    "sheet_not_yours": (
        "Dit blad wordt door de regio aangeleverd, niet door een school.",
        "This sheet is delivered by the region, not by a school.",
    ),
    "kvk_format": ("Een KvK-nummer van 8 cijfers.", "A KvK number of 8 digits."),
    "crebo_format": ("Een crebocode van 5 cijfers.", "A crebo code of 5 digits."),
    "enum": ("Een van: {values}.", "One of: {values}."),
    "bool": ("ja of nee.", "yes or no (ja/nee)."),
    "int_format": ("Een geheel getal.", "A whole number."),
    "int_range": (
        "Een geheel getal van {minimum} tot en met {maximum}.",
        "A whole number from {minimum} to {maximum}.",
    ),
    "count_format": (
        "Een geheel getal van 0 of meer, of <5 voor een klein aantal (1 tot 4).",
        "A whole number of 0 or more, or <5 for a small number (1 to 4).",
    ),
    "count_negative": ("Een aantal van 0 of meer; negatief kan niet.", "A count of 0 or more; negative is impossible."),
    "count_fraction": ("Een geheel aantal, zonder decimalen.", "A whole count, without decimals."),
    "count_ambiguous": (
        "'{value}' is dubbelzinnig: vul 0 in voor nul, of <5 voor een klein aantal (1 tot 4).",
        "'{value}' is ambiguous: write 0 for zero, or <5 for a small number (1 to 4).",
    ),
    "duplicate": (
        "Dubbele regel: gelijk aan rij {other} in alle kolommen behalve de aantallen.",
        "Duplicate row: equal to row {other} in every column except the counts.",
    ),
    "text_formula": (
        "Tekst die begint met '{first}' is als tekst bewaard; in exports wordt die onschadelijk gemaakt.",
        "Text starting with '{first}' is stored as text; exports neutralise it.",
    ),
}


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
    rows: tuple[int, ...] = ()
    """Every Excel row with this problem, ascending; `row` is the first. One problem, many rows: grouped."""

    def __post_init__(self) -> None:
        if not self.rows and self.row is not None:
            object.__setattr__(self, "rows", (self.row,))
        elif self.rows and self.row is None:
            object.__setattr__(self, "row", self.rows[0])

    def message(self, language: Language = "nl") -> str:
        if self.code not in MESSAGES:
            return word(f"problem.{self.code}", language, value=self.value, **self.params)
        nl, en = MESSAGES[self.code]
        template = nl if language == "nl" else en
        params = {
            k: f"{v:.1f}".replace(".", ",") if isinstance(v, float) and language == "nl" else v
            for k, v in self.params.items()
        }
        return template.format(value=self.value, **params)
