"""The explain drawer: any score or rank of /rankings opens its formula, numerator and denominator,
exclusions (作废/缓办/挂账), the contributions that add up to it (table and waterfall), the forecast to the
period's end and the rows behind it."""

from __future__ import annotations

from typing import Any

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from dashboard import format as fmt
from dashboard.components import GRAPH_CONFIG, grid_options, records
from dashboard.data import Warehouse
from dashboard.exports import grid_csv_params
from dashboard.figures import rankings as fr
from dashboard.i18n import column_label, paren, t
from dashboard.ids import pattern_id
from dashboard.scoring_text import forecast_sentence, formula_text
from pages.rankings.board import Board
from pages.rankings.league import explain_id
from warehouse import scoring
from warehouse.queries import rankings as rq

ROW_LIMIT = 200  # rows behind an indicator (rankings.indicator_rows' default limit)


def drawer() -> dbc.Offcanvas:
    return dbc.Offcanvas(html.Div(id="rk-drawer-body"), id="rk-drawer", is_open=False, placement="end",
                         scrollable=True, title="", class_name="rk-drawer")


def graph(graph_id: str, figure: Any, size: str = "") -> dcc.Graph:
    """A chart in a card or the drawer (the card says its title, so the figure does not)."""
    figure.update_layout(title_text=None, margin_t=28)
    return dcc.Graph(id=graph_id, figure=figure, config=GRAPH_CONFIG, className=f"kpi-graph rk-graph {size}".strip())


def definition_list(items: list[tuple[str, Any]]) -> html.Dl:
    return html.Dl([part for label, text in items if text not in (None, "")
                    for part in (html.Dt(label), html.Dd(text))], className="kpi-explain")


def rows_grid(frame: pd.DataFrame, lang: str, file_name: str) -> list[Any]:
    frame = frame.copy()
    for col in ("in_denominator", "in_numerator", "certain", "provisional"):
        if col in frame:
            frame[col] = frame[col].map(lambda v: "—" if v is None or v is pd.NA else
                                        t("rankings.yes", lang) if bool(v) else t("rankings.no", lang))
    defs = []
    for c in frame.columns:
        key = f"rankings.col.{c}"
        try:
            name = t(key, lang)
        except KeyError:
            name = column_label(str(c), lang)
        defs.append({"field": str(c), "headerName": name})
    count = t("common.rows_count", lang, n=len(frame))
    if len(frame) >= ROW_LIMIT:
        count += " · " + t("common.rows_limited", lang, n=len(frame))
    return [
        html.Div([html.Span(count, className="kpi-rows-count"),
                  dbc.Button(t("common.export_csv", lang), id=pattern_id("grid-csv", key="rk-rows"), size="sm",
                             color="link", n_clicks=0)],
                 className="rk-rows-head"),
        dag.AgGrid(
            id=pattern_id("grid", key="rk-rows"), rowData=records(frame, lang), columnDefs=defs,
            defaultColDef={"sortable": True, "filter": True, "resizable": True, "minWidth": 90},
            dashGridOptions=grid_options(lang, 50), csvExportParams=grid_csv_params(file_name),
            className="ag-theme-alpine rk-rows-grid",
        ),
    ]


def _contrib_table(ex: scoring.Explanation, lang: str, decimals: int, town: str, clickable: bool,
                   score_key: str = "rankings.ex.score") -> html.Table:
    rows = []
    for c in ex.contributions:
        label = c.label_en if lang == "en" else c.label_zh
        name: Any = label
        if clickable and c.key in scoring.RANKED:
            name = html.Button(label, id=explain_id(town, c.key, "drawer"), n_clicks=0,
                               className="btn btn-link btn-sm p-0", title=t("rankings.click_explain", lang))
        rows.append(html.Tr([
            html.Td(name),
            html.Td("" if c.weight is None else f"{c.weight:g}", className="kpi-num"),
            html.Td("" if c.score is None else fmt.score(c.score, decimals), className="kpi-num"),
            html.Td(f"{c.amount:+}", className="kpi-num rk-contrib-amount"),
        ], className=fr.status_class(c.status) + " rk-contrib-row"))
    rows.append(html.Tr([html.Td(t("rankings.fig.total", lang)), html.Td(), html.Td(),
                         html.Td(f"{ex.total()}", className="kpi-num rk-contrib-total")], className="rk-contrib-sum"))
    top = html.Thead(html.Tr([html.Th(t("rankings.ex.part", lang)), html.Th(t("rankings.ex.weight", lang)),
                              html.Th(t(score_key, lang)), html.Th(t("rankings.ex.amount", lang))]))
    return html.Table([top, html.Tbody(rows)], className="rk-contrib table table-sm")


def _forecast_block(b: Board, town: str, indicators: list[str], lang: str) -> Any:
    if not b.in_progress:
        return html.Div(t("rankings.ex.period_over", lang, end=b.end.isoformat()), className="rk-note")
    fc = scoring.forecast_all(b.now(b.scored), b.as_of)
    fc = fc[(fc["town_code"] == town) & fc["indicator"].isin(indicators)]
    if fc.empty:
        return None
    colon = t("common.colon", lang)
    return html.Ul([html.Li([html.B(scoring.RANKED[r["indicator"]].label(lang) + colon), forecast_sentence(r, lang)])
                    for r in fc.to_dict("records") if r["indicator"] in scoring.RANKED], className="rk-forecast")


def _exclusions_text(ex: scoring.Explanation, lang: str) -> str | None:
    if not ex.exclusions:
        return None
    return t("rankings.ex.excl", lang, void=ex.exclusions.get("作废", 0), deferred=ex.exclusions.get("缓办", 0),
             hung=ex.exclusions.get("挂账", 0))


def head(title: str, value: str, status: object, rank: int | None, of: int | None, lang: str) -> html.Div:
    rank_text = t("rankings.ex.rank", lang, n=rank, of=of) if rank is not None else t("rankings.ex.unranked", lang)
    word = t(f"common.status.{status}", lang) if isinstance(status, str) else ""
    tone = fr.status_class(status)
    return html.Div([
        html.Div(title, className="rk-ex-title"),
        html.Div([html.Span(value, className=f"rk-ex-value {tone}", id="rk-ex-value"),
                  html.Span(rank_text, className="rk-ex-rank"),
                  html.Span(word, className=f"rk-ex-status {tone}")],
                 className="rk-ex-head"),
    ])


def explain_town(b: Board, town: str, subject: str, town_name: str, lang: str, wh: Warehouse) -> tuple[str, Any]:
    """(drawer title, drawer body) for a town's composite, one indicator or a points-mode item."""
    decimals = scoring.DEFAULT_PARAMS.decimals
    title = f"{town_name} · {fmt.period(b.grain, b.start, lang, span=True)}"
    if subject.startswith("points:"):
        item = subject.split(":", 1)[1]
        b.ensure_points()
        assert b.lines is not None
        rows = wh.frame(rq.indicator_rows("dcm.on_time_due_rate", town, b.grain, b.start))
        ex = scoring.explain_points(town, b.start, b.lines, item, totals=b.points, values=b.values, rows=rows)
        top = head(t("rankings.ex.points_of", lang, item=item), f"{ex.value}", None, ex.rank, ex.ranked_of, lang)
        facts = definition_list([(t("common.formula", lang), formula_text(ex, lang)),
                                 (t("common.exclusions", lang), _exclusions_text(ex, lang))])
        wf = fr.waterfall(ex.waterfall(), total=ex.value, lang=lang, decimals=2)
        parts = _contrib_table(ex, lang, 2, town, clickable=False, score_key="rankings.ex.measured")
        forecast = _forecast_block(b, town, ["dcm.on_time_due_rate", "dcm.close_rate", "dcm.rework_rate"], lang)
        grid = rows_grid(rows, lang, f"{town}-{item}-{b.start}.csv")
    elif subject == "composite":
        mine = b.now(b.scored)
        mine = mine[mine["town_code"] == town]
        ex = scoring.explain(town, b.start, b.scored, b.table, weights=b.weights)
        top = head(t("rankings.ex.composite", lang), f"{ex.value}", ex.status, ex.rank, ex.ranked_of, lang)
        reasons = {k: "rankings.ex.reason." + reason.replace(" ", "_") for k, reason in ex.left_out}
        left = t("common.semicolon", lang).join(
            (scoring.RANKED[k].label(lang) if k in scoring.RANKED else k) + paren(t(key, lang), lang)
            for k, key in reasons.items()
        )
        facts = definition_list([
            (t("common.formula", lang), formula_text(ex, lang)),
            (t("common.numerator", lang), t("rankings.ex.comp_num", lang, n=fmt.exact(ex.numerator))),
            (t("common.denominator", lang), t("rankings.ex.comp_den", lang, n=fmt.exact(ex.denominator))),
            (t("common.exclusions", lang), _exclusions_text(ex, lang)),
            (t("rankings.ex.left_out", lang), left or None),
        ])
        wf = fr.waterfall(ex.waterfall(), total=ex.value, lang=lang, decimals=decimals)
        parts = _contrib_table(ex, lang, decimals, town, clickable=True)
        forecast = _forecast_block(b, town, list(mine["indicator"]), lang)
        behind = mine[["indicator", "numerator", "denominator", "value", "target", "score", "status", "rank"]].copy()
        behind["indicator"] = behind["indicator"].map(lambda k: scoring.indicator_meta(k).label(lang))
        behind = behind.round({"value": 4, "target": 4, "score": decimals})
        behind["status"] = behind["status"].map(lambda s: t(f"common.status.{s}", lang) if isinstance(s, str)
                                                else t("common.no_target", lang))
        behind["weight"] = [(b.weights or {}).get(k, 1.0 if b.weights is None else 0.0)
                            for k in mine["indicator"]]
        grid = rows_grid(behind, lang, f"{town}-composite-{b.start}.csv")
    else:
        meta = scoring.indicator_meta(subject)
        rows = wh.frame(rq.indicator_rows(subject, town, b.grain, b.start))
        ex = scoring.explain(town, b.start, b.scored, b.table, indicator=subject, rows=rows)
        top = head(meta.label(lang), f"{ex.value}", ex.status, ex.rank, ex.ranked_of, lang)
        value = fmt.by_kind(None if ex.numerator is None else (
            ex.numerator / ex.denominator if ex.denominator else (None if meta.kind == "rate" else ex.numerator)),
            meta.kind, lang, meta.unit_zh)
        facts = definition_list([
            (t("common.formula", lang), formula_text(ex, lang)),
            (t("common.numerator", lang),
             f"{fmt.exact(ex.numerator)} · {meta.numerator_en if lang == 'en' else meta.numerator_zh}"),
            (t("common.denominator", lang), None if meta.kind != "rate" else
             f"{fmt.exact(ex.denominator)} · {meta.denominator_en if lang == 'en' else meta.denominator_zh}"),
            (t("common.value_now", lang), value),
            (t("rankings.ex.target", lang), None if ex.target is None else
             fmt.by_kind(ex.target, meta.kind, lang, meta.unit_zh)),
            (t("common.exclusions", lang), _exclusions_text(ex, lang)),
        ])
        wf = fr.waterfall(ex.waterfall(), total=ex.value, lang=lang, decimals=decimals)
        parts = _contrib_table(ex, lang, decimals, town, clickable=False)
        forecast = _forecast_block(b, town, [subject], lang)
        grid = rows_grid(rows, lang, f"{town}-{subject}-{b.start}.csv")
    if ex.total() != ex.value:  # never shown: the engine guarantees it, the page checks it
        raise AssertionError(f"contributions {ex.total()} do not add up to {ex.value}")
    body = html.Div([
        top, facts,
        html.H3(t("rankings.ex.parts", lang), className="rk-ex-h"), parts,
        graph("rk-ex-waterfall", wf, "rk-graph-sm"),
        html.H3(t("rankings.ex.forecast", lang), className="rk-ex-h"), forecast,
        html.H3(t("rankings.ex.rows", lang), className="rk-ex-h"), *grid,
    ], id="rk-ex")
    return title, body
