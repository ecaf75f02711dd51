"""The top 15 minor categories by filed cases and one bar for the others, with their cumulative share."""

from __future__ import annotations

import plotly.graph_objects as go

from dashboard.charts import Chart, rows
from dashboard.figures import violations as fv
from dashboard.pagekit import PageContext
from warehouse.queries import violations as qv


def figure(ctx: PageContext) -> go.Figure:
    return fv.category_pareto(ctx.wh.frame(qv.category_pareto(ctx.filters, limit=15, others=True)), lang=ctx.lang)


CHART = Chart(key="vi.pareto", dim="category", rows=rows.cases_by("minor"), figure=figure, order=2, width=6)
