"""/rankings — the 9 towns against their targets, and the district in the city's assessments (issue 5).

The league table (rank, change, composite, sub-scores coloured by status) in ratio mode or points mode, the
city assessment panel (the district's rank per item against 争一保二, gaps to first place and to the unit below),
the bump chart of city ranks, raw vs per-size volumes, and the explain drawer: any score or rank opens its
formula, numerator and denominator, exclusions (作废/缓办/挂账), the contributions that add up to it (waterfall),
the forecast to the period end and the rows behind it.

The view lives in the URL beside the shell's parameters: ``grain`` (week/month/quarter/year), ``period`` (the
ISO first day of the period; default the latest complete period of the data), ``mode`` (ratio/points) and
``w`` (weights in the order of ``scoring.RANKED``; equal when absent). Towns are always ranked among all 9;
the town filter only highlights rows. Scoring is ``warehouse.scoring``; every frame comes through the
warehouse's query executor (``PageContext.wh`` / ``dashboard.app.warehouse()``).

No ``from __future__ import annotations`` here: Dash pages executes this module outside ``sys.modules``,
where dataclasses cannot resolve string annotations.
"""

import datetime as dt
import threading
from collections import OrderedDict
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import parse_qs, urlencode

import dash
import dash_ag_grid as dag
import dash_bootstrap_components as dbc
import pandas as pd
from dash import ALL, Input, Output, State, ctx, dcc, html, no_update

from dashboard.app import warehouse
from dashboard.components import GRAPH_CONFIG, grid_options, message, page_header, records
from dashboard.data import DataUnavailable, Warehouse
from dashboard.figures import rankings as fr
from dashboard.figures.theme import town_label
from dashboard.i18n import column_label, t
from dashboard.pagekit import PageContext, data_end, render_page
from dashboard.scoring_text import forecast_sentence, formula_text
from dashboard.state import ViewState, first_param
from warehouse import scoring
from warehouse.queries import rankings as rq
from warehouse.rules import calendar
from warehouse.rules.status import points_status

dash.register_page(__name__, path="/rankings", name="镇街排名", title="镇街排名 · 环翠区综合行政执法局", order=5)

LOC = "_pages_location"
GRAIN_ORDER = ("week", "month", "quarter", "year")
MODES = ("ratio", "points")
INDICATORS: tuple[str, ...] = tuple(scoring.RANKED)
HISTORY_MONTHS = 12
ROW_LIMIT = 200  # rows behind an indicator (rankings.indicator_rows' default limit)
OWN_PARAMS = ("grain", "period", "mode", "w")
_DISTRICT = "district"

# Inline styles (the page owns no stylesheet): status tints follow dashboard.figures.theme.STATUS_COLORS.
TINTS: dict[str, tuple[str, str]] = {
    "green": ("#e7f5ec", "#2e9d5b"), "amber": ("#fdf3e2", "#e8a33d"), "red": ("#fbe9e9", "#d64545"),
    "grey": ("#f1f2f4", "#9aa0a6"), "none": ("#f4f7fb", "#4c78a8"),
}
TEXT = {"green": "#1f6e40", "amber": "#8a5a00", "red": "#a32f2f", "grey": "#5f6368", "none": "#2f4a6d"}
TABLE_STYLE = {"width": "100%", "borderCollapse": "separate", "borderSpacing": "0 3px", "fontSize": "0.9rem"}
TH_STYLE = {"fontSize": "0.78rem", "color": "#5b6b7b", "fontWeight": 600, "padding": "2px 6px",
            "verticalAlign": "bottom", "textAlign": "center", "lineHeight": 1.2}
TD_STYLE = {"padding": "0 3px", "verticalAlign": "middle"}
MUTED = {"color": "#6b7785", "fontSize": "0.8rem"}
TOWN_STYLE = {**TD_STYLE, "fontWeight": 600, "whiteSpace": "nowrap", "padding": "0 8px"}
H3_STYLE = {"fontSize": "0.95rem", "fontWeight": 700, "margin": "0.9rem 0 0.4rem"}
HL_STYLE = {"outline": "2px solid #1f5fa8", "outlineOffset": "-1px", "borderRadius": "4px"}


def _tone(status: object) -> str:
    return status if isinstance(status, str) and status in TINTS else "none"


def cell_style(status: object) -> dict[str, Any]:
    bg, edge = TINTS[_tone(status)]
    return {"width": "100%", "border": "0", "borderLeft": f"4px solid {edge}", "background": bg,
            "color": TEXT[_tone(status)], "borderRadius": "4px", "padding": "3px 8px", "textAlign": "right",
            "display": "flex", "flexDirection": "column", "alignItems": "flex-end", "lineHeight": 1.15,
            "cursor": "pointer", "minWidth": "86px"}


CHANGE_COLORS = {"up": "#2e9d5b", "down": "#d64545", "flat": "#6b7785", "none": "#9aa0a6"}


# --- the view in the URL -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RankView:
    """The page's own URL parameters, validated (never trusted)."""

    grain: str = "month"
    period: dt.date | None = None  # any day of the period; None = the default
    mode: str = "ratio"
    weights: tuple[float, ...] = ()  # one per INDICATORS; () = equal

    @classmethod
    def from_params(cls, params: dict[str, Any]) -> "RankView":
        grain = first_param(params.get("grain")) or "month"
        mode = first_param(params.get("mode")) or "ratio"
        try:
            period = dt.date.fromisoformat(first_param(params.get("period")) or "")
        except ValueError:
            period = None
        weights: tuple[float, ...] = ()
        text = first_param(params.get("w"))
        if text:
            try:
                ws = tuple(float(x) for x in text.split(","))
            except ValueError:
                ws = ()
            if len(ws) == len(INDICATORS) and all(0 <= w <= 10 for w in ws) and any(ws):
                weights = ws
        return cls(grain if grain in GRAIN_ORDER else "month", period, mode if mode in MODES else "ratio", weights)

    @classmethod
    def from_search(cls, search: str | None) -> "RankView":
        return cls.from_params(parse_qs((search or "").lstrip("?")))

    def weight_map(self) -> dict[str, float] | None:
        """Indicator → weight for ``scoring.composite`` (None = equal)."""
        if not self.weights or all(w == 1 for w in self.weights):
            return None
        return dict(zip(INDICATORS, self.weights, strict=True))

    def params(self) -> dict[str, str]:
        out: dict[str, str] = {}
        if self.grain != "month":
            out["grain"] = self.grain
        if self.period is not None:
            out["period"] = self.period.isoformat()
        if self.mode != "ratio":
            out["mode"] = self.mode
        if self.weight_map() is not None:
            out["w"] = ",".join(f"{w:g}" for w in self.weights)
        return out


def search_with(search: str | None, view: RankView) -> str:
    """The query string with the shell's parameters kept and the page's replaced by ``view``'s."""
    kept = [(k, v) for k, vs in parse_qs((search or "").lstrip("?")).items() if k not in OWN_PARAMS for v in vs]
    params = kept + list(view.params().items())
    return "?" + urlencode(params) if params else "?"


def latest_complete(grain: str, end: dt.date) -> tuple[dt.date, dt.date]:
    """The latest period of ``grain`` that ends on or before ``end`` (the data's last day)."""
    start, stop = scoring.period_of(grain, end)
    return (start, stop) if stop <= end else scoring.previous_period(grain, end)


def period_options(grain: str, end: dt.date, lang: str) -> list[dict[str, str]]:
    """Every period of ``grain`` from the start of the year two years before ``end``'s, newest first."""
    spans = rq.periods(grain, dt.date(end.year - 2, 1, 1), end)
    out = []
    for s, e in reversed(spans):
        label = fr.period_text(grain, s, lang)
        if e > end:
            label += t("rankings.in_progress", lang)
        out.append({"label": label, "value": s.isoformat()})
    return out


# --- the numbers -------------------------------------------------------------------------------------------------


@dataclass
class Board:
    """Everything scored for one view: the two periods (this one and the previous), both modes."""

    grain: str
    start: dt.date
    end: dt.date
    as_of: dt.date  # the data's last day
    weights: dict[str, float] | None
    values: pd.DataFrame
    scored: pd.DataFrame
    table: pd.DataFrame
    points: pd.DataFrame | None = None
    lines: pd.DataFrame | None = None

    @property
    def in_progress(self) -> bool:
        return self.end > self.as_of

    def now(self, frame: pd.DataFrame) -> pd.DataFrame:
        """The rows of ``frame`` of this period (not the previous one)."""
        return frame[pd.to_datetime(frame["period_start"]) == pd.Timestamp(self.start)]

    def ensure_points(self) -> None:
        if self.points is None:
            self.lines = scoring.points_lines(self.values)
            self.points = scoring.points_mode(self.values)


_BOARDS: OrderedDict[tuple[Any, ...], Board] = OrderedDict()
_BOARDS_LOCK = threading.Lock()


def board(wh: Warehouse, view: RankView, as_of: dt.date) -> Board:
    """The scored view (memoised per warehouse generation, grain, period and weights)."""
    start, end = scoring.period_of(view.grain, view.period) if view.period else latest_complete(view.grain, as_of)
    weights = view.weight_map()
    key = (wh.generation(), str(wh.path), view.grain, start, as_of, tuple(sorted((weights or {}).items())))
    with _BOARDS_LOCK:
        if key in _BOARDS:
            _BOARDS.move_to_end(key)
            return _BOARDS[key]
    prev_start, _ = scoring.previous_period(view.grain, start)
    values = wh.frame(rq.town_values(view.grain, prev_start, start))
    scored = scoring.score_indicators(values, wh.frame(rq.targets_for(view.grain, prev_start, start)))
    table = scoring.composite(scored, weights)
    result = Board(view.grain, start, end, as_of, weights, values, scored, table)
    with _BOARDS_LOCK:
        _BOARDS[key] = result
        while len(_BOARDS) > 32:
            _BOARDS.popitem(last=False)
    return result


_months_back = calendar.months_back


def city_frames(wh: Warehouse, end: dt.date) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(the district's ranks, every unit's ranks) for the 12 assessment months up to ``end``'s month."""
    month = dt.date(end.year, end.month, 1)
    start = _months_back(month, HISTORY_MONTHS - 1)
    return wh.frame(rq.district_city_ranks(start, end)), wh.frame(rq.city_rank_history(start, end))


# --- the league table --------------------------------------------------------------------------------------------


def enc(text: str) -> str:
    """Free text (an assessment item) as ASCII for a component id: Dash's pattern-matching loses the clicked
    value of ids with non-ASCII text in them."""
    return text.encode("utf-8").hex()


def dec(text: str) -> str:
    return bytes.fromhex(text).decode("utf-8")


def points_subject(item: str) -> str:
    return f"points:{enc(item)}"


def city_subject(item: str, month: dt.date) -> str:
    return f"city|{enc(item)}|{month.isoformat()}"


def _explain_id(town: str, subject: str, src: str = "table") -> dict[str, str]:
    """The id of something that explains ``subject`` of ``town`` when clicked; ``src`` keeps ids unique."""
    return {"type": "rk-explain", "town": town, "subject": subject, "src": src}


def _cell(town: str, subject: str, main: str, sub: str | None, status: object, title: str,
          src: str = "table") -> html.Td:
    return html.Td(
        html.Button(
            [html.Span(main, className="rk-cell-main", style={"fontWeight": 700, "fontSize": "0.98rem",
                                                                "fontVariantNumeric": "tabular-nums"}),
             html.Span(sub, className="rk-cell-sub", style={"fontSize": "0.74rem", "opacity": 0.85}) if sub else None],
            id=_explain_id(town, subject, src),
            n_clicks=0,
            className=f"rk-cell {fr.status_class(status)}",
            title=title,
            style=cell_style(status),
        ),
        className="rk-td",
        style=TD_STYLE,
    )


def _change_td(change: object, prev: object, lang: str) -> html.Td:
    text, tone = fr.rank_change(change, prev, lang)
    tip = t("rankings.prev_rank", lang, n=int(prev)) if not (prev is None or prev is pd.NA) else ""
    return html.Td(html.Span(text, className=f"rk-change rk-change-{tone}", title=tip,
                             style={"color": CHANGE_COLORS[tone], "fontWeight": 600, "fontSize": "0.85rem"}),
                   className="rk-td-change", style={**TD_STYLE, "textAlign": "center", "whiteSpace": "nowrap"})


def _rank_td(rank: object, lang: str) -> html.Td:
    text = "—" if rank is None or rank is pd.NA else str(int(rank))  # type: ignore[call-overload]
    medal = {"1": "#d4a017", "2": "#8f9aa6", "3": "#b0793f"}.get(text, "#e3e8ee")
    badge = {"display": "inline-flex", "alignItems": "center", "justifyContent": "center", "width": "28px",
             "height": "28px", "borderRadius": "50%", "background": medal, "fontWeight": 700,
             "color": "#fff" if text in ("1", "2", "3") else "#33475b"}
    return html.Td(html.Span(text, className="rk-rank", style=badge), className="rk-td-rank",
                   style={**TD_STYLE, "textAlign": "center"})


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
        composite = fr.fmt_score(r.composite)
        if r.provisional and r.status != "grey":
            composite += "*"
        sub = t("rankings.coverage", lang, n=r.n_scored, of=r.n_indicators) if r.provisional else None
        tds = [
            _rank_td(r.rank, lang),
            _change_td(r.rank_change, r.prev_rank, lang),
            html.Td(ctx.town_name(r.town_code), className="rk-td-town", style=TOWN_STYLE),
            _cell(r.town_code, "composite", composite, sub, r.status, t("rankings.click_explain", lang)),
        ]
        for key in INDICATORS:
            meta = scoring.RANKED[key]
            s = scored.loc[(r.town_code, key)]
            value = fr.fmt_value(s["value"], meta.kind, lang, meta.unit_zh)
            target = fr.fmt_value(s["target"], meta.kind, lang, meta.unit_zh)
            status = s["status"]
            word = t(f"common.status.{status}", lang) if isinstance(status, str) else t("common.no_target", lang)
            tip = t("rankings.cell_tip", lang, value=value, target=target, status=word)
            if weights and weights.get(key, 0) == 0:
                tip += " · " + t("rankings.not_weighted", lang)
            tds.append(_cell(r.town_code, key, fr.fmt_score(s["score"]), value, status, tip))
        highlight = " rk-row-hl" if r.town_code in ctx.state.towns else ""
        rows.append(html.Tr(tds, className=f"rk-row{highlight}", id=f"rk-row-{r.town_code}",
                            style=HL_STYLE if highlight else None))
    return html.Table(
        [html.Thead(html.Tr([html.Th(h, style=TH_STYLE) for h in head])), html.Tbody(rows)],
        className="rk-league", id="rk-league", style=TABLE_STYLE,
    )


def league_points(ctx: PageContext, b: Board) -> html.Div:
    lang = ctx.lang
    b.ensure_points()
    assert b.points is not None and b.lines is not None
    tables = []
    for item, pts in b.now(b.points).groupby("item", sort=False):
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
            main = f"{r.points:.2f}" + ("*" if r.provisional else "")
            status = points_status(float(r.deducted), bool(r.provisional))
            tds = [_rank_td(r.rank, lang), _change_td(r.rank_change, r.prev_rank, lang),
                   html.Td(ctx.town_name(r.town_code), className="rk-td-town", style=TOWN_STYLE),
                   _cell(r.town_code, points_subject(str(item)), main, None, status, t("rankings.click_explain", lang))]
            for rule in rules["rule"]:
                amount = float(mine.loc[rule, "amount"]) if rule in mine.index else 0.0
                measured = mine.loc[rule, "measured"] if rule in mine.index else None
                kind = scoring.indicator_meta(str(mine.loc[rule, "indicator"])).kind if rule in mine.index else "rate"
                sub = fr.fmt_value(measured, "count" if str(rule) == "rework" else kind, lang)
                tds.append(_cell(r.town_code, points_subject(str(item)), f"{amount:+.2f}" if amount else "0", sub,
                                 "green" if amount == 0 else "red", t("rankings.click_explain", lang),
                                 src=f"rule-{rule}"))
            highlight = " rk-row-hl" if r.town_code in ctx.state.towns else ""
            rows.append(html.Tr(tds, className=f"rk-row{highlight}", id=f"rk-row-{r.town_code}",
                                style=HL_STYLE if highlight else None))
        tables.append(html.Table([html.Thead(html.Tr([html.Th(h, title=tip or None, style=TH_STYLE)
                                                      for h, tip in zip(head, tips, strict=True)])),
                                  html.Tbody(rows)], className="rk-league", id="rk-league", style=TABLE_STYLE))
    return html.Div(tables or [message(t("rankings.no_points", lang))])


# --- the city assessment panel -------------------------------------------------------------------------------


def city_panel(ctx: PageContext, district: pd.DataFrame, end: dt.date) -> Any:
    lang = ctx.lang
    if district.empty:
        return message(t("rankings.city_none", lang))
    latest = district["period_start"].max()
    now = district[district["period_start"] == latest]
    prev_month = district[district["period_start"] < latest]
    prev = prev_month[prev_month["period_start"] == prev_month["period_start"].max()].set_index("item")
    rows = []
    for r in now.itertuples(index=False):
        ok = bool(r.meets_target)
        badge_cls = "rk-city-badge " + ("rk-st-green" if ok else "rk-st-red")
        bg, edge = TINTS["green" if ok else "red"]
        badge_style = {"border": f"2px solid {edge}", "background": bg, "color": TEXT["green" if ok else "red"],
                       "borderRadius": "16px", "padding": "1px 12px", "fontWeight": 700, "fontSize": "1.05rem",
                       "whiteSpace": "nowrap", "cursor": "pointer"}
        change = None
        if r.item in prev.index:
            change = int(prev.loc[r.item, "rank"]) - int(r.rank)
        text, tone = fr.rank_change(change, 1 if change is not None else None, lang)
        gap_first = t("rankings.gap_first_none", lang) if r.is_first else \
            t("rankings.gap_first", lang, n=f"{r.gap_to_first:.2f}")
        gap_below = t("rankings.gap_below", lang, n=f"{r.gap_to_below:.2f}") if pd.notna(r.gap_to_below) else \
            t("rankings.gap_below_none", lang)
        rows.append(html.Div(
            [
                html.Div(r.item, className="rk-city-item", style={"fontWeight": 600, "flex": "0 0 7.5em"}),
                html.Button(
                    [html.Span(t("rankings.city_rank", lang, n=int(r.rank)), className="rk-city-rank"),
                     html.Span(f"/{int(r.units)}", className="rk-city-units",
                               style={"fontSize": "0.75rem", "fontWeight": 400})],
                    id=_explain_id(_DISTRICT, city_subject(r.item, pd.Timestamp(r.period_start).date()), "city"),
                    n_clicks=0, className=badge_cls, title=t("rankings.click_explain", lang), style=badge_style,
                ),
                html.Span(text, className=f"rk-change rk-change-{tone}",
                          style={"color": CHANGE_COLORS[tone], "fontWeight": 600, "width": "2.6em",
                                 "textAlign": "center", "fontSize": "0.85rem"}),
                html.Div(
                    [html.Span(t("rankings.city_score", lang, n=f"{r.score:.2f}"), className="rk-city-score",
                               style={"fontWeight": 600}),
                     html.Span(gap_first, className="rk-city-gap", style=MUTED),
                     html.Span(gap_below, className="rk-city-gap", style=MUTED)],
                    className="rk-city-nums", style={"display": "flex", "flexDirection": "column", "flex": 1,
                                                     "alignItems": "flex-end", "lineHeight": 1.25},
                ),
            ],
            className="rk-city-row",
            style={"display": "flex", "alignItems": "center", "gap": "0.6rem", "padding": "0.55rem 0.25rem",
                   "borderBottom": "1px dashed #e3e8ee"},
        ))
    month = pd.Timestamp(latest).date()
    target = int(now["target_rank"].max())
    met = int(now["meets_target"].sum())
    sub = t("rankings.city_sub", lang, period=fr.period_text("month", month, lang), met=met, n=len(now),
            target=target)
    note = t("rankings.city_lag", lang, period=fr.period_text("month", month, lang)) \
        if month < dt.date(end.year, end.month, 1) else None
    return html.Div([html.Div(sub, className="rk-city-sub", style={**MUTED, "marginBottom": "0.2rem"}), *rows,
                     html.Div(note, className="rk-note", style={**MUTED, "marginTop": "0.5rem"}) if note else None],
                    id="rk-city")


# --- cards and controls ------------------------------------------------------------------------------------------


def card(key: str, title: str, body: Any, *, subtitle: str | None = None, tools: Any = None) -> dbc.Card:
    header = html.Div([html.H2(title, className="kpi-card-title"),
                       html.Div(subtitle, className="kpi-card-sub") if subtitle else None])
    return dbc.Card(
        [dbc.CardHeader([header, tools], className="kpi-card-header"), dbc.CardBody(body, className="p-2")],
        className="kpi-card h-100", id=f"card-{key}",
    )


def graph(graph_id: str, figure: Any, height: int) -> dcc.Graph:
    """A chart in a card (the card says its title, so the figure does not)."""
    figure.update_layout(title_text=None, margin_t=28)
    return dcc.Graph(id=graph_id, figure=figure, config=GRAPH_CONFIG, style={"height": f"{height}px"},
                     className="kpi-graph")


def controls(ctx: PageContext, view: RankView, b: Board) -> html.Div:
    lang = ctx.lang
    assert ctx.data_end is not None
    weights = view.weights or (1.0,) * len(INDICATORS)
    weight_inputs = [
        html.Div(
            [html.Label(scoring.RANKED[k].label(lang), className="rk-w-label", style=MUTED),
             dbc.Input(id={"type": "rk-w", "ind": k}, type="number", min=0, max=10, step=0.5, value=w,
                       size="sm", className="rk-w-input", style={"width": "5.5em"})],
            className="rk-w", style={"display": "flex", "flexDirection": "column"},
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
                                 options=period_options(view.grain, ctx.data_end, lang), className="rk-period",
                                 style={"minWidth": "260px"}),
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
                style={"display": "flex", "alignItems": "center", "gap": "0.5rem", "flexWrap": "wrap",
                       "marginBottom": "0.75rem"},
            ),
            dbc.Collapse(
                html.Div(
                    [*weight_inputs,
                     dbc.Button(t("rankings.weights_apply", lang), id="rk-w-apply", size="sm", color="primary",
                                n_clicks=0),
                     dbc.Button(t("rankings.weights_equal", lang), id="rk-w-equal", size="sm", color="secondary",
                                outline=True, n_clicks=0)],
                    className="rk-weights",
                    style={"display": "flex", "gap": "0.75rem", "alignItems": "flex-end", "flexWrap": "wrap",
                           "padding": "0.5rem 0.75rem", "background": "#fff", "border": "1px solid #e1e6ec",
                           "borderRadius": "8px", "marginBottom": "0.75rem"},
                ),
                id="rk-w-collapse", is_open=False,
            ),
        ]
    )


def drawer() -> dbc.Offcanvas:
    return dbc.Offcanvas(
        html.Div(id="rk-drawer-body"), id="rk-drawer", is_open=False, placement="end", scrollable=True,
        title="", class_name="rk-drawer", style={"width": "min(820px, 96vw)"},
    )


def _legend(lang: str) -> html.Div:
    swatch = {"display": "inline-block", "width": "12px", "height": "12px", "borderRadius": "3px",
              "marginRight": "4px", "verticalAlign": "-1px"}
    items = [html.Span([html.Span(className=f"rk-swatch {fr.status_class(s)}",
                                  style={**swatch, "background": TINTS[s][1]}), t(f"common.status.{s}", lang)],
                       className="rk-legend-item", style={"marginRight": "0.9rem"})
             for s in ("green", "amber", "red", "grey")]
    return html.Div([*items, html.Span(t("rankings.legend_note", lang), className="rk-legend-note")],
                    className="rk-legend", style={**MUTED, "padding": "0.4rem 0.25rem 0"})


def body(ctx: PageContext, view: RankView) -> list[Any]:
    lang, wh = ctx.lang, ctx.wh
    end = ctx.data_end
    if end is None:
        return [page_header(t("rankings.title", lang)), message(t("rankings.no_data", lang))]
    b = board(wh, view, end)
    period = fr.period_text(b.grain, b.start, lang) + (t("rankings.in_progress", lang) if b.in_progress else "")
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
    target_rank = int(district["target_rank"].iloc[-1]) if not district.empty else rq.DEFAULT_TARGET_RANK
    bump = fr.bump_chart(history, item=items[0] if items else None, lang=lang, target_rank=target_rank)
    fair_values = scoring.per_size(b.now(b.values))
    fair_key = _fair_default(fair_values)
    fair = fr.per_size_bars(fair_values, indicator=fair_key, lang=lang, highlight=ctx.state.towns)
    fair_options = [{"label": t(f"rankings.fair_of_{scoring.RANKED[k].kind}", lang,
                                name=scoring.RANKED[k].label(lang)), "value": k} for k in INDICATORS]
    return [
        page_header(t("rankings.title", lang), sub),
        controls(ctx, view, b),
        dbc.Row(
            [
                dbc.Col(card("rk-league", league_title, [league, _legend(lang)], subtitle=league_sub), xs=12, xxl=9),
                dbc.Col(card("rk-city", t("rankings.city", lang), city_panel(ctx, district, b.end),
                             subtitle=t("rankings.city_goal", lang, n=target_rank)), xs=12, xxl=3),
            ],
            className="g-3 mb-3",
        ),
        dbc.Row(
            [
                dbc.Col(card("rk-bump", t("rankings.bump", lang), graph("rk-bump-graph", bump, 330),
                             tools=dcc.Dropdown(id="rk-bump-item", value=items[0] if items else None,
                                                options=[{"label": i, "value": i} for i in items],
                                                clearable=False, className="rk-tool-select")),
                        xs=12, xl=6),
                dbc.Col(card("rk-fair", t("rankings.fair", lang), graph("rk-fair-graph", fair, 330),
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


def _fair_default(fair: pd.DataFrame) -> str:
    """The first ranked indicator with some volume in the period (cases due, first)."""
    for key in INDICATORS:
        if fair.loc[fair["indicator"] == key, "volume"].fillna(0).sum() > 0:
            return key
    return INDICATORS[0]


def layout(**params: Any) -> Any:
    view = RankView.from_params(params)

    def page(ctx: PageContext) -> list[Any]:
        return body(ctx, view)

    return render_page(page)(**params)


# --- the explain drawer ------------------------------------------------------------------------------------------


def _dl(items: list[tuple[str, Any]]) -> html.Dl:
    return html.Dl([part for label, text in items if text not in (None, "") for part in (html.Dt(label),
                                                                                       html.Dd(text))],
                   className="kpi-explain")


def _num(x: float | None) -> str:
    if x is None:
        return "—"
    return f"{x:,.0f}" if float(x) == round(float(x)) else f"{x:,.4f}".rstrip("0")


def _rows_grid(frame: pd.DataFrame, lang: str, file_name: str) -> list[Any]:
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
                  dbc.Button(t("common.export_csv", lang), id="rk-rows-csv", size="sm", color="link", n_clicks=0)],
                 className="rk-rows-head", style={"display": "flex", "justifyContent": "space-between",
                                                  "alignItems": "center"}),
        dag.AgGrid(
            id="rk-rows-grid", rowData=records(frame), columnDefs=defs,
            defaultColDef={"sortable": True, "filter": True, "resizable": True, "minWidth": 90},
            dashGridOptions=grid_options(lang, 50), csvExportParams={"fileName": file_name},
            style={"height": "360px", "width": "100%"}, className="ag-theme-alpine",
        ),
    ]


def _contrib_table(ex: scoring.Explanation, lang: str, decimals: int, town: str, clickable: bool,
                   score_key: str = "rankings.ex.score") -> html.Table:
    rows = []
    for c in ex.contributions:
        label = c.label_en if lang == "en" else c.label_zh
        name: Any = label
        if clickable and c.key in scoring.RANKED:
            name = html.Button(label, id=_explain_id(town, c.key, "drawer"), n_clicks=0,
                               className="btn btn-link btn-sm p-0", title=t("rankings.click_explain", lang))
        rows.append(html.Tr([
            html.Td(name),
            html.Td("" if c.weight is None else f"{c.weight:g}", className="kpi-num"),
            html.Td("" if c.score is None else fr.fmt_score(c.score, decimals), className="kpi-num"),
            html.Td(f"{c.amount:+}", className="kpi-num rk-contrib-amount"),
        ], className=fr.status_class(c.status) + " rk-contrib-row",
            style={"boxShadow": f"inset 4px 0 0 {TINTS[_tone(c.status)][1]}"}))
    total = ex.total()
    rows.append(html.Tr([html.Td(t("rankings.fig.total", lang)), html.Td(), html.Td(),
                         html.Td(f"{total}", className="kpi-num rk-contrib-total")], className="rk-contrib-sum",
                        style={"fontWeight": 700, "borderTop": "2px solid #33475b"}))
    head = html.Thead(html.Tr([html.Th(t("rankings.ex.part", lang)), html.Th(t("rankings.ex.weight", lang)),
                               html.Th(t(score_key, lang)), html.Th(t("rankings.ex.amount", lang))]))
    return html.Table([head, html.Tbody(rows)], className="rk-contrib table table-sm")


def _forecast_block(b: Board, town: str, indicators: list[str], lang: str) -> Any:
    if not b.in_progress:
        return html.Div(t("rankings.ex.period_over", lang, end=b.end.isoformat()), className="rk-note", style=MUTED)
    fc = scoring.forecast_all(b.now(b.scored), b.as_of)
    fc = fc[(fc["town_code"] == town) & fc["indicator"].isin(indicators)]
    if fc.empty:
        return None
    return html.Ul([html.Li([html.B(scoring.RANKED[r["indicator"]].label(lang) + "："), forecast_sentence(r, lang)])
                    for r in fc.to_dict("records") if r["indicator"] in scoring.RANKED], className="rk-forecast",
                   style={"paddingLeft": "1.1rem", "marginBottom": "0.25rem"})


def _exclusions_text(ex: scoring.Explanation, lang: str) -> str | None:
    if not ex.exclusions:
        return None
    return t("rankings.ex.excl", lang, void=ex.exclusions.get("作废", 0), deferred=ex.exclusions.get("缓办", 0),
             hung=ex.exclusions.get("挂账", 0))


def _head(title: str, value: str, status: object, rank: int | None, of: int | None, lang: str) -> html.Div:
    rank_text = t("rankings.ex.rank", lang, n=rank, of=of) if rank is not None else t("rankings.ex.unranked", lang)
    st = t(f"common.status.{status}", lang) if isinstance(status, str) else ""
    tone = _tone(status)
    return html.Div([
        html.Div(title, className="rk-ex-title", style={**MUTED, "fontSize": "0.9rem"}),
        html.Div([html.Span(value, className=f"rk-ex-value {fr.status_class(status)}", id="rk-ex-value",
                            style={"fontSize": "2rem", "fontWeight": 700, "color": TEXT[tone],
                                   "borderBottom": f"4px solid {TINTS[tone][1]}"}),
                  html.Span(rank_text, className="rk-ex-rank", style={"fontWeight": 600}),
                  html.Span(st, className="rk-ex-status", style={"color": TEXT[tone]})],
                 className="rk-ex-head",
                 style={"display": "flex", "alignItems": "baseline", "gap": "1rem", "marginBottom": "0.75rem"}),
    ])


def explain_town(b: Board, town: str, subject: str, town_name: str, lang: str, wh: Warehouse) -> tuple[str, Any]:
    """(drawer title, drawer body) for a town's composite, one indicator or a points-mode item."""
    decimals = scoring.DEFAULT_PARAMS.decimals
    period = fr.period_text(b.grain, b.start, lang)
    title = f"{town_name} · {period}"
    if subject.startswith("points:"):
        item = dec(subject.split(":", 1)[1])
        b.ensure_points()
        assert b.lines is not None
        rows = wh.frame(rq.indicator_rows("dcm.on_time_due_rate", town, b.grain, b.start))
        ex = scoring.explain_points(town, b.start, b.lines, item, totals=b.points, values=b.values, rows=rows)
        head = _head(t("rankings.ex.points_of", lang, item=item), f"{ex.value}", None, ex.rank, ex.ranked_of, lang)
        facts = _dl([(t("common.formula", lang), formula_text(ex, lang)),
                     (t("common.exclusions", lang), _exclusions_text(ex, lang))])
        wf = fr.waterfall(ex.waterfall(), total=ex.value, lang=lang, decimals=2)
        parts = _contrib_table(ex, lang, 2, town, clickable=False, score_key="rankings.ex.measured")
        forecast = _forecast_block(b, town, ["dcm.on_time_due_rate", "dcm.close_rate", "dcm.rework_rate"], lang)
        grid = _rows_grid(rows, lang, f"{town}-{item}-{b.start}.csv")
    elif subject == "composite":
        mine = b.now(b.scored)
        mine = mine[mine["town_code"] == town]
        ex = scoring.explain(town, b.start, b.scored, b.table, weights=b.weights)
        head = _head(t("rankings.ex.composite", lang), f"{ex.value}", ex.status, ex.rank, ex.ranked_of, lang)
        left = "；".join(f"{scoring.RANKED[k].label(lang) if k in scoring.RANKED else k}"
                        f"（{t('rankings.ex.reason.' + reason.replace(' ', '_'), lang)}）" for k, reason in ex.left_out)
        facts = _dl([
            (t("common.formula", lang), formula_text(ex, lang)),
            (t("common.numerator", lang), t("rankings.ex.comp_num", lang, n=_num(ex.numerator))),
            (t("common.denominator", lang), t("rankings.ex.comp_den", lang, n=_num(ex.denominator))),
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
        grid = _rows_grid(behind, lang, f"{town}-composite-{b.start}.csv")
    else:
        meta = scoring.indicator_meta(subject)
        rows = wh.frame(rq.indicator_rows(subject, town, b.grain, b.start))
        ex = scoring.explain(town, b.start, b.scored, b.table, indicator=subject, rows=rows)
        head = _head(meta.label(lang), f"{ex.value}", ex.status, ex.rank, ex.ranked_of, lang)
        value = fr.fmt_value(None if ex.numerator is None else (
            ex.numerator / ex.denominator if ex.denominator else (None if meta.kind == "rate" else ex.numerator)),
            meta.kind, lang, meta.unit_zh)
        facts = _dl([
            (t("common.formula", lang), formula_text(ex, lang)),
            (t("common.numerator", lang),
             f"{_num(ex.numerator)} · {meta.numerator_en if lang == 'en' else meta.numerator_zh}"),
            (t("common.denominator", lang), None if meta.kind != "rate" else
             f"{_num(ex.denominator)} · {meta.denominator_en if lang == 'en' else meta.denominator_zh}"),
            (t("common.value_now", lang), value),
            (t("rankings.ex.target", lang), None if ex.target is None else
             fr.fmt_value(ex.target, meta.kind, lang, meta.unit_zh)),
            (t("common.exclusions", lang), _exclusions_text(ex, lang)),
        ])
        wf = fr.waterfall(ex.waterfall(), total=ex.value, lang=lang, decimals=decimals)
        parts = _contrib_table(ex, lang, decimals, town, clickable=False)
        forecast = _forecast_block(b, town, [subject], lang)
        grid = _rows_grid(rows, lang, f"{town}-{subject}-{b.start}.csv")
    if ex.total() != ex.value:  # never shown: the engine guarantees it, the page checks it
        raise AssertionError(f"contributions {ex.total()} do not add up to {ex.value}")
    body_ = html.Div([
        head, facts,
        html.H3(t("rankings.ex.parts", lang), className="rk-ex-h", style=H3_STYLE), parts,
        graph("rk-ex-waterfall", wf, 260),
        html.H3(t("rankings.ex.forecast", lang), className="rk-ex-h", style=H3_STYLE), forecast,
        html.H3(t("rankings.ex.rows", lang), className="rk-ex-h", style=H3_STYLE), *grid,
    ], id="rk-ex")
    return title, body_


def explain_city(history: pd.DataFrame, district: pd.DataFrame, item: str, month: dt.date,
                 lang: str) -> tuple[str, Any]:
    """(drawer title, drawer body) for the district's rank in one city assessment item and month."""
    r = district[(district["item"] == item) & (pd.to_datetime(district["period_start"]) == pd.Timestamp(month))]
    units = history[(history["item"] == item) & (pd.to_datetime(history["period_start"]) == pd.Timestamp(month))]
    title = f"{t('rankings.city', lang)} · {item} · {fr.period_text('month', month, lang)}"
    if r.empty:
        return title, message(t("rankings.city_none", lang))
    row = r.iloc[0]
    head = _head(t("rankings.ex.city_rank", lang), t("rankings.city_rank", lang, n=int(row["rank"])),
                 "green" if row["meets_target"] else "red", int(row["rank"]), int(row["units"]), lang)
    facts = _dl([
        (t("common.formula", lang), t("rankings.ex.city_formula", lang) if row["rank_computed"] else
         t("rankings.ex.city_official", lang)),
        (t("rankings.ex.score", lang), f"{row['score']:.2f}"),
        (t("rankings.ex.first", lang), f"{row['first_score']:.2f}" + (
            "" if row["is_first"] else " · " + t("rankings.gap_first", lang, n=f"{row['gap_to_first']:.2f}"))),
        (t("rankings.ex.above", lang), None if pd.isna(row["score_above"]) else
         f"{row['score_above']:.2f} · " + t("rankings.gap_above", lang, n=f"{row['gap_to_above']:.2f}")),
        (t("rankings.ex.below", lang), t("rankings.gap_below_none", lang) if pd.isna(row["score_below"]) else
         f"{row['score_below']:.2f} · " + t("rankings.gap_below", lang, n=f"{row['gap_to_below']:.2f}")),
        (t("rankings.ex.goal", lang), t("rankings.ex.goal_text", lang, n=int(row["target_rank"]),
                                        ok=t("rankings.yes", lang) if row["meets_target"] else t("rankings.no", lang))),
    ])
    frame = units[["rank", "unit_name", "score", "units"]].sort_values("rank")
    return title, html.Div([head, facts, html.H3(t("rankings.ex.rows", lang), className="rk-ex-h", style=H3_STYLE),
                            *_rows_grid(frame, lang, f"city-{item}-{month}.csv")], id="rk-ex")


# --- callbacks ---------------------------------------------------------------------------------------------------


def _lang(search: str | None) -> str:
    return ViewState.from_search(search).lang


@dash.callback(
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
def _controls_to_url(grain: str, period: str, mode: str, _apply: int, _equal: int, weights: list[Any],
                     search: str | None) -> Any:
    """A control moved: write the page's parameters into the URL (the page then re-renders from it)."""
    view = RankView.from_search(search)
    trig = ctx.triggered_id
    if trig == "rk-grain" and grain != view.grain:
        new = replace(view, grain=grain, period=None)
    elif trig == "rk-period" and period:
        day = dt.date.fromisoformat(period)
        new = replace(view, period=day)
        current = scoring.period_of(view.grain, view.period)[0] if view.period else None
        if current == day:
            return no_update
        if view.period is None:  # the default period re-selected: keep the URL short
            try:
                end = data_end(warehouse())
            except DataUnavailable:
                end = None
            if end is not None and latest_complete(view.grain, end)[0] == day:
                return no_update
    elif trig == "rk-mode" and mode != view.mode:
        new = replace(view, mode=mode)
    elif trig == "rk-w-apply" and _apply:
        ws = tuple(float(w) if w not in (None, "") and 0 <= float(w) <= 10 else 1.0 for w in weights)
        new = replace(view, weights=ws if any(ws) else ())
    elif trig == "rk-w-equal" and _equal:
        new = replace(view, weights=())
    else:
        return no_update
    new = RankView.from_search(search_with(search, new))
    if new == view:
        return no_update
    return search_with(search, new)


@dash.callback(
    Output("rk-w-collapse", "is_open"),
    Input("rk-w-toggle", "n_clicks"),
    State("rk-w-collapse", "is_open"),
    prevent_initial_call=True,
)
def _toggle_weights(n: int, is_open: bool) -> bool:
    return (not is_open) if n else is_open


@dash.callback(
    Output("rk-drawer", "is_open"),
    Output("rk-drawer", "title"),
    Output("rk-drawer-body", "children"),
    Input({"type": "rk-explain", "town": ALL, "subject": ALL, "src": ALL}, "n_clicks"),
    State(LOC, "search"),
    prevent_initial_call=True,
)
def _explain(clicks: list[int], search: str | None) -> Any:
    """A score or rank was clicked: explain it in the drawer."""
    trig = ctx.triggered_id
    if not isinstance(trig, dict) or not ctx.triggered or not ctx.triggered[0].get("value"):
        return no_update, no_update, no_update
    lang = _lang(search)
    try:
        wh = warehouse()
        end = data_end(wh)
        if end is None:
            return no_update, no_update, no_update
        view = RankView.from_search(search)
        town, subject = trig["town"], trig["subject"]
        if town == _DISTRICT and subject.startswith("city|"):
            _, code, month = subject.split("|", 2)
            item = dec(code)
            day = dt.date.fromisoformat(month)
            district, history = city_frames(wh, day)
            title, content = explain_city(history, district, item, day, lang)
        else:
            b = board(wh, view, end)
            title, content = explain_town(b, town, subject, town_label(town, town, lang), lang, wh)
    except DataUnavailable as exc:
        return True, t("common.wh_error", lang), message(str(exc), "danger")
    return True, title, content


@dash.callback(
    Output("rk-bump-graph", "figure"),
    Input("rk-bump-item", "value"),
    State("rk-view", "data"),
    State(LOC, "search"),
    prevent_initial_call=True,
)
def _bump_item(item: str | None, view_data: dict[str, str] | None, search: str | None) -> Any:
    if not item or not view_data:
        return no_update
    lang = _lang(search)
    try:
        wh = warehouse()
        start = dt.date.fromisoformat(view_data["start"])
        _, end = scoring.period_of(view_data["grain"], start)
        district, history = city_frames(wh, end)
    except DataUnavailable:
        return no_update
    target = int(district["target_rank"].iloc[-1]) if not district.empty else rq.DEFAULT_TARGET_RANK
    fig = fr.bump_chart(history, item=item, lang=lang, target_rank=target)
    return fig.update_layout(title_text=None, margin_t=28)


@dash.callback(
    Output("rk-fair-graph", "figure"),
    Input("rk-fair-ind", "value"),
    State("rk-view", "data"),
    State(LOC, "search"),
    prevent_initial_call=True,
)
def _fair_indicator(indicator: str | None, view_data: dict[str, str] | None, search: str | None) -> Any:
    if not indicator or not view_data:
        return no_update
    state = ViewState.from_search(search)
    try:
        wh = warehouse()
        start = dt.date.fromisoformat(view_data["start"])
        values = wh.frame(rq.town_values(view_data["grain"], start, start))
    except DataUnavailable:
        return no_update
    meta = scoring.indicator_meta(indicator)
    fig = fr.per_size_bars(scoring.per_size(values), indicator=indicator, lang=state.lang,
                           unit=meta.unit_zh if state.lang == "zh" else "", highlight=state.towns)
    return fig.update_layout(title_text=None, margin_t=28)


dash.clientside_callback(
    "function(n) { return n > 0; }",
    Output("rk-rows-grid", "exportDataAsCsv"),
    Input("rk-rows-csv", "n_clicks"),
    prevent_initial_call=True,
)
