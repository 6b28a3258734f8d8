"""The region definition that open data is cut by: municipalities plus individual school locations.

A setting in the database, seeded once with the default of the KPI contract; every change is audited.
Weesp's schools need the location entries: DUO lists them under AMSTERDAM since Weesp joined it in 2022.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from kpi.db import metadata
from kpi.settings.audit import record

Kind = Literal["gemeente", "vestiging"]
KINDS: tuple[str, ...] = ("gemeente", "vestiging")
DEFAULT_MUNICIPALITIES = ("HILVERSUM", "GOOISE MEREN", "HUIZEN", "LAREN", "BLARICUM", "WIJDEMEREN", "WEESP")
DEFAULT_LOCATIONS = ("24TG00", "24TG04")
LOCATION_CODE = re.compile(r"\d{2}[A-Z0-9]{2}\d{2}")
SEEDED_BY = "standaard"

region_members = sa.Table(
    "region_members",
    metadata,
    sa.Column("kind", sa.String(12), primary_key=True),
    sa.Column("code", sa.String(80), primary_key=True),
    sa.Column("added_by", sa.Text, nullable=False),
    sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
)


def default_rows() -> list[dict]:
    """The region of the KPI contract, as rows of `region_members`."""
    now = dt.datetime.now(dt.UTC)
    members = [("gemeente", m) for m in DEFAULT_MUNICIPALITIES] + [("vestiging", c) for c in DEFAULT_LOCATIONS]
    return [{"kind": k, "code": c, "added_by": SEEDED_BY, "added_at": now} for k, c in members]


@sa.event.listens_for(region_members, "after_create")
def _seed(table: sa.Table, conn: sa.Connection, **_) -> None:
    """Seeded exactly once, when the table is made: an emptied region stays empty."""
    conn.execute(table.insert(), default_rows())


@dataclass(frozen=True)
class Region:
    """Municipalities (as DUO writes them, upper case) and location codes (6 characters)."""

    municipalities: frozenset[str]
    locations: frozenset[str]

    def members(self) -> list[tuple[str, str]]:
        return sorted([("gemeente", m) for m in self.municipalities] + [("vestiging", c) for c in self.locations])


def region(engine: Engine) -> Region:
    """The region definition as stored now."""
    with engine.connect() as conn:
        rows = conn.execute(sa.select(region_members.c.kind, region_members.c.code)).all()
    return Region(frozenset(c for k, c in rows if k == "gemeente"), frozenset(c for k, c in rows if k == "vestiging"))


class RegionError(ValueError):
    """A member that cannot be added or removed; `code` names why (a key of the catalogue)."""

    def __init__(self, code: str, value: str):
        super().__init__(f"{code}: {value}")
        self.code, self.value = code, value


def normalised(kind: str, value: str) -> str:
    """A member as stored: municipalities in upper case, location codes checked; RegionError otherwise."""
    text = " ".join(value.split()).upper()
    if kind not in KINDS:
        raise RegionError("regio.bad_kind", kind)
    if kind == "vestiging" and not LOCATION_CODE.fullmatch(text):
        raise RegionError("regio.bad_location", value)
    if kind == "gemeente" and (not text or len(text) > 80):
        raise RegionError("regio.bad_municipality", value)
    return text


def add_member(engine: Engine, kind: str, value: str, by: str) -> bool:
    """Add a municipality or location (audited as `region.add`); False when it is already in the region."""
    code = normalised(kind, value)
    with engine.begin() as conn:
        exists = conn.execute(
            sa.select(region_members.c.code).where(region_members.c.kind == kind, region_members.c.code == code)
        ).first()
        if exists:
            return False
        conn.execute(
            region_members.insert().values(kind=kind, code=code, added_by=by, added_at=dt.datetime.now(dt.UTC))
        )
        record(conn, by, "region.add", f"{kind}:{code}", None, {"kind": kind, "code": code})
    return True


def remove_member(engine: Engine, kind: str, value: str, by: str) -> None:
    """Remove a municipality or location (audited as `region.remove`); RegionError when it is not in the region."""
    code = normalised(kind, value)
    with engine.begin() as conn:
        gone = conn.execute(
            region_members.delete().where(region_members.c.kind == kind, region_members.c.code == code)
        ).rowcount
        if not gone:
            raise RegionError("regio.unknown", code)
        record(conn, by, "region.remove", f"{kind}:{code}", {"kind": kind, "code": code}, None)
