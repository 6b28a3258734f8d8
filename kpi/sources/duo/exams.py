"""DUO "Examenkandidaten en geslaagden vmbo/havo/vwo per vestiging": the first adapter of the family.

DUO publishes one wide row per school location and program with columns per school year. As open data it
is stored per location, program and year (`EXAMS`); `duo_exam_rows` turns the same file into a leerlingen
delivery workbook (`gediplomeerd` per location), the older route that `python -m kpi duo-examens` keeps.
"""

from __future__ import annotations

import re

import pandas as pd

from kpi.delivery.schema import SHEETS
from kpi.sources.duo.base import Adapter

PASSED = re.compile(r"GESLAAGDEN SCHOOLJAAR (\d{4})-\d{4} - TOTAAL")
TRACKS = {"B": "VMBO-BB", "K": "VMBO-KB", "G": "VMBO-GL", "T": "VMBO-TL", "LWT": "VMBO-BB"}
LOCATION = re.compile(r"\d{2}[A-Z0-9]{2}\d{2}")
INSTITUTION = re.compile(r"\d{2}[A-Z0-9]{2}")


def _level(kind: str, program: str) -> str:
    """`VMBO K - techniek` -> VMBO-KB; HAVO and VWO as they are."""
    if kind != "VMBO":
        return kind
    track = program.split(" - ")[0].split()[-1]
    return TRACKS.get(track, "VMBO-BB")


def _program(program: str) -> str:
    """DUO gives the vmbo sector only (`techniek`, `zorg en welzijn`, ...); havo/vwo the profile as written.

    The leerwerktraject (LWT) counts under VMBO-BB but keeps its own name, so it never collides with BB rows.
    """
    sector = program.split(" - ", 1)[1].strip() if " - " in program else program
    return f"{sector} (leerwerktraject)" if program.startswith("VMBO LWT") else sector


def sector(row: dict[str, str]) -> str:
    """The vmbo sector in one spelling (`techniek`, `zorg en welzijn`, ...); '' for havo/vwo and unnamed ones."""
    program = row["opleiding"]
    if row["onderwijstype"] != "VMBO" or " - " not in program:
        return ""
    return program.split(" - ", 1)[1].strip().lower().replace(" & ", " en ")


def level(row: dict[str, str]) -> str:
    """The level as the monitor names it: VMBO-BB/KB/GL/TL (the leerwerktraject under BB), HAVO, VWO."""
    return _level(row["onderwijstype"], row["opleiding"])


EXAMS = Adapter(
    dataset="duo-examens",
    table="duo_exam_counts",
    title="Examenkandidaten en geslaagden vmbo/havo/vwo per vestiging",
    keys={
        "instelling": "INSTELLINGSCODE",
        "vestiging": "VESTIGINGSCODE",
        "naam": "INSTELLINGSNAAM VESTIGING",
        "gemeente": "GEMEENTENAAM",
        "onderwijstype": "ONDERWIJSTYPE VO",
        "opleiding": "OPLEIDINGSNAAM",
    },
    measures={"kandidaten": "EXAMENKANDIDATEN", "geslaagden": "GESLAAGDEN"},
    derived={"sector": sector, "niveau": level},
    patterns={"vestiging": LOCATION, "instelling": INSTITUTION},
)


def duo_exam_rows(
    raw: pd.DataFrame, municipalities: tuple[str, ...] = (), locations: tuple[str, ...] = ()
) -> pd.DataFrame:
    """The DUO file (all cells as text) as leerlingen rows: one per location, program and school year.

    Kept: rows in one of `municipalities` or at one of `locations` (Weesp's schools are listed under
    AMSTERDAM, so a region names them by location); neither given keeps every row.
    """
    if municipalities or locations:
        in_region = raw["GEMEENTENAAM"].str.upper().isin([m.upper() for m in municipalities])
        raw = raw[in_region | raw["VESTIGINGSCODE"].str.upper().isin([c.upper() for c in locations])]
    rows = []
    for column in raw.columns:
        found = PASSED.fullmatch(column)
        if not found:
            continue
        for location, school, kind, program, count in zip(
            raw["VESTIGINGSCODE"],
            raw["INSTELLINGSNAAM VESTIGING"],
            raw["ONDERWIJSTYPE VO"],
            raw["OPLEIDINGSNAAM"],
            raw[column],
            strict=True,
        ):
            rows.append(
                {
                    "schooljaar": found.group(1),
                    "brin": location,
                    "school": school,
                    "onderwijssoort": _level(kind, program),
                    "opleiding": _program(program),
                    "indicator": "gediplomeerd",
                    "aantal": count,
                }
            )
    columns = [c.name for c in SHEETS["leerlingen"].columns]
    return pd.DataFrame(rows).reindex(columns=columns)


def read_duo_exams(path) -> pd.DataFrame:
    """DUO's CSV as published: `;`-separated, every field quoted, all text."""
    return pd.read_csv(path, sep=";", dtype=str, keep_default_na=False)
