"""The wall's panels, each a function of ``WallData`` and the language: the words come from the catalogue
(``wall.*``), the numbers through ``dashboard.format`` and the registry; statuses are class names
(``assets/wall.css``), never coloured text."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pandas as pd
from dash import html

from dashboard import format as fmt
from dashboard import freshness, kpis
from dashboard.figures.theme import town_label
from dashboard.i18n import source_label, t, value_label
from dashboard.kpis import KpiValue
from pages.wall.data import WallData
from warehouse import indicators
from warehouse.rules import alerts as alert_rule
from warehouse.rules import status as status_rule

ARROWS = {"up": "▲", "down": "▼", "flat": "■"}
FRESH_SOURCES = ("dcm_cases", "illegal_construction", "refined_city_issues", "video_ai_events", "city_assessment",
                 "snow_roster")


def _status(status: str | None) -> str:
    return f"wall-st-{status or 'none'}"


def _town(code: str, lang: str) -> str:
    return town_label(code, None, lang)


def _change(kv: KpiValue, lang: str) -> html.Span:
    ind = indicators.get(kv.key)
    text, delta = fmt.change(kv.value, kv.prev, ind.kind)
    tone = kpis.tone(delta, ind.direction)
    arrow = ARROWS["flat"] if delta is None or abs(delta) < 1e-12 else ARROWS["up" if delta > 0 else "down"]
    return html.Span([html.Span(arrow, className="wall-arrow"), f" {t('wall.mom', lang)} {text}"],
                     className=f"wall-change wall-tone-{tone}")


def _figure(kv: KpiValue, label: str, lang: str, key: str) -> html.Div:
    ind = indicators.get(kv.key)
    target = t("wall.target", lang, value=fmt.indicator(ind, kv.target, lang)) if kv.target is not None else \
        t("wall.no_target", lang)
    return html.Div(
        [
            html.Div(label, className="wall-label"),
            html.Div(fmt.indicator(ind, kv.value, lang), className="wall-num", id=f"wall-val-{key.replace('.', '-')}"),
            html.Div([html.Span(status_rule.name(kv.status, lang), className="wall-st-word") if kv.status else None,
                      html.Span(target, className="wall-target")], className="wall-meta"),
            _change(kv, lang),
        ],
        className=f"wall-fig {_status(kv.status)}",
    )


def kpis_panel(d: WallData, lang: str) -> list[Any]:
    figs = [_figure(kv, indicators.get(k).label(lang), lang, k) for k, kv in d.headline.items()]
    sub = t("wall.range", lang, start=d.filters.start, end=d.filters.end)
    return [_head(t("wall.panel.kpis", lang), sub), html.Div(figs, className="wall-grid wall-grid-kpis")]


def week_panel(d: WallData, lang: str) -> list[Any]:
    labels = {"dcm.filed": t("wall.week.filed", lang), "demolition.new_found": t("wall.week.new", lang),
              "demolition.stock_count": t("wall.week.demolished", lang)}
    figs = [_figure(kv, labels[k], lang, f"week-{k}") for k, kv in d.this_week.items()]
    sub = t("wall.range", lang, start=d.week.start, end=d.week.end)
    return [_head(t("wall.panel.week", lang), sub), html.Div(figs, className="wall-grid wall-grid-3")]


def city_panel(d: WallData, lang: str) -> list[Any]:
    if d.city.empty:
        return [_head(t("wall.panel.city", lang), None), html.Div(t("wall.none", lang), className="wall-label")]
    rows = []
    for r in d.city.itertuples(index=False):
        ok = bool(r.meets_target)
        gap_first = t("wall.city.first", lang) if r.is_first else \
            t("wall.city.gap_first", lang, n=fmt.score(r.gap_to_first, 2))
        gap_next = t("wall.city.gap_next", lang, n=fmt.score(r.gap_to_below, 2)) if pd.notna(r.gap_to_below) else \
            t("wall.city.last", lang)
        rows.append(html.Div(
            [html.Div(r.item, className="wall-label wall-city-item"),
             html.Div([fmt.rank(r.rank, lang), html.Span(f"/{int(r.units)}", className="wall-small")],
                      className="wall-num"),
             html.Div([html.Div(gap_first), html.Div(gap_next)], className="wall-label wall-city-gaps")],
            className=f"wall-city-row {_status('green' if ok else 'red')}"))
    month = pd.Timestamp(d.city["period_start"].max()).date()
    sub = t("wall.city.sub", lang, period=fmt.period("month", month, lang), target=int(d.city["target_rank"].max()))
    return [_head(t("wall.panel.city", lang), sub), html.Div(rows, className="wall-city")]


def league_panel(d: WallData, lang: str) -> list[Any]:
    rows = []
    for r in d.league.itertuples(index=False):
        change = None if pd.isna(r.rank_change) else int(r.rank_change)
        arrow = "" if change is None else ARROWS["flat"] if change == 0 else \
            f"{ARROWS['up' if change > 0 else 'down']}{abs(change)}"
        rows.append(html.Div(
            [html.Span("—" if pd.isna(r.rank) else str(int(r.rank)), className="wall-lg-rank"),
             html.Span(_town(str(r.town_code), lang), className="wall-lg-town"),
             html.Span(fmt.score(r.composite), className="wall-lg-score"),
             html.Span(status_rule.name(r.status if isinstance(r.status, str) else "grey", lang),
                       className="wall-st-word"),
             html.Span(arrow, className="wall-lg-change")],
            className=f"wall-lg-row {_status(r.status if isinstance(r.status, str) else 'grey')}"))
    sub = t("wall.league.sub", lang, period=fmt.period("month", d.league_period, lang))
    return [_head(t("wall.panel.league", lang), sub), html.Div(rows, className="wall-league")]


def video_panel(d: WallData, lang: str) -> list[Any]:
    v = d.video
    steps = [("wall.video.found", v["events"]), ("wall.video.on_site", v["on_site"]),
             ("wall.video.handled", v["handled"]), ("wall.video.both", v["both"])]
    figs = [html.Div([html.Div(t(key, lang), className="wall-label"), html.Div(fmt.number(n), className="wall-num")],
                     className="wall-fig wall-st-none") for key, n in steps]
    ind = indicators.get("video_ai.five_minute_rate")
    rate = v["both"] / v["events"] if v["events"] else None
    figs.append(html.Div([html.Div(ind.label(lang), className="wall-label"),
                          html.Div(fmt.indicator(ind, rate, lang), className="wall-num", id="wall-val-video-rate")],
                         className="wall-fig wall-st-none"))
    sub = t("wall.range", lang, start=d.week.start, end=d.week.end)
    return [_head(t("wall.panel.video", lang), sub), html.Div(figs, className="wall-grid wall-grid-kpis")]


def snow_panel(d: WallData, lang: str) -> list[Any]:
    s = d.snow
    people, machines = indicators.get("snow.personnel"), indicators.get("snow.machines")
    state = t("wall.snow.event", lang) if d.snow_event else t("wall.snow.season", lang) if d.snow_season else \
        t("wall.snow.off", lang)
    as_of = "—" if pd.isna(s["as_of"]) else str(s["as_of"])[:10]
    figs = [
        (people.label(lang), fmt.indicator(people, s["personnel"], lang)),
        (machines.label(lang), fmt.indicator(machines, s["machines"], lang)),
        (t("wall.snow.deicer", lang), fmt.number(s["deicer_t"], t("wall.unit.t", lang))),
        (t("wall.snow.per100", lang), fmt.number(s["machines_per_100km"], "", 1)),
    ]
    cells = [html.Div([html.Div(label, className="wall-label"), html.Div(value, className="wall-num")],
                      className="wall-fig wall-st-none") for label, value in figs]
    sub = t("wall.snow.sub", lang, state=state, day=as_of)
    return [_head(t("wall.panel.snow", lang), sub), html.Div(cells, className="wall-grid wall-grid-kpis")]


PANEL_BODIES: dict[str, Callable[[WallData, str], list[Any]]] = {
    "kpis": kpis_panel, "city": city_panel, "league": league_panel, "week": week_panel, "video": video_panel,
    "snow": snow_panel,
}


def _head(title: str, sub: str | None) -> html.Div:
    return html.Div([html.H2(title, className="wall-title"), html.Span(sub or "", className="wall-sub")],
                    className="wall-head")


def ticker(d: WallData, lang: str) -> list[Any]:
    """The overdue cases as one line that scrolls by (town, category, hours overdue)."""
    if d.overdue.empty:
        return [html.Span(t("wall.overdue.none", lang), className="wall-tick-item")]
    items = [html.Span(t("wall.overdue.item", lang, town=town_label(r.town_code, r.town_name, lang) or "—",
                         category=value_label("minor_category", r.minor_category, lang, short=True)
                         if r.minor_category else "—",
                         hours=fmt.number(r.hours_overdue, "", 1)), className="wall-tick-item")
             for r in d.overdue.itertuples(index=False)]
    label = html.Span(t("wall.overdue.title", lang, n=len(items)), className="wall-tick-label")
    return [label, html.Div(html.Div(items + items, className="wall-tick-run"), className="wall-tick-window")]


def fresh(d: WallData, lang: str, now: dt.datetime) -> list[Any]:
    """Data as of, per source, and a stale warning (the rule of ``dashboard.freshness``)."""
    st = freshness.status(d.freshness, now).set_index("source")
    parts, stale = [], []
    for source in FRESH_SOURCES:
        if source not in st.index:
            continue
        r = st.loc[source]
        through = "—" if pd.isna(r["data_through"]) else str(r["data_through"])[:10]
        parts.append(html.Span(f"{source_label(source, lang)} {through}", className=f"wall-src wall-src-{r['status']}"))
        if r["status"] == "stale":
            stale.append(source_label(source, lang))
    warn = html.Span(t("wall.stale", lang, sources=t("common.list_sep", lang).join(stale)),
                     className="wall-stale", id="wall-stale") if stale else None
    return [html.Span(t("wall.as_of", lang), className="wall-src-label"), *parts, warn]


def alert_items(found: list[alert_rule.Alert], d: WallData, lang: str) -> list[Any]:
    """The banner's sentences (an empty list hides it)."""
    out = []
    for a in found:
        if a.kind == "kpi_red":
            text = t("wall.alert.kpi_red", lang, name=indicators.get(a.subject).label(lang))
        elif a.kind == "town_red":
            text = t("wall.alert.town_red", lang, town=_town(a.subject, lang))
        elif a.kind == "town_bottom":
            text = t("wall.alert.town_bottom", lang, town=_town(a.subject, lang), rank=a.rank, of=a.of)
        else:
            text = t("wall.alert.city_rank", lang, item=a.subject, rank=fmt.rank(a.rank, lang))
        out.append(html.Span(text, className=f"wall-alert-item wall-alert-{a.kind}"))
    return out
