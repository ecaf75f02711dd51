"""The shell's callbacks: filters ⇄ URL, labels in the chosen language, freshness, drill-down and rows.

The URL's query string is the single source of truth: the filter bar writes it, Dash pages re-render
the page from it, and a click on a chart either narrows it (district → town → community) or opens the
rows behind the clicked mark.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Any
from urllib.parse import parse_qs

import dash
import dash_ag_grid as dag
import pandas as pd
from dash import ALL, MATCH, Input, Output, State, ctx, dcc, html, no_update

from dashboard import auth, drill, explore_url, freshness
from dashboard import format as fmt
from dashboard.components import column_defs, grid_options, records
from dashboard.data import DataUnavailable, Warehouse
from dashboard.exports import grid_csv_params
from dashboard.i18n import paren, t
from dashboard.ids import parse_id, pattern_id
from dashboard.pagekit import data_end
from dashboard.services import Services
from dashboard.shell import nav, nav_id, page_of, town_options
from dashboard.state import ViewState, parse_date, parse_year
from warehouse import indicators
from warehouse.queries import overview as q

LOC = "_pages_location"


def sync_filters(
    wh: Warehouse,
    search: str | None,
    start: Any,
    end: Any,
    towns: list[str] | None,
    _lang: int,
    _reset: int,
    trigger: str | None,
) -> tuple[Any, Any, Any, Any]:
    """(search, start_date, end_date, towns) after ``trigger`` changed: the URL wins unless a control moved."""
    state = ViewState.from_search(search)
    if trigger == "date-range":
        start_d, end_d = parse_date(start), parse_date(end)
        if state.start is None and state.end is None:  # the controls showed the defaults: keep them implicit
            try:
                if (start_d, end_d) == state.resolved(data_end(wh)):
                    return no_update, no_update, no_update, no_update
            except DataUnavailable:
                pass
        new = state.with_(start=start_d, end=end_d)
    elif trigger == "towns":
        chosen = tuple(towns or ())
        if chosen == state.towns:  # the dropdown echoing the URL
            return no_update, no_update, no_update, no_update
        new = state.with_(towns=chosen, community=None)
    elif trigger == "lang-btn":
        new = state.with_(lang="zh" if state.lang == "en" else "en")
    elif trigger == "reset-btn":
        new = ViewState(lang=state.lang)
    else:  # the URL changed (navigation, drill-down, first load): show it in the controls
        try:
            default_start, default_end = state.resolved(data_end(wh))
        except DataUnavailable:
            default_start, default_end = state.start, state.end
        return no_update, default_start, default_end, list(state.towns)
    new = ViewState.from_search(new.to_search())  # normalise (e.g. community needs exactly one town)
    if new.to_search() == state.to_search():
        return no_update, no_update, no_update, no_update
    shown_start, shown_end = new.start or no_update, new.end or no_update
    if trigger == "reset-btn":
        with contextlib.suppress(DataUnavailable):
            shown_start, shown_end = new.resolved(data_end(wh))
    return new.to_search() or "?", shown_start, shown_end, list(new.towns)


def _nav_search(state: ViewState) -> str:
    """The query string the navigation keeps across pages (filters and language, not the drill)."""
    return state.with_(community=None, year=None, extra=()).to_search()


def breadcrumb(state: ViewState, town_names: dict[str, str], page: dict[str, Any] | None = None) -> list[Any]:
    """District › town › community, as far as the page applies them (none on a page without the town filter)."""
    page = page if page is not None else {"filters": ("range", "towns"), "community": True}
    if "towns" not in page.get("filters", ()):
        return []
    if not page.get("community"):
        state = state.with_(community=None)
    lang = state.lang
    base = state.with_(towns=(), community=None)
    crumbs: list[Any] = [html.A(t("drill.district", lang), href=base.to_search() or "?", className="kpi-crumb")]
    if state.town:
        crumbs += [
            html.Span("›", className="kpi-crumb-sep"),
            html.A(
                town_names.get(state.town, state.town),
                href=state.with_(community=None).to_search(),
                className="kpi-crumb",
            ),
        ]
    if state.community:
        crumbs += [html.Span("›", className="kpi-crumb-sep"), html.Span(state.community, className="kpi-crumb")]
    crumbs.append(html.Span(t("drill.hint", lang), className="kpi-crumb-hint"))
    return crumbs


def range_note(state: ViewState, with_range: bool = True, page_invalid: tuple[str, ...] = ()) -> str | None:
    """The visible note when the URL's range was reversed (it is read end → start, never silently; on pages
    with the range filter) and when a URL parameter's value was unusable (dropped for its default): the shell's
    own, then the page's (``PageSpec.invalid_params``)."""
    notes = []
    if state.reversed and with_range:
        notes.append(t("filter.reversed", state.lang, start=state.start, end=state.end))
    if state.invalid or page_invalid:
        notes.append(t("filter.invalid", state.lang, names=", ".join((*state.invalid, *page_invalid))))
    return " · ".join(notes) or None


def page_invalid(page: dict[str, Any], search: str | None) -> tuple[str, ...]:
    """The page's own URL parameters with an unusable value (its ``PageSpec.invalid_params``)."""
    check = page.get("invalid_params")
    return check(parse_qs((search or "").lstrip("?"))) if check else ()


def tab_title(page: dict[str, Any], lang: str) -> str:
    """The browser tab's title in the chosen language: the page's name, then the bureau's."""
    key = page.get("title_key") or page.get("nav")
    name = t(key, lang) if key else t("app.title", lang)
    return f"{name} · {t('app.org', lang)}"


def skeleton() -> html.Div:
    """The components the shell's callbacks name that live on the pages: the /report year picker and one of
    each pattern (chart, rows button, tile, table, its export button), present even when no page has data."""
    return html.Div(
        [
            dcc.Dropdown(id="report-year"),
            dcc.Graph(id=pattern_id("chart", key="skeleton")),
            html.Button(id=pattern_id("rows-btn", key="skeleton")),
            html.Div(id=pattern_id("tile", key="skeleton")),
            dag.AgGrid(id=pattern_id("grid", key="skeleton")),
            html.Button(id=pattern_id("grid-csv", key="skeleton")),
        ],
        hidden=True,
    )


def register(app: dash.Dash, services: Services) -> None:
    """Attach the shell's callbacks to ``app`` (the pages are registered first: the navigation lists them)."""
    wh = services.warehouse
    nav_items = nav()

    @app.callback(
        Output(LOC, "search"),
        Output("date-range", "start_date"),
        Output("date-range", "end_date"),
        Output("towns", "value"),
        Input(LOC, "search"),
        Input("date-range", "start_date"),
        Input("date-range", "end_date"),
        Input("towns", "value"),
        Input("lang-btn", "n_clicks"),
        Input("reset-btn", "n_clicks"),
    )
    def _sync(search, start, end, towns, lang_clicks, reset_clicks):
        trigger = ctx.triggered_id if isinstance(ctx.triggered_id, str) else None
        if len(ctx.triggered) > 1:  # first load: every input fires at once
            trigger = None
        return sync_filters(wh, search, start, end, towns, lang_clicks, reset_clicks, trigger)

    @app.callback(
        *(Output(nav_id(key), "children") for _, key in nav_items),
        *(Output(nav_id(key), "href") for _, key in nav_items),
        Output("app-title", "children"),
        Output("lang-btn", "children"),
        Output("lbl-range", "children"),
        Output("lbl-towns", "children"),
        Output("towns", "placeholder"),
        Output("towns", "options"),
        Output("reset-btn", "children"),
        Output("breadcrumb", "children"),
        Output("rows-csv", "children"),
        Output("rows-close", "children"),
        Output("rows-explore", "children"),
        Output("date-range", "start_date_placeholder_text"),
        Output("date-range", "end_date_placeholder_text"),
        Output("date-range", "month_format"),
        Output("filter-range-box", "hidden"),
        Output("filter-towns-box", "hidden"),
        Output("reset-btn", "style"),
        Output("range-note", "children"),
        Output("tab-title", "children"),
        Output("user-menu", "children"),
        Input(LOC, "search"),
        Input(LOC, "pathname"),
    )
    def _labels(search, pathname):
        state = ViewState.from_search(search)
        lang = state.lang
        page = page_of(pathname)
        shown = page.get("filters", ("range", "towns"))
        options = town_options(lang)
        names = {o["value"]: o["label"] for o in options}
        nav_search = _nav_search(state)
        return (
            *(t(key, lang) for _, key in nav_items),
            *(path + nav_search for path, _ in nav_items),
            t("app.title", lang),
            t("lang.switch", lang),
            t("filter.range", lang),
            t("filter.towns", lang),
            t("filter.towns_all", lang),
            options,
            t("filter.reset", lang),
            breadcrumb(state, names, page),
            t("common.export_csv", lang),
            t("common.close", lang),
            t("explore.open", lang),
            t("filter.start", lang),
            t("filter.end", lang),
            t("filter.month_format", lang),
            "range" not in shown,
            "towns" not in shown,
            {} if shown else {"display": "none"},  # nothing to reset on a page without the shell's filters
            range_note(state, "range" in shown, page_invalid(page, search)),
            tab_title(page, lang),
            auth.user_menu(lang),
        )

    # the date pickers' calendar speaks the chosen language (dash 4 reads date-fns locales from
    # window.dateFns.locale; assets/datepicker-locale.js defines the Chinese one), and the tab's title follows
    # the language once Dash pages has set its own
    app.clientside_callback(
        """function(search) {
            var zh = !/[?&]lang=en(&|$)/.test(search || '');
            window.dateFns = window.dateFns || {};
            window.dateFns.locale = zh && window.kpiDateLocales ? {zhCN: window.kpiDateLocales.zh} : {};
            return window.dash_clientside.no_update;
        }""",
        Output("range-note", "className"),
        Input(LOC, "search"),
    )
    app.clientside_callback(
        """function(title, _store) {
            if (title) { setTimeout(function() { document.title = title; }, 0); }
            return window.dash_clientside.no_update;
        }""",
        Output("tab-title", "className"),
        Input("tab-title", "children"),
        Input("_pages_store", "data"),
    )

    @app.callback(
        Output("gen-store", "data"),
        Input("fresh-tick", "n_intervals"),
        State("gen-store", "data"),
        prevent_initial_call=True,
    )
    def _generation(_tick, known):
        current = wh.generation()
        return current if current != known else no_update

    @app.callback(Output("freshness", "children"), Input(LOC, "search"), Input("fresh-tick", "n_intervals"))
    def _freshness(search, _tick):
        lang = ViewState.from_search(search).lang
        try:
            frame = wh.frame(q.freshness())
        except DataUnavailable as exc:
            return freshness.unavailable(lang, str(exc))
        return freshness.header(frame, lang, dt.datetime.now())

    @app.callback(
        Output(LOC, "search", allow_duplicate=True),
        Output("rows-modal", "is_open"),
        Output("rows-title", "children"),
        Output("rows-explain", "children"),
        Output("rows-count", "children"),
        Output("rows-grid", "rowData"),
        Output("rows-grid", "columnDefs"),
        Output("rows-grid", "csvExportParams"),
        Output("rows-grid", "dashGridOptions"),
        Output("rows-explore", "href"),
        Input({"type": "chart", "key": ALL}, "clickData"),
        Input({"type": "rows-btn", "key": ALL}, "n_clicks"),
        Input({"type": "tile", "key": ALL}, "n_clicks"),
        Input("rows-close", "n_clicks"),
        State(LOC, "search"),
        prevent_initial_call=True,
    )
    def _drill(_clicks, _buttons, _tiles, _close, search):
        trig = ctx.triggered_id
        nothing = (no_update,) * 10
        if trig == "rows-close":
            return no_update, False, *(no_update,) * 8
        parsed = parse_id(trig)
        if parsed is None or not ctx.triggered or not ctx.triggered[0]["value"]:
            return nothing
        state = ViewState.from_search(search)
        key = parsed["key"]
        point = ctx.triggered[0]["value"]["points"][0] if parsed["type"] == "chart" else None
        try:
            action = drill.act(wh, state, key, point)
        except DataUnavailable:
            return nothing
        if action.search is not None:
            return action.search or "?", no_update, *(no_update,) * 8
        frame = action.rows if action.rows is not None else pd.DataFrame()
        explain = _explain(wh, key, state)
        count = (
            t("common.rows_limited", state.lang, n=len(frame))
            if action.limited
            else t("common.rows_count", state.lang, n=len(frame))
        )
        file_name = f"{key}-{dt.date.today().isoformat()}.csv"
        return (
            no_update,
            True,
            t("common.rows_title", state.lang, chart=action.title),
            explain,
            count,
            records(frame, state.lang),
            column_defs(frame, state.lang),
            grid_csv_params(file_name),
            grid_options(state.lang, 50),
            _explore_href(wh, state, key, point),
        )

    @app.callback(
        Output(LOC, "search", allow_duplicate=True),
        Input("report-year", "value"),
        State(LOC, "search"),
        prevent_initial_call=True,
    )
    def _report_year(year, search):
        state = ViewState.from_search(search)
        chosen = parse_year(year)
        if chosen is None or state.year == chosen:
            return no_update
        return state.with_(year=chosen).to_search()

    app.clientside_callback(
        "function(path) { return path || ''; }",
        Output("nf-path", "children"),
        Input(LOC, "pathname"),
    )

    app.clientside_callback(
        "function(n) { return n > 0; }",
        Output({"type": "grid", "key": MATCH}, "exportDataAsCsv"),
        Input({"type": "grid-csv", "key": MATCH}, "n_clicks"),
        prevent_initial_call=True,
    )

    app.clientside_callback(
        "function(n) { return n > 0; }",
        Output("rows-grid", "exportDataAsCsv"),
        Input("rows-csv", "n_clicks"),
        prevent_initial_call=True,
    )


def _explore_href(wh: Warehouse, state: ViewState, key: str, point: dict[str, Any] | None) -> str:
    """The explorer pre-filtered to the rows behind the click (its start page when no explorer source holds
    them)."""
    spec = drill.CHARTS.get(key)
    f = state.filters(data_end(wh))
    assert f.start is not None and f.end is not None
    href = explore_url.drill_href(key, spec.dim if spec else None, drill.first_custom(point), state, f.start, f.end)
    return href or explore_url.PATH


def _explain(wh: Warehouse, key: str, state: ViewState) -> Any:
    """Formula, numerator, denominator and exclusions of an indicator tile, with this period's values."""
    ind = indicators.BY_KEY.get(key)
    if ind is None:
        return None
    lang = state.lang
    items = [
        (t(f"common.{field}", lang), ind.text(field, lang))
        for field in ("formula", "numerator", "denominator", "exclusions")
        if ind.text(field, lang)
    ]
    if ind.additive:
        f = state.filters(data_end(wh))
        row = wh.frame(q.kpi_totals(f, [key]))
        num = float(row["num"].iloc[0]) if not row.empty else 0.0
        den = float(row["den"].iloc[0]) if not row.empty and row["den"].notna().iloc[0] else None
        value = fmt.indicator(ind, num / den if den else (None if ind.kind == "rate" else num), lang)
        text = f"{fmt.number(num)} ÷ {fmt.number(den)} = {value}" if den is not None else value
        items.append(
            (
                t("common.value_now", lang),
                text + paren(t("common.span", lang, start=f.start, end=f.end), lang),
            )
        )
    return html.Dl([part for label, text in items for part in (html.Dt(label), html.Dd(text))], className="kpi-explain")
