"""The case lifecycle funnel (reported → closed) with the median hours between stages."""

from __future__ import annotations

import plotly.graph_objects as go

from dashboard.charts import Chart, rows
from dashboard.figures import violations as fv
from dashboard.pagekit import PageContext
from warehouse.queries import violations as qv


def figure(ctx: PageContext) -> go.Figure:
    return fv.lifecycle_funnel(ctx.wh.frame(qv.lifecycle_funnel(ctx.filters)), lang=ctx.lang)


CHART = Chart(key="vi.funnel", dim="stage", rows=rows.cases(date_basis="reported"), figure=figure, order=5, width=3)
