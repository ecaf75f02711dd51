"""The league table of the 9 towns: ratio mode (composite and one cell per ranked indicator) or points mode
(one table per assessment item, its deductions beside). Every cell is a button that opens the explain
drawer; its colour is its status class (``assets/rankings.css``)."""

from __future__ import annotations

from typing import Any

import pandas as pd
from dash import html

from dashboard import format as fmt
from dashboard.components import message
from dashboard.figures import rankings as fr
from dashboard.i18n import t
from dashboard.ids import pattern_id
from dashboard.pagekit import PageContext
from pages.rankings.board import Board
from pages.rankings.state import INDICATORS
from warehouse import scoring
from warehouse.rules.status import points_status

DISTRICT = "district"


def points_subject(item: str) -> str:
    return f"points:{item}"


def city_subject(item: str, month: Any) -> str:
    return f"city|{item}|{month.isoformat()}"


def explain_id(town: str, subject: str, src: str = "table") -> dict[str, str]:
    """The id of something that explains ``subject`` of ``town`` when clicked; ``src`` keeps ids unique."""
    return pattern_id("rk-explain", town=town, subject=subject, src=src)


def cell(town: str, subject: str, main: str, sub: str | None, status: object, title: str,
         src: str = "table") -> html.Td:
    return html.Td(
        html.Button(
            [html.Span(main, className="rk-cell-main"), html.Span(sub, className="rk-cell-sub") if sub else None],
            id=explain_id(town, subject, src),
            n_clicks=0,
            className=f"rk-cell {fr.status_class(status)}",
            title=title,
        ),
        className="rk-td",
    )


def change_td(change: object, prev: object, lang: str) -> html.Td:
    text, tone = fr.rank_change(change, prev, lang)
    tip = t("rankings.prev_rank", lang, n=int(prev)) if not (prev is None or prev is pd.NA) else ""
    return html.Td(html.Span(text, className=f"rk-change rk-change-{tone}", title=tip), className="rk-td-change")


def rank_td(rank: object) -> html.Td:
    text = "—" if rank is None or rank is pd.NA else str(int(rank))  # type: ignore[call-overload]
    medal = f" rk-rank-{text}" if text in ("1", "2", "3") else ""
    return html.Td(html.Span(text, className="rk-rank" + medal), className="rk-td-rank")


def _row(ctx: PageContext, town: str, tds: list[html.Td], table: int = 0) -> html.Tr:
    """A town's row; ``table`` numbers the tables of points mode, so ids stay unique."""
    highlight = " rk-row-hl" if town in ctx.state.towns else ""
    return html.Tr(tds, className=f"rk-row{highlight}", id=f"rk-row-{town}" + (f"-{table}" if table else ""))


def league_ratio(ctx: PageContext, b: Board) -> html.Table:
    lang = ctx.lang
    now = b.now(b.table)
    scored = b.now(b.scored).set_index(["town_code", "indicator"])
    head = [t("rankings.col.rank", lang), t("rankings.col.change", lang), t("rankings.col.town", lang),
            t("rankings.col.composite", lang)]
    head += [scoring.RANKED[k].label(lang) for k in INDICATORS]
    weights = b.weights or {}
    rows = []
    for r in now.itertuples(index=False):
        composite = fmt.score(r.composite)
        if r.provisional and r.status != "grey":
            composite += "*"
        sub = t("rankings.coverage", lang, n=r.n_scored, of=r.n_indicators) if r.provisional else None
        tds = [
            rank_td(r.rank),
            change_td(r.rank_change, r.prev_rank, lang),
            html.Td(ctx.town_name(r.town_code), className="rk-td-town"),
            cell(r.town_code, "composite", composite, sub, r.status, t("rankings.click_explain", lang)),
        ]
        for key in INDICATORS:
            meta = scoring.RANKED[key]
            s = scored.loc[(r.town_code, key)]
            value = fmt.by_kind(s["value"], meta.kind, lang, meta.unit_zh)
            target = fmt.by_kind(s["target"], meta.kind, lang, meta.unit_zh)
            status = s["status"]
            word = t(f"common.status.{status}", lang) if isinstance(status, str) else t("common.no_target", lang)
            tip = t("rankings.cell_tip", lang, value=value, target=target, status=word)
            if weights and weights.get(key, 0) == 0:
                tip += " · " + t("rankings.not_weighted", lang)
            tds.append(cell(r.town_code, key, fmt.score(s["score"]), value, status, tip))
        rows.append(_row(ctx, r.town_code, tds))
    return html.Table([html.Thead(html.Tr([html.Th(h) for h in head])), html.Tbody(rows)],
                      className="rk-league", id="rk-league")


def league_points(ctx: PageContext, b: Board) -> html.Div:
    lang = ctx.lang
    b.ensure_points()
    assert b.points is not None and b.lines is not None
    tables = []
    for n, (item, pts) in enumerate(b.now(b.points).groupby("item", sort=False)):
        lines = b.now(b.lines)
        lines = lines[lines["item"] == item]
        rules = lines[lines["kind"] == "deduction"].drop_duplicates("rule")[["rule", "rule_zh", "rule_en",
                                                                              "indicator"]]
        head = [t("rankings.col.rank", lang), t("rankings.col.change", lang), t("rankings.col.town", lang),
                t("rankings.col.points", lang, item=item)]
        tips = [""] * len(head) + [str(r.rule_en if lang == "en" else r.rule_zh) for r in rules.itertuples()]
        head += [t("rankings.deduction", lang, name=scoring.indicator_meta(str(r.indicator)).label(lang))
                 for r in rules.itertuples()]
        rows = []
        for r in pts.itertuples(index=False):
            mine = lines[lines["town_code"] == r.town_code].set_index("rule")
            main = fmt.score(r.points, 2) + ("*" if r.provisional else "")
            subject = points_subject(str(item))
            tds = [rank_td(r.rank), change_td(r.rank_change, r.prev_rank, lang),
                   html.Td(ctx.town_name(r.town_code), className="rk-td-town"),
                   cell(r.town_code, subject, main, None, points_status(float(r.deducted), bool(r.provisional)),
                        t("rankings.click_explain", lang))]
            for rule in rules["rule"]:
                amount = float(mine.loc[rule, "amount"]) if rule in mine.index else 0.0
                measured = mine.loc[rule, "measured"] if rule in mine.index else None
                kind = scoring.indicator_meta(str(mine.loc[rule, "indicator"])).kind if rule in mine.index else "rate"
                sub = fmt.by_kind(measured, "count" if str(rule) == "rework" else kind, lang)
                tds.append(cell(r.town_code, subject, fmt.signed(amount), sub,
                                "green" if amount == 0 else "red", t("rankings.click_explain", lang),
                                src=f"rule-{rule}"))
            rows.append(_row(ctx, r.town_code, tds, n))
        tables.append(html.Table([html.Thead(html.Tr([html.Th(h, title=tip or None)
                                                      for h, tip in zip(head, tips, strict=True)])),
                                  html.Tbody(rows)], className="rk-league",
                                 id="rk-league" if n == 0 else f"rk-league-{n}"))
    return html.Div(tables or [message(t("rankings.no_points", lang))])


def legend(lang: str) -> html.Div:
    items = [html.Span([html.Span(className=f"rk-swatch {fr.status_class(s)}"), t(f"common.status.{s}", lang)],
                       className="rk-legend-item")
             for s in ("green", "amber", "red", "grey")]
    return html.Div([*items, html.Span(t("rankings.legend_note", lang), className="rk-legend-note")],
                    className="rk-legend")
