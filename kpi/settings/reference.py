"""The editable reference tables: which programs count as techniek/ICT, and which schools take part."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from kpi import paths
from kpi.delivery.schema import normalise_key

DATA_DIR = paths.DATA_DIR
TECHNIEK_TABLE = DATA_DIR / "techniek_referentie.csv"
SCHOOLS_TABLE = DATA_DIR / "scholen.csv"


def techniek_table(path: Path = TECHNIEK_TABLE) -> pd.DataFrame:
    """The techniek/ICT reference table as shipped or edited: naam, soort, techniek, toelichting."""
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    table["techniek"] = table["techniek"].str.strip().str.lower().isin(["ja", "yes", "1", "true"])
    return table


def program_key(name: object) -> str:
    """Matching key for program names: case, accents, spaces and punctuation ignored."""
    return re.sub(r"[^0-9a-z&]+", "", normalise_key(name))


def techniek_lookup(table: pd.DataFrame) -> dict[str, bool]:
    """Program key -> counts as techniek/ICT."""
    return {program_key(name): bool(flag) for name, flag in zip(table["naam"], table["techniek"], strict=True)}


def techniek_flags(programs: pd.Series, lookup: dict[str, bool]) -> pd.Series:
    """Per program name: True, False, or NA when the reference table does not know it."""
    categories = pd.Series(programs.astype("category").cat.categories)
    known = categories.map(lambda p: lookup.get(program_key(p)))
    mapping = dict(zip(categories, known, strict=True))
    return programs.map(mapping).astype("boolean")


def unknown_programs(leerlingen: pd.DataFrame, lookup: dict[str, bool]) -> pd.DataFrame:
    """Program names in the stored data that the reference table does not classify, most rows first."""
    columns = ["opleiding", "rijen", "scholen"]
    if leerlingen.empty:
        return pd.DataFrame(columns=columns)
    destinations = leerlingen[["naar_opleiding", "brin"]].rename(columns={"naar_opleiding": "opleiding"})
    frame = pd.concat([leerlingen[["opleiding", "brin"]], destinations]).dropna(subset=["opleiding"])
    frame = frame[techniek_flags(frame["opleiding"], lookup).isna()]
    summary = frame.groupby("opleiding").agg(rijen=("brin", "size"), scholen=("brin", "nunique")).reset_index()
    return summary.sort_values(["rijen", "opleiding"], ascending=[False, True]).reset_index(drop=True)[columns]


def schools_table(path: Path = SCHOOLS_TABLE) -> pd.DataFrame:
    """The register of participating schools: brin (institution), naam, gemeente, soort, bron."""
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def known_schools(path: Path = SCHOOLS_TABLE) -> set[str]:
    """Institution codes (4 characters) a delivery may name."""
    return {b.strip().upper()[:4] for b in schools_table(path)["brin"]}
