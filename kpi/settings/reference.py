"""The editable reference tables: which programs count as techniek/ICT, and which schools take part.

The techniek/ICT table is a setting in the database (seeded from data/techniek_referentie.csv when empty);
an administrator classifies new program names, audited.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from kpi import paths
from kpi.codes import SYSTEM_ACTOR
from kpi.db import metadata
from kpi.delivery.schema import normalise_key
from kpi.settings.audit import record

DATA_DIR = paths.DATA_DIR
TECHNIEK_TABLE = DATA_DIR / "techniek_referentie.csv"
SCHOOLS_TABLE = DATA_DIR / "scholen.csv"


TECHNIEK_COLUMNS = ("naam", "soort", "techniek", "toelichting")

techniek_reference = sa.Table(
    "techniek_reference",
    metadata,
    sa.Column("key", sa.String(200), primary_key=True),
    sa.Column("naam", sa.Text, nullable=False),
    sa.Column("soort", sa.Text, nullable=False, server_default=""),
    sa.Column("techniek", sa.Boolean, nullable=False),
    sa.Column("toelichting", sa.Text, nullable=False, server_default=""),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("updated_by", sa.Text, nullable=True),
)
"""Program name (matched by `program_key`) -> counts as techniek/ICT or not."""


def techniek_file(path: Path = TECHNIEK_TABLE) -> pd.DataFrame:
    """The techniek/ICT reference table as shipped: naam, soort, techniek, toelichting."""
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    table["techniek"] = table["techniek"].str.strip().str.lower().isin(["ja", "yes", "1", "true"])
    return table


def seed_techniek(engine: Engine, path: Path = TECHNIEK_TABLE, by: str = SYSTEM_ACTOR) -> int:
    """Fill an empty reference table from the file (audited); how many names it stored."""
    with engine.begin() as conn:
        if conn.execute(sa.select(techniek_reference.c.key).limit(1)).first() is not None:
            return 0
        rows = {
            program_key(r["naam"]): {"key": program_key(r["naam"]), **r} for r in techniek_file(path).to_dict("records")
        }
        try:
            with conn.begin_nested():
                conn.execute(techniek_reference.insert(), list(rows.values()))
        except sa.exc.IntegrityError:  # another server seeded it at the same moment
            return 0
        record(conn, by, "reference.seed", path.name, None, {"names": len(rows)})
        return len(rows)


def techniek_table(engine: Engine | None = None) -> pd.DataFrame:
    """The techniek/ICT reference table: from the database (seeded when empty), or the shipped file without one."""
    if engine is None:
        return techniek_file()
    seed_techniek(engine)
    query = sa.select(*(techniek_reference.c[c] for c in TECHNIEK_COLUMNS)).order_by(techniek_reference.c.naam)
    with engine.connect() as conn:
        table = pd.DataFrame(conn.execute(query).all(), columns=list(TECHNIEK_COLUMNS))
    table["techniek"] = table["techniek"].astype(bool)
    return table


def classify_program(
    engine: Engine, name: str, techniek: bool, by: str, soort: str = "", toelichting: str = ""
) -> dict:
    """Say whether a program name counts as techniek/ICT (new or changed); audited `reference.classify`."""
    name = name.strip()
    key = program_key(name)
    if not key:
        raise ValueError("a program name is needed")
    new = {"naam": name, "soort": soort.strip(), "techniek": bool(techniek), "toelichting": toelichting.strip()}
    seed_techniek(engine)
    with engine.begin() as conn:
        found = conn.execute(sa.select(techniek_reference).where(techniek_reference.c.key == key)).mappings().first()
        old = None if found is None else {c: found[c] for c in TECHNIEK_COLUMNS}
        if old is not None:
            new["soort"] = new["soort"] or old["soort"]
            new["toelichting"] = new["toelichting"] or old["toelichting"]
        if old == new:
            return new
        conn.execute(techniek_reference.delete().where(techniek_reference.c.key == key))
        conn.execute(
            techniek_reference.insert().values(key=key, updated_at=dt.datetime.now(dt.UTC), updated_by=by, **new)
        )
        record(conn, by, "reference.classify", name, old, new)
    return new


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
