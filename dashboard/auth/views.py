"""``/login`` (GET: the form; POST: sign in) and ``/logout`` (POST), the kiosk token's sign-in and the
"not allowed" page. Plain Flask views with an autoescaped template; words from ``catalogue/keys/auth.csv``."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

import flask
import flask_login
from flask_wtf.csrf import generate_csrf

from dashboard.appdb import AppDB
from dashboard.auth import audit, guard, store
from dashboard.auth.accounts import ANONYMOUS, Account, token_account, user_account
from dashboard.i18n import norm_lang, t

THROTTLE_WINDOW = dt.timedelta(minutes=15)
MAX_FAILS_USER = 5  # failed sign-ins of one user name in the window, then that name waits
MAX_FAILS_ADDR = 20  # failed sign-ins from one address in the window, then that address waits

PAGE = """<!doctype html>
<html lang="{{ 'en' if lang == 'en' else 'zh-CN' }}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ t('auth.title') }} · {{ t('app.org') }}</title>
<link rel="stylesheet" href="/_kpi/vendor/bootstrap.min.css"><link rel="stylesheet" href="/assets/auth.css">
</head><body class="kpi-auth"><main class="kpi-auth-box">
<div class="kpi-auth-head"><span class="kpi-auth-logo" aria-hidden="true">{{ t('app.logo') }}</span>
<div><h1 class="h5 mb-1">{{ t('app.org') }}</h1>
<p class="kpi-auth-sub">{{ t('app.product') }} · {{ t('auth.title') }}</p></div>
</div>
{% if message %}<div class="alert alert-{{ tone }}" role="alert" id="auth-msg">{{ message }}</div>{% endif %}
{% if form %}
<form method="post" action="/login?{{ query }}" id="login-form">
<input type="hidden" name="csrf_token" value="{{ csrf }}">
<input type="hidden" name="next" value="{{ next }}">
<label class="form-label" for="username">{{ t('auth.username') }}</label>
<input class="form-control mb-3" id="username" name="username" autocomplete="username" required maxlength="64">
<label class="form-label" for="password">{{ t('auth.password') }}</label>
<input class="form-control mb-3" id="password" name="password" type="password" autocomplete="current-password"
 required maxlength="1024">
<button class="btn btn-primary w-100" type="submit" id="login-btn">{{ t('auth.submit') }}</button>
</form>
{% else %}<a href="/login" class="btn btn-outline-primary">{{ t('auth.to_login') }}</a>{% endif %}
<p class="mt-3 small"><a href="?{{ other_query }}" id="auth-lang">{{ t('auth.lang_switch') }}</a></p>
</main></body></html>"""


def _lang() -> str:
    return norm_lang(flask.request.args.get("lang"))


def _page(status: int = 200, message: str = "", tone: str = "danger", form: bool = True,
          next_path: str = "/") -> flask.Response:
    lang = _lang()
    query = urlencode({"lang": lang}) if lang != "zh" else ""
    other = urlencode({**{k: v for k, v in flask.request.args.items() if k != "lang"},
                       "lang": "zh" if lang == "en" else "en"})
    html = flask.render_template_string(
        PAGE, t=lambda key, **v: t(key, lang, **v), lang=lang, message=message, tone=tone, form=form,
        csrf=generate_csrf() if form else "", next=next_path, query=query, other_query=other)
    return flask.Response(html, status=status, mimetype="text/html",
                          headers={"Cache-Control": "no-store", "X-Frame-Options": "DENY"})


def refused(status: int) -> flask.Response:
    """The page for a signed-in user without the role (403) or a page asked for without signing in (401)."""
    key = "auth.forbidden" if status == 403 else "auth.need_sign_in"
    return _page(status, t(key, _lang()), tone="warning", form=status == 401)


def _throttled(db: AppDB, username: str, remote: str | None) -> bool:
    since = dt.datetime.now(dt.UTC).replace(tzinfo=None) - THROTTLE_WINDOW
    return (audit.failures_since(db, since, username=username) >= MAX_FAILS_USER
            or (remote is not None and audit.failures_since(db, since, remote_addr=remote) >= MAX_FAILS_ADDR))


def _sign_in(account: flask_login.UserMixin) -> None:
    flask.session.clear()  # nothing of the anonymous session carries over
    flask_login.login_user(account)
    flask.session.permanent = True  # expires after PERMANENT_SESSION_LIFETIME idle: each request renews it


def register(server: flask.Flask, db: AppDB | None) -> None:
    @server.route("/login", methods=["GET", "POST"])
    def login() -> flask.Response:
        next_path = guard.safe_next(flask.request.values.get("next"))
        if flask.request.method == "GET":
            return _page(next_path=next_path)
        lang = _lang()
        username = flask.request.form.get("username", "")[:200]
        password = flask.request.form.get("password", "")
        if db is None:
            return _page(503, t("auth.no_db", lang), next_path=next_path)
        remote = flask.request.remote_addr
        if _throttled(db, username, remote):
            audit.record(username, "sign_in_throttled", {})
            return _page(429, t("auth.throttled", lang, minutes=int(THROTTLE_WINDOW.total_seconds() // 60)),
                         next_path=next_path)
        user = store.check_password(db, username, password)
        if user is None:
            audit.record(username, "sign_in_failed", {})
            return _page(401, t("auth.failed", lang), next_path=next_path)
        _sign_in(user_account(user))
        audit.record(user["username"], "sign_in", {"role": user["role"]})
        return flask.redirect(next_path, 303)

    @server.route("/logout", methods=["POST"])
    def logout() -> flask.Response:
        user = flask_login.current_user
        if isinstance(user, Account):
            audit.record(user.name, "sign_out", {})
        flask_login.logout_user()
        flask.session.clear()
        response = _page(200, t("auth.signed_out", _lang()), tone="success")
        response.delete_cookie(guard.CSRF_COOKIE, path="/")
        return response


def token_sign_in(db: AppDB, token: str) -> flask.Response:
    """``/wall?token=…``: a live token signs this browser in as its (view-only) account, then the address
    loses the token; a wrong or revoked one is audited and gets the sign-in page."""
    row = store.token_row(db, token)
    args = {k: v for k, v in flask.request.args.items(multi=True) if k != "token"}
    if row is None:
        audit.record(ANONYMOUS, "token_failed", {"path": flask.request.path})
        return _page(401, t("auth.token_bad", _lang()), next_path="/wall")
    _sign_in(token_account(row))
    store.touch_token(db, row["id"])
    audit.record(f"token:{row['name']}", "token_use", {"role": row["role"]})
    query = urlencode(args)
    return flask.redirect(flask.request.path + (f"?{query}" if query else ""), 302)
