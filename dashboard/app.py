"""The Dash app factory: ``create_app(warehouse_path)``.

One module per page in ``pages/`` (Dash pages); the shell (``dashboard.shell``) holds navigation,
freshness, the shared filters and the rows modal. The app reads the warehouse only through
``dashboard.data.Warehouse`` (read-only, cached per generation), stored on the Flask app so pages
find it with ``dashboard.app.warehouse()``.
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path

import dash
import flask
import flask_bootstrap

from dashboard.data import Warehouse

ROOT = Path(__file__).resolve().parent.parent
BOOTSTRAP_CSS = Path(flask_bootstrap.__file__).parent / "static" / "bootstrap5" / "css"
VENDOR_URL = "/_kpi/vendor/"
_EXTENSION = "kpi_warehouse"


def warehouse() -> Warehouse:
    """The warehouse of the app serving the current request."""
    return flask.current_app.extensions[_EXTENSION]


def _page_paths() -> set[str]:
    return {page["path"] for page in dash.page_registry.values() if page["path"] != "/404"}


def create_app(warehouse_path: str | Path, warm: bool = True, refresh_s: float = 60) -> dash.Dash:
    """A Dash app serving the warehouse at ``warehouse_path`` (read-only; new generations picked up live).

    ``warm`` renders every page's default view once in the background, so the first visitor (often the
    wall screen) finds the queries cached. Every ``refresh_s`` seconds the browser checks the freshness
    and whether a new generation was published (then the page re-renders in place).
    """
    wh = Warehouse(warehouse_path)
    problem = wh.check()
    if problem:
        print(f"kpi serve: {problem}", file=sys.stderr, flush=True)

    server = flask.Flask("dashboard")
    server.extensions[_EXTENSION] = wh
    server.config["KPI_REFRESH_MS"] = int(refresh_s * 1000)

    @server.route(VENDOR_URL + "<path:name>")
    def vendor(name: str) -> flask.Response:  # Bootstrap's CSS, served locally (the wall screen has no internet)
        return flask.send_from_directory(BOOTSTRAP_CSS, name, max_age=86400)

    app = dash.Dash(
        "dashboard",
        server=server,
        use_pages=True,
        pages_folder=str(ROOT / "pages"),
        assets_folder=str(ROOT / "assets"),
        external_stylesheets=[VENDOR_URL + "bootstrap.min.css"],
        suppress_callback_exceptions=True,
        title="环翠区综合行政执法局 · 指挥看板",
        update_title=None,
        meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}],
        include_pages_meta=False,
        # a newly published generation re-renders the page in place (the wall screen never reloads)
        routing_callback_inputs={"gen": dash.Input("gen-store", "data")},
    )

    @server.after_request
    def not_found_status(response: flask.Response) -> flask.Response:
        """Unknown page URLs still get the app (which shows the not-found page), with HTTP status 404."""
        path = flask.request.path.rstrip("/") or "/"
        if (
            flask.request.method == "GET"
            and response.status_code == 200
            and response.mimetype == "text/html"
            and not path.startswith(("/_", "/assets"))
            and path not in _page_paths()
        ):
            response.status_code = 404
        return response

    from dashboard import callbacks, shell

    app.layout = shell.layout
    callbacks.register(app)
    if warm and problem is None:
        threading.Thread(target=_warm, args=(server,), name="kpi-warm", daemon=True).start()
    return app


def _warm(server: flask.Flask) -> None:
    """Render each page's default view once, filling the query cache (errors are the pages' to show)."""
    with server.test_request_context():
        for page in list(dash.page_registry.values()):
            layout = page.get("layout")
            if callable(layout) and page["path"] != "/404":
                try:
                    layout()
                except Exception as exc:  # warming must never take the server down
                    print(f"kpi serve: warming {page['path']} failed: {exc}", file=sys.stderr)
