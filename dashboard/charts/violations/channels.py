"""Cases by source channel (inspectors, public reports, 12345, video AI, leaders)."""

from __future__ import annotations

import plotly.graph_objects as go

from dashboard.charts import Chart, rows
from dashboard.figures import violations as fv
from dashboard.pagekit import PageContext
from warehouse.queries import violations as qv


def figure(ctx: PageContext) -> go.Figure:
    return fv.channel_mix(ctx.wh.frame(qv.channel_mix(ctx.filters)), lang=ctx.lang)


CHART = Chart(
    key="vi.channels", dim="channel", rows=rows.cases_by("channel", "reported"), figure=figure, order=4, width=3
)
