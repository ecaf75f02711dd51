"""The explorer's chart: a pure figure builder (a frame of labelled groups in, a plotly figure out)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard.figures.theme import SERIES_COLORS, hover, new_figure

MAX_SERIES = 12


def chart(frame: pd.DataFrame, *, value_name: str, is_rate: bool, grain: str | None) -> go.Figure:
    """``frame`` has ``x`` (a period's first day or a group's label), ``series`` (a second grouping's label, or
    '') and ``value``: a line per series over time when the time ``grain`` is given, else bars (grouped by
    series). Only the ``MAX_SERIES`` largest series are drawn. The page applies the chart grammar."""
    timeline = grain is not None
    fig = new_figure(grain=grain)
    totals = frame.groupby("series", sort=False)["value"].sum(min_count=1).sort_values(ascending=False)
    for i, name in enumerate(totals.index[:MAX_SERIES]):
        part = frame[frame["series"] == name]
        color = SERIES_COLORS[i % len(SERIES_COLORS)]
        label = str(name) or value_name
        template = hover(["%{x}", f"{label}: %{{y{':.1%' if is_rate else ':,.4~f'}}}"])
        if timeline:
            fig.add_trace(go.Scatter(x=part["x"], y=part["value"], name=label, mode="lines+markers",
                                     line={"color": color}, hovertemplate=template))
        else:
            fig.add_trace(go.Bar(x=part["x"].astype(str), y=part["value"], name=label, marker_color=color,
                                 hovertemplate=template))
    fig.update_layout(barmode="group", showlegend=bool(len(totals) > 1 or (len(totals) and totals.index[0])),
                      yaxis_title=value_name, margin={"t": 44, "l": 60, "r": 16, "b": 60})
    if is_rate:
        fig.update_yaxes(tickformat=".0%")
    return fig
