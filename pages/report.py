"""/report — the year's work-report figures in the structure of the bureau's report, previous year beside."""

from __future__ import annotations

import datetime as dt
from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard import format as fmt
from dashboard.components import message, page_header
from dashboard.pagekit import PageContext, PageSpec
from warehouse.report import AREAS, AREAS_EN, AREAS_ZH, REPORT_FIGURES, ReportFigure


def behind(ctx: PageContext, fig: ReportFigure, year: int, n_rows: int | None) -> html.Td:
    """The figure's definition (from the registry), the count of rows behind it and a link to them."""
    parts: list[Any] = [html.Span(fig.text("formula", ctx.lang), className="kpi-report-def")]
    if n_rows is not None:
        parts.append(html.Span(ctx.t("rp.rows", n=fmt.number(n_rows)), className="kpi-report-rows ms-2 text-secondary"))
    if fig.page:
        parts.append(dcc.Link(ctx.t("rp.open_rows"), href=f"{fig.page}?start={year}-01-01&end={year}-12-31",
                              className="kpi-report-link ms-2", id={"type": "report-rows", "key": fig.key}))
    return html.Td(parts, className="small")


def table(ctx: PageContext, year: int, now: dict[str, float | None], before: dict[str, float | None],
          n_rows: dict[str, int] | None = None) -> dbc.Table:
    lang = ctx.lang
    head = html.Thead(
        html.Tr(
            [
                html.Th(ctx.t("rp.figure")),
                html.Th(str(year), className="text-end"),
                html.Th(str(year - 1), className="text-end"),
                html.Th(ctx.t("rp.change"), className="text-end"),
                html.Th(ctx.t("rp.behind")),
            ]
        )
    )
    rows: list[Any] = []
    for area in range(1, 8):
        name = AREAS_EN[area] if lang == "en" else AREAS_ZH[area]
        title = ctx.t("rp.area", numeral=AREAS[area - 1]["numeral"], name=name)
        rows.append(html.Tr(html.Th(title, colSpan=5, className="kpi-report-area")))
        for fig in (f for f in REPORT_FIGURES if f.area == area):
            rows.append(
                html.Tr(
                    [
                        html.Td(fig.label(lang)),
                        html.Td(
                            fmt.report(fig, now.get(fig.key), lang),
                            className="text-end kpi-num",
                            id={"type": "report-value", "key": fig.key},
                        ),
                        html.Td(fmt.report(fig, before.get(fig.key), lang),
                                className="text-end kpi-num text-secondary"),
                        html.Td(fmt.change(now.get(fig.key), before.get(fig.key), fig.kind)[0],
                                className="text-end kpi-num"),
                        behind(ctx, fig, year, (n_rows or {}).get(fig.key)),
                    ],
                    **{"data-key": fig.key},
                )
            )
    return dbc.Table(
        [head, html.Tbody(rows)], bordered=False, hover=True, size="sm", className="kpi-report-table", id="report-table"
    )


def default_year(years: list[int], data_end: dt.date | None) -> int:
    """The latest complete year (a report summarises a whole year), else the latest year with figures."""
    if data_end is not None:
        complete = data_end.year if (data_end.month, data_end.day) == (12, 31) else data_end.year - 1
        if complete in years:
            return complete
    return years[0]


def body(ctx: PageContext) -> list[Any]:
    years = ctx.wh.report_years()
    header = page_header(ctx.t("rp.title"), ctx.t("rp.note"))
    if not years:
        return [header, message(ctx.t("rp.no_years"))]
    year = ctx.state.year if ctx.state.year in years else default_year(years, ctx.data_end)
    picker = html.Div(
        [
            html.Label(ctx.t("rp.year"), htmlFor="report-year", className="kpi-filter-label"),
            dcc.Dropdown(
                id="report-year",
                options=[{"label": str(y), "value": y} for y in years],
                value=year,
                clearable=False,
                style={"width": "140px"},
            ),
        ],
        className="kpi-filter mb-3",
    )
    return [
        header,
        picker,
        dbc.Card(
            dbc.CardBody(table(ctx, year, ctx.wh.report(year), ctx.wh.report(year - 1) if year - 1 in years else {},
                               ctx.wh.report_rows(year))),
            className="kpi-card kpi-report-card",
        ),
    ]


PAGE = PageSpec(path="/report", nav="nav.report", order=4, body=body, filters=())
