"""Sign-in, roles, kiosk tokens and the audit trail (docs/SECURITY.md).

``install(app, db, …)`` (called by the app factory) puts Flask-Login, Flask-WTF's CSRF protection, the sign-in
views and the one access hook on the app's Flask server. The pieces:

- ``roles``: the roles, ``POLICY`` (path prefix → minimum role) and ``anonymous_role`` (the open-mode rule);
- ``store``: users (argon2id hashes), kiosk tokens (hashes only), the session-signing secret;
- ``audit``: ``record(actor, action, detail)`` into ``audit_log``; ``kpi audit`` lists it;
- ``guard``: which page a request (or a Dash callback) belongs to, and the CSRF checks;
- ``session``: the request's account and role, ``install``; ``views``: ``/login``, ``/logout``, the kiosk link;
- ``command``: ``kpi user``, ``kpi token``, ``kpi audit``.

Pages and the shell ask ``current_role()``, ``may_open(path)``, ``actor()`` and ``town_scope()`` (all open
outside a guarded request). The names below load ``session`` on first use, so ``kpi --help`` stays fast.
"""

from __future__ import annotations

from typing import Any

_SESSION_NAMES = ("Account", "Gate", "actor", "current_account", "current_role", "install", "load_account",
                  "may_open", "town_scope", "user_menu")
__all__ = list(_SESSION_NAMES)


def __getattr__(name: str) -> Any:
    if name in _SESSION_NAMES:
        from dashboard.auth import session

        return getattr(session, name)
    raise AttributeError(f"module 'dashboard.auth' has no attribute {name!r}")
