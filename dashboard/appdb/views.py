"""Named saved views (table ``saved_view``, Alembic revision ``0002``): a page's view kept under a name.

A view is its query string, so opening one is following a link. The name is text (at most ``MAX_NAME``
characters, control characters dropped); saving a name again replaces its view. ::

    save_view(db, page, name, search, by) -> dict   # {id, name, page, search, created_by, created_at}
    list_views(db, page) -> list[dict]               # by name
    delete_view(db, page, name) -> bool
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import sqlalchemy as sa

from dashboard.appdb import AppDB
from dashboard.appdb.schema import saved_view

MAX_NAME = 100
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def clean_name(name: str) -> str:
    """The name as stored: control characters dropped, spaces trimmed, at most ``MAX_NAME`` characters."""
    return _CONTROL.sub("", name).strip()[:MAX_NAME]


def save_view(db: AppDB, page: str, name: str, search: str, by: str = "") -> dict[str, Any]:
    """Keep ``search`` under ``name`` for ``page`` (replacing a view of that name); ValueError for an empty name."""
    name = clean_name(name)
    if not name:
        raise ValueError("a saved view needs a name")
    c = saved_view.c
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    with db.engine.begin() as conn:
        conn.execute(saved_view.delete().where(c.page == page, c.name == name))
        conn.execute(saved_view.insert().values(name=name, page=page, search=search, created_by=by[:100],
                                                created_at=now))
        row = conn.execute(sa.select(saved_view).where(c.page == page, c.name == name)).one()
    return dict(row._mapping)


def list_views(db: AppDB, page: str) -> list[dict[str, Any]]:
    c = saved_view.c
    with db.engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(sa.select(saved_view).where(c.page == page).order_by(c.name))]


def delete_view(db: AppDB, page: str, name: str) -> bool:
    c = saved_view.c
    with db.engine.begin() as conn:
        return conn.execute(saved_view.delete().where(c.page == page, c.name == clean_name(name))).rowcount > 0
