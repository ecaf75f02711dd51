"""Figures of the /violations page, one per query of ``warehouse.queries.violations`` (same names).

Each takes that query's DataFrame and returns a figure; ``customdata[0]`` of every point is the key to
drill into (``fig.layout.meta["drill"]`` says which): period (ISO date of the period's start), category,
channel, stage, town_code or area_key.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard import format as fmt
from dashboard.figures.theme import (
    NEUTRAL,
    STATUS_COLORS,
    TARGET_COLOR,
    common,
    empty_figure,
    hover,
    new_figure,
    series_color,
    status_color,
    town_label,
)
from dashboard.i18n import paren, t, value_color, value_label

_NUM_COUNTS = {"on_time_rate": "on_time", "close_rate": "closed_due", "rework_rate": "reworked"}


def _l(key: str, lang: str) -> str:
    return t(f"fig.vi.{key}", lang)


def _iso(values: pd.Series) -> list[str]:
    return [pd.Timestamp(v).date().isoformat() for v in values]


def volume_trend(df: pd.DataFrame, *, lang: str = "zh", grain: str = "month") -> go.Figure:
    """Reported, filed and closed cases per period (bars for filed, lines for the others)."""
    if df.empty:
        return empty_figure(lang)
    fig = new_figure(drill="period", grain=grain)
    unit = common("cases", lang)
    custom = list(zip(_iso(df["period"]), [fmt.period(grain, p, lang, span=True) for p in df["period"]], strict=True))
    for key, kind in (("filed", "bar"), ("reported", "line"), ("closed", "line"), ("void_count", "line")):
        name, color = _l(key, lang), series_color(key)
        tmpl = hover(["%{customdata[1]}", f"{name}: %{{y:,}} {unit}"])
        if kind == "bar":
            fig.add_bar(x=df["period"], y=df[key], name=name, marker_color=color, customdata=custom,
                        hovertemplate=tmpl)
        else:
            fig.add_scatter(x=df["period"], y=df[key], name=name, mode="lines+markers", line_color=color,
                            customdata=custom, hovertemplate=tmpl,
                            line_dash="dot" if key == "void_count" else "solid")
    fig.update_layout(yaxis_title=unit, hovermode="x unified" if len(df) > 1 else "closest")
    return fig


def category_pareto(df: pd.DataFrame, *, lang: str = "zh") -> go.Figure:
    """Filed cases per minor category, biggest first, with the cumulative share on a second axis."""
    if df.empty:
        return empty_figure(lang)
    fig = new_figure(drill="category")
    unit = common("cases", lang)
    folded = df["minor_category"].isna()
    n_other = df["categories"] if "categories" in df else pd.Series(0, index=df.index)
    labels = [_l("others", lang).format(n=int(n)) if f else value_label("minor_category", m, lang, short=True)
              for m, f, n in zip(df["minor_category"], folded, n_other, strict=True)]
    majors = ["" if f else value_label("major_category", m, lang) for m, f in zip(df["major_category"], folded,
                                                                                   strict=True)]
    custom = list(zip(df["minor_category"].where(~folded, None), majors, (fmt.percent(s) for s in df["share"]),
                      strict=True))
    fig.add_bar(x=labels, y=df["cases"], name=_l("filed", lang), marker_color=series_color("filed"),
                marker_pattern_shape=["x" if f else "" for f in folded], customdata=custom,
                hovertemplate=hover(["%{x}" + paren("%{customdata[1]}", lang),
                                     f"{_l('filed', lang)}: %{{y:,}} {unit}",
                                     f"{_l('share', lang)}: %{{customdata[2]}}"]))
    fig.add_scatter(x=labels, y=df["cum_share"], name=_l("cum_share", lang), yaxis="y2",
                    mode="lines+markers", line_color=series_color("cum_share"), customdata=custom,
                    hovertemplate=hover(["%{x}", f"{_l('cum_share', lang)}: %{{y:.1%}}"]))
    # the one dual axis of the product: the cumulative share of the bars' own cases (docs/CHART_GRAMMAR.md)
    fig.update_layout(yaxis_title=unit, xaxis={"tickangle": -35},
                      yaxis2={"overlaying": "y", "side": "right", "tickformat": ".0%", "showgrid": False,
                              "title": _l("cum_share", lang)})
    return fig


def town_category_heatmap(df: pd.DataFrame, *, lang: str = "zh") -> go.Figure:
    """Filed cases per area (town, or community inside a town) × category."""
    if df.empty:
        return empty_figure(lang)
    areas = df.sort_values(["area_sort", "area_key"]).drop_duplicates("area_key")
    cats = sorted(df["category"].unique())
    z = df.pivot_table(index="area_key", columns="category", values="cases", aggfunc="sum", fill_value=0)
    z = z.reindex(index=list(areas["area_key"]), columns=cats, fill_value=0)
    names = [town_label(k, n, lang) for k, n in zip(areas["area_key"], areas["area_name"], strict=True)]
    cat_names = [value_label("major_category", c, lang) for c in cats]
    custom = [[[k, c] for c in cats] for k in areas["area_key"]]
    fig = new_figure(drill="area_key")
    unit = common("cases", lang)
    fig.add_heatmap(z=z.to_numpy(), x=cat_names, y=names, customdata=custom, colorscale="Blues", name=_l("filed", lang),
                    colorbar={"title": {"text": unit}},
                    hovertemplate=hover(["%{y} · %{x}", f"{_l('filed', lang)}: %{{z:,}} {unit}"]))
    fig.update_layout(yaxis={"autorange": "reversed"}, xaxis_title=_l("category", lang))
    return fig


def channel_mix(df: pd.DataFrame, *, lang: str = "zh") -> go.Figure:
    """Reported cases by source channel (a ring, fixed colour per channel)."""
    if df.empty or df["reported"].sum() == 0:
        return empty_figure(lang)
    fig = new_figure(drill="channel")
    unit = common("cases", lang)
    names = [value_label("channel", c, lang) for c in df["channel"]]
    custom = list(zip(df["channel"], df["filed"], df["void_count"], strict=True))
    fig.add_pie(labels=names, values=df["reported"], hole=0.55, name=_l("reported", lang), sort=False,
                direction="clockwise",
                marker_colors=[value_color("channel", c, STATUS_COLORS["grey"]) for c in df["channel"]],
                customdata=custom,
                textinfo="label+percent",
                hovertemplate=hover(["%{label}",
                                     f"{_l('reported', lang)}: %{{value:,}} {unit}" + paren("%{percent}", lang),
                                     f"{_l('filed', lang)}: %{{customdata[1]:,}} {unit}",
                                     f"{_l('void_count', lang)}: %{{customdata[2]:,}} {unit}"]))
    fig.update_layout(showlegend=False)
    return fig


def lifecycle_funnel(df: pd.DataFrame, *, lang: str = "zh") -> go.Figure:
    """上报→立案→派遣→处置→核查→结案: cases reaching each stage, with median hours from the previous one."""
    if df.empty or df["cases"].fillna(0).sum() == 0:
        return empty_figure(lang)
    fig = new_figure(drill="stage")
    unit, hours = common("cases", lang), common("hours", lang)
    names = [value_label("stage", s, lang) for s in df["stage"]]
    med = [fmt.number(v, hours, 1) for v in df["median_hours"]]
    mean = [fmt.number(v, hours, 1) for v in df["mean_hours"]]
    text = [fmt.number(n, unit) + ("" if fmt.is_missing(m) else f" · {fmt.number(m, hours, 1)}")
            for n, m in zip(df["cases"], df["median_hours"], strict=True)]
    fig.add_funnel(y=names, x=df["cases"], text=text, name=_l("cases_reaching", lang), textinfo="text",
                   customdata=list(zip(df["stage"], med, mean, strict=True)),
                   marker_color=NEUTRAL,
                   hovertemplate=hover(["%{y}", f"%{{x:,}} {unit}",
                                        f"{_l('median_hours', lang)}{_l('from_previous', lang)}: %{{customdata[1]}}",
                                        f"{_l('mean_hours', lang)}: %{{customdata[2]}}"]))
    return fig


def town_performance(df: pd.DataFrame, *, lang: str = "zh", metric: str = "on_time_rate") -> go.Figure:
    """One rate per town (on_time_rate, close_rate or rework_rate), coloured by status, against its target."""
    if metric not in _NUM_COUNTS:
        raise ValueError(f"metric must be one of {tuple(_NUM_COUNTS)}, not {metric!r}")
    if df.empty or df["due"].fillna(0).sum() == 0:
        return empty_figure(lang)
    key = metric.removesuffix("_rate")
    status_col = {"on_time": "on_time_status", "close": "close_status", "rework": "rework_status"}[key]
    target_col = f"target_{metric}"
    names = [town_label(c, n, lang) for c, n in zip(df["town_code"], df["town_name"], strict=True)]
    unit = common("cases", lang)
    custom = [
        [code, fmt.percent(rate), int(num), int(due), fmt.percent(tgt),
         _l("small_sample", lang) if status == "grey" else ""]
        for code, rate, num, due, tgt, status in zip(df["town_code"], df[metric], df[_NUM_COUNTS[metric]], df["due"],
                                                     df[target_col], df[status_col], strict=True)
    ]
    fig = new_figure(drill="town_code")
    fig.add_bar(x=names, y=df[metric], name=_l(metric, lang), customdata=custom, meta="status",
                marker_color=[status_color(s) if isinstance(s, str) else NEUTRAL for s in df[status_col]],
                hovertemplate=hover(["%{x}", f"{_l(metric, lang)}: %{{customdata[1]}}",
                                     f"{_l(_NUM_COUNTS[metric], lang)} %{{customdata[2]:,}} / "
                                     f"{_l('due', lang)} %{{customdata[3]:,}} {unit}",
                                     f"{common('target', lang)}: %{{customdata[4]}}", "%{customdata[5]}"]))
    if df[target_col].notna().any():
        fig.add_scatter(x=names, y=df[target_col], name=common("target", lang), mode="markers",
                        marker={"symbol": "line-ew", "size": 28, "line": {"width": 3, "color": TARGET_COLOR}},
                        customdata=custom, hovertemplate=hover(["%{x}", f"{common('target', lang)}: %{{y:.1%}}"]))
    fig.update_layout(yaxis={"tickformat": ".0%", "rangemode": "tozero", "title": _l(metric, lang)}, showlegend=False)
    return fig


def area_breakdown(df: pd.DataFrame, *, lang: str = "zh", measure: str = "filed") -> go.Figure:
    """One drill level (towns, communities or grids) as bars of ``measure`` (filed, reported, due, open_count)."""
    if df.empty:
        return empty_figure(lang)
    d = df.sort_values(["area_sort", measure], ascending=[True, False]).iloc[::-1]  # the first area on top
    names = [town_label(k, n, lang) if lv == "town" else str(n)
             for k, n, lv in zip(d["area_key"], d["area_name"], d["level"], strict=True)]
    unit = common("cases", lang)
    custom = list(zip(d["area_key"], d["level"], d["on_time_rate"].map(fmt.percent), strict=True))
    fig = new_figure(drill="area_key")
    # horizontal: names and grid codes read as written, as text (never as numbers)
    fig.add_bar(y=names, x=d[measure], orientation="h", customdata=custom, name=_l(measure, lang),
                marker_color=series_color(measure),
                hovertemplate=hover(["%{y}", f"{_l(measure, lang)}: %{{x:,}} {unit}",
                                     f"{_l('on_time_rate', lang)}: %{{customdata[2]}}"]))
    fig.update_layout(xaxis_title=_l(measure, lang) + paren(unit, lang), yaxis={"type": "category"}, showlegend=False)
    return fig
