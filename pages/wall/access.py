"""Who may open the wall: a view-only screen nobody logs in to.

``allowed(token, remote_addr)`` is asked on every render and refresh. The sign-in guard (``dashboard.auth``)
decides who the request is before the page runs: a kiosk token in the link (``/wall?token=…``, made with
``kpi token add --name wall1``) signs the browser in as a view-only session, and a revoked token stops at the
next request; on an open server (loopback with no users, or ``kpi serve --open``) nobody needs one. So the
wall asks the policy (``dashboard.auth.roles.POLICY``: ``/wall`` needs ``viewer``) for this request. The
arguments are kept for the page's calls; the token in the URL was already used by the guard.
"""

from __future__ import annotations

from dashboard import auth


def allowed(token: str | None, remote_addr: str | None) -> bool:
    """True when this request may see the wall (see the module docstring)."""
    return auth.may_open("/wall")
