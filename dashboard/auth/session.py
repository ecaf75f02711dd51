"""The signed-in account of a request, the open-mode gate, and ``install`` (Flask-Login, CSRF, the access hook).

Import it through ``dashboard.auth`` (``from dashboard import auth``: ``auth.current_role()`` …).
"""

from __future__ import annotations

import datetime as dt
import os
import time
from typing import Any

import dash
import flask
import flask_login
from flask.sessions import SecureCookieSessionInterface
from flask_wtf.csrf import CSRFProtect

from dashboard.appdb import AppDB
from dashboard.auth import audit, guard, store
from dashboard.auth.accounts import ANONYMOUS, Account, load_account
from dashboard.auth.roles import Role, anonymous_role, is_loopback, may
from dashboard.callback_guard import MAX_BODY_BYTES

SECURE_ENV = "KPI_SECURE_COOKIES"  # "1": session cookies are Secure even when the request looks like plain http


class _Sessions(SecureCookieSessionInterface):
    """Flask's signed cookie session, ``Secure`` whenever the request came over https (or ``KPI_SECURE_COOKIES``)."""

    def get_cookie_secure(self, app: flask.Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"]) or (flask.has_request_context() and flask.request.is_secure)


class Gate:
    """The access state of one server: its database, bind address and open flag; ``users_configured`` is
    re-read every few seconds so that adding the first user protects a running server."""

    TTL = 5.0

    def __init__(self, db: AppDB | None, host: str | None, open_flag: bool) -> None:
        self.db, self.host, self.open_flag = db, host, open_flag
        self._users: tuple[float, bool] | None = None

    def users_configured(self) -> bool:
        if self.db is None:
            return False
        now = time.monotonic()
        if self._users is None or now - self._users[0] > self.TTL:
            self._users = (now, store.has_users(self.db))
        return self._users[1]

    def anonymous(self) -> Role | None:
        if self.db is None and not self.open_flag and not is_loopback(self.host):
            return None  # no database, so nobody can sign in: closed
        headers = flask.request.headers if flask.has_request_context() else {}
        proxied = "X-Forwarded-For" in headers or "Forwarded" in headers
        return anonymous_role(self.host, self.users_configured(), self.open_flag, proxied)


def _gate() -> Gate | None:
    """This request's access state (set by the hook; None outside a guarded request)."""
    return flask.g.get("kpi_gate") if flask.has_request_context() else None


def current_account() -> Account | None:
    """The signed-in account of this request (None: anonymous or outside a request)."""
    if not flask.has_request_context() or _gate() is None:
        return None
    user = flask_login.current_user
    return user if isinstance(user, Account) else None


def current_role() -> Role | None:
    """What this request may do: the signed-in role, or the open mode's, whichever is higher (None: nothing).
    Outside a request, or in an app without ``install``, everything is open (plain function calls, tests)."""
    gate = _gate()
    if gate is None or not flask.has_request_context():
        return Role.admin
    account = current_account()
    roles = [r for r in (account.role if account else None, gate.anonymous()) if r is not None]
    return max(roles) if roles else None


def may_open(path: str) -> bool:
    """True when this request may open ``path`` (the navigation shows only these)."""
    return may(current_role(), path)


def actor() -> str:
    """Who to name in the audit trail for this request: the user, ``token:<name>``, else ``anonymous``."""
    account = current_account()
    return account.name if account else ANONYMOUS


def town_scope() -> str | None:
    """The town a town-scoped account is limited to (None: the whole district)."""
    account = current_account()
    return account.town_code if account else None


def install(app: dash.Dash, db: AppDB | None, callback_pages: dict[str, str], shell_outputs: set[str],
            downloads: set[str], drill_pages: dict[str, str], host: str | None = "127.0.0.1",
            open_flag: bool = False) -> None:
    """Put sign-in, CSRF protection and the access hook on ``app.server`` (see the module docstring)."""
    from dashboard.auth import views

    server = app.server
    gate = Gate(db, host, open_flag)
    audit.bind(db)
    server.secret_key = os.environ.get("KPI_SECRET_KEY") or (store.secret_key(db) if db is not None
                                                            else os.urandom(32).hex())
    server.config.update(SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
                         SESSION_COOKIE_SECURE=os.environ.get(SECURE_ENV) == "1",
                         SESSION_COOKIE_NAME="kpi_session", PERMANENT_SESSION_LIFETIME=dt.timedelta(hours=12),
                         WTF_CSRF_CHECK_DEFAULT=False, WTF_CSRF_TIME_LIMIT=None)
    server.session_interface = _Sessions()
    CSRFProtect(server)
    manager = flask_login.LoginManager()
    manager.init_app(server)
    manager.session_protection = "basic"
    manager.user_loader(lambda key: load_account(db, key) if db is not None else None)
    cmap = guard.CallbackMap(callback_pages, shell_outputs, downloads, drill_pages)
    views.register(server, db)

    @server.before_request
    def _guard() -> flask.Response | None:
        flask.g.kpi_gate = gate
        req = flask.request
        path = req.path
        if path == "/wall" and req.args.get("token") and db is not None:
            return views.token_sign_in(db, req.args.get("token", ""))
        if path == guard.DASH_CALLBACK:  # an oversized body is not parsed here: it is nobody's callback
            small = (req.content_length or 0) <= MAX_BODY_BYTES
            target = cmap.page((req.get_json(silent=True) if small else None) or {})
        else:
            target = path
        role = current_role()
        if not may(role, target):
            return guard.deny(role, target, views.refused)
        if path == guard.DASH_CALLBACK:
            return guard.check_callback_csrf(current_account() is not None)
        if req.method in guard.UNSAFE:
            server.extensions["csrf"].protect()
        return None

    @server.after_request
    def _csrf_cookie(response: flask.Response) -> flask.Response:
        if current_account() is not None and response.mimetype == "text/html":
            guard.set_csrf_cookie(response)
        return response


def user_menu(lang: str = "zh") -> Any:
    """The signed-in account's name and a sign-out button (a POST form with the CSRF token) in ``lang``; None when
    anonymous."""
    from dash import dcc, html
    from flask_wtf.csrf import generate_csrf

    from dashboard.i18n import t

    account = current_account()
    if account is None:
        return None
    return html.Form(
        [html.Span(account.name, className="kpi-user-name", id="user-name"),
         dcc.Input(type="hidden", name="csrf_token", value=generate_csrf()),
         html.Button(t("auth.sign_out", lang), type="submit", id="sign-out",
                     className="btn btn-sm btn-outline-light ms-2")],
        action="/logout", method="POST", className="kpi-user ms-3 d-flex align-items-center",
    )
