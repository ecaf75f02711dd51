"""/explore — the analyst explorer: any source, filter, group-by, time grain, measure and period comparison,
with its chart, pivot and the rows behind it (server-side paging, sorting and filtering; CSV and XLSX exports).

The URL is the state (``dashboard.explore_url``): the controls write it, Dash pages draws the page from it, so
every view is a permalink.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import parse_qs

import dash
import dash_ag_grid as dag
import dash_bootstrap_components as dbc
import pandas as pd
from dash import ALL, Input, Output, State, ctx, dcc, html, no_update

from dashboard import explore_url as eu
from dashboard import exports
from dashboard.components import GRAPH_CONFIG, message, page_header, records, stat, stat_strip, table_card
from dashboard.data import DataUnavailable, Warehouse
from dashboard.figures import grammar
from dashboard.i18n import AG_LOCALE_ZH, column_label
from dashboard.ids import parse_id, pattern_id
from dashboard.pagekit import PageContext, PageSpec, data_end
from dashboard.services import Services
from dashboard.state import ViewState
from pages.explore import figure, results, views
from warehouse.queries import explore as qe

LOC = "_pages_location"
BLOCK = 100  # rows per request of the infinite row model
EXPORT_LIMIT = 500_000
_FILTERS = {"text": "agTextColumnFilter", "bool": "agTextColumnFilter", "number": "agNumberColumnFilter",
            "date": "agDateColumnFilter"}
_TEXT_OPTIONS = ["contains", "notContains", "equals", "notEqual", "startsWith", "endsWith", "blank", "notBlank"]
_NUMBER_OPTIONS = ["equals", "notEqual", "greaterThan", "greaterThanOrEqual", "lessThan", "lessThanOrEqual",
                   "inRange", "blank", "notBlank"]
_DATE_OPTIONS = ["equals", "notEqual", "greaterThan", "lessThan", "inRange", "blank", "notBlank"]


def _options(pairs: list[tuple[str, str]]) -> list[dict[str, str]]:
    return [{"label": label, "value": value} for value, label in pairs]


def _control(label: str, component: Any, width: int = 3) -> dbc.Col:
    return dbc.Col([html.Label(label, className="kpi-filter-label"), component], xs=12, md=6, xl=width,
                   className="ex-control")


def controls(ctx: PageContext, state: eu.ExploreState, q: qe.Query) -> html.Div:
    lang, src = ctx.lang, state.src
    sources = _options([(k, results.source_name(k, lang)) for k in qe.SOURCES])
    measures = _options([(m.key, results.measure_label(m, lang)) for m in src.measures])
    dims = _options([(d, results.dim_label(d, lang)) for d in src.dims])
    grains = _options([(g, ctx.t(f"explore.grain.{g}")) for g in qe.GRAINS])
    compares = _options([(c, ctx.t(f"explore.cmp.{c}")) for c in eu.COMPARES])
    chosen = dict(state.where)
    filters = []
    for dim in src.dims:
        if dim == src.town:
            continue  # the shell's town filter
        values = ctx.wh.frame(qe.values(q, dim))["value"].tolist()
        current = list(chosen.get(dim, ()))
        pairs = [(v, results.value_text(src, dim, v, lang)) for v in dict.fromkeys([*current, *values])]
        filters.append(_control(results.dim_label(dim, lang), dcc.Dropdown(
            id=pattern_id("ex-f", dim=dim), options=_options(pairs), value=current, multi=True,
            placeholder=ctx.t("explore.any")), width=3))
    return html.Div(
        [
            dbc.Row(
                [
                    _control(ctx.t("explore.source"), dcc.Dropdown(id="ex-src", options=sources, value=state.source,
                                                                   clearable=False)),
                    _control(ctx.t("explore.measure"), dcc.Dropdown(id="ex-m", options=measures, value=state.measure,
                                                                    clearable=False)),
                    _control(ctx.t("explore.by"), dcc.Dropdown(id="ex-by", options=dims, value=list(state.by),
                                                               multi=True, placeholder=ctx.t("explore.by_none")),
                             width=2),
                    _control(ctx.t("explore.grain"), dcc.Dropdown(id="ex-grain", options=grains, value=state.grain,
                                                                  placeholder=ctx.t("explore.grain_none")), width=2),
                    _control(ctx.t("explore.compare"), dcc.Dropdown(id="ex-cmp", options=compares,
                                                                    value=state.compare,
                                                                    placeholder=ctx.t("explore.cmp_none")), width=2),
                ],
                className="g-2 mb-2",
            ),
            dbc.Row(filters, className="g-2"),
        ],
        className="ex-controls kpi-card p-3 mb-3",
    )


def column_defs(src: qe.Source, lang: str) -> list[dict[str, Any]]:
    options = {"text": _TEXT_OPTIONS, "bool": _TEXT_OPTIONS, "number": _NUMBER_OPTIONS, "date": _DATE_OPTIONS}
    return [
        {"field": c, "headerName": column_label(c, lang), "filter": _FILTERS[kind],
         "filterParams": {"filterOptions": options[kind], "maxNumConditions": 2, "buttons": ["apply", "reset"]}}
        for c, kind in src.columns
    ]


def rows_grid(src: qe.Source, lang: str) -> dag.AgGrid:
    options: dict[str, Any] = {"rowBuffer": 0, "cacheBlockSize": BLOCK, "maxBlocksInCache": 20,
                               "infiniteInitialRowCount": 1, "animateRows": False}
    if lang != "en":
        options["localeText"] = AG_LOCALE_ZH
    return dag.AgGrid(
        id="ex-grid", rowModelType="infinite", columnDefs=column_defs(src, lang),
        defaultColDef={"sortable": True, "resizable": True, "minWidth": 110},
        dashGridOptions=options, style={"height": "520px", "width": "100%"}, className="ag-theme-alpine",
    )


def _card(key: str, title: str, body: Any, tools: Any = None, subtitle: str | None = None) -> dbc.Card:
    head = html.Div([html.H2(title, className="kpi-card-title"),
                     html.Div(subtitle, className="kpi-card-sub") if subtitle else None])
    return dbc.Card([dbc.CardHeader([head, tools], className="kpi-card-header"),
                     dbc.CardBody(body, className="p-2")], className="kpi-card mb-3", id=f"card-{key}")


def _compare_card(ctx: PageContext, q: qe.Query, compare_to: str) -> dbc.Card:
    frame = results.compare(ctx.wh, q, compare_to, ctx.lang)
    before = results.comparison_range(q, compare_to)
    head = html.Tr([html.Th(ctx.t(k)) for k in ("explore.group", "explore.now", "explore.before", "explore.change")])
    body = [html.Tr([html.Td(r["label"]), html.Td(r["now"]), html.Td(r["before"]),
                     html.Td(r["change"], className=f"kpi-delta-{r['tone']}")]) for r in frame.to_dict("records")]
    sub = ctx.t("explore.cmp_span", start=before.start, end=before.end)
    return _card("ex-compare", ctx.t(f"explore.cmp.{compare_to}"),
                 html.Table([html.Thead(head), html.Tbody(body)], className="table table-sm ex-compare"),
                 subtitle=sub)


def _pivot_card(ctx: PageContext, q: qe.Query) -> dbc.Card | None:
    table = results.pivot(ctx.wh, q, ctx.lang)
    if table is None:
        return None
    shown = table.copy()
    for col in shown.columns[1:]:
        shown[col] = [results.measure_text(q.m, v, ctx.lang) for v in shown[col]]
    return table_card("ex-pivot", ctx.t("explore.pivot"), shown, ctx.lang, ctx.no_match())


def body(ctx: PageContext) -> list[Any]:
    state, notes = eu.parse(ctx.params)
    q = state.query(ctx.state, ctx.data_end)
    lang, m = ctx.lang, q.m
    header = page_header(ctx.t("explore.title"), f"{ctx.range_text()} · {ctx.towns_text()}")
    out: list[Any] = [header]
    if notes:
        out.append(dbc.Alert(ctx.t("explore.ignored", names=", ".join(notes)), color="warning", id="ex-notes",
                             className="py-2"))
    out.append(dbc.Row([dbc.Col(controls(ctx, state, q), xs=12, xl=9), dbc.Col(views.card(lang), xs=12, xl=3)],
                       className="g-3"))
    whole = results.total(ctx.wh, q)
    out.append(stat_strip([
        stat(results.measure_label(m, lang), results.measure_text(m, whole["value"], lang)),
        stat(ctx.t("explore.rows_behind"), f"{int(ctx.wh.frame(qe.row_count(q))['n'].iloc[0]):,}"),
    ]))
    agg = ctx.wh.frame(qe.aggregate(q))
    if agg.empty or agg["value"].isna().all():
        out.append(message(ctx.no_match()))
    else:
        fig = figure.chart(results.labelled(q, agg, lang), value_name=results.axis_title(m, lang),
                           is_rate=m.is_rate, grain=q.grain)
        ends = [d for d in (ctx.data_end, q.filters.end) if d is not None]
        grammar.apply(fig, lang, min(ends) if ends else None)
        out.append(_card("ex-chart", ctx.t("explore.chart"),
                         dcc.Graph(id="ex-chart", figure=fig, config=GRAPH_CONFIG, style={"height": "380px"})))
    if state.compare and q.filters.start and q.filters.end:
        out.append(_compare_card(ctx, q, state.compare))
    pivot = _pivot_card(ctx, q)
    if pivot is not None:
        out.append(pivot)
    tools = html.Div([
        dbc.Button(ctx.t("explore.export_csv"), id="ex-csv", size="sm", color="link", n_clicks=0),
        dbc.Button(ctx.t("explore.export_xlsx"), id="ex-xlsx", size="sm", color="link", n_clicks=0),
        dcc.Download(id="ex-download"),
    ])
    out.append(_card("ex-rows", ctx.t("explore.rows"), rows_grid(q.src, lang), tools,
                     subtitle=ctx.t("explore.rows_hint")))
    return out


# --- callbacks ------------------------------------------------------------------------------------------------


def _query(wh: Warehouse, search: str | None) -> tuple[qe.Query, ViewState]:
    params = parse_qs((search or "").lstrip("?"))
    view = ViewState.from_params(params)
    state, _ = eu.parse(params)
    return state.query(view, data_end(wh)), view


def controls_search(search: str | None, trigger: str | None, source: Any, measure: Any, by: Any, grain: Any,
                    compare: Any, filters: list[tuple[str, Any]]) -> str | Any:
    """The URL after a control moved (``no_update`` when it says the same)."""
    params = parse_qs((search or "").lstrip("?"))
    view = ViewState.from_params(params)
    old, _ = eu.parse(params)
    if trigger == "ex-src":
        new = eu.with_source(old, str(source or eu.DEFAULT_SOURCE))
    else:
        raw = {"src": old.source, "m": measure or "", "by": eu.SEP.join(by or []), "grain": grain or "",
               "cmp": compare or ""}
        raw.update({eu.FILTER_PREFIX + dim: eu.SEP.join(str(v) for v in (values or [])) for dim, values in filters})
        new, _ = eu.parse({k: v for k, v in raw.items() if v})
    result = eu.search(view, new)
    return no_update if result == eu.search(view, old) else result


def rows_response(wh: Warehouse, search: str | None, request: dict[str, Any] | None) -> dict[str, Any]:
    """The block of rows AG Grid's infinite row model asked for, and how many rows there are in all."""
    request = request or {}
    q, _ = _query(wh, search)
    start = max(0, int(request.get("startRow") or 0))
    end = max(start, min(int(request.get("endRow") or start + BLOCK), start + 1000))
    model = request.get("filterModel") if isinstance(request.get("filterModel"), dict) else None
    sort = request.get("sortModel") if isinstance(request.get("sortModel"), list) else None
    frame = wh.frame(qe.rows(q, sort, model, start, end - start))
    total = int(wh.frame(qe.row_count(q, model))["n"].iloc[0])
    return {"rowData": records(frame), "rowCount": total}


def export_frame(wh: Warehouse, search: str | None, request: dict[str, Any] | None) -> tuple[pd.DataFrame, qe.Query,
                                                                                               str]:
    """Exactly the rows behind the view (the grid's own filters and order too), headed in the language."""
    request = request or {}
    q, view = _query(wh, search)
    model = request.get("filterModel") if isinstance(request.get("filterModel"), dict) else None
    sort = request.get("sortModel") if isinstance(request.get("sortModel"), list) else None
    frame = wh.rows(qe.rows(q, sort, model, 0, EXPORT_LIMIT))
    frame = frame.rename(columns={c: column_label(c, view.lang) for c in frame.columns})
    return frame, q, f"{q.source}-{dt.date.today().isoformat()}"


def callbacks(app: dash.Dash, services: Services) -> None:
    wh = services.warehouse

    @app.callback(
        Output(LOC, "search", allow_duplicate=True),
        Input("ex-src", "value"), Input("ex-m", "value"), Input("ex-by", "value"), Input("ex-grain", "value"),
        Input("ex-cmp", "value"), Input({"type": "ex-f", "dim": ALL}, "value"),
        State(LOC, "search"),
        prevent_initial_call=True,
    )
    def _controls(source, measure, by, grain, compare, filter_values, search):
        ids = [parse_id(i["id"]) or {} for i in ctx.inputs_list[5]]
        filters = [(i.get("dim", ""), v) for i, v in zip(ids, filter_values, strict=True)]
        trigger = ctx.triggered_id if isinstance(ctx.triggered_id, str) else None
        return controls_search(search, trigger, source, measure, by, grain, compare, filters)

    @app.callback(Output("ex-grid", "getRowsResponse"), Input("ex-grid", "getRowsRequest"), State(LOC, "search"),
                  prevent_initial_call=True)
    def _rows(request, search):
        try:
            return rows_response(wh, search, request)
        except DataUnavailable:
            return {"rowData": [], "rowCount": 0}

    @app.callback(Output("ex-download", "data"), Input("ex-csv", "n_clicks"), Input("ex-xlsx", "n_clicks"),
                  State(LOC, "search"), State("ex-grid", "getRowsRequest"), prevent_initial_call=True)
    def _export(_csv, _xlsx, search, request):
        if not ctx.triggered or not ctx.triggered[0]["value"]:
            return no_update
        frame, _q, name = export_frame(wh, search, request)
        if ctx.triggered_id == "ex-xlsx":
            return dcc.send_bytes(exports.xlsx_bytes(frame), f"{name}.xlsx")
        return dcc.send_bytes(exports.csv_bytes(frame), f"{name}.csv")


    @app.callback(Output("ex-views", "children"), Output("ex-view-msg", "children"),
                  Input("ex-view-save", "n_clicks"), State("ex-view-name", "value"), State(LOC, "search"))
    def _views(clicks, name, search):
        return views.refresh(services.appdb, search, name, bool(clicks) and ctx.triggered_id == "ex-view-save")


def skeleton() -> html.Div:
    """The components the callbacks name, for the validation layout (an empty warehouse draws no controls)."""
    return html.Div(
        [dcc.Dropdown(id=i) for i in ("ex-src", "ex-m", "ex-by", "ex-grain", "ex-cmp")]
        + [dcc.Dropdown(id=pattern_id("ex-f", dim="skeleton")), dag.AgGrid(id="ex-grid"),
           html.Button(id="ex-csv"), html.Button(id="ex-xlsx"), dcc.Download(id="ex-download"),
           html.Button(id="ex-view-save"), dcc.Input(id="ex-view-name"), html.Ul(id="ex-views"),
           html.Div(id="ex-view-msg")],
        hidden=True,
    )


PAGE = PageSpec(
    path="/explore", nav="nav.explore", order=8, body=body, callbacks=callbacks, skeleton=skeleton, community=True
)
