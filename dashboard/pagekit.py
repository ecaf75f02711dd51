"""What every page needs: its declaration, its view state, the warehouse, the effective filters, errors.

A page module declares ``PAGE = PageSpec(path, nav, order, body[, callbacks])``; the app factory
(``dashboard.app.create_app``) registers it with Dash pages, its layout being ``render_page(body, services)``:
the URL's parameters become a ``PageContext``; an unreadable warehouse becomes a sentence naming the file
and how to load one. ``callbacks(app, services)`` attaches the page's own callbacks.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import html

from dashboard.components import message
from dashboard.data import DataUnavailable, Warehouse
from dashboard.i18n import t, town_label
from dashboard.services import Services
from dashboard.state import ViewState
from warehouse.queries import overview as q
from warehouse.sql import Filters


@dataclass(frozen=True)
class PageContext:
    state: ViewState
    wh: Warehouse
    data_end: dt.date | None
    filters: Filters
    towns: pd.DataFrame  # town_code, town_name, pinyin, sort_order
    params: dict[str, Any] = field(default_factory=dict)  # the URL's query parameters as Dash pages passes them
    appdb: Any = None  # the application database (dashboard.appdb.AppDB) when the app has one

    @property
    def lang(self) -> str:
        return self.state.lang

    def t(self, key: str, **values: object) -> str:
        return t(key, self.lang, **values)

    def town_name(self, code: str | None) -> str:
        row = self.towns[self.towns["town_code"] == code]
        if row.empty:
            return str(code)
        return town_label(row.iloc[0]["town_name"], row.iloc[0]["pinyin"], self.lang)

    def range_text(self) -> str:
        f = self.filters
        return self.t(
            "ov.range_ytd", start=f.start.isoformat() if f.start else "…", end=f.end.isoformat() if f.end else "…"
        )

    def towns_text(self) -> str:
        if not self.state.towns:
            return t("common.whole_district", self.lang)
        if len(self.state.towns) <= 3:
            names = self.t("common.list_sep").join(self.town_name(c) for c in self.state.towns)
            return names + (f" · {self.state.community}" if self.state.community else "")
        return t("common.n_towns", self.lang, n=len(self.state.towns))

    def no_match(self) -> str:
        """The sentence for a filter that matches nothing."""
        return self.t("common.no_data_filter", range=self.range_text(), towns=self.towns_text())


def data_end(wh: Warehouse) -> dt.date | None:
    frame = wh.frame(q.data_end())
    value = frame.iloc[0, 0] if not frame.empty else None
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date()


def context(params: dict[str, Any], wh: Warehouse, appdb: Any = None) -> PageContext:
    state = ViewState.from_params(params)
    end = data_end(wh)
    return PageContext(state, wh, end, state.filters(end), wh.frame(q.towns()), dict(params), appdb)


def is_empty(wh: Warehouse) -> bool:
    """True when no source has a single row (nothing was ever loaded)."""
    return int(wh.frame(q.freshness())["rows_now"].sum()) == 0


def warehouse_problem(text: str, lang: str) -> dbc.Alert:
    return dbc.Alert(
        [html.H2(t("common.wh_error", lang), className="h5"), html.P(text, className="mb-0")],
        color="danger",
        className="kpi-wh-error",
        id="wh-error",
    )


@dataclass(frozen=True)
class PageSpec:
    """A page: its URL, its navigation label (an i18n key; None keeps it out of the navigation), its place in
    the navigation, the body drawn from a ``PageContext`` and, optionally, its own callbacks."""

    path: str
    nav: str | None
    order: int
    body: Callable[[PageContext], Any] | None = None
    layout: Callable[..., Any] | None = None  # instead of ``body``: a layout of the URL parameters alone
    callbacks: Callable[[Any, Services], None] | None = None  # (dash app, services)
    title: str | None = None  # i18n key of the browser tab's title; default: the navigation label
    skeleton: Callable[[], Any] | None = None  # the components its callbacks name, for the validation layout
    # its own URL parameters whose value it cannot use (``?period=9999-12-31``): the shell names them in its note
    invalid_params: Callable[[dict[str, Any]], tuple[str, ...]] | None = None
    filters: tuple[str, ...] = ("range", "towns")  # the shell's filters that apply to the page (others are hidden)
    community: bool = False  # every query of the page applies ``Filters.community`` (it drills to communities)
    chrome: bool = True  # False: the shell's header, navigation and filter bar are hidden (the wall screen)


def chromeless(layout: Callable[..., Any]) -> Callable[..., Any]:
    """A layout wrapped in ``.kpi-chromeless`` (``assets/kpi.css`` then hides the shell around it)."""

    @functools.wraps(layout)
    def wrapped(**params: Any) -> Any:
        out = layout(**params)
        return out if out is dash.no_update else html.Div(out, className="kpi-chromeless")

    return wrapped


def render_page(
    body: Callable[[PageContext], Any], services: Services, community: bool = False
) -> Callable[..., Any]:
    """Turn ``body(ctx)`` into a Dash pages layout function of the URL's query parameters (a community in the
    URL is dropped unless the page applies it: ``PageSpec.community``)."""

    @functools.wraps(body)
    def layout(**params: Any) -> Any:
        if not community:
            params = {k: v for k, v in params.items() if k != "community"}
        lang = ViewState.from_params(params).lang
        try:
            ctx = context(params, services.warehouse, services.appdb)
            if ctx.data_end is None and is_empty(ctx.wh):
                cmd = f"kpi load EXPORTS_DIR --warehouse {ctx.wh.path}"
                return html.Div(message(t("common.empty_wh", lang, cmd=cmd)), className="kpi-page", id="wh-empty")
            return html.Div(body(ctx), className="kpi-page")
        except DataUnavailable as exc:
            return warehouse_problem(str(exc), lang)

    return layout
