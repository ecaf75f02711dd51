"""Who a session is: ``Account`` (a user or a kiosk token) and how a session's id is turned back into one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import flask_login

from dashboard.appdb import AppDB
from dashboard.auth import store
from dashboard.auth.roles import Role

ANONYMOUS = "anonymous"  # the actor named for a request without a signed-in account (open mode)


@dataclass
class Account(flask_login.UserMixin):
    """Who a session is: a user (``u:<id>:<stamp>``) or a kiosk token (``t:<id>``)."""

    key: str
    name: str
    role: Role
    town_code: str | None = None
    kind: str = "user"

    def get_id(self) -> str:
        return self.key


def user_account(row: dict[str, Any]) -> Account:
    return Account(f"u:{row['id']}:{row['session_stamp']}", row["username"], Role.parse(row["role"]),
                   row["town_code"], "user")


def token_account(row: dict[str, Any]) -> Account:
    return Account(f"t:{row['id']}", f"token:{row['name']}", Role.parse(row["role"]), None, "token")


def load_account(db: AppDB, key: str) -> Account | None:
    """The account a session's id names, if it is still valid (user enabled and unchanged; token not revoked)."""
    kind, _, rest = key.partition(":")
    try:
        if kind == "u":
            user_id, _, stamp = rest.partition(":")
            row = store.user_by_id(db, int(user_id))
            if row is None or row["disabled"] or row["session_stamp"] != stamp:
                return None
            return user_account(row)
        if kind == "t":
            row = store.token_by_id(db, int(rest))
            return None if row is None else token_account(row)
    except (ValueError, TypeError):
        return None
    return None
