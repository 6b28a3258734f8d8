"""Who may do what: accounts in the database with a role and, for schools, their BRIN codes; scrypt hashes."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import logging
import os
import secrets
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from kpi import paths
from kpi.codes import ROLES, Role
from kpi.db import metadata
from kpi.settings import audit, register

USERS_FILE = paths.DATA_DIR / "users.toml"
"""Where accounts lived before the database; read once into it when found, then renamed."""
SCRYPT = {"n": 2**14, "r": 8, "p": 1}
MIN_PASSWORD = 10
NAME_LIMIT = 100
LOG = logging.getLogger("techniekpact.users")

accounts = sa.Table(
    "accounts",
    metadata,
    sa.Column("name", sa.String(NAME_LIMIT), primary_key=True),
    sa.Column("role", sa.String(20), nullable=False),
    sa.Column("schools", sa.JSON, nullable=False),
    sa.Column("password_hash", sa.Text, nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_by", sa.Text, nullable=False),
)


@dataclass(frozen=True)
class User:
    name: str
    role: Role
    schools: tuple[str, ...] = field(default=())
    """For role `school`: what it may deliver for: an institution (`14SM`, all its locations) or one location (`14SM05`)."""

    @property
    def may_deliver(self) -> bool:
        return self.role in ("school", "admin")

    @property
    def may_restore(self) -> bool:
        return self.role == "admin"

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


ANONYMOUS = User("", "viewer")


class AccountError(ValueError):
    """A refused account change; `code` (with `params`) names the problem for the catalogue."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(f"{code}: {params}")
        self.code, self.params = code, params


def password_hash(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, **SCRYPT)
    return "scrypt$" + base64.b64encode(salt).decode() + "$" + base64.b64encode(digest).decode()


DUMMY_HASH = password_hash(secrets.token_hex(16))
"""Checked against for unknown names, so that they take as long as known ones."""


def _matches(password: str, stored: str) -> bool:
    try:
        kind, salt, digest = stored.split("$")
        expected = base64.b64decode(digest, validate=True)
        actual = hashlib.scrypt(password.encode(), salt=base64.b64decode(salt, validate=True), **SCRYPT)
    except (ValueError, TypeError):
        hashlib.scrypt(password.encode(), salt=b"0" * 16, **SCRYPT)  # a broken record costs the same time
        return False
    return kind == "scrypt" and hmac.compare_digest(actual, expected)


def users_file() -> Path:
    return Path(os.environ.get("TECHNIEKPACT_USERS", USERS_FILE))


def has_accounts(engine: Engine) -> bool:
    _adopt_users_file(engine)
    with engine.connect() as conn:
        return conn.execute(sa.select(accounts.c.name).limit(1)).first() is not None


def authenticated(engine: Engine, name: str, password: str) -> User | None:
    """The user when name and password match a sound account, else None; the same time whether the name exists."""
    _adopt_users_file(engine)
    with engine.connect() as conn:
        row = conn.execute(sa.select(accounts).where(accounts.c.name == str(name).strip())).mappings().first()
    if not _matches(str(password), row["password_hash"] if row else DUMMY_HASH) or row is None:
        return None
    return _user(row)


def account(engine: Engine, name: str) -> User | None:
    """The account's user (for a session cookie), None when gone or unsound."""
    with engine.connect() as conn:
        row = conn.execute(sa.select(accounts).where(accounts.c.name == name)).mappings().first()
    return _user(row) if row else None


def password_fingerprint(engine: Engine, name: str) -> str:
    """Changes when the password changes: sessions signed with the old one end."""
    with engine.connect() as conn:
        stored = conn.execute(sa.select(accounts.c.password_hash).where(accounts.c.name == name)).scalar()
    return hashlib.sha256((stored or "").encode()).hexdigest()[:16]


def user_list(engine: Engine) -> list[dict]:
    """Every account: name, role, schools, when and by whom last changed (never the hash)."""
    _adopt_users_file(engine)
    with engine.connect() as conn:
        rows = conn.execute(sa.select(accounts).order_by(accounts.c.name)).mappings().all()
    return [
        {
            "name": r["name"],
            "role": r["role"],
            "schools": list(r["schools"]) if isinstance(r["schools"], list) else [],
            "updated_at": _utc(r["updated_at"]).isoformat(timespec="seconds"),
            "updated_by": r["updated_by"],
        }
        for r in rows
    ]


def add_user(engine: Engine, name: str, password: str, role: str, schools: tuple[str, ...] = (), by: str = "") -> User:
    """Add or replace an account; every BRIN must be in the register. Audited (never the password)."""
    name = str(name).strip()
    if not name or len(name) > NAME_LIMIT or any(ord(c) < 32 or ord(c) == 127 for c in name):
        raise AccountError("name_invalid", limit=NAME_LIMIT)
    if role not in ROLES:
        raise AccountError("role_unknown", role=role, roles=", ".join(ROLES))
    if len(password) < MIN_PASSWORD:
        raise AccountError("password_short", length=MIN_PASSWORD)
    codes = tuple(dict.fromkeys(register.brin_code(s) for s in schools if str(s).strip()))
    if role == "school" and not codes:
        raise AccountError("school_needs_brin")
    if role != "school" and codes:
        raise AccountError("brin_only_for_schools")
    for code in codes:
        if not register.BRIN.fullmatch(code) or not register.registered(engine, code):
            raise AccountError("brin_not_registered", brin=code)
    _adopt_users_file(engine)
    new = {"name": name, "role": role, "schools": list(codes)}
    with engine.begin() as conn:
        old = conn.execute(sa.select(accounts).where(accounts.c.name == name)).mappings().first()
        values = {
            **new,
            "password_hash": password_hash(password),
            "updated_at": dt.datetime.now(dt.UTC),
            "updated_by": by,
        }
        if old is None:
            conn.execute(accounts.insert().values(**values))
            audit.record(conn, by, "user.add", name, None, new)
        else:
            conn.execute(accounts.update().where(accounts.c.name == name).values(**values))
            audit.record(conn, by, "user.change", name, _public(old), {**new, "password": "nieuw"})
    return User(name, role, codes)


def remove_user(engine: Engine, name: str, by: str) -> None:
    """Remove an account (its sessions end with it); AccountError if unknown."""
    with engine.begin() as conn:
        old = conn.execute(sa.select(accounts).where(accounts.c.name == name)).mappings().first()
        if old is None:
            raise AccountError("unknown_user", name=name)
        conn.execute(accounts.delete().where(accounts.c.name == name))
        audit.record(conn, by, "user.remove", name, _public(old), None)


def _public(row) -> dict:
    return {"name": row["name"], "role": row["role"], "schools": row["schools"]}


def _user(row) -> User | None:
    """The user of a stored account; None (logged) for a record that is not sound, so no login box breaks."""
    schools = row["schools"]
    if row["role"] not in ROLES or not isinstance(schools, list) or not all(isinstance(s, str) for s in schools):
        LOG.warning("account %r is not sound and cannot log in", row["name"])
        return None
    if row["role"] == "school" and not schools:
        return None
    return User(row["name"], row["role"], tuple(schools))


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


# -- the old accounts file, read once ---------------------------------------------------------------


def _adopt_users_file(engine: Engine) -> None:
    """Move the accounts of an old users.toml into the database once (hashes kept), then rename the file."""
    path = users_file()
    if not path.is_file():
        return
    with engine.begin() as conn:
        if conn.execute(sa.select(accounts.c.name).limit(1)).first() is None:
            for name, entry in _file_accounts(path).items():
                conn.execute(
                    accounts.insert().values(**entry, updated_at=dt.datetime.now(dt.UTC), updated_by=path.name)
                )
                audit.record(conn, path.name, "user.migrate", name, None, _public(entry))
    try:
        path.replace(path.with_name(path.name + ".migrated"))
    except OSError:
        LOG.warning("could not rename %s after moving its accounts into the database", path)


def _file_accounts(path: Path) -> dict[str, dict]:
    """The sound entries of an old accounts file; dotted names (written as nested tables) are joined again."""
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        LOG.warning("accounts file %s unreadable (%s): no accounts taken from it", path, error)
        return {}
    found: dict[str, dict] = {}

    def walk(prefix: str, table: dict) -> None:
        for key, value in table.items():
            if not isinstance(value, dict):
                continue
            name = f"{prefix}.{key}" if prefix else key
            if "password" in value:
                brins = value.get("brin", [])
                found[name] = {
                    "name": name,
                    "role": str(value.get("role", "viewer")),
                    "schools": [register.brin_code(b) for b in brins] if isinstance(brins, list) else [],
                    "password_hash": str(value["password"]),
                }
            else:
                walk(name, value)

    walk("", document.get("users", {}) if isinstance(document.get("users"), dict) else {})
    return {n: e for n, e in found.items() if 0 < len(n) <= NAME_LIMIT}
