"""Any unknown URL: a proper not-found page (the server also answers HTTP 404)."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import html

from dashboard.i18n import t
from dashboard.pagekit import PageSpec
from dashboard.state import ViewState


def layout(**params: Any) -> html.Div:
    state = ViewState.from_params(params)
    lang = state.lang
    home = "/" + state.with_(community=None, year=None, extra=()).to_search()
    return html.Div(
        dbc.Card(
            dbc.CardBody(
                [
                    html.Div("404", className="kpi-404-code"),
                    html.H1(t("nf.title", lang), className="kpi-page-title", id="nf-title"),
                    html.P(t("nf.body", lang), id="nf-body"),
                    html.Code(id="nf-path"),
                    html.Div(
                        dbc.Button(t("nf.home", lang), href=home, color="primary", id="nf-home"), className="mt-3"
                    ),
                ]
            ),
            className="kpi-404 mx-auto",
        ),
        className="kpi-page py-5",
    )


PAGE = PageSpec(path="/404", nav=None, order=99, layout=layout, title="nf.title")
