"""Layout building blocks shared by the pages: chart cards, KPI tiles, messages, the rows grid.

Ids of interactive parts are dicts so one pattern-matching callback serves every page, built with
``dashboard.ids.pattern_id``: ``chart`` (a graph), ``rows-btn`` (its rows button), ``tile`` (a KPI tile
that explains itself), ``grid`` and ``grid-csv`` (a table and its export button), each with a ``key``.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from urllib.parse import quote

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
import numpy as np
import pandas as pd
import plotly.graph_objects as go
from dash import dcc, html

from dashboard.exports import grid_csv_params
from dashboard.figures.theme import is_empty_figure, towns
from dashboard.i18n import AG_LOCALE_ZH, column_label, t, town_label, value_label
from dashboard.ids import pattern_id

_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}")
GRAPH_CONFIG = {"displaylogo": False, "responsive": True, "displayModeBar": False}


def message(text: str, kind: str = "secondary", icon: str = "ⓘ") -> html.Div:
    """A sentence where a chart or table would be (never empty axes)."""
    return html.Div(
        [html.Span(icon, className="kpi-msg-icon"), html.Span(text)],
        className=f"kpi-message text-{kind}",
        role="status",
    )


def chart_card(
    key: str,
    title: str,
    figure: go.Figure | None,
    lang: str,
    empty_text: str | None = None,
    height: int = 340,
    rows: bool = True,
    subtitle: str | None = None,
) -> dbc.Card:
    """A titled card holding one chart (or the reason there is none) and a "rows behind this" button."""
    header = [
        html.Div(
            [
                html.H2(title, className="kpi-card-title"),
                html.Div(subtitle, className="kpi-card-sub") if subtitle else None,
            ]
        )
    ]
    if rows:
        header.append(
            dbc.Button(
                t("common.rows", lang),
                id=pattern_id("rows-btn", key=key),
                size="sm",
                color="link",
                className="kpi-rows-btn",
                n_clicks=0,
            )
        )
    if figure is None or is_empty_figure(figure):
        body: Any = message(empty_text or t("common.no_data", lang))
    else:
        figure = date_axis(untitled(figure), lang)
        body = dcc.Graph(
            id=pattern_id("chart", key=key),
            figure=figure,
            config=GRAPH_CONFIG,
            style={"height": f"{height}px"},
            className="kpi-graph",
        )
    return dbc.Card(
        [dbc.CardHeader(header, className="kpi-card-header"), dbc.CardBody(body, className="p-2")],
        className="kpi-card h-100",
        id=f"card-{key.replace('.', '-')}",
    )


def untitled(figure: go.Figure) -> go.Figure:
    """The figure in a card: no title of its own (the card's title is the chart's one title), a top margin
    that fits a legend."""
    figure.update_layout(title_text=None, margin_t=44 if figure.layout.showlegend is not False else 16)
    return figure


def date_axis(figure: go.Figure, lang: str) -> go.Figure:
    """Date x axes as the bureau writes them (2023-03, 2023-03-05) and, for a few days, one tick per day."""
    xs = [
        x
        for trace in figure.data
        if getattr(trace, "x", None) is not None and getattr(trace, "type", "") in ("bar", "scatter")
        for x in trace.x
    ]
    if not xs or not all(
        isinstance(x, dt.date | np.datetime64) or (isinstance(x, str) and _ISO_DAY.match(x)) for x in xs
    ):
        return figure
    days = pd.to_datetime(pd.Series([str(x)[:19] for x in xs]), errors="coerce", format="ISO8601")
    if days.isna().any():
        return figure
    monthly = bool((days.dt.day == 1).all())
    if monthly:
        figure.update_xaxes(tickformat="%Y-%m")
    elif days.nunique() <= 20:  # a few days (snow events): one tick each, a day of room either side
        ticks = sorted(days.dt.normalize().unique())
        figure.update_xaxes(
            tickvals=ticks,
            tickformat="%Y-%m-%d",
            range=[ticks[0] - pd.Timedelta(days=1), ticks[-1] + pd.Timedelta(days=1)],
        )
    else:
        figure.update_xaxes(tickformat="%Y-%m-%d")
    _ = lang
    return figure


def status_dot(status: str | None) -> html.Span:
    return html.Span(className=f"kpi-dot kpi-dot-{status or 'none'}")


def kpi_tile(
    key: str,
    label: str,
    value: str,
    lang: str,
    *,
    sub: str | None = None,
    deltas: list[tuple[str, str, str]] | None = None,
    target: str | None = None,
    status: str | None = None,
    spark: str | None = None,
    extra: Any = None,
) -> html.Div:
    """A headline figure: value, target and status, deltas (label, text, good/bad/flat), sparkline."""
    delta_row = [
        html.Span(
            [html.Span(lbl, className="kpi-delta-label"), html.Span(text, className=f"kpi-delta-{tone}")],
            className="kpi-delta",
        )
        for lbl, text, tone in deltas or []
    ]
    children = [
        html.Div([status_dot(status), html.Span(label, className="kpi-tile-label")], className="kpi-tile-head"),
        html.Div(value, className="kpi-tile-value" + (" kpi-tile-value-pair" if " · " in value else "")),
        html.Div(sub, className="kpi-tile-sub") if sub else None,
        html.Div(target, className="kpi-tile-target") if target else None,
        extra,
        html.Div(delta_row, className="kpi-deltas") if delta_row else None,
        html.Img(src="data:image/svg+xml;utf8," + quote(spark), className="kpi-spark", alt="") if spark else None,
    ]
    return html.Div(
        html.Div([c for c in children if c is not None], className="card-body p-3"),
        id=pattern_id("tile", key=key),
        className=f"card kpi-tile kpi-tile-{status or 'none'} h-100",
        n_clicks=0,
        role="button",
        title=t("common.explain", lang),
    )


def page_header(title: str, subtitle: str | None = None) -> html.Div:
    return html.Div(
        [
            html.H1(title, className="kpi-page-title"),
            html.Div(subtitle, className="kpi-page-sub") if subtitle else None,
        ],
        className="kpi-page-head",
    )


def rows_grid(grid_id: str, frame: pd.DataFrame | None, lang: str, file_name: str = "rows.csv") -> dag.AgGrid:
    """An AG Grid of rows with CSV export (``exportDataAsCsv`` is set by the export button; formula cells are
    neutralised, ``dashboard.exports``)."""
    frame = frame if frame is not None else pd.DataFrame()
    return dag.AgGrid(
        id=grid_id,
        rowData=records(frame, lang),
        columnDefs=column_defs(frame),
        defaultColDef={"sortable": True, "filter": True, "resizable": True, "minWidth": 90},
        dashGridOptions=grid_options(lang, 50),
        csvExportParams=grid_csv_params(file_name),
        style={"height": "60vh", "width": "100%"},
        className="ag-theme-alpine",
    )


def grid_options(lang: str, page_size: int) -> dict[str, Any]:
    options: dict[str, Any] = {"pagination": True, "paginationPageSize": page_size, "animateRows": False}
    if lang != "en":
        options["localeText"] = AG_LOCALE_ZH
    return options


ID_COLUMNS = ("case_no", "grid_code")  # long ids: wide enough to read whole (never cut to 37100220…)


def column_defs(frame: pd.DataFrame, lang: str = "zh") -> list[dict[str, Any]]:
    return [
        {"field": str(c), "headerName": column_label(str(c), lang), **({"minWidth": 200} if c in ID_COLUMNS else {})}
        for c in frame.columns
    ]


# row columns that hold reference values, and the kind of ``dashboard/value_labels.csv`` that names them in English
VALUE_COLUMNS = {
    "major_category": "major_category",
    "minor_category": "minor_category",
    "channel": "channel",
    "stage": "stage",
    "department": "department",
    "kind": "construction_kind",
    "unit": "city_unit",
    "item": "assessment_item",
}


def _in_english(out: pd.DataFrame) -> pd.DataFrame:
    """Reference values by their English labels, towns by their pinyin (``dashboard.i18n``)."""
    for col, kind in VALUE_COLUMNS.items():
        if col in out.columns:
            out[col] = out[col].map(lambda v, k=kind: value_label(k, v, "en") if isinstance(v, str) else v)
    if "town_name" in out.columns:
        pinyin = {town.name: town.pinyin for town in towns().values()}
        out["town_name"] = out["town_name"].map(
            lambda v: town_label(v, pinyin.get(v), "en") if isinstance(v, str) else v
        )
    return out


def records(frame: pd.DataFrame, lang: str = "zh") -> list[dict[str, Any]]:
    """Rows as JSON-safe dicts: timestamps as text, NaN as null; in English, reference values in English."""
    out = frame.copy()
    if lang == "en":
        out = _in_english(out)
    for col in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[col]):
            out[col] = out[col].dt.strftime("%Y-%m-%d %H:%M").where(out[col].notna(), None)
        elif out[col].dtype == object:
            out[col] = out[col].map(lambda v: v.isoformat() if hasattr(v, "isoformat") else v)
    out = out.astype(object).where(out.notna(), None)
    return out.to_dict("records")


def stat(label: str, value: str, sub: str | None = None, status: str | None = None) -> html.Div:
    """A small figure in a page's strip of headline numbers."""
    return html.Div(
        [
            html.Div([status_dot(status) if status else None, html.Span(label)], className="kpi-stat-label"),
            html.Div(value, className="kpi-stat-value"),
            html.Div(sub, className="kpi-stat-sub") if sub else None,
        ],
        className="kpi-stat",
    )


def stat_strip(items: list[html.Div]) -> html.Div:
    return html.Div(items, className="kpi-stats")


def table_card(
    key: str,
    title: str,
    frame: pd.DataFrame,
    lang: str,
    empty_text: str,
    subtitle: str | None = None,
    height: str = "420px",
) -> dbc.Card:
    """A titled card with an AG Grid of rows and its own CSV export button."""
    header = [
        html.Div(
            [
                html.H2(title, className="kpi-card-title"),
                html.Div(subtitle, className="kpi-card-sub") if subtitle else None,
            ]
        )
    ]
    if frame.empty:
        body: Any = message(empty_text)
    else:
        header.append(
            dbc.Button(
                t("common.export_csv", lang),
                id=pattern_id("grid-csv", key=key),
                size="sm",
                color="link",
                className="kpi-rows-btn",
                n_clicks=0,
            )
        )
        body = dag.AgGrid(
            id=pattern_id("grid", key=key),
            rowData=records(frame, lang),
            columnDefs=column_defs(frame, lang),
            defaultColDef={"sortable": True, "filter": True, "resizable": True, "minWidth": 90},
            dashGridOptions=grid_options(lang, 20),
            csvExportParams=grid_csv_params(f"{key}.csv"),
            style={"height": height, "width": "100%"},
            className="ag-theme-alpine",
        )
    return dbc.Card(
        [dbc.CardHeader(header, className="kpi-card-header"), dbc.CardBody(body, className="p-2")],
        className="kpi-card",
        id=f"card-{key.replace('.', '-')}",
    )
