"""Helpers of the sign-in tests: an app bound to a non-loopback address with its own application database,
clients signed in as each role, and Dash callback bodies."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from dashboard.appdb import AppDB
from dashboard.auth import store

PASSWORDS = {"viewer": "viewer-pass-1", "analyst": "analyst-pass-1", "admin": "admin-pass-12"}
CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


def make_db(tmp: Path) -> tuple[str, AppDB]:
    url = f"sqlite:///{tmp / 'app.sqlite'}"
    db = AppDB(url)
    for role, password in PASSWORDS.items():
        store.add_user(db, role, password, role)
    return url, db


def form_token(client: Any, path: str = "/login") -> str:
    found = CSRF_FIELD.search(client.get(path).get_data(as_text=True))
    assert found is not None
    return found.group(1)


def sign_in(client: Any, username: str, password: str, next_path: str = "/") -> Any:
    return client.post("/login", data={"username": username, "password": password, "next": next_path,
                                       "csrf_token": form_token(client)})


def csrf_header(client: Any) -> dict[str, str]:
    """The header Dash's renderer sends: the ``_csrf_token`` cookie's value as ``X-CSRFToken``."""
    cookie = client.get_cookie("_csrf_token")
    return {"X-CSRFToken": cookie.value} if cookie is not None else {}


def route_body(path: str, search: str = "") -> dict[str, Any]:
    """Dash pages' routing callback asked to render ``path`` (what the browser posts on navigation)."""
    return {
        "output": ".._pages_content.children..._pages_store.data..",
        "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
        "inputs": [{"id": "_pages_location", "property": "pathname", "value": path},
                   {"id": "_pages_location", "property": "search", "value": search},
                   {"id": "gen-store", "property": "data", "value": None}],
        "changedPropIds": ["_pages_location.pathname"],
        "state": [],
    }


def callback_body(output: str, changed: list[str] | None = None) -> dict[str, Any]:
    """A callback request naming ``output`` (inputs left empty: the guard decides on the output alone)."""
    return {"output": output, "outputs": [], "inputs": [], "changedPropIds": changed or [], "state": []}


def post_callback(client: Any, body: dict[str, Any]) -> Any:
    return client.post("/_dash-update-component", json=body, headers=csrf_header(client))
