"""Named saved views of /explore, kept in the application database (``dashboard.appdb.views``).

A saved view is the view's query string, rebuilt from the whitelist (``explore_url.search``) so that nothing the
whitelist does not know is ever stored; opening it is following its link.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

import dash_bootstrap_components as dbc
from dash import html

from dashboard import explore_url as eu
from dashboard.appdb import AppDB
from dashboard.appdb import views as saved
from dashboard.i18n import t
from dashboard.state import ViewState


def card(lang: str) -> dbc.Card:
    """The name box, the save button and the list of saved views (filled by ``refresh``)."""
    form = dbc.InputGroup([
        dbc.Input(id="ex-view-name", placeholder=t("explore.view_name", lang), maxlength=saved.MAX_NAME,
                  size="sm"),
        dbc.Button(t("explore.view_save", lang), id="ex-view-save", size="sm", color="primary", n_clicks=0),
    ], className="ex-view-form")
    return dbc.Card([
        dbc.CardHeader(html.H2(t("explore.views", lang), className="kpi-card-title"), className="kpi-card-header"),
        dbc.CardBody([form, html.Div(id="ex-view-msg", className="kpi-card-sub mt-1"),
                      html.Ul(id="ex-views", className="ex-views mt-2")], className="p-2"),
    ], className="kpi-card mb-3", id="card-ex-views")


def normal_search(search: str | None) -> str:
    """The view's query string with only what the whitelist knows (and the language left to the reader)."""
    params = parse_qs((search or "").lstrip("?"))
    state, _ = eu.parse(params)
    return eu.search(ViewState.from_params(params).with_(lang="zh"), state)


def refresh(db: AppDB | None, search: str | None, name: str | None, save: bool) -> tuple[list[Any], str]:
    """(the list of saved views as links, a message) after saving the current view as ``name`` when ``save``."""
    lang = ViewState.from_search(search).lang
    if db is None:
        return [], t("explore.views_off", lang)
    message = ""
    if save:
        try:
            kept = saved.save_view(db, eu.PATH, name or "", normal_search(search))
            message = t("explore.view_saved", lang, name=kept["name"])
        except ValueError:
            message = t("explore.view_no_name", lang)
    suffix = "&lang=en" if lang == "en" else ""
    links = [html.Li(html.A(v["name"], href=eu.PATH + (v["search"] or "?") + suffix, className="ex-view-link"))
             for v in saved.list_views(db, eu.PATH)]
    return links, message
