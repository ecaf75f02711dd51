"""What the app factory hands to pages and callbacks: the warehouse, the refresh interval, the application DB.

``create_app`` builds one ``Services`` and passes it to every page's layout and callback registration,
so nothing looks the warehouse up globally and a test can render any page against any warehouse.
"""

from __future__ import annotations

from dataclasses import dataclass

from dashboard.appdb import AppDB
from dashboard.data import Warehouse

REFRESH_MS = 60_000


@dataclass(frozen=True)
class Services:
    warehouse: Warehouse
    refresh_ms: int = REFRESH_MS
    appdb: AppDB | None = None  # user data (meeting snapshots, commitments); None in tests that need none
