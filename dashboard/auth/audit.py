"""The audit trail: table ``audit_log`` of the application database; ``kpi audit [--json]`` lists it.

    record(actor, action, detail, db=None, remote_addr=None)   # one row; never raises into the caller's work
    entries(db, limit=None, action=None) -> list[dict]          # newest first
    failures_since(db, since, username=None, remote_addr=None) -> int

Actions written by the product: ``sign_in``, ``sign_in_failed``, ``sign_out``, ``token_use``, ``token_add``,
``token_revoke``, ``user_add``, ``user_remove``, ``user_passwd``, ``user_disable``, ``user_enable``,
``user_role``; the data desk records its own data changes (e.g. ``data_load``) through ``record``.
``db=None`` means the application database of the running app (``bind``), else the one beside the default
warehouse (``$KPI_APP_DB``/``--app-db`` rules of ``dashboard.appdb.resolve_url``).
"""

from __future__ import annotations

import datetime as dt
import sys
from typing import Any

import sqlalchemy as sa

from dashboard.appdb import AppDB, resolve_url
from dashboard.appdb.schema import audit_log

_BOUND: list[AppDB] = []
_MAX_DETAIL = 4000  # characters of one detail value kept


def bind(db: AppDB | None) -> None:
    """Make ``db`` the database ``record(..., db=None)`` writes to (the app factory does this)."""
    _BOUND[:] = [db] if db is not None else []


def _default_db() -> AppDB:
    if _BOUND:
        return _BOUND[0]
    from warehouse import store

    db = AppDB(resolve_url(None, store.warehouse_path()))
    _BOUND[:] = [db]
    return db


def _clip(value: Any) -> Any:
    if isinstance(value, str):
        return value[:_MAX_DETAIL]
    if isinstance(value, dict):
        return {str(k)[:100]: _clip(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clip(v) for v in value[:200]]
    if value is None or isinstance(value, bool | int | float):
        return value
    return str(value)[:_MAX_DETAIL]


def record(actor: str, action: str, detail: dict[str, Any] | str | None = None, db: AppDB | None = None,
           remote_addr: str | None = None) -> None:
    """Write one audit row (UTC time, who, what, details as JSON). A failure to write is printed, not raised:
    auditing never takes down the action it records."""
    if remote_addr is None:
        remote_addr = _request_remote()
    body = _clip(detail if isinstance(detail, dict) else {"text": detail} if detail is not None else {})
    try:
        target = db if db is not None else _default_db()
        with target.engine.begin() as conn:
            conn.execute(audit_log.insert().values(at=dt.datetime.now(dt.UTC).replace(tzinfo=None),
                                                   actor=(actor or "-")[:100], action=action[:40], detail=body,
                                                   remote_addr=remote_addr))
    except Exception as exc:
        print(f"kpi: audit: {action} by {actor}: {exc}", file=sys.stderr, flush=True)


def _request_remote() -> str | None:
    try:
        import flask

        return flask.request.remote_addr if flask.has_request_context() else None
    except Exception:
        return None


def entries(db: AppDB, limit: int | None = None, action: str | None = None) -> list[dict[str, Any]]:
    """Audit rows, newest first."""
    stmt = sa.select(audit_log).order_by(audit_log.c.id.desc())
    if action is not None:
        stmt = stmt.where(audit_log.c.action == action)
    if limit is not None:
        stmt = stmt.limit(limit)
    with db.engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(stmt)]


def failures_since(db: AppDB, since: dt.datetime, username: str | None = None, remote_addr: str | None = None) -> int:
    """Failed sign-ins since ``since`` (UTC) for ``username`` or from ``remote_addr`` (the throttle's count)."""
    c = audit_log.c
    stmt = sa.select(sa.func.count()).where(c.action == "sign_in_failed", c.at >= since)
    who = []
    if username is not None:
        who.append(c.actor == username[:100])
    if remote_addr is not None:
        who.append(c.remote_addr == remote_addr)
    if who:
        stmt = stmt.where(sa.or_(*who))
    with db.engine.connect() as conn:
        return int(conn.execute(stmt).scalar_one())
