"""Days from finding a case to demolishing it."""

from __future__ import annotations

import plotly.graph_objects as go

from dashboard.charts import Chart, rows
from dashboard.figures import demolitions as fd
from dashboard.pagekit import PageContext
from warehouse.queries import demolitions as qd


def figure(ctx: PageContext) -> go.Figure:
    return fd.time_to_demolish(ctx.wh.frame(qd.time_to_demolish(ctx.filters, town=ctx.state.town)), lang=ctx.lang)


CHART = Chart(
    key="de.lead_time", dim=None, rows=rows.ledger(date_basis="demolished"), figure=figure, order=8, width=4, height=330
)
