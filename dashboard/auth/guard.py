"""The one ``before_request`` hook that enforces ``roles.POLICY`` over every request, and its CSRF checks.

What a request is checked against (``target``):

- a page, ``/api/*``, ``/health``, static files: its path;
- a Dash callback (``POST /_dash-update-component``): the page the callback belongs to, decided on the
  server from the callback's *outputs* (the ``output`` key Dash dispatches on), never from the ``Referer``
  or any header the client chooses:
  - Dash pages' routing callback (it renders a whole page) → the ``pathname`` it is asked to render;
  - a callback registered by a page's ``PageSpec.callbacks`` → that page's path (recorded at start-up);
  - a callback with a ``dcc.Download`` among its outputs → ``/_export`` (every export needs ``analyst``);
  - the shell's drill-down (rows behind a chart) → the page folder of the chart clicked (``dashboard/charts/
    <folder>``); the shell's other callbacks (filters, labels, freshness) → ``/_shell``;
  - anything else (a callback registered some other way) → ``/data``: admin only, so it fails closed.

Then: anonymous on a page → redirect to ``/login?next=…``; anonymous elsewhere → 401; signed in without
the role → 403. CSRF: every POST/PUT/PATCH/DELETE that is not a Dash callback needs Flask-WTF's token
(form field ``csrf_token`` or header ``X-CSRFToken``); a Dash callback must come from this origin (an
``Origin`` header, when sent, must be this server's) and, for a signed-in session, carry ``X-CSRFToken``,
which Dash's renderer copies from the ``_csrf_token`` cookie this hook sets (Dash's ``csrf_token_name``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import quote, urlsplit

import flask
from dash import dcc
from dash.development.base_component import Component
from flask_wtf.csrf import CSRFError, generate_csrf, validate_csrf

from dashboard.auth.roles import Role, may, required

DASH_CALLBACK = "/_dash-update-component"
CSRF_COOKIE = "_csrf_token"  # Dash's default ``csrf_token_name``
CSRF_HEADER = "X-CSRFToken"  # Dash's default ``csrf_header_name``
SHELL = "/_shell"
EXPORT = "/_export"
UNKNOWN = "/data"  # a callback nobody declared: admin only
ROUTER_OUTPUT = "_pages_content.children"
DRILL_OUTPUT = "rows-modal.is_open"
UNSAFE = ("POST", "PUT", "PATCH", "DELETE")


def output_ids(output_key: str) -> list[str]:
    """The component ids in a callback's output key (``..a.x...b.y..`` or ``a.x``; ``@hash`` suffixes dropped)."""
    key = output_key
    parts = key[2:-2].split("...") if key.startswith("..") and key.endswith("..") else [key]
    return [p.split("@", 1)[0].rsplit(".", 1)[0] for p in parts]


def download_ids(layouts: Iterable[Any]) -> set[str]:
    """The ids of every ``dcc.Download`` in ``layouts`` (component trees)."""
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, list | tuple):
            for child in node:
                walk(child)
        elif isinstance(node, Component):
            if isinstance(node, dcc.Download) and isinstance(getattr(node, "id", None), str):
                found.add(node.id)
            for prop in ("children", "body"):
                walk(getattr(node, prop, None))

    walk(list(layouts))
    return found


def _input_value(body: dict[str, Any], component: str, prop: str) -> Any:
    inputs = body.get("inputs")
    for item in inputs if isinstance(inputs, list) else []:
        if isinstance(item, dict) and item.get("id") == component and item.get("property") == prop:
            return item.get("value")
    return None


class CallbackMap:
    """Which page each server-side callback belongs to (see the module docstring)."""

    def __init__(self, owners: dict[str, str], shell: Iterable[str], downloads: set[str],
                 drill_pages: dict[str, str]) -> None:
        self.owners = dict(owners)  # output key → page path
        self.shell = set(shell)  # output keys of the shell's callbacks
        self.downloads = downloads
        self.drill_pages = drill_pages  # chart/tile key → page path

    def page(self, body: Any) -> str:
        """The page ``body`` (a callback request, as sent: anything) is checked against; ``UNKNOWN`` for junk."""
        try:
            return self._page(body) if isinstance(body, dict) else UNKNOWN
        except (TypeError, ValueError, AttributeError, KeyError):  # a malformed request: fail closed
            return UNKNOWN

    def _page(self, body: dict[str, Any]) -> str:
        output = body.get("output")
        if not isinstance(output, str):
            return UNKNOWN
        if ROUTER_OUTPUT in output:
            path = _input_value(body, "_pages_location", "pathname")
            return (str(path).rstrip("/") or "/") if isinstance(path, str) and path.startswith("/") else "/"
        if any(i in self.downloads for i in output_ids(output)):
            return EXPORT
        if output in self.owners:
            return self.owners[output]
        if output in self.shell:
            return self._drill_page(body) if DRILL_OUTPUT in output else SHELL
        return UNKNOWN

    def _drill_page(self, body: dict[str, Any]) -> str:
        """The page of the chart or tile whose click (or rows button) fired the drill-down; the close button is
        the shell's; an unknown key is the strictest page's."""
        pages = []
        for prop_id in body.get("changedPropIds") or []:
            raw = str(prop_id).rsplit(".", 1)[0]
            if raw == "rows-close":
                pages.append(SHELL)
                continue
            key = json.loads(raw).get("key")
            pages.append(self.drill_pages.get(key, UNKNOWN) if isinstance(key, str) else UNKNOWN)
        if not pages:
            return UNKNOWN
        return max(pages, key=lambda p: required(p) or 0)


def same_origin(origin: str | None, host_url: str) -> bool:
    """True when ``origin`` is absent or names this server (scheme, host and port of ``host_url``)."""
    if not origin:
        return True
    a, b = urlsplit(origin), urlsplit(host_url)
    return (a.scheme, a.netloc.lower()) == (b.scheme, b.netloc.lower())


def safe_next(target: str | None) -> str:
    """A path on this server to go to after signing in (``/`` for anything else: no open redirects)."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")) or any(
            c in target for c in "\r\n\t\\"):
        return "/"
    return target


def _is_page_request(path: str) -> bool:
    return flask.request.method == "GET" and not path.startswith(("/_", "/api/", "/assets/"))


def deny(role: Role | None, target: str, page_html: Callable[[int], flask.Response]) -> flask.Response:
    """The answer to a request ``role`` may not make: sign-in redirect, 401 or 403."""
    path = flask.request.path
    if role is None and _is_page_request(path):
        nxt = flask.request.full_path if flask.request.query_string else path
        return flask.redirect("/login?next=" + quote(nxt, safe="/"), 302)
    status = 401 if role is None else 403
    if _is_page_request(path):
        return page_html(status)
    return flask.Response(json.dumps({"error": "sign-in required" if status == 401 else "forbidden",
                                      "needs": (required(target) or Role.viewer).name}),
                          status=status, mimetype="application/json")


def check_callback_csrf(signed_in: bool) -> flask.Response | None:
    """The Dash callback's origin and, for a signed-in session, its ``X-CSRFToken``; None when it passes."""
    if not same_origin(flask.request.headers.get("Origin"), flask.request.host_url):
        return flask.Response('{"error": "cross-origin"}', status=403, mimetype="application/json")
    if signed_in:
        try:
            validate_csrf(flask.request.headers.get(CSRF_HEADER, ""))
        except Exception:
            return flask.Response('{"error": "CSRF token missing or invalid"}', status=400,
                                  mimetype="application/json")
    return None


def set_csrf_cookie(response: flask.Response) -> flask.Response:
    """Give the page's JavaScript the CSRF token (Dash's renderer sends it back as ``X-CSRFToken``)."""
    response.set_cookie(CSRF_COOKIE, generate_csrf(), samesite="Lax", secure=flask.request.is_secure,
                        httponly=False, path="/")
    return response


__all__ = ["CSRFError", "CallbackMap", "check_callback_csrf", "deny", "download_ids", "may", "safe_next",
           "same_origin", "set_csrf_cookie"]
