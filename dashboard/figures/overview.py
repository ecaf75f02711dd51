"""Figure builders of the overview page (pure: DataFrame in, plotly Figure out).

``sparkline(df, color)`` — df: period, value. A 46-px line with no axes.
``sparkline_svg(df, color)`` — the same line as a tiny SVG document (text), for tiles: no plotly instance.
``town_rate_bars(df, lang, label, unit)`` — df: town_code, town_name, value (0–1), target (may be NaN),
    status (green/amber/red/grey/None), n. Horizontal bars per town coloured by status; customdata[0] is
    the town code (drill "town").
``filed_closed_trend(df, lang, names)`` — df: period, indicator, value; one line per indicator;
    customdata[0] is the period (drill "period").
``assessment_ranks(df, lang)`` — df: period_start, item, rank. Rank lines per item, 1 at the top.
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
    item_color,
    new_figure,
    series_color,
    status_color,
    town_label,
)
from dashboard.i18n import t


def sparkline(df: pd.DataFrame, color: str = NEUTRAL) -> go.Figure:
    """A tiny trend line of ``value`` over ``period`` (static: no axes, no hover)."""
    fig = go.Figure(
        go.Scatter(
            x=df["period"],
            y=df["value"],
            mode="lines",
            line={"color": color, "width": 2},
            fill="tozeroy",
            fillcolor="rgba(76,120,168,0.10)",
            hoverinfo="skip",
        )
    )
    fig.update_layout(
        margin={"l": 0, "r": 0, "t": 2, "b": 2},
        xaxis={"visible": False},
        yaxis={"visible": False, "rangemode": "tozero"},
        showlegend=False,
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
        height=46,
    )
    return fig


def sparkline_svg(df: pd.DataFrame, color: str = NEUTRAL, width: int = 240, height: int = 46) -> str:
    """A trend line of ``value`` over ``period`` as an SVG document (missing values leave a gap)."""
    values = [None if pd.isna(v) else float(v) for v in df["value"]]
    known = [v for v in values if v is not None]
    if len(values) < 2 or not known:
        return ""
    top, bottom = max(known), min(0.0, min(known))
    span = (top - bottom) or 1.0
    step = width / (len(values) - 1)
    points = [
        (i * step, height - 3 - (v - bottom) / span * (height - 6)) for i, v in enumerate(values) if v is not None
    ]
    line = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
    area = f"{points[0][0]:.1f},{height} {line} {points[-1][0]:.1f},{height}"
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" preserveAspectRatio="none">'
        f'<polygon points="{area}" fill="{color}" fill-opacity="0.12"/>'
        f'<polyline points="{line}" fill="none" stroke="{color}" stroke-width="2" '
        f'vector-effect="non-scaling-stroke"/></svg>'
    )


def town_rate_bars(df: pd.DataFrame, lang: str, label: str, unit: str = "%") -> go.Figure:
    """A rate per town against its target, coloured green/amber/red/grey."""
    if df.empty or df["value"].isna().all():
        return empty_figure(lang)
    df = df.iloc[::-1]  # first town on top
    names = [town_label(c, n, lang) for c, n in zip(df["town_code"], df["town_name"], strict=True)]
    colors = [status_color(s) if isinstance(s, str) else NEUTRAL for s in df["status"]]
    targets = [fmt.percent(v) for v in df["target"]]
    fig = new_figure(drill="town")
    fig.add_bar(
        x=df["value"],
        y=names,
        orientation="h",
        name=label,
        meta="status",
        marker_color=colors,
        customdata=list(zip(df["town_code"], df["n"], targets, strict=True)),
        text=[fmt.percent(v) for v in df["value"]],
        textposition="auto",
        hovertemplate=hover(
            [
                "<b>%{y}</b>",
                f"{label}: %{{x:.1%}}",
                f"{common('target', lang)}: %{{customdata[2]}}",
                "n = %{customdata[1]:,}",
            ]
        ),
    )
    target = df["target"].dropna()
    if not target.empty and target.nunique() == 1:
        fig.add_vline(
            x=float(target.iloc[0]),
            line_dash="dash",
            line_color=TARGET_COLOR,
            annotation_text=f"{common('target', lang)} {fmt.percent(target.iloc[0])}",
            annotation_position="top",
        )
    fig.update_layout(
        xaxis={"tickformat": ".0%", "title": label}, showlegend=False, margin={"l": 90, "r": 24, "t": 36, "b": 36}
    )
    return fig


def filed_closed_trend(df: pd.DataFrame, lang: str, names: dict[str, str]) -> go.Figure:
    """Monthly lines, one per indicator (e.g. cases filed and closed)."""
    if df.empty:
        return empty_figure(lang)
    fig = new_figure(drill="period", grain="month")
    for key, name in names.items():
        part = df[df["indicator"] == key]
        if part.empty:
            continue
        fig.add_scatter(
            x=part["period"],
            y=part["value"],
            mode="lines+markers",
            name=name,
            line={"color": series_color(key.removeprefix("dcm.").removesuffix("_all")), "width": 2},
            customdata=[[p.strftime("%Y-%m-%d")] for p in pd.to_datetime(part["period"])],
            hovertemplate=hover([f"<b>{name}</b>", "%{x|%Y-%m}", f"%{{y:,}} {common('cases', lang)}"]),
        )
    fig.update_layout(
        xaxis={"tickformat": "%Y-%m"},
        yaxis={"rangemode": "tozero", "title": common("cases", lang)},
        hovermode="closest",
        margin={"l": 56, "r": 16, "t": 40, "b": 40},
    )
    return fig


def assessment_ranks(df: pd.DataFrame, lang: str, units: int = 8) -> go.Figure:
    """The district's rank per assessment item over time; the 争一保二 band shaded."""
    if df.empty:
        return empty_figure(lang)
    fig = new_figure()
    fig.add_hrect(y0=0.5, y1=2.5, fillcolor=STATUS_COLORS["green"], opacity=0.08, line_width=0)
    for item, part in df.groupby("item", sort=True):
        fig.add_scatter(
            x=part["period_start"],
            y=part["rank"],
            mode="lines+markers",
            name=str(item),
            line={"color": item_color(str(item)), "width": 2},
            hovertemplate=hover([f"<b>{item}</b>", "%{x|%Y-%m}", t("fig.ov.rank_hover", lang)]),
        )
    fig.update_layout(
        yaxis={"autorange": "reversed", "dtick": 1, "range": [units + 0.5, 0.5], "title": common("rank", lang)},
        xaxis={"tickformat": "%Y-%m"},
        margin={"l": 40, "r": 16, "t": 40, "b": 40},
    )
    return fig
