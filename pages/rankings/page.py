"""The /rankings layout, its controls and its callbacks (``PAGE``). Towns are always ranked among all 9; the
town filter only highlights rows."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import ALL, Input, Output, State, ctx, dcc, html, no_update

from dashboard import format as fmt
from dashboard.components import message, page_header
from dashboard.data import DataUnavailable
from dashboard.figures import rankings as fr
from dashboard.figures.theme import town_label
from dashboard.i18n import t, value_label
from dashboard.ids import parse_id, pattern_id
from dashboard.pagekit import PageContext, PageSpec, data_end
from dashboard.services import Services
from dashboard.state import ViewState
from pages.rankings.board import Board, board, city_frames
from pages.rankings.city import city_panel, explain_city
from pages.rankings.drawer import drawer, explain_town, graph
from pages.rankings.league import DISTRICT, explain_id, league_points, league_ratio, legend
from pages.rankings.state import GRAIN_ORDER, INDICATORS, MODES, RankView, latest_complete, period_options, search_with
from warehouse import scoring
from warehouse.queries import rankings as rq
from warehouse.rules import calendar
from warehouse.rules import targets as target_rule

LOC = "_pages_location"


def card(key: str, title: str, body: Any, *, subtitle: str | None = None, tools: Any = None) -> dbc.Card:
    header = html.Div([html.H2(title, className="kpi-card-title"),
                       html.Div(subtitle, className="kpi-card-sub") if subtitle else None])
    return dbc.Card(
        [dbc.CardHeader([header, tools], className="kpi-card-header"), dbc.CardBody(body, className="p-2")],
        className="kpi-card h-100", id=f"card-{key}",
    )


def controls(ctx: PageContext, view: RankView, b: Board) -> html.Div:
    lang = ctx.lang
    assert ctx.data_end is not None
    weights = view.weights or (1.0,) * len(INDICATORS)
    weight_inputs = [
        html.Div(
            [html.Label(scoring.RANKED[k].label(lang), className="rk-w-label"),
             dbc.Input(id=pattern_id("rk-w", ind=k), type="number", min=0, max=10, step=0.5, value=w,
                       size="sm", className="rk-w-input")],
            className="rk-w",
        )
        for k, w in zip(INDICATORS, weights, strict=True)
    ]
    return html.Div(
        [
            html.Div(
                [
                    html.Label(t("rankings.grain", lang), className="kpi-filter-label"),
                    dbc.RadioItems(
                        id="rk-grain", value=view.grain, inline=True, className="btn-group rk-radio",
                        input_class_name="btn-check", label_class_name="btn btn-outline-primary btn-sm",
                        label_checked_class_name="active",
                        options=[{"label": t(f"rankings.grain.{g}", lang), "value": g} for g in GRAIN_ORDER],
                    ),
                    html.Label(t("rankings.period", lang), className="kpi-filter-label ms-3", htmlFor="rk-period"),
                    dcc.Dropdown(id="rk-period", value=b.start.isoformat(), clearable=False, searchable=True,
                                 options=period_options(view.grain, ctx.data_end, lang), className="rk-period"),
                    html.Label(t("rankings.mode", lang), className="kpi-filter-label ms-3"),
                    dbc.RadioItems(
                        id="rk-mode", value=view.mode, inline=True, className="btn-group rk-radio",
                        input_class_name="btn-check", label_class_name="btn btn-outline-secondary btn-sm",
                        label_checked_class_name="active",
                        options=[{"label": t(f"rankings.mode.{m}", lang), "value": m} for m in MODES],
                    ),
                    dbc.Button(t("rankings.weights", lang) + (" ●" if view.weight_map() else ""), id="rk-w-toggle",
                               color="link", size="sm", n_clicks=0, className="ms-2",
                               disabled=view.mode != "ratio"),
                ],
                className="rk-controls",
            ),
            dbc.Collapse(
                html.Div(
                    [*weight_inputs,
                     dbc.Button(t("rankings.weights_apply", lang), id="rk-w-apply", size="sm", color="primary",
                                n_clicks=0),
                     dbc.Button(t("rankings.weights_equal", lang), id="rk-w-equal", size="sm", color="secondary",
                                outline=True, n_clicks=0)],
                    className="rk-weights",
                ),
                id="rk-w-collapse", is_open=False,
            ),
        ]
    )


def fair_default(fair: pd.DataFrame) -> str:
    """The first ranked indicator with some volume in the period (cases due, first)."""
    for key in INDICATORS:
        if fair.loc[fair["indicator"] == key, "volume"].fillna(0).sum() > 0:
            return key
    return INDICATORS[0]


def body(ctx: PageContext) -> list[Any]:
    view = RankView.from_params(ctx.params)
    lang, wh = ctx.lang, ctx.wh
    end = ctx.data_end
    if end is None:
        return [page_header(t("rankings.title", lang)), message(t("rankings.no_data", lang))]
    b = board(wh, view, end)
    period = fmt.period(b.grain, b.start, lang, span=True) + (t("rankings.in_progress", lang) if b.in_progress else "")
    weights_text = t("rankings.weights_custom", lang) if b.weights else t("rankings.weights_eq", lang)
    sub = t("rankings.subtitle", lang, period=period, weights=weights_text)
    if view.mode == "points":
        league: Any = league_points(ctx, b)
        league_title = t("rankings.league_points", lang)
        league_sub = t("rankings.points_sub", lang)
    else:
        league = league_ratio(ctx, b) if not b.now(b.table).empty else message(t("rankings.no_data", lang))
        league_title = t("rankings.league", lang)
        league_sub = t("rankings.league_sub", lang)
    district, history = city_frames(wh, b.end)
    items = list(dict.fromkeys(history["item"])) if not history.empty else []
    target_rank = int(district["target_rank"].iloc[-1]) if not district.empty else target_rule.DEFAULT_RANK
    bump = fr.bump_chart(history, item=items[0] if items else None, lang=lang, target_rank=target_rank)
    fair_values = scoring.per_size(b.now(b.values))
    fair_key = fair_default(fair_values)
    fair = fr.per_size_bars(fair_values, indicator=fair_key, lang=lang, highlight=ctx.state.towns)
    fair_options = [{"label": t(f"rankings.fair_of_{scoring.RANKED[k].kind}", lang,
                                name=scoring.RANKED[k].label(lang)), "value": k} for k in INDICATORS]
    return [
        page_header(t("rankings.title", lang), sub),
        controls(ctx, view, b),
        dbc.Row(
            [
                dbc.Col(card("rk-league", league_title, [league, legend(lang)], subtitle=league_sub), xs=12, xxl=9),
                dbc.Col(card("rk-city", t("rankings.city", lang), city_panel(lang, district, b.end),
                             subtitle=t("rankings.city_goal", lang, n=target_rank)), xs=12, xxl=3),
            ],
            className="g-3 mb-3",
        ),
        dbc.Row(
            [
                dbc.Col(card("rk-bump", t("rankings.bump", lang), graph("rk-bump-graph", bump),
                             tools=dcc.Dropdown(id="rk-bump-item", value=items[0] if items else None,
                                                options=[{"label": value_label("assessment_item", i, lang), "value": i}
                                                         for i in items],
                                                clearable=False, className="rk-tool-select")),
                        xs=12, xl=6),
                dbc.Col(card("rk-fair", t("rankings.fair", lang), graph("rk-fair-graph", fair),
                             subtitle=t("rankings.fair_sub", lang),
                             tools=dcc.Dropdown(id="rk-fair-ind", value=fair_key, options=fair_options,
                                                clearable=False, className="rk-tool-select rk-tool-wide")),
                        xs=12, xl=6),
            ],
            className="g-3 mb-3",
        ),
        drawer(),
        dcc.Store(id="rk-view", data={"grain": b.grain, "start": b.start.isoformat()}),
    ]


# --- callbacks: plain functions of their inputs (unit-tested), wired to the app in ``callbacks`` -------------


def controls_to_url(trigger: Any, grain: str, period: str, mode: str, apply: int, equal: int, weights: list[Any],
                    search: str | None, data_end_day: dt.date | None) -> Any:
    """A control moved: the page's parameters written into the URL (the page then re-renders from it)."""
    view = RankView.from_search(search)
    if trigger == "rk-grain" and grain != view.grain:
        new = replace(view, grain=grain, period=None)
    elif trigger == "rk-period" and period:
        day = dt.date.fromisoformat(period)
        new = replace(view, period=day)
        current = calendar.period_of(view.grain, view.period)[0] if view.period else None
        if current == day:
            return no_update
        if view.period is None and data_end_day is not None and latest_complete(view.grain, data_end_day)[0] == day:
            return no_update  # the default period re-selected: keep the URL short
    elif trigger == "rk-mode" and mode != view.mode:
        new = replace(view, mode=mode)
    elif trigger == "rk-w-apply" and apply:
        ws = tuple(float(w) if w not in (None, "") and 0 <= float(w) <= 10 else 1.0 for w in weights)
        new = replace(view, weights=ws if any(ws) else ())
    elif trigger == "rk-w-equal" and equal:
        new = replace(view, weights=())
    else:
        return no_update
    new = RankView.from_search(search_with(search, new))
    if new == view:
        return no_update
    return search_with(search, new)


def callbacks(app: dash.Dash, services: Services) -> None:
    """The page's callbacks, reading the warehouse of ``services``."""
    wh = services.warehouse

    @app.callback(
        Output(LOC, "search", allow_duplicate=True),
        Input("rk-grain", "value"),
        Input("rk-period", "value"),
        Input("rk-mode", "value"),
        Input("rk-w-apply", "n_clicks"),
        Input("rk-w-equal", "n_clicks"),
        State({"type": "rk-w", "ind": ALL}, "value"),
        State(LOC, "search"),
        prevent_initial_call=True,
    )
    def _controls_to_url(grain, period, mode, apply, equal, weights, search):
        end = None
        if ctx.triggered_id == "rk-period" and RankView.from_search(search).period is None:
            try:
                end = data_end(wh)
            except DataUnavailable:
                end = None
        return controls_to_url(ctx.triggered_id, grain, period, mode, apply, equal, weights, search, end)

    @app.callback(
        Output("rk-w-collapse", "is_open"),
        Input("rk-w-toggle", "n_clicks"),
        State("rk-w-collapse", "is_open"),
        prevent_initial_call=True,
    )
    def _toggle_weights(n: int, is_open: bool) -> bool:
        return (not is_open) if n else is_open

    @app.callback(
        Output("rk-drawer", "is_open"),
        Output("rk-drawer", "title"),
        Output("rk-drawer-body", "children"),
        Input({"type": "rk-explain", "town": ALL, "subject": ALL, "src": ALL}, "n_clicks"),
        State(LOC, "search"),
        prevent_initial_call=True,
    )
    def _explain(_clicks, search):
        """A score or rank was clicked: explain it in the drawer."""
        trig = parse_id(ctx.triggered_id)
        if trig is None or not ctx.triggered or not ctx.triggered[0].get("value"):
            return no_update, no_update, no_update
        lang = ViewState.from_search(search).lang
        try:
            end = data_end(wh)
            if end is None:
                return no_update, no_update, no_update
            town, subject = trig["town"], trig["subject"]
            if town == DISTRICT and subject.startswith("city|"):
                item, month = subject.split("|", 1)[1].rsplit("|", 1)
                day = dt.date.fromisoformat(month)
                district, history = city_frames(wh, day)
                title, content = explain_city(history, district, item, day, lang)
            else:
                b = board(wh, RankView.from_search(search), end)
                title, content = explain_town(b, town, subject, town_label(town, town, lang), lang, wh)
        except DataUnavailable as exc:
            return True, t("common.wh_error", lang), message(str(exc), "danger")
        return True, title, content

    @app.callback(
        Output("rk-bump-graph", "figure"),
        Input("rk-bump-item", "value"),
        State("rk-view", "data"),
        State(LOC, "search"),
        prevent_initial_call=True,
    )
    def _bump_item(item, view_data, search):
        if not item or not view_data:
            return no_update
        lang = ViewState.from_search(search).lang
        try:
            start = dt.date.fromisoformat(view_data["start"])
            _, end = calendar.period_of(view_data["grain"], start)
            district, history = city_frames(wh, end)
        except DataUnavailable:
            return no_update
        target = int(district["target_rank"].iloc[-1]) if not district.empty else target_rule.DEFAULT_RANK
        fig = fr.bump_chart(history, item=item, lang=lang, target_rank=target)
        return fig.update_layout(title_text=None, margin_t=28)

    @app.callback(
        Output("rk-fair-graph", "figure"),
        Input("rk-fair-ind", "value"),
        State("rk-view", "data"),
        State(LOC, "search"),
        prevent_initial_call=True,
    )
    def _fair_indicator(indicator, view_data, search):
        if not indicator or not view_data:
            return no_update
        state = ViewState.from_search(search)
        try:
            start = dt.date.fromisoformat(view_data["start"])
            values = wh.frame(rq.town_values(view_data["grain"], start, start))
        except DataUnavailable:
            return no_update
        meta = scoring.indicator_meta(indicator)
        fig = fr.per_size_bars(scoring.per_size(values), indicator=indicator, lang=state.lang,
                               unit=meta.unit_zh if state.lang == "zh" else "", highlight=state.towns)
        return fig.update_layout(title_text=None, margin_t=28)


def skeleton() -> html.Div:
    """The components the page's callbacks name (its controls, drawer and charts), for the validation layout."""
    return html.Div(
        [
            dbc.RadioItems(id="rk-grain"), dcc.Dropdown(id="rk-period"), dbc.RadioItems(id="rk-mode"),
            dbc.Button(id="rk-w-toggle"), dbc.Button(id="rk-w-apply"), dbc.Button(id="rk-w-equal"),
            dbc.Collapse(id="rk-w-collapse"), dbc.Input(id=pattern_id("rk-w", ind=INDICATORS[0])),
            drawer(), dcc.Dropdown(id="rk-bump-item"), dcc.Graph(id="rk-bump-graph"),
            dcc.Dropdown(id="rk-fair-ind"), dcc.Graph(id="rk-fair-graph"), dcc.Store(id="rk-view"),
            html.Button(id=explain_id("skeleton", "composite")),
        ],
        hidden=True,
    )


PAGE = PageSpec(
    path="/rankings", nav="nav.rankings", order=5, body=body, callbacks=callbacks, skeleton=skeleton,
    filters=("towns",), invalid_params=RankView.invalid,
)
