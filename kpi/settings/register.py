"""The school register in the database: who may deliver, seeded once from data/scholen.csv, every change audited."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import asdict, dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from kpi import paths
from kpi.db import metadata
from kpi.settings import audit

SEED_FILE = paths.DATA_DIR / "scholen.csv"
SEEDED_BY = "scholen.csv"
KINDS = ("po", "vo", "mbo", "hbo")
BRIN = re.compile(r"[0-9]{2}[A-Z]{2}([0-9]{2})?")
"""A BRIN is ASCII: two digits, two letters (the institution), optionally two digits (a location)."""
IMPORT_COLUMNS = ("brin", "naam", "gemeente", "soort")
MAX_IMPORT_BYTES = 5 * 1024 * 1024
TEXT_LIMIT = 200

schools = sa.Table(
    "schools",
    metadata,
    sa.Column("brin", sa.String(6), primary_key=True),
    sa.Column("naam", sa.Text, nullable=False),
    sa.Column("gemeente", sa.Text, nullable=False, server_default=""),
    sa.Column("soort", sa.String(10), nullable=False, server_default=""),
    sa.Column("verified", sa.Boolean, nullable=False),
    sa.Column("source", sa.Text, nullable=False, server_default=""),
    sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_by", sa.Text, nullable=False),
)
"""`verified` is false for placeholders (a BRIN still to be checked); `retired_at` set: no new deliveries."""


@dataclass(frozen=True)
class School:
    brin: str
    naam: str
    gemeente: str
    soort: str
    verified: bool
    source: str
    retired: bool

    def as_json(self) -> dict:
        return asdict(self)


class RegisterError(ValueError):
    """A refused register change; `code` (with `params`) names the problem for the catalogue."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(f"{code}: {params}")
        self.code, self.params = code, params


def brin_code(value: object) -> str:
    """The BRIN as written in the register: trimmed, upper case (no other repair)."""
    return str(value or "").strip().upper()


def check_brin(brin: str) -> None:
    """Refuse anything but an ASCII BRIN of 4 or 6 characters."""
    if not BRIN.fullmatch(brin):
        raise RegisterError("brin_format", brin=brin)


def seed_rows() -> list[dict]:
    """The shipped register; entries whose source says `fictief` are placeholders to be replaced."""
    with SEED_FILE.open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    now = dt.datetime.now(dt.UTC)
    return [
        {
            "brin": brin_code(row["brin"]),
            "naam": row["naam"].strip(),
            "gemeente": row.get("gemeente", "").strip(),
            "soort": row.get("soort", "").strip().lower(),
            "verified": "fictief" not in row.get("bron", "").lower(),
            "source": row.get("bron", "").strip(),
            "retired_at": None,
            "updated_at": now,
            "updated_by": SEEDED_BY,
        }
        for row in rows
    ]


def _seed_if_empty(engine: Engine) -> None:
    """Fill an empty register from the shipped file once; concurrent first starts insert it only once."""
    with engine.connect() as conn:
        if conn.execute(sa.select(schools.c.brin).limit(1)).first() is not None:
            return
    with engine.begin() as conn:
        if conn.execute(sa.select(schools.c.brin).limit(1)).first() is not None:
            return
        rows = seed_rows()
        try:
            with conn.begin_nested():
                conn.execute(schools.insert(), rows)
                audit.record(conn, SEEDED_BY, "school.seed", "", None, {"schools": len(rows)})
        except sa.exc.IntegrityError:
            pass  # another process seeded it first


def school_register(engine: Engine, include_retired: bool = True) -> list[School]:
    """Every registered school, by BRIN."""
    _seed_if_empty(engine)
    query = sa.select(schools).order_by(schools.c.brin)
    if not include_retired:
        query = query.where(schools.c.retired_at.is_(None))
    with engine.connect() as conn:
        return [_school(row) for row in conn.execute(query).mappings()]


def known_schools(engine: Engine) -> set[str]:
    """Institution codes (4 characters) a delivery may name: every school in the register not retired."""
    return {school.brin[:4] for school in school_register(engine, include_retired=False)}


def registered(engine: Engine, brin: str) -> bool:
    """Whether an account may be given this BRIN: it, or (for a location) its institution, is registered."""
    active = {school.brin for school in school_register(engine, include_retired=False)}
    return brin in active or (len(brin) == 6 and brin[:4] in active)


def placeholders(engine: Engine) -> list[School]:
    """Entries still to be checked before going live (the shipped register marks them `fictief`)."""
    return [s for s in school_register(engine, include_retired=False) if not s.verified]


def add_school(
    engine: Engine, brin: str, naam: str, gemeente: str = "", soort: str = "", by: str = "", verified: bool = True
) -> School:
    """Register a school, or update it (a retired one comes back); audited in the same transaction."""
    row = _checked_row(brin_code(brin), naam, gemeente, soort, verified)
    _seed_if_empty(engine)
    with engine.begin() as conn:
        _upsert(conn, row, by)
    return next(s for s in school_register(engine) if s.brin == row["brin"])


def import_schools(engine: Engine, data: bytes, by: str) -> tuple[int, int]:
    """Register or update every school of a CSV (`brin;naam;gemeente;soort`, `;` or `,`): all or none.

    Raises ImportProblems listing every problem with its line; returns (schools changed, schools in the file).
    """
    rows = import_rows(data)
    _seed_if_empty(engine)
    with engine.begin() as conn:
        return sum(_upsert(conn, row, by) for row in rows), len(rows)


class ImportProblems(ValueError):
    """Every problem of a register file: (line number or 0 for the file, RegisterError)."""

    def __init__(self, problems: list[tuple[int, RegisterError]]) -> None:
        super().__init__(f"{len(problems)} problems")
        self.problems = problems


def import_rows(data: bytes) -> list[dict]:
    """The checked rows of a register file; ImportProblems with every problem, each with its line."""
    if len(data) > MAX_IMPORT_BYTES:
        raise ImportProblems([(0, RegisterError("file_too_large", mb=MAX_IMPORT_BYTES // (1024 * 1024)))])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportProblems([(0, RegisterError("not_utf8"))]) from None
    lines = text.splitlines()
    if not lines:
        raise ImportProblems([(0, RegisterError("empty_file"))])
    delimiter = ";" if lines[0].count(";") >= lines[0].count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = [h.strip().lower() for h in next(reader)]
    missing = [c for c in ("brin", "naam") if c not in header]
    if missing:
        raise ImportProblems([(1, RegisterError("missing_columns", columns=", ".join(missing)))])
    problems: list[tuple[int, RegisterError]] = []
    rows: dict[str, dict] = {}
    for record in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in record):
            continue
        values = dict(zip(header, record, strict=False))
        brin = brin_code(values.get("brin"))
        try:
            row = _checked_row(brin, values.get("naam", ""), values.get("gemeente", ""), values.get("soort", ""))
        except RegisterError as error:
            problems.append((line, error))
            continue
        if brin in rows:
            problems.append((line, RegisterError("duplicate_brin", brin=brin)))
        rows[brin] = row
    if problems:
        raise ImportProblems(problems)
    if not rows:
        raise ImportProblems([(0, RegisterError("empty_file"))])
    return list(rows.values())


def retire_school(engine: Engine, brin: str, by: str) -> School:
    """No new deliveries for this school; what it delivered stays and keeps counting. RegisterError if unknown."""
    brin = brin_code(brin)
    _seed_if_empty(engine)
    with engine.begin() as conn:
        row = conn.execute(sa.select(schools).where(schools.c.brin == brin)).mappings().first()
        if row is None:
            raise RegisterError("unknown_school", brin=brin)
        if row["retired_at"] is None:
            now = dt.datetime.now(dt.UTC)
            conn.execute(
                schools.update().where(schools.c.brin == brin).values(retired_at=now, updated_at=now, updated_by=by)
            )
            audit.record(conn, by, "school.retire", brin, _public(row), None)
    return next(s for s in school_register(engine) if s.brin == brin)


def _checked_row(brin: str, naam: str, gemeente: str, soort: str, verified: bool = True) -> dict:
    check_brin(brin)
    naam, gemeente, soort = str(naam or "").strip(), str(gemeente or "").strip(), str(soort or "").strip().lower()
    if not naam:
        raise RegisterError("name_missing", brin=brin)
    if soort and soort not in KINDS:
        raise RegisterError("kind_unknown", kind=soort, kinds=", ".join(KINDS))
    for value in (naam, gemeente):
        if len(value) > TEXT_LIMIT or any(ord(c) < 32 or ord(c) == 127 for c in value):
            raise RegisterError("text_invalid", brin=brin, limit=TEXT_LIMIT)
    return {"brin": brin, "naam": naam, "gemeente": gemeente, "soort": soort, "verified": verified, "source": ""}


def _upsert(conn: sa.Connection, row: dict, by: str) -> bool:
    """Insert or update one school; True when something changed (and was audited)."""
    now = dt.datetime.now(dt.UTC)
    old = conn.execute(sa.select(schools).where(schools.c.brin == row["brin"])).mappings().first()
    if old is None:
        conn.execute(schools.insert().values(**row, retired_at=None, updated_at=now, updated_by=by))
        audit.record(conn, by, "school.add", row["brin"], None, _public(row))
        return True
    new = {**row, "gemeente": row["gemeente"] or old["gemeente"], "soort": row["soort"] or old["soort"]}
    if {k: old[k] for k in new} == new and old["retired_at"] is None:
        return False
    conn.execute(
        schools.update()
        .where(schools.c.brin == row["brin"])
        .values(**new, retired_at=None, updated_at=now, updated_by=by)
    )
    audit.record(conn, by, "school.change", row["brin"], _public(old), _public({**new, "retired_at": None}))
    return True


def _public(row) -> dict:
    """A register entry as the audit log keeps it."""
    record = {k: row[k] for k in ("brin", "naam", "gemeente", "soort", "verified")}
    if row.get("retired_at") is not None:
        record["retired"] = True
    return record


def _school(row: sa.RowMapping) -> School:
    return School(
        row["brin"],
        row["naam"],
        row["gemeente"],
        row["soort"],
        row["verified"],
        row["source"],
        row["retired_at"] is not None,
    )
