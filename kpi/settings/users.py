"""Who may do what: accounts with a role and, for schools, their BRIN codes; passwords stored as scrypt hashes."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from kpi import paths
from kpi.codes import ROLES, Role

USERS_FILE = paths.DATA_DIR / "users.toml"
SCRYPT = {"n": 2**14, "r": 8, "p": 1}


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


ANONYMOUS = User("", "viewer")


def users_file() -> Path:
    return Path(os.environ.get("TECHNIEKPACT_USERS", USERS_FILE))


def password_hash(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, **SCRYPT)
    return "scrypt$" + base64.b64encode(salt).decode() + "$" + base64.b64encode(digest).decode()


def _matches(password: str, stored: str) -> bool:
    try:
        _, salt, digest = stored.split("$")
        expected = base64.b64decode(digest)
        actual = hashlib.scrypt(password.encode(), salt=base64.b64decode(salt), **SCRYPT)
    except ValueError:
        return False
    return hmac.compare_digest(actual, expected)


def _accounts(path: Path | None = None) -> dict[str, dict]:
    path = path or users_file()
    if not path.exists():
        return {}
    return tomllib.loads(path.read_text(encoding="utf-8")).get("users", {})


def has_accounts(path: Path | None = None) -> bool:
    return bool(_accounts(path))


def authenticated(name: str, password: str, path: Path | None = None) -> User | None:
    """The user when name and password match an account, else None."""
    account = _accounts(path).get(name)
    if not account or not _matches(password, str(account.get("password", ""))):
        return None
    role = account.get("role", "viewer")
    if role not in ROLES:
        return None
    schools = tuple(str(s).upper().replace(" ", "") for s in account.get("brin", []))
    return User(name, role, schools)


def add_user(name: str, password: str, role: Role, schools: tuple[str, ...] = (), path: Path | None = None) -> None:
    """Add or replace an account in the users file (written whole, then moved into place)."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; one of {', '.join(ROLES)}")
    if role == "school" and not schools:
        raise ValueError("a school account needs at least one BRIN (--brin)")
    if not name.replace("-", "").replace("_", "").replace(".", "").isalnum():
        raise ValueError("a user name holds letters, digits, '-', '_' and '.' only")
    path = path or users_file()
    accounts = _accounts(path)
    accounts[name] = {"role": role, "brin": [s.upper() for s in schools], "password": password_hash(password)}
    lines = []
    for user, account in sorted(accounts.items()):
        brins = ", ".join(f'"{b}"' for b in account.get("brin", []))
        lines += [
            f"[users.{user}]",
            f'role = "{account["role"]}"',
            f"brin = [{brins}]",
            f'password = "{account["password"]}"',
            "",
        ]
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text("\n".join(lines), encoding="utf-8")
    temporary.chmod(0o600)
    temporary.replace(path)
