"""Logging in safely: throttling per account and per address, and signed, expiring session tokens for a cookie."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from kpi.db import metadata
from kpi.settings import users
from kpi.settings.users import User

FREE_ATTEMPTS = {"user": 5, "addr": 20}
"""Failures allowed before waits start: per account name, and per address (an office shares one)."""
MAX_WAIT = 15 * 60
FORGET_AFTER = dt.timedelta(hours=24)
SESSION_HOURS = 12

login_failures = sa.Table(
    "login_failures",
    metadata,
    sa.Column("key", sa.String(200), primary_key=True),
    sa.Column("failures", sa.Integer, nullable=False),
    sa.Column("last_failure", sa.DateTime(timezone=True), nullable=False),
)
"""Recent failed logins per `user:<name>` (known or not) and per `addr:<address>`."""

app_secrets = sa.Table(
    "app_secrets",
    metadata,
    sa.Column("name", sa.String(40), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)
"""Made on first use and shared by every server of the database (e.g. the key that signs session cookies)."""


@dataclass(frozen=True)
class Outcome:
    user: User | None
    wait: int = 0
    """Seconds before another attempt is checked (the password was not checked when > 0)."""


def wait_after(failures: int, free: int) -> int:
    """Seconds to wait after this many failures in a row: none for the first `free`, then doubling."""
    return 0 if failures < free else min(2 ** (failures - free + 1), MAX_WAIT)


def log_in(engine: Engine, name: str, password: str, address: str = "", now: dt.datetime | None = None) -> Outcome:
    """Check a login unless its account or address must wait; failures are counted for both, for any name."""
    now = now or dt.datetime.now(dt.UTC)
    keys = {"user": f"user:{str(name).strip()[:150]}", "addr": f"addr:{address[:150]}"}
    wait = _waiting(engine, keys, now)
    if wait:
        return Outcome(None, wait)
    user = users.authenticated(engine, name, password)
    with engine.begin() as conn:
        if user is None:
            for key in keys.values():
                _count_failure(conn, key, now)
        else:
            conn.execute(login_failures.delete().where(login_failures.c.key == keys["user"]))
    return Outcome(user)


def _waiting(engine: Engine, keys: dict[str, str], now: dt.datetime) -> int:
    with engine.connect() as conn:
        rows = conn.execute(sa.select(login_failures).where(login_failures.c.key.in_(keys.values()))).mappings().all()
    waits = [0]
    for row in rows:
        kind = row["key"].split(":", 1)[0]
        last = _utc(row["last_failure"])
        if now - last < FORGET_AFTER:
            until = last + dt.timedelta(seconds=wait_after(row["failures"], FREE_ATTEMPTS[kind]))
            waits.append(max(0, int((until - now).total_seconds() + 0.999)))
    return max(waits)


def _count_failure(conn: sa.Connection, key: str, now: dt.datetime) -> None:
    row = conn.execute(sa.select(login_failures).where(login_failures.c.key == key)).mappings().first()
    if row is None:
        try:
            with conn.begin_nested():
                conn.execute(login_failures.insert().values(key=key, failures=1, last_failure=now))
            return
        except sa.exc.IntegrityError:
            row = conn.execute(sa.select(login_failures).where(login_failures.c.key == key)).mappings().one()
    failures = 1 if now - _utc(row["last_failure"]) >= FORGET_AFTER else login_failures.c.failures + 1
    conn.execute(login_failures.update().where(login_failures.c.key == key).values(failures=failures, last_failure=now))


# -- session tokens -----------------------------------------------------------------------------------


def session_token(engine: Engine, user: User, now: dt.datetime | None = None, hours: int = SESSION_HOURS) -> str:
    """A signed token naming the user until it expires; a password change or removal ends it."""
    expires = int(((now or dt.datetime.now(dt.UTC)) + dt.timedelta(hours=hours)).timestamp())
    payload = "\x1f".join([user.name, str(expires), users.password_fingerprint(engine, user.name)]).encode()
    return _b64(payload) + "." + _b64(_signature(engine, payload))


def session_user(engine: Engine, token: str | None, now: dt.datetime | None = None) -> User | None:
    """The user a token names when its signature holds, it has not expired and the account is unchanged."""
    if not token or token.count(".") != 1 or len(token) > 2000:
        return None
    body, signature = token.split(".")
    try:
        payload, given = _unb64(body), _unb64(signature)
        name, expires, fingerprint = payload.decode().split("\x1f")
        expired = int(expires) < (now or dt.datetime.now(dt.UTC)).timestamp()
    except (ValueError, UnicodeDecodeError):
        return None
    if not hmac.compare_digest(given, _signature(engine, payload)) or expired:
        return None
    if not hmac.compare_digest(fingerprint, users.password_fingerprint(engine, name)):
        return None
    return users.account(engine, name)


def _signature(engine: Engine, payload: bytes) -> bytes:
    return hmac.new(secret(engine, "session"), payload, hashlib.sha256).digest()


def secret(engine: Engine, name: str) -> bytes:
    """A secret of this installation: TECHNIEKPACT_SECRET when set, else made once and kept in the database."""
    if os.environ.get("TECHNIEKPACT_SECRET"):
        return hashlib.sha256(f"{name}:{os.environ['TECHNIEKPACT_SECRET']}".encode()).digest()
    query = sa.select(app_secrets.c.value).where(app_secrets.c.name == name)
    with engine.begin() as conn:
        value = conn.execute(query).scalar()
        if value is None:
            try:
                with conn.begin_nested():
                    conn.execute(app_secrets.insert().values(name=name, value=secrets.token_hex(32)))
            except sa.exc.IntegrityError:
                pass  # another server made it first
            value = conn.execute(query).scalar_one()
    return bytes.fromhex(value)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
