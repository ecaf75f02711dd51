"""The app shell around every page: header with navigation and data freshness, filter bar, rows modal.

Labels are filled by callbacks from the URL's ``lang`` (see ``dashboard.callbacks``); the shell
itself never queries the warehouse (it only reads which generation is published). The navigation lists
the registered pages (``dash.page_registry``) that have a navigation label, in their order.
"""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard import auth
from dashboard.components import rows_grid
from dashboard.figures.theme import towns
from dashboard.i18n import t, town_label
from dashboard.services import Services


def nav() -> list[tuple[str, str]]:
    """(path, i18n key) of every registered page with a navigation label, in the pages' order."""
    entries = sorted(dash.page_registry.values(), key=lambda p: p.get("order") or 0)
    return [(p["path"], p["nav"]) for p in entries if p.get("nav")]


def page_of(pathname: str | None) -> dict:
    """The registered page at ``pathname`` (``{}`` when none): its ``filters``, ``community``, ``nav`` …"""
    path = (pathname or "/").rstrip("/") or "/"
    return next((p for p in dash.page_registry.values() if p["path"] == path), {})


def nav_id(key: str) -> str:
    """The navigation link's id: ``nav.violations`` → ``nav-violations``."""
    return "nav-" + key.split(".", 1)[1]


def header() -> dbc.Navbar:
    links = [dbc.NavItem(dbc.NavLink(t(key), href=path, id=nav_id(key), active="exact"),
                         class_name=None if auth.may_open(path) else "d-none")  # only the pages the role may open
             for path, key in nav()]
    return dbc.Navbar(
        dbc.Container(
            [
                html.A(
                    [
                        html.Span(t("app.logo"), className="kpi-logo"),
                        html.Span(t("app.title"), id="app-title", className="kpi-brand-text"),
                    ],
                    href="/",
                    id="brand",
                    className="navbar-brand d-flex align-items-center",
                ),
                dbc.Nav(links, navbar=True, className="me-auto kpi-nav"),
                html.Div(id="freshness", className="kpi-freshness"),
                dbc.Button(
                    t("lang.switch"),
                    id="lang-btn",
                    color="light",
                    outline=True,
                    size="sm",
                    className="ms-3",
                    n_clicks=0,
                ),
                html.Div(auth.user_menu(), id="user-menu", className="d-flex"),  # relabelled with the language
            ],
            fluid=True,
        ),
        color="dark",
        dark=True,
        className="kpi-navbar",
        sticky="top",
    )


def town_options(lang: str) -> list[dict[str, str]]:
    """The towns of the reference data (present from the start, so a town in the URL is never dropped)."""
    return [{"label": town_label(town.name, town.pinyin, lang), "value": code} for code, town in towns().items()]


def filter_bar() -> html.Div:
    return html.Div(
        dbc.Container(
            [
                html.Div(
                    [
                        html.Label(
                            t("filter.range"), id="lbl-range", className="kpi-filter-label", htmlFor="date-range"
                        ),
                        dcc.DatePickerRange(
                            id="date-range",
                            display_format="YYYY-MM-DD",
                            clearable=False,
                            first_day_of_week=1,
                            minimum_nights=0,
                        ),
                    ],
                    className="kpi-filter",
                    id="filter-range-box",
                ),
                html.Div(id="range-note", className="kpi-range-note", role="status"),
                html.Div(
                    [
                        html.Label(t("filter.towns"), id="lbl-towns", className="kpi-filter-label", htmlFor="towns"),
                        dcc.Dropdown(
                            id="towns",
                            multi=True,
                            placeholder=t("filter.towns_all"),
                            options=town_options("zh"),
                            className="kpi-towns",
                        ),
                    ],
                    className="kpi-filter kpi-filter-towns",
                    id="filter-towns-box",
                ),
                dbc.Button(t("filter.reset"), id="reset-btn", color="secondary", outline=True, size="sm", n_clicks=0),
                html.Nav(id="breadcrumb", className="kpi-breadcrumb", **{"aria-label": "drill-down"}),
            ],
            fluid=True,
            className="kpi-filter-row",
        ),
        className="kpi-filterbar",
    )


def rows_modal() -> dbc.Modal:
    return dbc.Modal(
        [
            dbc.ModalHeader(dbc.ModalTitle(id="rows-title")),
            dbc.ModalBody(
                [
                    html.Div(id="rows-explain"),
                    html.Div(id="rows-count", className="kpi-rows-count"),
                    rows_grid("rows-grid", None, "zh"),
                ]
            ),
            dbc.ModalFooter(
                [
                    dbc.Button(t("common.export_csv"), id="rows-csv", color="primary", n_clicks=0,
                               class_name=None if auth.may_open("/_export") else "d-none"),
                    html.A(t("explore.open"), id="rows-explore", href="/explore",
                           className="btn btn-outline-primary" + ("" if auth.may_open("/explore") else " d-none")),
                    dbc.Button(t("common.close"), id="rows-close", color="secondary", outline=True, n_clicks=0),
                ]
            ),
        ],
        id="rows-modal",
        size="xl",
        is_open=False,
        scrollable=True,
    )


def layout(services: Services) -> html.Div:
    return html.Div(
        [
            dcc.Store(id="gen-store", data=services.warehouse.generation()),
            dcc.Interval(id="fresh-tick", interval=services.refresh_ms, n_intervals=0),
            header(),
            filter_bar(),
            dbc.Container(dash.page_container, fluid=True, className="kpi-main"),
            rows_modal(),
            dcc.Store(id="rows-context"),
            html.Div(id="tab-title", hidden=True),
        ],
        className="kpi-app",
    )
