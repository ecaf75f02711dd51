"""``kpi serve --prod``: the dashboard under gunicorn, several worker processes, each with its own app.

Each worker imports ``dashboard.wsgi`` (the WSGI entry) after the fork, so each builds its own app and opens the
warehouse read-only itself; nothing is shared between workers but the files. Sizing (docs/DEPLOY.md):

- **workers** default to the cores + 1, at least 2 and at most 8: a worker per core, one more so a core is
  not idle while a worker waits on I/O, and two at least so one slow export never stalls every visitor.
- **threads** per worker (``gthread``): 4, for the short requests (callbacks, assets) that arrive while one is
  busy. DuckDB and the query cache are thread-safe behind ``dashboard.data.Warehouse``'s lock.
- **DuckDB threads** per worker: the cores divided by the workers, at least 1, so the workers together do not
  ask for more cores than the machine has (DuckDB's default is every core, per connection).
- **DuckDB memory** per worker: 256 MB (``KPI_DUCKDB_MEMORY``): the data stays in DuckDB, the marts answer with
  small frames, and the design keeps a worker under 400 MB with 5 million cases; a bigger query spills to disk.
- **max_requests** 2,000 (± 200): a worker is replaced now and then, so no slow leak grows for months.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from gunicorn.app.base import BaseApplication

MEMORY_PER_WORKER = "256MB"
THREADS_PER_WORKER = 4
MAX_WORKERS = 8


def cores() -> int:
    """The cores this process may run on (a container's or a systemd unit's CPU set, not the host's)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def default_workers(n_cores: int | None = None) -> int:
    return max(2, min((n_cores or cores()) + 1, MAX_WORKERS))


def duckdb_threads(workers: int, n_cores: int | None = None) -> int:
    return max(1, (n_cores or cores()) // workers)


def options(host: str, port: int, workers: int, n_cores: int | None = None) -> dict[str, Any]:
    """gunicorn's settings for ``workers`` workers on ``host:port``."""
    return {
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": "gthread",
        "threads": THREADS_PER_WORKER,
        "timeout": 120,  # a PDF export prints through headless Chromium
        "graceful_timeout": 30,
        "max_requests": 2000,
        "max_requests_jitter": 200,
        "preload_app": False,  # each worker builds its own app (and its own warehouse connection)
        "accesslog": "-",
        "errorlog": "-",
        "proc_name": "kpi-dashboard",
        "control_socket_disable": True,  # one socket per user would clash between two servers; signals suffice
    }


def environment(warehouse: Path, workers: int, app_db: str | None, n_cores: int | None = None) -> dict[str, str]:
    """What the workers read (``dashboard.wsgi`` and ``warehouse.store.reader_config``); set values win."""
    env = {
        "KPI_WAREHOUSE": str(warehouse.absolute()),
        "KPI_DUCKDB_MEMORY": os.environ.get("KPI_DUCKDB_MEMORY") or MEMORY_PER_WORKER,
        "KPI_DUCKDB_THREADS": os.environ.get("KPI_DUCKDB_THREADS") or str(duckdb_threads(workers, n_cores)),
    }
    if app_db:
        env["KPI_APP_DB"] = app_db
    return env


class DashboardServer(BaseApplication):  # type: ignore[misc]
    """gunicorn, configured in code, loading ``dashboard.wsgi:server`` in each worker."""

    def __init__(self, settings: dict[str, Any]) -> None:
        self.settings = settings
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.settings.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from dashboard.wsgi import server

        return server


def run(warehouse: Path, host: str, port: int, workers: int | None = None, app_db: str | None = None) -> None:
    """Serve until stopped (SIGTERM or Ctrl-C)."""
    count = workers or default_workers()
    os.environ.update(environment(warehouse, count, app_db))
    DashboardServer(options(host, port, count)).run()
