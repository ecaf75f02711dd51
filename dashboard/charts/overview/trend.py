"""Cases filed and closed per month."""

from __future__ import annotations

import plotly.graph_objects as go

from dashboard.charts import Chart, rows
from dashboard.figures import overview as fig
from dashboard.pagekit import PageContext
from warehouse import indicators
from warehouse.queries import overview as qo

KEYS = ["dcm.filed", "dcm.closed_all"]


def figure(ctx: PageContext) -> go.Figure:
    df = ctx.wh.frame(qo.kpi_series(ctx.filters, KEYS, "month")).assign(value=lambda d: d["num"])
    names = {k: indicators.get(k).label(ctx.lang) for k in KEYS}
    return fig.filed_closed_trend(df, ctx.lang, names)


CHART = Chart(
    key="ov.trend_chart", dim="period", rows=rows.cases_month("filed"), figure=figure, order=2, width=3, height=560
)
