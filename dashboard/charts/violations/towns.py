"""On-time closure rate per town against its target."""

from __future__ import annotations

import plotly.graph_objects as go

from dashboard.charts import Chart, rows
from dashboard.figures import violations as fv
from dashboard.pagekit import PageContext
from warehouse.queries import violations as qv


def figure(ctx: PageContext) -> go.Figure:
    return fv.town_performance(ctx.wh.frame(qv.town_performance(ctx.filters)), lang=ctx.lang)


CHART = Chart(key="vi.towns", dim="town", rows=rows.cases_by("town", "deadline"), figure=figure, order=6, width=4)
