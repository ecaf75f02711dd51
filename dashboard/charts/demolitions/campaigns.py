"""Cases and area per special campaign (专项行动)."""

from __future__ import annotations

import plotly.graph_objects as go

from dashboard.charts import Chart, rows
from dashboard.figures import demolitions as fd
from dashboard.pagekit import PageContext
from warehouse.queries import demolitions as qd


def figure(ctx: PageContext) -> go.Figure:
    return fd.campaigns(ctx.wh.frame(qd.campaigns(ctx.filters, town=ctx.state.town)), lang=ctx.lang)


CHART = Chart(key="de.campaigns", dim=None, rows=rows.campaign, figure=figure, order=9, width=4, height=330)
