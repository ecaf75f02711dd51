"""Snow operations per town and the hours until the roads reopened."""

from __future__ import annotations

import plotly.graph_objects as go

from dashboard.charts import Chart, rows
from dashboard.figures import snow as fs
from dashboard.pagekit import PageContext
from warehouse.queries import snow as qs


def figure(ctx: PageContext) -> go.Figure:
    return fs.events_by_town(ctx.wh.frame(qs.events_by_town(ctx.filters)), lang=ctx.lang)


CHART = Chart(key="sn.reopen", dim=None, rows=rows.events, figure=figure, order=6, width=5, empty="sn.no_events")
