"""Filed cases by town (or community inside a town) and major category."""

from __future__ import annotations

import plotly.graph_objects as go

from dashboard.charts import Chart, rows
from dashboard.figures import violations as fv
from dashboard.pagekit import PageContext
from warehouse.queries import violations as qv


def figure(ctx: PageContext) -> go.Figure:
    frame = ctx.wh.frame(qv.town_category_heatmap(ctx.filters, town=ctx.state.town))
    return fv.town_category_heatmap(frame, lang=ctx.lang)


CHART = Chart(key="vi.heatmap", dim="area", rows=rows.cases_area(), figure=figure, order=3, width=6)
