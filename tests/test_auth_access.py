"""The access matrix (docs/SECURITY.md): each role — anonymous, viewer, analyst, admin, a kiosk token — against
every page, a representative callback of each page, each download callback and /api/*, on a server bound to a
non-loopback address. Expected access is written out by hand below, not read from ``roles.POLICY``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import dash
import flask
import pytest

from dashboard import charts
from dashboard.app import create_app
from dashboard.auth import store
from tests.auth_helpers import PASSWORDS, callback_body, csrf_header, make_db, post_callback, route_body, sign_in
from tests.dashboard_data import small_warehouse_fixture  # noqa: F401

PASSED = 299  # the probe's answer: the guard let the request through
ROLES = ("anonymous", "viewer", "token", "analyst", "admin")
SIGNED = {"viewer", "token", "analyst", "admin"}
READERS = {"analyst", "admin"}
# who may open each page (by hand: viewer = wall and overview; analyst = every page; admin = all and /data)
PAGES = {
    "/": SIGNED, "/wall": SIGNED, "/violations": READERS, "/demolitions": READERS, "/snow": READERS,
    "/report": READERS, "/rankings": READERS, "/dispatch": READERS, "/explore": READERS, "/data": {"admin"},
}
# a callback of each page, by a piece of its output key, and who may call it
CALLBACKS = {
    "rk-bump-graph.figure": READERS,  # /rankings
    "dp-main.children": READERS,  # /dispatch
    "ex-grid.getRowsResponse": READERS,  # /explore
    "wall-body-kpis.children": SIGNED,  # /wall's refresh
    "freshness.children": SIGNED,  # the shell's
    "gen-store.data": SIGNED,  # the shell's
}
DOWNLOADS = {"report-download.data": READERS, "ex-download.data": READERS, "meeting-pack-download.data": READERS}
# the drill-down (rows behind a chart) of a chart in each page folder
DRILLS = {"overview": SIGNED, "violations": READERS, "demolitions": READERS, "snow": READERS}


@pytest.fixture(scope="module")
def served(small_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    url, db = make_db(tmp_path_factory.mktemp("auth-matrix"))
    token = store.add_token(db, "wall1")
    app = create_app(small_warehouse, warm=False, app_db=url, host="0.0.0.0")

    def _probe() -> flask.Response | None:  # right after the access hook: a request it let through answers 299
        return flask.Response("passed", status=PASSED) if flask.request.headers.get("X-Probe") == "1" else None

    hooks = app.server.before_request_funcs[None]
    at = next(i for i, f in enumerate(hooks) if f.__module__ == "dashboard.auth.session")
    hooks.insert(at + 1, _probe)

    clients = {}
    for role in ROLES:
        client = app.server.test_client()
        if role == "token":
            assert client.get(f"/wall?token={token}").status_code == 302
        elif role != "anonymous":
            assert sign_in(client, role, PASSWORDS[role]).status_code == 303
        clients[role] = client
    return {"app": app, "clients": clients, "db": db}


def _key(app: dash.Dash, piece: str) -> str:
    found = [k for k in app.callback_map if piece in k]
    assert len(found) == 1, (piece, found)
    return found[0]


def _probe(client: Any, body: dict[str, Any]) -> Any:
    return client.post("/_dash-update-component", json=body, headers={**csrf_header(client), "X-Probe": "1"})


def _page_paths() -> set[str]:
    return {p["path"] for p in dash.page_registry.values()}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", sorted(PAGES))
def test_acc001_pages(served: dict[str, Any], role: str, path: str) -> None:
    client = served["clients"][role]
    response = client.get(path)
    if role == "anonymous":
        assert response.status_code == 302
        assert response.headers["Location"] == f"/login?next={path}"
    elif role in PAGES[path]:
        assert response.status_code == (200 if path in _page_paths() else 404)  # /data: once the desk exists
    else:
        assert response.status_code == 403
        assert "您的账号无权打开此页面" in response.get_data(as_text=True)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", sorted(PAGES))
def test_acc002_the_routing_callback_renders_only_allowed_pages(served: dict[str, Any], role: str,
                                                                path: str) -> None:
    response = post_callback(served["clients"][role], route_body(path))
    if role == "anonymous":
        assert response.status_code == 401
    elif role in PAGES[path]:
        assert response.status_code == 200
    else:
        assert response.status_code == 403
        assert response.get_json() == {"error": "forbidden", "needs": "admin" if path == "/data" else "analyst"}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("piece", sorted({**CALLBACKS, **DOWNLOADS}))
def test_acc003_page_callbacks_and_downloads(served: dict[str, Any], role: str, piece: str) -> None:
    who = {**CALLBACKS, **DOWNLOADS}[piece]
    response = _probe(served["clients"][role], callback_body(_key(served["app"], piece)))
    if role == "anonymous":
        assert response.status_code == 401
    elif role in who:
        assert response.status_code == PASSED
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("folder", sorted(DRILLS))
def test_acc004_drill_rows_follow_the_chart_s_page(served: dict[str, Any], role: str, folder: str) -> None:
    key = sorted(k for k, f in charts.drill_folders().items() if f == folder)[0]
    body = callback_body(_key(served["app"], "rows-modal.is_open"), [f'{{"key":"{key}","type":"chart"}}.clickData'])
    response = _probe(served["clients"][role], body)
    if role == "anonymous":
        assert response.status_code == 401
    elif role in DRILLS[folder]:
        assert response.status_code == PASSED
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("role", ROLES)
def test_acc005_api_and_unknown_callbacks(served: dict[str, Any], role: str) -> None:
    client = served["clients"][role]
    api = client.get("/api/report/2022", headers={"X-Probe": "1"})
    unknown = _probe(client, callback_body("no-such-thing.children"))
    forged = _probe(client, {**callback_body(_key(served["app"], "ex-download.data")),
                                    "inputs": [{"id": "_pages_location", "property": "pathname", "value": "/"}]})
    if role == "anonymous":
        assert (api.status_code, unknown.status_code, forged.status_code) == (401, 401, 401)
        return
    assert api.status_code == (PASSED if role in READERS else 403)
    assert unknown.status_code == (PASSED if role == "admin" else 403)  # a callback nobody declared: admin only
    assert forged.status_code == (PASSED if role in READERS else 403)  # a download is an export wherever it claims


@pytest.mark.parametrize("path", ["/login", "/assets/kpi.css", "/_kpi/theme.css", "/_favicon.ico"])
def test_acc006_public_paths(served: dict[str, Any], path: str) -> None:
    response = served["clients"]["anonymous"].get(path)
    response.close()  # a static file: its handle is closed with the response
    assert response.status_code == 200


def test_acc007_health_is_public(served: dict[str, Any]) -> None:
    response = served["clients"]["anonymous"].get("/health")
    assert response.status_code == (200 if "/health" in {r.rule for r in served["app"].server.url_map.iter_rules()}
                                    else 404)


def test_acc008_nav_shows_only_the_role_s_pages(served: dict[str, Any]) -> None:
    """The navigation links of the pages a role may not open are hidden (kept in the page for the labels)."""
    import json

    def hidden(role: str) -> set[str]:
        layout = json.loads(served["clients"][role].get("/_dash-layout").get_data(as_text=True))
        found: set[str] = set()

        def walk(node: Any) -> None:
            if isinstance(node, dict):
                props = node.get("props", {})
                child = props.get("children")
                if node.get("type") == "NavItem" and props.get("class_name") == "d-none":
                    found.add(child["props"]["href"])
                for value in props.values():
                    walk(value)
            elif isinstance(node, list):
                for item in node:
                    walk(item)

        walk(layout)
        return found

    assert hidden("viewer") == {"/violations", "/demolitions", "/snow", "/report", "/rankings", "/dispatch",
                                "/explore"} | ({"/data"} if "/data" in _page_paths() else set())
    assert hidden("analyst") == ({"/data"} if "/data" in _page_paths() else set())
    assert hidden("admin") == set()
