"""Who may open the wall: a view-only screen nobody logs in to.

The hook for the roles issue's kiosk token: ``allowed(token, remote_addr)``. Today the wall is open: from
loopback always; from elsewhere too, unless ``KPI_WALL_TOKEN`` is set, in which case a link must carry it
(``/wall?token=…``). The roles issue replaces this function's body (signed, revocable kiosk tokens); the
page and its refresh callback already ask it on every render and refresh.
"""

from __future__ import annotations

import hmac
import ipaddress
import os


def _loopback(remote_addr: str | None) -> bool:
    try:
        return remote_addr is not None and ipaddress.ip_address(remote_addr).is_loopback
    except ValueError:
        return False


def allowed(token: str | None, remote_addr: str | None) -> bool:
    """True when this request may see the wall (see the module docstring)."""
    if _loopback(remote_addr):
        return True
    expected = os.environ.get("KPI_WALL_TOKEN")
    if not expected:
        return True
    return hmac.compare_digest((token or "").encode(), expected.encode())
