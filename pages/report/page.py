"""/report — the year's work-report figures in the structure of the bureau's report, previous year beside, each
against the year's plan where one is set; the table exports to XLSX and PDF."""

from __future__ import annotations

import datetime as dt
from typing import Any

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, dcc, html, no_update

from dashboard import format as fmt
from dashboard.components import message, page_header, status_dot
from dashboard.data import DataUnavailable
from dashboard.exports import PrintError
from dashboard.i18n import t
from dashboard.pagekit import PageContext, PageSpec, data_end
from dashboard.services import Services
from dashboard.state import ViewState
from pages.report import export
from pages.report.table import ReportRow, rows, span
from warehouse.report import REPORT_FIGURES

LOC = "_pages_location"


def behind(ctx: PageContext, r: ReportRow, page: str | None, year: int) -> html.Td:
    """The figure's definition (from the registry), the count of rows behind it and a link to them."""
    parts: list[Any] = [html.Span(r.definition, className="kpi-report-def")]
    if r.rows is not None:
        parts.append(html.Span(ctx.t("rp.rows", n=fmt.number(r.rows)), className="kpi-report-rows ms-2 text-secondary"))
    if page:
        parts.append(dcc.Link(ctx.t("rp.open_rows"), href=f"{page}?start={year}-01-01&end={year}-12-31",
                              className="kpi-report-link ms-2", id={"type": "report-rows", "key": r.key}))
    return html.Td(parts, className="small")


def table(ctx: PageContext, year: int, report_rows: list[ReportRow], pages: dict[str, str | None]) -> dbc.Table:
    head = html.Thead(
        html.Tr(
            [
                html.Th(ctx.t("rp.figure")),
                html.Th(str(year), className="text-end"),
                html.Th(str(year - 1), className="text-end"),
                html.Th(ctx.t("rp.change"), className="text-end"),
                html.Th(ctx.t("rp.change_pct"), className="text-end"),
                html.Th(ctx.t("rp.plan"), className="text-end"),
                html.Th(ctx.t("rp.status")),
                html.Th(ctx.t("rp.behind")),
            ]
        )
    )
    body: list[Any] = []
    area = None
    for r in report_rows:
        if r.area != area:
            area = r.area
            body.append(html.Tr(html.Th(area, colSpan=8, className="kpi-report-area")))
        body.append(
            html.Tr(
                [
                    html.Td(r.label),
                    html.Td(r.value, className="text-end kpi-num", id={"type": "report-value", "key": r.key}),
                    html.Td(r.previous, className="text-end kpi-num text-secondary"),
                    html.Td(r.change, className="text-end kpi-num"),
                    html.Td(r.change_pct, className="text-end kpi-num"),
                    html.Td(r.target, className="text-end kpi-num"),
                    html.Td([status_dot(r.status), html.Span(r.status_name, className="ms-1")] if r.status_name else "",
                            className=f"kpi-report-status kpi-report-st-{r.status or 'none'}"),
                    behind(ctx, r, pages.get(r.key), year),
                ],
                **{"data-key": r.key, "data-status": r.status or "none"},
            )
        )
    return dbc.Table(
        [head, html.Tbody(body)], bordered=False, hover=True, size="sm", className="kpi-report-table", id="report-table"
    )


def default_year(years: list[int], data_end: dt.date | None) -> int:
    """The latest complete year (a report summarises a whole year), else the latest year with figures."""
    if data_end is not None:
        complete = data_end.year if (data_end.month, data_end.day) == (12, 31) else data_end.year - 1
        if complete in years:
            return complete
    return years[0]


def partial_note(year: int, end: dt.date, lang: str) -> str | None:
    """The note of a year the data covers only in part (None for a whole year)."""
    return t("rp.partial", lang, year=year, end=end.isoformat()) if end < dt.date(year, 12, 31) else None


def report_rows(wh: Any, year: int, years: list[int], end: dt.date | None, lang: str) -> list[ReportRow]:
    before = wh.report(year - 1) if year - 1 in years else {}
    return rows(wh, year, wh.report(year), before, wh.report_rows(year), end, lang)


def body(ctx: PageContext) -> list[Any]:
    years = ctx.wh.report_years()
    header = page_header(ctx.t("rp.title"), ctx.t("rp.note"))
    if not years:
        return [header, message(ctx.t("rp.no_years"))]
    year = ctx.state.year if ctx.state.year in years else default_year(years, ctx.data_end)
    end = span(year, ctx.data_end)[1]
    tools = html.Div(
        [
            html.Label(ctx.t("rp.year"), htmlFor="report-year", className="kpi-filter-label"),
            dcc.Dropdown(
                id="report-year",
                options=[{"label": str(y), "value": y} for y in years],
                value=year,
                clearable=False,
                style={"width": "140px"},
            ),
            html.Span(partial_note(year, end, ctx.lang), className="kpi-report-partial"),
            html.Div(
                [
                    dbc.Button(ctx.t("rp.export_xlsx"), id="report-xlsx", color="primary", outline=True, size="sm",
                               n_clicks=0),
                    dbc.Button(ctx.t("rp.export_pdf"), id="report-pdf", color="primary", outline=True, size="sm",
                               n_clicks=0, className="ms-2"),
                    html.Span(id="report-export-msg", className="ms-2 text-danger small"),
                ],
                className="ms-auto",
            ),
            dcc.Download(id="report-download"),
        ],
        className="kpi-filter kpi-report-tools mb-3",
    )
    pages = {f.key: f.page for f in REPORT_FIGURES}
    the_rows = report_rows(ctx.wh, year, years, ctx.data_end, ctx.lang)
    return [
        header,
        tools,
        dbc.Card(dbc.CardBody(table(ctx, year, the_rows, pages)), className="kpi-card kpi-report-card"),
    ]


def callbacks(app: Any, services: Services) -> None:
    wh = services.warehouse

    @app.callback(
        Output("report-download", "data"),
        Output("report-export-msg", "children"),
        Input("report-xlsx", "n_clicks"),
        Input("report-pdf", "n_clicks"),
        State(LOC, "search"),
        prevent_initial_call=True,
    )
    def _export(xlsx_clicks: int, pdf_clicks: int, search: str | None) -> tuple[Any, Any]:
        state = ViewState.from_search(search)
        try:
            years = wh.report_years()
            end = data_end(wh)
        except DataUnavailable as exc:
            return no_update, t("rp.export_failed", state.lang, error=str(exc))
        if not years:
            return no_update, no_update
        year = state.year if state.year in years else default_year(years, end)
        the_rows = report_rows(wh, year, years, end, state.lang)
        note = partial_note(year, span(year, end)[1], state.lang)
        name = f"report-{year}-{state.lang}"
        if dash.ctx.triggered_id == "report-xlsx":
            return dcc.send_bytes(export.xlsx(the_rows, year, state.lang, note), f"{name}.xlsx"), ""
        try:
            page_html = export.print_html(the_rows, year, state.lang, note)
            return dcc.send_bytes(export.pdf(page_html), f"{name}.pdf"), ""
        except (PrintError, OSError) as exc:
            return no_update, t("rp.export_failed", state.lang, error=str(exc))


def skeleton() -> html.Div:
    """The components the export callback names, for pages rendered without data."""
    return html.Div(
        [html.Button(id="report-xlsx"), html.Button(id="report-pdf"), html.Span(id="report-export-msg"),
         dcc.Download(id="report-download")],
        hidden=True,
    )


PAGE = PageSpec(
    path="/report", nav="nav.report", order=4, body=body, callbacks=callbacks, skeleton=skeleton, filters=()
)
