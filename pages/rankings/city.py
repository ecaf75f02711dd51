"""The district in the city's assessments: its latest rank per item against 争一保二 (gaps to first place
and to the unit below), and the explanation of one rank."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from dash import html

from dashboard import format as fmt
from dashboard.components import message
from dashboard.figures import rankings as fr
from dashboard.i18n import t, value_label
from pages.rankings.drawer import definition_list, head, rows_grid
from pages.rankings.league import DISTRICT, city_subject, explain_id
from warehouse.rules import calendar


def city_panel(lang: str, district: pd.DataFrame, end: dt.date) -> Any:
    if district.empty:
        return message(t("rankings.city_none", lang))
    latest = district["period_start"].max()
    now = district[district["period_start"] == latest]
    prev_month = district[district["period_start"] < latest]
    prev = prev_month[prev_month["period_start"] == prev_month["period_start"].max()].set_index("item")
    rows = []
    for r in now.itertuples(index=False):
        status = "green" if r.meets_target else "red"
        change = None
        if r.item in prev.index:
            change = int(prev.loc[r.item, "rank"]) - int(r.rank)
        text, tone = fr.rank_change(change, 1 if change is not None else None, lang)
        gap_first = t("rankings.gap_first_none", lang) if r.is_first else \
            t("rankings.gap_first", lang, n=fmt.score(r.gap_to_first, 2))
        gap_below = t("rankings.gap_below", lang, n=fmt.score(r.gap_to_below, 2)) if pd.notna(r.gap_to_below) else \
            t("rankings.gap_below_none", lang)
        rows.append(html.Div(
            [
                html.Div(value_label("assessment_item", r.item, lang), className="rk-city-item"),
                html.Button(
                    [html.Span(fmt.rank(r.rank, lang), className="rk-city-rank"),
                     html.Span(f"/{int(r.units)}", className="rk-city-units")],
                    id=explain_id(DISTRICT, city_subject(r.item, pd.Timestamp(r.period_start).date()), "city"),
                    n_clicks=0, className=f"rk-city-badge {fr.status_class(status)}",
                    title=t("rankings.click_explain", lang),
                ),
                html.Span(text, className=f"rk-change rk-change-{tone}"),
                html.Div(
                    [html.Span(t("rankings.city_score", lang, n=fmt.score(r.score, 2)), className="rk-city-score"),
                     html.Span(gap_first, className="rk-city-gap"),
                     html.Span(gap_below, className="rk-city-gap")],
                    className="rk-city-nums",
                ),
            ],
            className="rk-city-row",
        ))
    month = pd.Timestamp(latest).date()
    target = int(now["target_rank"].max())
    met = int(now["meets_target"].sum())
    sub = t("rankings.city_sub", lang, period=fmt.period("month", month, lang), met=met, n=len(now),
            target=target)
    note = t("rankings.city_lag", lang, period=fmt.period("month", month, lang)) \
        if month < calendar.period_of("month", end)[0] else None
    return html.Div([html.Div(sub, className="rk-city-sub"), *rows,
                     html.Div(note, className="rk-note") if note else None], id="rk-city")


def explain_city(history: pd.DataFrame, district: pd.DataFrame, item: str, month: dt.date,
                 lang: str) -> tuple[str, Any]:
    """(drawer title, drawer body) for the district's rank in one city assessment item and month."""
    r = district[(district["item"] == item) & (pd.to_datetime(district["period_start"]) == pd.Timestamp(month))]
    units = history[(history["item"] == item) & (pd.to_datetime(history["period_start"]) == pd.Timestamp(month))]
    name = value_label("assessment_item", item, lang)
    title = f"{t('rankings.city', lang)} · {name} · {fmt.period('month', month, lang)}"
    if r.empty:
        return title, message(t("rankings.city_none", lang))
    row = r.iloc[0]
    top = head(t("rankings.ex.city_rank", lang), fmt.rank(row["rank"], lang),
               "green" if row["meets_target"] else "red", int(row["rank"]), int(row["units"]), lang)
    facts = definition_list([
        (t("common.formula", lang), t("rankings.ex.city_formula", lang) if row["rank_computed"] else
         t("rankings.ex.city_official", lang)),
        (t("rankings.ex.score", lang), fmt.score(row['score'], 2)),
        (t("rankings.ex.first", lang), fmt.score(row['first_score'], 2) + (
            "" if row["is_first"] else " · " + t("rankings.gap_first", lang, n=fmt.score(row['gap_to_first'], 2)))),
        (t("rankings.ex.above", lang), None if pd.isna(row["score_above"]) else
         fmt.score(row['score_above'], 2) + " · " + t("rankings.gap_above", lang, n=fmt.score(row['gap_to_above'], 2))),
        (t("rankings.ex.below", lang), t("rankings.gap_below_none", lang) if pd.isna(row["score_below"]) else
         fmt.score(row['score_below'], 2) + " · " + t("rankings.gap_below", lang, n=fmt.score(row['gap_to_below'], 2))),
        (t("rankings.ex.goal", lang), t("rankings.ex.goal_text", lang, n=int(row["target_rank"]),
                                        ok=t("rankings.yes", lang) if row["meets_target"] else t("rankings.no", lang))),
    ])
    frame = units[["rank", "unit_name", "score", "units"]].sort_values("rank")
    return title, html.Div([top, facts, html.H3(t("rankings.ex.rows", lang), className="rk-ex-h"),
                            *rows_grid(frame, lang, f"city-{item}-{month}.csv")], id="rk-ex")
