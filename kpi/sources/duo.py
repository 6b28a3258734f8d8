"""Adapter: DUO open data "Examenkandidaten en geslaagden vmbo/havo/vwo per vestiging" to a leerlingen delivery.

DUO publishes one wide row per school location and program with columns per school year; the monitor
wants one row per count. Each `GESLAAGDEN SCHOOLJAAR yyyy-yyyy - TOTAAL` becomes an indicator
`gediplomeerd`; DUO's `<5` stays a suppressed count (1 to 4).
"""

from __future__ import annotations

import re

import pandas as pd

from kpi.delivery.schema import SHEETS

PASSED = re.compile(r"GESLAAGDEN SCHOOLJAAR (\d{4})-\d{4} - TOTAAL")
TRACKS = {"B": "VMBO-BB", "K": "VMBO-KB", "G": "VMBO-GL", "T": "VMBO-TL", "LWT": "VMBO-BB"}


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


def duo_exam_rows(raw: pd.DataFrame, municipalities: tuple[str, ...] = ()) -> pd.DataFrame:
    """The DUO file (all cells as text) as leerlingen rows: one per location, program and school year."""
    if municipalities:
        raw = raw[raw["GEMEENTENAAM"].str.upper().isin([m.upper() for m in municipalities])]
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
