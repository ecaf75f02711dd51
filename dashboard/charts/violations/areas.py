"""Cases per area: towns, the communities of a town, the grids of a community."""

from __future__ import annotations

import plotly.graph_objects as go

from dashboard.charts import Chart, rows
from dashboard.figures import violations as fv
from dashboard.pagekit import PageContext
from warehouse.queries import violations as qv


def figure(ctx: PageContext) -> go.Figure:
    frame = ctx.wh.frame(qv.area_breakdown(ctx.filters, town=ctx.state.town, community=ctx.state.community))
    return fv.area_breakdown(frame, lang=ctx.lang)


CHART = Chart(key="vi.areas", dim="area", rows=rows.cases_area(), figure=figure, order=8, width=4)
