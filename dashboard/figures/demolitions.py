"""Figures of the /demolitions page, one per query of ``warehouse.queries.demolitions`` (same names).

``measure`` is "count" (处) or "area" (㎡). ``customdata[0]`` is the drill key: month (ISO date),
area_key / town_code, campaign; ``customdata[1]`` is the kind (存量/新增) where a figure splits by it.
"""

from __future__ import annotations

from typing import Literal

import pandas as pd
import plotly.graph_objects as go

from dashboard import format as fmt
from dashboard.figures.theme import (
    NEUTRAL,
    TARGET_COLOR,
    common,
    empty_figure,
    hover,
    new_figure,
    new_subplots,
    status_color,
    tint,
    town_label,
)
from dashboard.i18n import paren, t, value_color

Measure = Literal["count", "area"]


def _l(key: str, lang: str) -> str:
    return t(f"fig.de.{key}", lang)


def _unit(measure: Measure, lang: str) -> str:
    if measure not in ("count", "area"):
        raise ValueError(f"measure must be count or area, not {measure!r}")
    return common("sites" if measure == "count" else "m2", lang)


def _fmt(measure: Measure) -> str:
    return ":,.0f" if measure == "area" else ":,"


def monthly(df: pd.DataFrame, *, lang: str = "zh", measure: Measure = "count") -> go.Figure:
    """Demolitions per month, stacked by kind (存量/新增)."""
    unit = _unit(measure, lang)
    col = "demolished" if measure == "count" else "demolished_m2"
    if df.empty or df[col].sum() == 0:
        return empty_figure(lang)
    fig = new_figure(drill="month", grain="month")
    for kind, part in df.groupby("kind", sort=True):
        custom = [[pd.Timestamp(m).date().isoformat(), kind, fmt.period("month", m, lang)] for m in part["month"]]
        fig.add_bar(x=part["month"], y=part[col], name=_l(str(kind), lang),
                    marker_color=value_color("construction_kind", kind, NEUTRAL),
                    customdata=custom,
                    hovertemplate=hover(["%{customdata[2]} · " + _l(str(kind), lang),
                                         f"{_l('demolished', lang)}: %{{y{_fmt(measure)}}} {unit}"]))
    fig.update_layout(barmode="stack", yaxis_title=unit, xaxis={"dtick": "M1", "tickformat": "%Y-%m"})
    return fig


def by_area(df: pd.DataFrame, *, lang: str = "zh", measure: Measure = "count") -> go.Figure:
    """Demolished in the range and still open at its end, per area and kind."""
    unit = _unit(measure, lang)
    if df.empty:
        return empty_figure(lang)
    order = df.sort_values(["area_sort", "area_key"]).drop_duplicates("area_key")
    names = {k: (town_label(k, n, lang) if lv == "town" else n)
             for k, n, lv in zip(order["area_key"], order["area_name"], order["level"], strict=True)}
    fig = new_figure(drill="area_key")
    for kind, part in df.groupby("kind", sort=True):
        part = part.set_index("area_key").reindex(list(names)).reset_index()
        x = [names[k] for k in part["area_key"]]
        color = value_color("construction_kind", kind, NEUTRAL)
        for what, fill in (("demolished", color), ("open", tint(color, 0.25))):  # open: pale fill, solid outline
            col = {("count", "demolished"): "demolished", ("count", "open"): "open_count",
                   ("area", "demolished"): "demolished_m2", ("area", "open"): "open_m2"}[(measure, what)]
            custom = [[k, kind, what] for k in part["area_key"]]
            fig.add_bar(x=x, y=part[col].fillna(0), name=f"{_l(str(kind), lang)} · {_l(what, lang)}",
                        marker={"color": fill, "line": {"color": color, "width": 1.5}},
                        offsetgroup=str(kind), customdata=custom,
                        hovertemplate=hover([f"%{{x}} · {_l(str(kind), lang)}",
                                             f"{_l(what, lang)}: %{{y{_fmt(measure)}}} {unit}"]))
    fig.update_layout(barmode="relative", yaxis_title=unit)
    return fig


def cumulative_vs_plan(df: pd.DataFrame, *, lang: str = "zh", measure: Measure = "count", kind: str = "存量"
                       ) -> go.Figure:
    """Cumulative demolitions per month against the annual plan (no plan line without a target)."""
    unit = _unit(measure, lang)
    cum, plan, to_date, per_month = (("cum_count", "plan_count", "plan_to_date_count", "demolished")
                                     if measure == "count" else
                                     ("cum_m2", "plan_m2", "plan_to_date_m2", "demolished_m2"))
    if df.empty or df[cum].dropna().empty:
        return empty_figure(lang)
    fig = new_figure(drill="month", grain="month")
    custom = [[pd.Timestamp(m).date().isoformat(), fmt.period("month", m, lang), fmt.number(v, unit)]
              for m, v in zip(df["month"], df[per_month], strict=True)]
    fig.add_scatter(x=df["month"], y=df[cum], name=_l("cumulative", lang), mode="lines+markers",
                    line={"color": value_color("construction_kind", kind, NEUTRAL), "width": 3}, customdata=custom,
                    hovertemplate=hover(["%{customdata[1]}", f"{_l('cumulative', lang)}: %{{y{_fmt(measure)}}} {unit}",
                                         f"{_l('demolished', lang)}: %{{customdata[2]}}"]))
    if df[plan].notna().any():
        fig.add_scatter(x=df["month"], y=df[plan], name=_l("plan", lang), mode="lines",
                        line={"color": TARGET_COLOR, "dash": "dash"}, customdata=custom,
                        hovertemplate=hover([f"{_l('plan', lang)}: %{{y{_fmt(measure)}}} {unit}"]))
        fig.add_scatter(x=df["month"], y=df[to_date], name=_l("plan_to_date", lang), mode="lines",
                        line={"color": TARGET_COLOR, "dash": "dot", "width": 1.5}, customdata=custom,
                        hovertemplate=hover(["%{customdata[1]}",
                                             f"{_l('plan_to_date', lang)}: %{{y{_fmt(measure)}}} {unit}"]))
    fig.update_layout(yaxis={"title": unit, "rangemode": "tozero"}, xaxis={"dtick": "M1", "tickformat": "%m"})
    return fig


def new_vs_zero(df: pd.DataFrame, *, lang: str = "zh") -> go.Figure:
    """New violations still open per town (red above zero, green at zero) against the 动态清零 goal; with none
    open, a sentence instead of an empty axis: none found in the range, or all that were found cleared."""
    unit = common("sites", lang)
    if df.empty:
        return empty_figure(lang)
    if df["new_open"].fillna(0).sum() == 0:
        found = int(df["new_found"].fillna(0).sum())
        return empty_figure(lang, _l("none_new", lang) if found == 0 else _l("all_cleared", lang).format(n=found))
    names = [town_label(c, n, lang) for c, n in zip(df["town_code"], df["town_name"], strict=True)]
    custom = list(zip(df["town_code"], df["new_found"], df["new_resolved"],
                      [fmt.number(v, common("m2", lang)) for v in df["new_open_m2"]], strict=True))
    fig = new_figure(drill="town_code")
    fig.add_bar(x=names, y=df["new_open"], name=_l("new_open", lang), customdata=custom, meta="status",
                marker_color=[status_color(s) for s in df["status"]],
                hovertemplate=hover(["%{x}",
                                     f"{_l('new_open', lang)}: %{{y:,}} {unit}" + paren("%{customdata[3]}", lang),
                                     f"{_l('new_found', lang)}: %{{customdata[1]:,}} {unit}",
                                     f"{_l('new_resolved', lang)}: %{{customdata[2]:,}} {unit}"]))
    fig.add_hline(y=0, line={"color": TARGET_COLOR, "width": 2},
                  annotation_text=_l("zero_goal", lang), annotation_position="top left")
    fig.update_layout(yaxis={"title": unit, "rangemode": "tozero", "dtick": 1 if df["new_open"].max() < 8 else None},
                      showlegend=False)
    return fig


def time_to_demolish(df: pd.DataFrame, *, lang: str = "zh") -> go.Figure:
    """Median days from discovery to demolition per town, one panel per kind: stock cases were found in past
    years' surveys, so their days are years, and the panel says so; new cases count days. The 90th percentile
    is in the hover."""
    days = common("days", lang)
    if df.empty:
        return empty_figure(lang)
    kinds = sorted(df["kind"].unique())
    fig = new_subplots(1, len(kinds), drill="town_code", shared_yaxes=True, horizontal_spacing=0.06)
    sites = common("sites", lang)
    order = df.sort_values(["town_sort", "town_code"]).drop_duplicates("town_code").iloc[::-1]
    towns = [town_label(c, n, lang) for c, n in zip(order["town_code"], order["town_name"], strict=True)]
    for col, kind in enumerate(kinds, start=1):
        part = df[df["kind"] == kind].set_index("town_code").reindex(list(order["town_code"])).reset_index()
        custom = [[c, kind, 0 if pd.isna(n) else int(n), fmt.number(p, days, 0)]
                  for c, n, p in zip(part["town_code"], part["n"], part["p90_days"], strict=True)]
        fig.add_bar(y=towns, x=part["median_days"], orientation="h", name=_l(str(kind), lang),
                    marker_color=value_color("construction_kind", kind, NEUTRAL), customdata=custom,
                    hovertemplate=hover([f"%{{y}} · {_l(str(kind), lang)}",
                                         f"{_l('median_days', lang)}: %{{x:,.0f}} {days}",
                                         f"{_l('p90_days', lang)}: %{{customdata[3]}}",
                                         f"{_l('n', lang)}: %{{customdata[2]:,}} {sites}"]), row=1, col=col)
        note = _l("since_survey", lang) if kind == "存量" else ""
        fig.update_xaxes(title_text=f"{_l(str(kind), lang)}{paren(days, lang)}{note}", row=1, col=col)
    fig.update_yaxes(type="category")
    fig.update_layout(showlegend=False, margin={"l": 80, "r": 16, "t": 16, "b": 56})
    return fig


def campaigns(df: pd.DataFrame, *, lang: str = "zh") -> go.Figure:
    """Progress of each campaign (专项行动): resolved share of its entries, as horizontal bars."""
    if df.empty:
        return empty_figure(lang)
    m2 = common("m2", lang)
    sites = common("sites", lang)
    in_range = df["demolished_in_range"] if "demolished_in_range" in df else pd.Series(0, index=df.index)
    custom = [[c, _l("resolved_of_total", lang).format(r=int(r), t=int(t)), fmt.number(a, m2), fmt.percent(p),
               _l("in_range", lang).format(n=fmt.number(n, sites))]
              for c, r, t, a, p, n in zip(df["campaign"], df["resolved"], df["total"], df["demolished_m2"],
                                          df["progress"], in_range, strict=True)]
    fig = new_figure(drill="campaign")
    # the cumulative progress beside what this range demolished, so the tile (this range) and the bar agree
    fig.add_bar(y=[str(c) for c in df["campaign"]], x=df["progress"], orientation="h", name=_l("progress", lang),
                marker_color=NEUTRAL, customdata=custom, text=[f"{c[3]} · {c[4]}" for c in custom],
                textposition="auto",
                hovertemplate=hover(["%{y}", f"{_l('progress', lang)}: %{{customdata[3]}}", "%{customdata[1]}",
                                     "%{customdata[4]}", f"{_l('demolished', lang)}: %{{customdata[2]}}"]))
    fig.update_layout(xaxis={"tickformat": ".0%", "title": _l("progress", lang)},
                      yaxis={"autorange": "reversed", "type": "category"}, showlegend=False)
    return fig
