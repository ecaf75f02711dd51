"""The Dash app factory: ``create_app(warehouse_path)``; the composition root of the dashboard.

It builds the services (``dashboard.services.Services``: the read-only warehouse, cached per
generation), registers every page module of ``pages/`` (each declares ``PAGE = PageSpec(...)``) with
Dash pages, binding the services into its layout and callbacks, and puts the shell
(``dashboard.shell``) around them. Nothing else imports this module except the WSGI entry and the CLI.
"""

from __future__ import annotations

import copy
import functools
import importlib
import json
import pkgutil
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import dash
import flask
import flask_bootstrap
from dash import html
from dash.development.base_component import Component

import pages
from dashboard import auth, callback_guard, callbacks, charts, serving, shell, web_api
from dashboard.appdb import AppDB, resolve_url
from dashboard.auth import guard
from dashboard.data import Warehouse
from dashboard.figures import theme
from dashboard.i18n import t
from dashboard.pagekit import PageSpec, chromeless, render_page
from dashboard.services import Services

ROOT = Path(__file__).resolve().parent.parent
BOOTSTRAP_CSS = Path(flask_bootstrap.__file__).parent / "static" / "bootstrap5" / "css"
VENDOR_URL = "/_kpi/vendor/"
THEME_URL = "/_kpi/theme.css"


def page_modules() -> list[ModuleType]:
    """Every module (or package) of ``pages/`` that declares a ``PAGE``, in navigation order."""
    found = []
    for info in pkgutil.iter_modules(pages.__path__, pages.__name__ + "."):
        module = importlib.import_module(info.name)
        if isinstance(getattr(module, "PAGE", None), PageSpec):
            found.append(module)
    return sorted(found, key=lambda m: m.PAGE.order)


def register_pages(app: dash.Dash, services: Services) -> dict[str, str]:
    """Register each page with Dash pages (layout bound to ``services``) and attach its callbacks; returns the
    page path of each callback a page attached (by output key: ``dashboard.auth.guard`` checks callbacks so)."""
    owners: dict[str, str] = {}
    for module in page_modules():
        spec: PageSpec = module.PAGE
        if spec.body is not None:
            layout = render_page(spec.body, services, spec.community)
        else:
            assert spec.layout is not None, f"{module.__name__}: PAGE needs a body or a layout"
            layout = spec.layout
        if not spec.chrome:
            layout = chromeless(layout)
        name = t(spec.nav, "zh") if spec.nav else spec.path
        title = t(spec.title, "zh") if spec.title else name
        dash.register_page(
            module.__name__,
            path=spec.path,
            name=name,
            title=f"{title} · {t('app.org', 'zh')}",
            order=spec.order,
            layout=layout,
            nav=spec.nav,
            filters=spec.filters,
            title_key=spec.title,
            community=spec.community,
            invalid_params=spec.invalid_params,
        )
        if spec.callbacks is not None:
            before = set(app.callback_map)
            spec.callbacks(app, services)
            owners.update(dict.fromkeys(set(app.callback_map) - before, spec.path))
    return owners


def with_ids(node: Any) -> Iterator[Component]:
    """The components of a layout that have an id, in document order (through ``children`` and ``body``)."""
    if isinstance(node, list | tuple):
        for child in node:
            yield from with_ids(child)
    elif isinstance(node, Component):
        if getattr(node, "id", None) is not None:
            yield node
        for prop in ("children", "body"):
            yield from with_ids(getattr(node, prop, None))


def layout_ids(node: Any) -> set[str]:
    """The ids in a layout (pattern-matching ids as sorted JSON)."""
    return {c.id if isinstance(c.id, str) else json.dumps(c.id, sort_keys=True) for c in with_ids(node)}


def id_components(node: Any) -> list[Component]:
    """Every component of a layout that has an id, as a copy holding only its id (its type kept): all that the
    browser's callback check reads of the validation layout."""
    bare = [copy.copy(c) for c in with_ids(node)]
    for c in bare:
        for prop in [name for name in vars(c) if not name.startswith("_") and name != "id"]:
            delattr(c, prop)
    return bare


def complete_validation_layout(app: dash.Dash) -> None:
    """Without ``suppress_callback_exceptions`` the browser checks every callback id against the validation
    layout, which Dash pages builds at the first request from each page's default view and the shell. A page
    with nothing to show (an empty or missing warehouse) lacks its controls there, so each page's skeleton
    (and the shell callbacks' own) is added for the ids that are missing: a wrong id still fails loudly. Every
    page's HTML carries the validation layout, so it is cut to its components with ids, each with its id alone
    (``id_components``: 526 → 63 kB of HTML)."""
    skeletons = [m.PAGE.skeleton() for m in page_modules() if m.PAGE.skeleton] + [callbacks.skeleton()]
    done: list[bool] = []

    @app.server.before_request
    def _complete() -> None:  # runs after Dash pages' own first-request hook
        if done or app.validation_layout is None:
            return
        have = layout_ids(app.validation_layout)
        missing = [part for part in skeletons if not layout_ids(part) <= have]
        app.validation_layout = html.Div(id_components([app.validation_layout, *missing]))
        done.append(True)


def _page_paths() -> set[str]:
    return {page["path"] for page in dash.page_registry.values() if page["path"] != "/404"}


def _open_appdb(url: str | None, warehouse_path: str | Path) -> AppDB | None:
    """The application database, upgraded to head; None (and a line on stderr) when it cannot be opened."""
    try:
        return AppDB(resolve_url(url, warehouse_path))
    except Exception as exc:  # the read-only pages must still serve; /dispatch says the database is missing
        print(f"kpi serve: application database: {exc}", file=sys.stderr, flush=True)
        return None


def create_app(warehouse_path: str | Path, warm: bool = True, refresh_s: float = 60,
               app_db: str | None = None, host: str | None = "127.0.0.1", open_access: bool = False) -> dash.Dash:
    """A Dash app serving the warehouse at ``warehouse_path`` (read-only; new generations picked up live).

    ``warm`` renders every page's default view once in the background, so the first visitor (often the
    wall screen) finds the queries cached. Every ``refresh_s`` seconds the browser checks the freshness
    and whether a new generation was published (then the page re-renders in place). ``app_db``: the
    application database's URL (``dashboard.appdb.resolve_url``: else $KPI_APP_DB, else beside the warehouse),
    upgraded to the latest schema here. ``host`` (the address the server is bound to) and ``open_access``
    (``kpi serve --open``) decide whether visitors must sign in (``dashboard.auth.roles.anonymous_role``).
    """
    services = Services(Warehouse(warehouse_path), int(refresh_s * 1000), _open_appdb(app_db, warehouse_path))
    problem = services.warehouse.check()
    if problem:
        print(f"kpi serve: {problem}", file=sys.stderr, flush=True)

    server = flask.Flask("dashboard")

    @server.route(THEME_URL)
    def theme_css() -> flask.Response:  # the status colours, defined once in dashboard.figures.theme
        return flask.Response(theme.css_variables(), mimetype="text/css", headers={"Cache-Control": "max-age=3600"})

    @server.route(VENDOR_URL + "<path:name>")
    def vendor(name: str) -> flask.Response:  # Bootstrap's CSS, served locally (the wall screen has no internet)
        return flask.send_from_directory(BOOTSTRAP_CSS, name, max_age=86400)

    app = dash.Dash(
        "dashboard",
        server=server,
        use_pages=True,
        pages_folder="",  # pages are registered below, with their services
        assets_folder=str(ROOT / "assets"),
        external_stylesheets=[VENDOR_URL + "bootstrap.min.css", THEME_URL],
        title=t("app.title", "zh"),
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
            and flask.request.endpoint == "/<path:path>"  # Dash's catch-all, not a route of our own (/login)
        ):
            response.status_code = 404
        return response

    owners = register_pages(app, services)
    app.layout = functools.partial(shell.layout, services)
    before = set(app.callback_map)
    callbacks.register(app, services)
    complete_validation_layout(app)
    _install_auth(app, services, owners, set(app.callback_map) - before, host, open_access)
    serving.install(app)  # compression, cache and security headers
    callback_guard.install(app)  # malformed callback requests → 400
    web_api.install(app, services)  # /health, /api/report/<year>
    if warm and problem is None:
        threading.Thread(target=_warm, args=(server,), name="kpi-warm", daemon=True).start()
    return app


def _install_auth(app: dash.Dash, services: Services, owners: dict[str, str], shell_outputs: set[str],
                  host: str | None, open_access: bool) -> None:
    """Sign-in and the access policy (``dashboard.auth``), told which page each callback, download and chart is on."""
    modules = page_modules()
    page_paths = {m.__name__.rsplit(".", 1)[-1]: m.PAGE.path for m in modules}  # pages.overview → /
    drill_pages = {key: page_paths.get(folder, guard.UNKNOWN) for key, folder in charts.drill_folders().items()}
    downloads = guard.download_ids([m.PAGE.skeleton() for m in modules if m.PAGE.skeleton])
    auth.install(app, services.appdb, owners, shell_outputs, downloads, drill_pages, host, open_access)


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
