"""The delivery contract as data: every sheet, column, alias and allowed value is named here once."""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Literal

import pandas as pd

Kind = Literal["year", "brin", "kvk", "crebo", "text", "enum", "int", "count", "bool"]

SUPPRESSED_SUFFIX = "_onderdrukt"
"""Count column `x` is stored with a boolean `x_onderdrukt`: the school wrote `<5` or `*`."""


INSTRUCTIONS_SHEET = "Toelichting"
"""The template's instructions sheet: it holds no data, so a delivery may keep it without a warning."""


def normalise_key(text: object) -> str:
    """Matching key: lower case, accents removed, spaces, `_`, `-` and `.` ignored."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"[\s_\-.]+", "", plain).lower()


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind
    required: bool = False
    aliases: tuple[str, ...] = ()
    values: tuple[str, ...] = ()
    value_aliases: dict[str, str] = field(default_factory=dict)
    minimum: int | None = None
    maximum: int | None = None
    required_when: tuple[str, str] | None = None
    """(column, value): required only on rows where that column has that value."""

    def value_lookup(self) -> dict[str, str]:
        """Normalised spelling -> canonical value, for enumerations and yes/no."""
        if self.kind == "bool":
            return {k: v for v, keys in BOOL_SPELLINGS.items() for k in keys}
        lookup = {normalise_key(v): v for v in self.values}
        lookup.update({normalise_key(k): v for k, v in self.value_aliases.items()})
        return lookup


@dataclass(frozen=True)
class Sheet:
    name: str
    aliases: tuple[str, ...]
    columns: tuple[Column, ...]
    year: str
    school: str | None = None
    """The column that identifies the delivering school; re-delivery replaces per school and year."""

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def counts(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.kind == "count")

    @property
    def key(self) -> tuple[str, ...]:
        """Columns that identify a row: two rows equal on these are duplicates."""
        return tuple(c.name for c in self.columns if c.kind != "count")

    @property
    def stored_columns(self) -> tuple[str, ...]:
        extra = tuple(f"{c}{SUPPRESSED_SUFFIX}" for c in self.counts)
        return tuple(c.name for c in self.columns) + extra

    @functools.cached_property
    def header_lookup(self) -> dict[str, str]:
        """Normalised header or alias -> canonical column name (computed once per sheet; read, never changed)."""
        lookup: dict[str, str] = {}
        for col in self.columns:
            for spelling in (col.name, *col.aliases):
                lookup.setdefault(normalise_key(spelling), col.name)
        return lookup


BOOL_SPELLINGS = {
    True: ("ja", "j", "yes", "y", "1", "waar", "true", "x"),
    False: ("nee", "n", "no", "0", "onwaar", "false"),
}

LEVELS = (
    *("PO", "VMBO-BB", "VMBO-KB", "VMBO-GL", "VMBO-TL", "HAVO", "VWO"),
    *("MBO-1", "MBO-2", "MBO-3", "MBO-4", "HBO-AD", "HBO-BA", "WO"),
)
LEVEL_ALIASES = {"MAVO": "VMBO-TL", "VMBO-GT": "VMBO-TL", "AD": "HBO-AD", "HBO": "HBO-BA"}
LEVEL_ALIASES.update({f"MBO{n}": f"MBO-{n}" for n in range(1, 5)})
LEVEL_ALIASES.update({f"MBO niveau {n}": f"MBO-{n}" for n in range(1, 5)})

ROUTES = ("Vakmanschapsroute", "Technologieroute", "Associate degree")
INDICATORS = ("ingeschreven", "instroom", "gediplomeerd", "uitval", "doorstroom")
GENDERS = ("M", "V", "X")
GENDER_ALIASES = {"man": "M", "vrouw": "V", "anders": "X", "male": "M", "female": "V", "jongen": "M", "meisje": "V"}
ORGANISATION_KINDS = ("basisschool", "vo", "mbo", "hbo", "bedrijf", "branche", "overheid", "overig")
SCHEMES = ("omscholing werkzoekenden", "opscholing werkenden")

LEERLINGEN = Sheet(
    name="leerlingen",
    aliases=("studenten", "deelnemers", "leerlingaantallen", "students"),
    year="schooljaar",
    school="brin",
    columns=(
        Column("schooljaar", "year", True, ("jaar", "year", "school_year", "studiejaar")),
        Column("brin", "brin", True, ("brin_nummer", "brinnummer", "instellingscode", "vestigingscode", "school_id")),
        Column("school", "text", aliases=("schoolnaam", "instellingsnaam", "vestiging", "instellingsnaam vestiging")),
        Column("onderwijssoort", "enum", True, ("onderwijstype", "niveau", "level", "leerweg"), LEVELS, LEVEL_ALIASES),
        Column("leerjaar", "int", aliases=("jaar_in_opleiding", "grade"), minimum=1, maximum=6),
        Column("opleiding", "text", True, ("profiel", "sector", "programma", "opleidingsnaam", "program")),
        Column("crebo", "crebo", aliases=("crebocode", "opleidingscode", "kwalificatiecode")),
        Column("route", "enum", aliases=("leerroute",), values=ROUTES, value_aliases={"Ad": "Associate degree"}),
        Column("indicator", "enum", True, ("meting", "soort", "measure"), INDICATORS),
        Column(
            "naar_onderwijssoort",
            "enum",
            aliases=("bestemming", "naar_niveau", "to_level"),
            values=LEVELS,
            value_aliases=LEVEL_ALIASES,
            required_when=("indicator", "doorstroom"),
        ),
        Column("naar_opleiding", "text", aliases=("bestemming_opleiding", "to_program")),
        Column("geslacht", "enum", aliases=("gender", "sexe"), values=GENDERS, value_aliases=GENDER_ALIASES),
        Column("aantal", "count", True, ("count", "n", "aantal_leerlingen", "totaal"), minimum=0),
    ),
)

ORGANISATIES = Sheet(
    name="organisaties",
    aliases=("deelnemers_pact", "partners"),
    year="jaar",
    columns=(
        Column("jaar", "year", True, ("schooljaar", "year")),
        Column("naam", "text", True, ("organisatie", "organisatienaam", "name")),
        Column("soort", "enum", True, ("type", "kind"), ORGANISATION_KINDS),
        Column("brin", "brin", aliases=("brin_nummer", "brinnummer")),
        Column("kvk", "kvk", aliases=("kvk_nummer", "kvknummer", "kamer_van_koophandel")),
        Column("wt_beleid", "bool", aliases=("w&t_beleid", "wt")),
        Column("vrienden_van_techniek", "bool", aliases=("vvt", "vrienden")),
        Column("activiteiten", "count", aliases=("aantal_activiteiten",), minimum=0),
        Column("leerlingen_bereikt", "count", aliases=("bereik", "bereikte_leerlingen"), minimum=0),
    ),
)

WERKENDEN = Sheet(
    name="werkenden",
    aliases=("omscholing", "scholing"),
    year="jaar",
    columns=(
        Column("jaar", "year", True, ("schooljaar", "year")),
        Column(
            "regeling",
            "enum",
            True,
            ("traject", "scheme"),
            SCHEMES,
            {"omscholing": SCHEMES[0], "opscholing": SCHEMES[1]},
        ),
        Column("sector", "text", aliases=("branche",)),
        Column("van_niveau", "text", aliases=("from_level",)),
        Column("naar_niveau", "text", aliases=("to_level",)),
        Column("gestart", "count", True, ("gestarte_deelnemers", "started", "deelnemers"), minimum=0),
        Column("geslaagd", "count", aliases=("geplaatst", "completed"), minimum=0),
    ),
)

ARBEIDSMARKT = Sheet(
    name="arbeidsmarkt",
    aliases=("vraag", "labour_market", "labourmarket"),
    year="jaar",
    columns=(
        Column("jaar", "year", True, ("year",)),
        Column("sector", "text", True, ("branche",)),
        Column("vervangingsvraag", "count", True, ("replacement_demand",), minimum=0),
        Column("instroom_schoolverlaters", "count", True, ("schoolverlaters", "school_leavers"), minimum=0),
    ),
)

SHEETS: dict[str, Sheet] = {s.name: s for s in (LEERLINGEN, ORGANISATIES, WERKENDEN, ARBEIDSMARKT)}

STORED_DTYPES: dict[str, str] = {"year": "Int64", "int": "Int64", "count": "Int64", "bool": "boolean"}
"""The pandas type of each kind of column once checked; every other kind is text (object, or category)."""


def typed(frame: pd.DataFrame, sheet: Sheet) -> pd.DataFrame:
    """A new frame in the sheet's stored columns and types: numbers Int64 (never 12.0), yes/no as boolean, text as
    object with None for missing (categorical text stays categorical), `_onderdrukt` flags bool. Missing columns are
    added empty. The one place that casts facts to their schema's types."""
    kinds = {c.name: c.kind for c in sheet.columns}
    columns = {}
    for name in sheet.stored_columns:
        values = frame[name] if name in frame else pd.Series(None, index=frame.index, dtype="object")
        if name not in kinds:  # the suppressed flag of a count
            columns[name] = values.astype("boolean").fillna(False).astype(bool)
        elif kinds[name] in STORED_DTYPES:
            dtype = STORED_DTYPES[kinds[name]]
            columns[name] = (pd.to_numeric(values) if dtype == "Int64" else values).astype(dtype)
        elif isinstance(values.dtype, pd.CategoricalDtype):
            columns[name] = values
        else:
            columns[name] = values.astype("object").where(values.notna(), None)
    return pd.DataFrame(columns, index=frame.index)


FIRST_YEAR = 2000
"""Earliest school year accepted; the latest is next calendar year."""
