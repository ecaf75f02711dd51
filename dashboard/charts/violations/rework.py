"""Rework rate per town against its target."""

from __future__ import annotations

import plotly.graph_objects as go

from dashboard.charts import Chart, rows
from dashboard.figures import violations as fv
from dashboard.pagekit import PageContext
from warehouse.queries import violations as qv


def figure(ctx: PageContext) -> go.Figure:
    frame = ctx.wh.frame(qv.town_performance(ctx.filters))
    return fv.town_performance(frame, lang=ctx.lang, metric="rework_rate")


CHART = Chart(key="vi.rework", dim="town", rows=rows.cases_by("town", "deadline"), figure=figure, order=7, width=4)
