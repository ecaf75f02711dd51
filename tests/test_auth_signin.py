"""Sign-in (docs/SECURITY.md): CSRF, hostile input in the form, tampered sessions, the throttle, sessions that end
when the account changes, kiosk tokens and their revocation, the open-mode rule, and the audit trail."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from dashboard.app import create_app
from dashboard.auth import audit, guard, store
from dashboard.auth.roles import Role, anonymous_role, required
from tests.auth_helpers import PASSWORDS, callback_body, csrf_header, form_token, make_db, route_body, sign_in
from tests.dashboard_data import blank_warehouse_fixture  # noqa: F401


@pytest.fixture
def served(blank_warehouse: Path, tmp_path: Path) -> dict[str, Any]:
    url, db = make_db(tmp_path)
    app = create_app(blank_warehouse, warm=False, app_db=url, host="10.1.2.3")
    return {"app": app, "db": db, "client": app.server.test_client()}


def _actions(db: Any) -> list[tuple[str, str]]:
    return [(e["actor"], e["action"]) for e in reversed(audit.entries(db))]


def test_auth001_sign_in_and_out_are_audited(served: dict[str, Any]) -> None:
    client, db = served["client"], served["db"]
    response = sign_in(client, "analyst", PASSWORDS["analyst"], "/explore?year=2022")
    assert (response.status_code, response.headers["Location"]) == (303, "/explore?year=2022")
    cookie = client.get_cookie("kpi_session")
    assert (cookie.http_only, cookie.same_site, cookie.secure) == (True, "Lax", False)
    idle = cookie.expires - dt.datetime.now(dt.UTC)  # 12 hours after the last request, renewed by each one
    assert dt.timedelta(hours=11, minutes=59) < idle <= dt.timedelta(hours=12)
    assert client.post("/logout", data={"csrf_token": form_token(client, "/login")}).status_code == 200
    assert client.get("/").status_code == 302
    assert _actions(db) == [("analyst", "sign_in"), ("analyst", "sign_out")]


def test_auth002_wrong_password_unknown_user_and_csrf(served: dict[str, Any]) -> None:
    client, db = served["client"], served["db"]
    assert sign_in(client, "analyst", "analyst-pass-2").status_code == 401
    assert sign_in(client, "nobody", "analyst-pass-1").status_code == 401
    no_token = client.post("/login", data={"username": "analyst", "password": PASSWORDS["analyst"]})
    assert no_token.status_code == 400  # CSRF token missing
    wrong = client.post("/login", data={"username": "analyst", "password": PASSWORDS["analyst"],
                                        "csrf_token": "forged"})
    assert wrong.status_code == 400
    assert client.post("/logout").status_code == 400
    assert _actions(db) == [("analyst", "sign_in_failed"), ("nobody", "sign_in_failed")]


PAYLOADS = ["' OR '1'='1' --", "admin'--", "x\"; DROP TABLE app_user; --", "<script>alert(1)</script>",
            "=HYPERLINK(\"http://evil\",\"x\")", "=cmd|' /C calc'!A0", "@SUM(1+1)", "+1+2", "\tadmin",
            "admin\r\nSet-Cookie: x=1", "管理员' UNION SELECT password_hash FROM app_user --", "a" * 5000]


def test_auth003_hostile_form_input_is_harmless(served: dict[str, Any]) -> None:
    """SQL, script, formula and header-splitting payloads as user name, password and next page: refused as a
    wrong password, echoed nowhere unescaped, nothing changed (each payload from its own address, and the
    existing names in turn, so the throttle does not answer first)."""
    client, db = served["client"], served["db"]
    for i, payload in enumerate(PAYLOADS):
        client.environ_base["REMOTE_ADDR"] = f"10.9.0.{i}"
        for username, password in ((payload, "x"), (("admin", "analyst", "viewer")[i % 3], payload),
                                   (payload, payload)):
            response = sign_in(client, username, password, next_path=payload)
            body = response.get_data(as_text=True)
            assert response.status_code == 401, payload
            assert "<script>alert(1)</script>" not in body
            assert "用户名或密码不正确" in body
    assert [u["username"] for u in store.list_users(db)] == ["admin", "analyst", "viewer"]
    assert client.get("/").status_code == 302  # still nobody
    assert len(audit.entries(db, action="sign_in_failed")) == 3 * len(PAYLOADS)


def test_auth004_the_sign_in_page_escapes_what_it_echoes(served: dict[str, Any]) -> None:
    client = served["client"]
    body = client.get('/login?next="><script>alert(1)</script>&lang=en').get_data(as_text=True)
    assert "<script>alert(1)</script>" not in body
    assert 'value="/"' in body  # not a path on this server: the next page is the overview
    assert "Sign in" in body


@pytest.mark.parametrize(("target", "expected"), [
    ("/explore?year=2022", "/explore?year=2022"), ("/", "/"), (None, "/"), ("", "/"),
    ("//evil.example/x", "/"), ("/\\evil.example", "/"), ("https://evil.example/", "/"),
    ("javascript:alert(1)", "/"), ("/ok\r\nLocation: x", "/"), ("explore", "/"),
])
def test_auth005_next_never_leaves_the_server(target: str | None, expected: str) -> None:
    assert guard.safe_next(target) == expected


def test_auth006_a_tampered_session_signs_nobody_in(served: dict[str, Any]) -> None:
    from flask.sessions import SecureCookieSessionInterface

    client, app = served["client"], served["app"]
    sign_in(client, "viewer", PASSWORDS["viewer"])
    assert client.get("/").status_code == 200
    value = client.get_cookie("kpi_session").value
    middle = len(value) // 2
    client.set_cookie("kpi_session", value[:middle] + ("A" if value[middle] != "A" else "B") + value[middle + 1:])
    assert client.get("/").status_code == 302
    admin = store.get_user(served["db"], "admin")
    claims = {"_user_id": f"u:{admin['id']}:{admin['session_stamp']}", "_fresh": True}
    other = app.server.__class__("forger")
    other.secret_key = "not-the-server-key"
    forged = SecureCookieSessionInterface().get_signing_serializer(other).dumps(claims)
    client.set_cookie("kpi_session", forged)  # the admin's session, signed with another key
    assert client.get("/data").status_code == 302
    assert client.post("/_dash-update-component", json=route_body("/explore")).status_code == 401


def test_auth007_throttle_after_five_failures(served: dict[str, Any]) -> None:
    client, db = served["client"], served["db"]
    for _ in range(5):
        assert sign_in(client, "admin", "wrong-password").status_code == 401
    response = sign_in(client, "admin", PASSWORDS["admin"])  # the right password, but too many failures
    assert response.status_code == 429
    assert "15 分钟" in response.get_data(as_text=True)
    assert sign_in(client, "analyst", PASSWORDS["analyst"]).status_code == 303  # another name is not held up
    assert audit.failures_since(db, dt.datetime(2000, 1, 1), username="admin") == 5


def test_auth008_a_password_change_or_disabling_ends_sessions(served: dict[str, Any]) -> None:
    app, db = served["app"], served["db"]
    first, second = app.server.test_client(), app.server.test_client()
    sign_in(first, "analyst", PASSWORDS["analyst"])
    sign_in(second, "viewer", PASSWORDS["viewer"])
    assert (first.get("/explore").status_code, second.get("/").status_code) == (200, 200)
    store.set_password(db, "analyst", "a-new-password")
    store.set_disabled(db, "viewer", True)
    assert (first.get("/explore").status_code, second.get("/").status_code) == (302, 302)
    assert sign_in(second, "viewer", PASSWORDS["viewer"]).status_code == 401  # disabled
    assert sign_in(first, "analyst", "a-new-password").status_code == 303


def test_auth009_kiosk_token_signs_in_as_viewer_until_revoked(served: dict[str, Any]) -> None:
    client, db = served["client"], served["db"]
    token = store.add_token(db, "wall1")
    assert len(token) == 43  # 32 random bytes, URL-safe base64
    assert token not in str(store.list_tokens(db))
    response = client.get(f"/wall?token={token}&panel=league")
    assert (response.status_code, response.headers["Location"]) == (302, "/wall?panel=league")  # the token leaves
    assert client.get("/wall?panel=league").status_code == 200
    assert client.post("/_dash-update-component", json=route_body("/wall"), headers=csrf_header(client)
                       ).status_code == 200
    assert client.get("/explore").status_code == 403  # view-only
    assert store.revoke_token(db, "wall1") is True
    assert client.post("/_dash-update-component", json=route_body("/wall"), headers=csrf_header(client)
                       ).status_code == 401  # at the next request
    assert client.get(f"/wall?token={token}").status_code == 401
    assert _actions(db) == [("token:wall1", "token_use"), ("anonymous", "token_failed")]


def test_auth010_callbacks_need_this_origin_and_the_csrf_header(served: dict[str, Any]) -> None:
    client = served["client"]
    sign_in(client, "analyst", PASSWORDS["analyst"])
    body = callback_body(next(k for k in served["app"].callback_map if "freshness.children" in k))
    url = "/_dash-update-component"
    no_header = client.post(url, json=body)
    assert (no_header.status_code, no_header.get_json()) == (400, {"error": "CSRF token missing or invalid"})
    assert client.post(url, json=body, headers={"X-CSRFToken": "forged"}).status_code == 400
    cross = client.post(url, json=body, headers={**csrf_header(client), "Origin": "https://evil.example"})
    assert cross.status_code == 403
    same = client.post(url, json=route_body("/"), headers={**csrf_header(client), "Origin": "http://localhost"})
    assert same.status_code == 200


@pytest.mark.parametrize(("host", "users", "open_flag", "proxied", "expected"), [
    ("127.0.0.1", False, False, False, Role.admin),  # the demo
    ("::1", False, False, False, Role.admin),
    ("localhost", False, False, False, Role.admin),
    ("127.0.0.2", False, False, False, Role.admin),  # all of 127.0.0.0/8
    ("127.0.0.1", False, False, True, None),  # relayed by a reverse proxy: from elsewhere
    ("127.0.0.1", False, True, True, Role.analyst),
    ("127.0.0.1", True, False, False, None),  # users configured: sign in
    ("127.0.0.1", True, True, False, Role.analyst),
    ("0.0.0.0", False, False, False, None),  # every address
    ("10.1.2.3", False, False, False, None),
    ("10.1.2.3", False, True, False, Role.analyst),  # --open: read and export, the desk still needs an admin
    ("192.168.0.5", True, True, False, Role.analyst),
    ("", False, False, False, None),
    (None, False, False, False, None),  # unknown address (a WSGI server that did not say): closed
    ("not-an-address", False, False, False, None),
])
def test_auth011_open_mode_rule(host: str | None, users: bool, open_flag: bool, proxied: bool,
                                expected: Role | None) -> None:
    assert anonymous_role(host, users, open_flag, proxied) == expected


@pytest.mark.parametrize(("path", "expected"), [
    ("/", Role.viewer), ("/wall", Role.viewer), ("/violations", Role.analyst), ("/explore", Role.analyst),
    ("/data", Role.admin), ("/data/upload", Role.admin), ("/database", Role.analyst), ("/users", Role.admin),
    ("/api/report/2022", Role.analyst), ("/_export", Role.analyst), ("/_shell", Role.viewer),
    ("/login", None), ("/health", None), ("/assets/kpi.css", None), ("/_dash-component-suites/dash/x.js", None),
    ("/_dash-layout", Role.viewer), ("/wallpaper", Role.analyst), ("", Role.viewer),
])
def test_auth012_policy_prefixes(path: str, expected: Role | None) -> None:
    assert required(path) == expected


def test_auth013_callback_map_decides_from_outputs() -> None:
    cmap = guard.CallbackMap({"rk-bump-graph.figure": "/rankings", "..x.data...y.children..": "/"},
                             {"freshness.children", "..a.b...rows-modal.is_open.."}, {"x"}, {"ov.filed": "/"})
    assert cmap.page(route_body("/explore/")) == "/explore"
    assert cmap.page(route_body("javascript:x")) == "/"
    assert cmap.page(callback_body("rk-bump-graph.figure")) == "/rankings"
    assert cmap.page(callback_body("..x.data...y.children..")) == "/_export"  # a dcc.Download among its outputs
    assert cmap.page(callback_body("freshness.children")) == "/_shell"
    assert cmap.page(callback_body("..a.b...rows-modal.is_open..", ['{"key":"ov.filed","type":"chart"}.clickData']
                                   )) == "/"
    assert cmap.page(callback_body("..a.b...rows-modal.is_open..", ['{"key":"vi.x","type":"chart"}.clickData'])
                     ) == "/data"
    assert cmap.page(callback_body("..a.b...rows-modal.is_open..", ["rows-close.n_clicks"])) == "/_shell"
    assert cmap.page(callback_body("..a.b...rows-modal.is_open..", ["not json.clickData"])) == "/data"
    assert cmap.page(callback_body("unknown.children")) == "/data"
    assert cmap.page({"output": 5}) == "/data"
    assert cmap.page({}) == "/data"
    for junk in (["a list"], "text", None, 7):  # whatever the body is, the answer is the strictest page
        assert cmap.page(junk) == "/data"
    drill = "..a.b...rows-modal.is_open.."
    assert cmap.page(callback_body(drill, ['{"key":["ALL"],"type":"chart"}.clickData'])) == "/data"
    assert cmap.page(callback_body(drill, ['["key"].clickData'])) == "/data"
    assert cmap.page({**callback_body(drill), "changedPropIds": "rows-close.n_clicks"}) == "/data"
    assert cmap.page({**callback_body(drill), "changedPropIds": [7]}) == "/data"
    assert cmap.page({**route_body("/"), "inputs": {"x": 1}}) == "/"


def test_auth014_loopback_without_users_stays_open(blank_warehouse: Path, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'app.sqlite'}"
    app = create_app(blank_warehouse, warm=False, app_db=url)  # the default: 127.0.0.1, as `make demo`
    client = app.server.test_client()
    assert client.get("/explore").status_code == 200
    assert client.post("/_dash-update-component", json=route_body("/explore")).status_code == 200
    assert client.get("/explore", headers={"X-Forwarded-For": "203.0.113.9"}).status_code == 302  # via a proxy
    db = store.AppDB(url)
    store.add_user(db, "first", "first-pass-1", "admin")
    app.server.test_client()  # the gate re-reads "users configured" after a few seconds
    import dashboard.auth.session as session

    session.Gate.TTL = 0.0
    try:
        assert client.get("/explore").status_code == 302
    finally:
        session.Gate.TTL = 5.0
