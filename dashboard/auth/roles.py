"""Roles, the access policy (ONE table: path prefix → minimum role) and the open-mode rule.

    viewer  < analyst < admin      (a kiosk token is a viewer unless made with another role)

``POLICY`` is the only place that says who may open what; ``dashboard.auth.guard`` enforces it in one
``before_request`` hook, for pages, Dash callbacks (mapped to their page), downloads and ``/api/*``.
"""

from __future__ import annotations

import ipaddress
from enum import IntEnum


class Role(IntEnum):
    """The roles, in order: each may do everything the ones before it may."""

    viewer = 1
    analyst = 2
    admin = 3

    @classmethod
    def parse(cls, name: str) -> Role:
        """``viewer``/``analyst``/``admin`` (any case, spaces trimmed); ValueError for anything else."""
        try:
            return cls[name.strip().lower()]
        except KeyError:
            raise ValueError(f"unknown role {name!r}: viewer, analyst or admin") from None


PUBLIC = None  # the minimum role of a public path: anyone, signed in or not

# path prefix → minimum role. The longest matching prefix wins; a path no prefix matches needs ``DEFAULT``.
# Callbacks are checked against the page they belong to (guard.callback_page), exports against "/_export".
POLICY: dict[str, Role | None] = {
    "/login": PUBLIC,
    "/logout": PUBLIC,
    "/health": PUBLIC,
    "/assets/": PUBLIC,  # CSS, fonts, small JS: no data
    "/_dash-component-suites/": PUBLIC,  # Dash's own JavaScript
    "/_favicon.ico": PUBLIC,
    "/_kpi/": PUBLIC,  # the theme's CSS and the vendored Bootstrap CSS
    "/_dash-layout": Role.viewer,  # the shell (navigation, filters): any signed-in user
    "/_dash-dependencies": Role.viewer,
    "/_reload-hash": Role.viewer,
    "/_shell": Role.viewer,  # the shell's own callbacks (filters, labels, freshness)
    "/": Role.viewer,  # the overview (exactly "/": see ``required``)
    "/wall": Role.viewer,
    "/_export": Role.analyst,  # every download and export, whatever page it is on
    "/api/": Role.analyst,
    "/data": Role.admin,  # the data desk
    "/users": Role.admin,
}
DEFAULT = Role.analyst  # every other page: /violations, /demolitions, /snow, /report, /rankings, /dispatch, /explore …


def required(path: str) -> Role | None:
    """The minimum role for ``path`` (None: public). ``/`` matches the overview alone; other prefixes match
    the path itself and anything under it (``/data`` covers ``/data/upload`` but not ``/database``)."""
    path = path or "/"
    best: str | None = None
    for prefix in POLICY:
        if prefix == "/":
            hit = path == "/"
        elif prefix.endswith("/"):
            hit = path.startswith(prefix) or path == prefix.rstrip("/")
        else:
            hit = path == prefix or path.startswith(prefix + "/")
        if hit and (best is None or len(prefix) > len(best)):
            best = prefix
    return DEFAULT if best is None else POLICY[best]


def may(role: Role | None, path: str) -> bool:
    """True when ``role`` (None: anonymous) may open ``path``."""
    need = required(path)
    return need is None or (role is not None and role >= need)


def is_loopback(host: str | None) -> bool:
    """True for 127.0.0.0/8, ::1 and ``localhost``."""
    if not host:
        return False
    if host.strip("[]").lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def anonymous_role(host: str | None, users_configured: bool, open_flag: bool = False,
                   proxied: bool = False) -> Role | None:
    """The open-mode rule, in one place: what a visitor who has not signed in may do (None: sign in first).

    - bound to loopback with no users configured, and the request not relayed by a reverse proxy: open (the
      demo) — everything, the data desk included. A request carrying ``X-Forwarded-For``/``Forwarded`` came
      from elsewhere through a proxy, so it is treated like one to a non-loopback address;
    - started with ``--open`` (anywhere, users or not): open for reading and exports (``analyst``); the data
      desk and users still need an admin to sign in;
    - otherwise: nothing but the sign-in page.
    """
    if is_loopback(host) and not users_configured and not proxied:
        return Role.admin
    if open_flag:
        return Role.analyst
    return None
