"""Figures of the /snow page, one per query of ``warehouse.queries.snow`` (and two views of
``roster_by_unit``: readiness per road-km and reserves). ``customdata[0]`` is the drill key: unit_key
(a town code, or a district body's name), town_code, or period (ISO date).
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard import format as fmt
from dashboard.figures.theme import (
    SERIES_COLORS,
    TARGET_COLOR,
    common,
    empty_figure,
    hover,
    new_figure,
    new_subplots,
    series_color,
    town_label,
)
from dashboard.i18n import paren, t, value_label


def _l(key: str, lang: str) -> str:
    return t(f"fig.sn.{key}", lang)


def _as_of(df: pd.DataFrame) -> str:
    value = df["as_of"].dropna()
    return pd.Timestamp(value.iloc[0]).date().isoformat() if len(value) else "—"


def _names(df: pd.DataFrame, lang: str) -> list[str]:
    return [town_label(k, n, lang) for k, n in zip(df["unit_key"], df["unit_name"], strict=True)]


def roster_by_unit(df: pd.DataFrame, *, lang: str = "zh") -> go.Figure:
    """Personnel (人) and machines (台) per town or unit, from the roster in force: two panels side by side
    on the same units (two units, so never two axes of one panel)."""
    if df.empty:
        return empty_figure(lang, _l("no_roster", lang))
    people, machines = common("people", lang), common("machines", lang)
    d = df.iloc[::-1]  # the first unit on top
    y = _names(d, lang)
    custom = list(zip(d["unit_key"], d["personnel"], d["machines"], strict=True))
    tmpl = hover(["%{y}", f"{_l('personnel', lang)}: %{{customdata[1]:,}} {people}",
                  f"{_l('machines', lang)}: %{{customdata[2]:,}} {machines}"])
    fig = new_subplots(1, 2, drill="unit_key", shared_yaxes=True, horizontal_spacing=0.04)
    for col, key, unit in ((1, "personnel", people), (2, "machines", machines)):
        fig.add_bar(y=y, x=d[key], orientation="h", name=_l(key, lang), marker_color=series_color(key),
                    customdata=custom, hovertemplate=tmpl, row=1, col=col)
        fig.update_xaxes(title_text=_l(key, lang) + paren(unit, lang), row=1, col=col)
    fig.update_yaxes(type="category")
    fig.update_layout(showlegend=False, margin={"l": 90, "r": 16, "t": 16, "b": 44})
    return fig


def machines_by_type(df: pd.DataFrame, *, lang: str = "zh") -> go.Figure:
    """Machines per town or unit, stacked by machine type."""
    if df.empty:
        return empty_figure(lang, _l("no_roster", lang))
    machines = common("machines", lang)
    fig = new_figure(drill="unit_key")
    units = df.sort_values(["unit_sort", "unit_key"]).drop_duplicates("unit_key")
    names = dict(zip(units["unit_key"], _names(units, lang), strict=True))
    for i, (mtype, part) in enumerate(df.groupby("machine_type", sort=True)):
        name = value_label("machine_type", mtype, lang)
        fig.add_bar(x=[names[k] for k in part["unit_key"]], y=part["machines"], name=name,
                    marker_color=SERIES_COLORS[i % len(SERIES_COLORS)],
                    customdata=[[k, mtype] for k in part["unit_key"]],
                    hovertemplate=hover([f"%{{x}} · {name}", f"%{{y:,}} {machines}"]))
    fig.update_layout(barmode="stack", yaxis_title=machines, legend={"orientation": "v", "x": 1.01, "xanchor": "left",
                                                                     "y": 1, "yanchor": "top"},
                      xaxis={"categoryorder": "array", "categoryarray": list(names.values())})
    return fig


def readiness(df: pd.DataFrame, *, lang: str = "zh") -> go.Figure:
    """Machines per 100 km of roads per town or unit (``roster_by_unit``), the district average as a line."""
    d = df.dropna(subset=["machines_per_100km"]) if not df.empty else df
    if d.empty:
        return empty_figure(lang, _l("no_roster", lang))
    km, machines, people = common("km", lang), common("machines", lang), common("people", lang)
    fig = new_figure(drill="unit_key")
    custom = [[k, int(m), fmt.number(r, km, 1), fmt.number(p, f"{people}/100 {km}", 1)]
              for k, m, r, p in zip(d["unit_key"], d["machines"], d["road_km_ref"], d["personnel_per_100km"],
                                    strict=True)]
    fig.add_bar(x=_names(d, lang), y=d["machines_per_100km"], customdata=custom, name=_l("per_100km", lang),
                marker_color=series_color("machines"),
                hovertemplate=hover(["%{x}", f"%{{y:,.1f}} {_l('per_100km', lang)}",
                                     f"{_l('machines', lang)}: %{{customdata[1]:,}} {machines}",
                                     f"{_l('road_km', lang)}: %{{customdata[2]}}", "%{customdata[3]}"]))
    average = d["machines"].sum() * 100 / d["road_km_ref"].sum()
    fig.add_hline(y=average, line={"color": TARGET_COLOR, "dash": "dash"},
                  annotation_text=f"{common('district', lang)} {fmt.number(average, digits=1)}",
                  annotation_position="top right")
    fig.update_layout(yaxis_title=_l("per_100km", lang), showlegend=False)
    return fig


def reserves(df: pd.DataFrame, *, lang: str = "zh") -> go.Figure:
    """De-icer reserves (吨) per town or unit (``roster_by_unit``)."""
    d = df.dropna(subset=["deicer_t"]) if not df.empty else df
    if d.empty:
        return empty_figure(lang, _l("no_roster", lang))
    tons = common("tons", lang)
    fig = new_figure(drill="unit_key")
    fig.add_bar(x=_names(d, lang), y=d["deicer_t"], customdata=[[k] for k in d["unit_key"]],
                name=_l("deicer", lang), marker_color=series_color("deicer"),
                hovertemplate=hover(["%{x}", f"{_l('deicer', lang)}: %{{y:,.1f}} {tons}"]))
    fig.update_layout(yaxis_title=tons, showlegend=False)
    return fig


def event_trend(df: pd.DataFrame, *, lang: str = "zh") -> go.Figure:
    """Person-times and machine-times per period (bars, one axis of deployments); the time to reopen main roads
    is in the hover (and per town in ``events_by_town``), never on a second axis."""
    if df.empty:
        return empty_figure(lang)
    hours, tons = common("hours", lang), common("tons", lang)
    fig = new_figure(drill="period")
    custom = [[pd.Timestamp(p).date().isoformat(), int(e), int(t), fmt.number(dc, tons, 1),
               fmt.number(None if pd.isna(s) else s / 10000, _l("unit_m2_10k", lang), 1),
               fmt.number(mx, hours, 1)]
              for p, e, t, dc, s, mx in zip(df["period"], df["events"], df["towns"], df["deicer_t"],
                                            df["swept_area_m2"], df["max_reopen_hours"], strict=True)]
    detail = [f"{_l('events', lang)}: %{{customdata[1]:,}} · {_l('towns', lang)}: %{{customdata[2]:,}}",
              f"{_l('deicer_used', lang)}: %{{customdata[3]}} · {_l('swept', lang)}: %{{customdata[4]}}"]
    reopen = [f"{_l('median_reopen', lang)}: {fmt.number(m, hours, 1)} · {_l('max_reopen', lang)}: "
              f"{fmt.number(mx, hours, 1)}" for m, mx in zip(df["median_reopen_hours"], df["max_reopen_hours"],
                                                           strict=True)]
    # snow days are few and far apart: one evenly spaced bar group per day, its date as text
    days = [fmt.period("day", p, lang) for p in df["period"]]
    for key in ("person_times", "machine_times"):
        fig.add_bar(x=days, y=df[key], name=_l(key, lang), marker_color=series_color(key), customdata=custom,
                    text=reopen, textposition="none",
                    hovertemplate=hover(["%{x}", f"{_l(key, lang)}: %{{y:,}} {common(key, lang)}", *detail,
                                         "%{text}"]))
    fig.update_layout(barmode="group", yaxis_title=f"{common('person_times', lang)} / {common('machine_times', lang)}",
                      xaxis={"type": "category"})
    return fig


def events_by_town(df: pd.DataFrame, *, lang: str = "zh") -> go.Figure:
    """Mean and longest time to reopen main roads per town, with the deployment in the hover."""
    d = df.dropna(subset=["mean_reopen_hours"]) if not df.empty else df
    if d.empty:
        return empty_figure(lang)
    hours = common("hours", lang)
    names = [town_label(c, n, lang) for c, n in zip(d["town_code"], d["town_name"], strict=True)]
    custom = list(zip(d["town_code"], d["events"], d["person_times"], d["machine_times"], strict=True))
    fig = new_figure(drill="town_code")
    fig.add_bar(x=names, y=d["mean_reopen_hours"], name=_l("mean_reopen", lang), customdata=custom,
                marker_color=series_color("reopen"),
                hovertemplate=hover(["%{x}", f"{_l('mean_reopen', lang)}: %{{y:,.1f}} {hours}",
                                     f"{_l('events', lang)}: %{{customdata[1]:,}}",
                                     f"{_l('person_times', lang)}: %{{customdata[2]:,}} {common('person_times', lang)}",
                                     f"{_l('machine_times', lang)}: %{{customdata[3]:,}} "
                                     f"{common('machine_times', lang)}"]))
    fig.add_scatter(x=names, y=d["max_reopen_hours"], name=_l("max_reopen", lang), mode="markers",
                    marker={"symbol": "line-ew", "size": 24, "line": {"width": 3, "color": series_color("reopen_max")}},
                    customdata=custom, hovertemplate=hover(["%{x}", f"{_l('max_reopen', lang)}: %{{y:,.1f}} {hours}"]))
    fig.update_layout(yaxis_title=hours)
    return fig
