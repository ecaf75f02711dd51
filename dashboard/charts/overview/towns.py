"""On-time closure rate per town against the district's target, coloured by status."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard import kpis
from dashboard.charts import Chart, rows
from dashboard.figures import overview as fig
from dashboard.pagekit import PageContext
from warehouse import indicators
from warehouse.queries import overview as qo
from warehouse.rules.status import status_of

KEY = "dcm.on_time_due_rate"


def figure(ctx: PageContext) -> go.Figure:
    ind = indicators.get(KEY)
    df = ctx.wh.frame(qo.kpi_by_town(ctx.filters, [KEY]))
    goal = kpis.goals(ctx.wh, [KEY], ctx.filters).get(KEY)
    df = df.assign(value=df["num"] / df["den"].where(df["den"] > 0), target=goal, n=df["den"].fillna(0).astype(int))
    df["status"] = [
        status_of(None if pd.isna(v) else v, goal, "higher", n, "rate")
        for v, n in zip(df["value"], df["n"], strict=True)
    ]
    return fig.town_rate_bars(df, ctx.lang, ind.label(ctx.lang))


CHART = Chart(
    key="ov.towns_chart",
    dim="town",
    rows=rows.cases_by("town", "deadline"),
    figure=figure,
    order=1,
    width=3,
    height=560,
)
