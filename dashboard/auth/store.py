"""Users, kiosk tokens and the session-signing secret in the application database (``dashboard.appdb``).

Passwords are kept as argon2id hashes (argon2-cffi), tokens as SHA-256 hashes (a token is 256 random bits,
so a fast hash is enough); neither is ever stored or logged in clear. Every query is SQLAlchemy Core with
bound parameters: no SQL is built from user text. ::

    add_user(db, username, password, role, town_code=None) -> dict
    set_password(db, username, password) / set_disabled(db, username, flag) / remove_user(db, username)
    list_users(db) -> list[dict]          # without the hashes
    check_password(db, username, password) -> dict | None   # the user, if enabled and the password matches
    add_token(db, name, role="viewer") -> str                # the token, shown once
    token_user(db, token) -> dict | None  # the token's row, if it exists and is not revoked
    list_tokens(db) / revoke_token(db, name) -> bool
    secret_key(db) -> str                 # made once, shared by every worker
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from typing import Any

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from dashboard.appdb import AppDB
from dashboard.appdb.schema import app_secret, app_user, kiosk_token
from dashboard.auth.roles import Role

MIN_PASSWORD = 8
MAX_PASSWORD = 1024  # longer input is refused before hashing (no hashing of megabytes)
USERNAME = re.compile(r"^[\w.@-]{1,64}$")  # letters (Chinese too), digits, _ . @ -
TOKEN_NAME = USERNAME
_HASHER = PasswordHasher()  # argon2id, the library's current recommended parameters
# a hash to verify against when the user does not exist, so a wrong name takes as long as a wrong password
_DUMMY_HASH = _HASHER.hash(secrets.token_hex(16))


class AuthError(ValueError):
    """A refused change; ``key`` is its catalogue key (``auth.err.*``), ``values`` fill it."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.values = values


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _stamp() -> str:
    return secrets.token_hex(16)


def check_username(username: str) -> str:
    if not USERNAME.match(username or ""):
        raise AuthError("auth.err.username", name=username)
    return username


def check_new_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise AuthError("auth.err.short", n=MIN_PASSWORD)
    if len(password) > MAX_PASSWORD:
        raise AuthError("auth.err.long", n=MAX_PASSWORD)
    return password


def _public(row: sa.Row) -> dict[str, Any]:
    d = dict(row._mapping)
    d.pop("password_hash", None)
    d.pop("token_hash", None)
    return d


def get_user(db: AppDB, username: str) -> dict[str, Any] | None:
    with db.engine.connect() as conn:
        row = conn.execute(sa.select(app_user).where(app_user.c.username == username)).first()
    return None if row is None else dict(row._mapping)


def user_by_id(db: AppDB, user_id: int) -> dict[str, Any] | None:
    with db.engine.connect() as conn:
        row = conn.execute(sa.select(app_user).where(app_user.c.id == user_id)).first()
    return None if row is None else dict(row._mapping)


def has_users(db: AppDB) -> bool:
    """True when at least one enabled user exists (the open-mode rule's "users configured")."""
    with db.engine.connect() as conn:
        return conn.execute(sa.select(app_user.c.id).where(app_user.c.disabled == sa.false()).limit(1)).first() \
            is not None


def add_user(db: AppDB, username: str, password: str, role: Role | str, town_code: str | None = None
             ) -> dict[str, Any]:
    role = role if isinstance(role, Role) else Role.parse(role)
    check_username(username)
    check_new_password(password)
    now = _now()
    try:
        with db.engine.begin() as conn:
            conn.execute(app_user.insert().values(
                username=username, password_hash=_HASHER.hash(password), role=role.name, town_code=town_code or None,
                disabled=False, session_stamp=_stamp(), created_at=now, updated_at=now))
    except sa.exc.IntegrityError:
        raise AuthError("auth.err.exists", name=username) from None
    found = get_user(db, username)
    assert found is not None
    return _public_dict(found)


def _public_dict(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if k not in ("password_hash", "token_hash")}


def _update(db: AppDB, username: str, **values: Any) -> None:
    with db.engine.begin() as conn:
        done = conn.execute(app_user.update().where(app_user.c.username == username)
                            .values(**values, session_stamp=_stamp(), updated_at=_now())).rowcount
    if done != 1:
        raise AuthError("auth.err.no_user", name=username)


def set_password(db: AppDB, username: str, password: str) -> None:
    """A new password; every session of the user ends (its stamp changes)."""
    check_new_password(password)
    _update(db, username, password_hash=_HASHER.hash(password))


def set_role(db: AppDB, username: str, role: Role | str, town_code: str | None = None) -> None:
    role = role if isinstance(role, Role) else Role.parse(role)
    _update(db, username, role=role.name, town_code=town_code or None)


def set_disabled(db: AppDB, username: str, disabled: bool) -> None:
    _update(db, username, disabled=disabled)


def remove_user(db: AppDB, username: str) -> None:
    with db.engine.begin() as conn:
        if conn.execute(app_user.delete().where(app_user.c.username == username)).rowcount != 1:
            raise AuthError("auth.err.no_user", name=username)


def list_users(db: AppDB) -> list[dict[str, Any]]:
    with db.engine.connect() as conn:
        return [_public(r) for r in conn.execute(sa.select(app_user).order_by(app_user.c.username))]


def check_password(db: AppDB, username: str, password: str) -> dict[str, Any] | None:
    """The user when ``username`` exists, is enabled and ``password`` is theirs; else None (same work either way)."""
    if len(password) > MAX_PASSWORD or len(username) > 200:
        return None
    user = get_user(db, username)
    try:
        ok = _HASHER.verify(user["password_hash"] if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok or user is None or user["disabled"]:
        return None
    if _HASHER.check_needs_rehash(user["password_hash"]):  # parameters raised since: keep the session stamp
        with db.engine.begin() as conn:
            conn.execute(app_user.update().where(app_user.c.id == user["id"])
                         .values(password_hash=_HASHER.hash(password)))
    return user


# --- kiosk tokens --------------------------------------------------------------------------------------

def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def add_token(db: AppDB, name: str, role: Role | str = Role.viewer) -> str:
    """A new kiosk token named ``name``: returned once, only its hash is stored."""
    role = role if isinstance(role, Role) else Role.parse(role)
    if not TOKEN_NAME.match(name or ""):
        raise AuthError("auth.err.token_name", name=name)
    token = secrets.token_urlsafe(32)
    try:
        with db.engine.begin() as conn:
            conn.execute(kiosk_token.insert().values(name=name, token_hash=token_hash(token), role=role.name,
                                                     created_at=_now()))
    except sa.exc.IntegrityError:
        raise AuthError("auth.err.token_exists", name=name) from None
    return token


def token_row(db: AppDB, token: str) -> dict[str, Any] | None:
    """The live (not revoked) token matching ``token``; its ``last_used_at`` is updated."""
    if not token or len(token) > 200:
        return None
    with db.engine.connect() as conn:
        row = conn.execute(sa.select(kiosk_token).where(kiosk_token.c.token_hash == token_hash(token),
                                                        kiosk_token.c.revoked_at.is_(None))).first()
    return None if row is None else dict(row._mapping)


def token_by_id(db: AppDB, token_id: int) -> dict[str, Any] | None:
    """The token with ``token_id`` if it is not revoked (checked at every request of a token session)."""
    with db.engine.connect() as conn:
        row = conn.execute(sa.select(kiosk_token).where(kiosk_token.c.id == token_id,
                                                        kiosk_token.c.revoked_at.is_(None))).first()
    return None if row is None else dict(row._mapping)


def touch_token(db: AppDB, token_id: int) -> None:
    with db.engine.begin() as conn:
        conn.execute(kiosk_token.update().where(kiosk_token.c.id == token_id).values(last_used_at=_now()))


def list_tokens(db: AppDB) -> list[dict[str, Any]]:
    with db.engine.connect() as conn:
        return [_public(r) for r in conn.execute(sa.select(kiosk_token).order_by(kiosk_token.c.name))]


def revoke_token(db: AppDB, name: str) -> bool:
    """Revoke the live token ``name``; False when there is none."""
    with db.engine.begin() as conn:
        return conn.execute(kiosk_token.update().where(kiosk_token.c.name == name, kiosk_token.c.revoked_at.is_(None))
                            .values(revoked_at=_now())).rowcount == 1


# --- the session-signing secret ------------------------------------------------------------------------

def secret_key(db: AppDB) -> str:
    """The key that signs session cookies: made at the first start, then the same for every worker and restart."""
    with db.engine.connect() as conn:
        value = conn.execute(sa.select(app_secret.c.value).where(app_secret.c.name == "session")).scalar()
    if value:
        return value
    try:
        with db.engine.begin() as conn:
            conn.execute(app_secret.insert().values(name="session", value=secrets.token_hex(32)))
    except sa.exc.IntegrityError:
        pass  # another worker made it first: theirs stands
    with db.engine.connect() as conn:
        return conn.execute(sa.select(app_secret.c.value).where(app_secret.c.name == "session")).scalar_one()
