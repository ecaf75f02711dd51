"""Snow operations per day: person-times and machine-times."""

from __future__ import annotations

import plotly.graph_objects as go

from dashboard.charts import Chart, rows
from dashboard.figures import snow as fs
from dashboard.pagekit import PageContext
from warehouse.queries import snow as qs


def figure(ctx: PageContext) -> go.Figure:
    return fs.event_trend(ctx.wh.frame(qs.event_trend(ctx.filters, "day")), lang=ctx.lang)


CHART = Chart(key="sn.events", dim=None, rows=rows.events, figure=figure, order=5, width=7, empty="sn.no_events")
