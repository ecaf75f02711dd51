"""The WSGI entry for real servers: ``gunicorn 'dashboard.wsgi:server'`` (or waitress, uWSGI, ...).

``KPI_WAREHOUSE`` picks the warehouse (default ``data/warehouse.duckdb``), ``KPI_APP_DB`` the application database
(default ``appdb.sqlite`` beside the warehouse; ``docs/DISPATCH.md``); ``KPI_REFRESH_S`` the
browser's freshness check interval in seconds (default 60). ``KPI_HOST`` is the address the server is bound to
and ``KPI_OPEN=1`` opens it without sign-in (the open-mode rule, docs/SECURITY.md; unset: sign-in required).
Each worker process builds its own app.
"""

from __future__ import annotations

import os

from dashboard import serving
from dashboard.app import create_app
from warehouse import store

app = create_app(
    store.warehouse_path(),  # KPI_WAREHOUSE, else the default
    refresh_s=float(os.environ.get("KPI_REFRESH_S") or 60),
    host=os.environ.get("KPI_HOST"),
    open_access=os.environ.get("KPI_OPEN") == "1",
)
server = app.server
serving.settle_heap()  # one app per worker process, built once
