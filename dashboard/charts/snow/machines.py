"""Snow-clearing machines by type."""

from __future__ import annotations

import plotly.graph_objects as go

from dashboard.charts import Chart, rows
from dashboard.charts.snow import roster_as_of
from dashboard.figures import snow as fs
from dashboard.pagekit import PageContext
from warehouse.queries import snow as qs


def figure(ctx: PageContext) -> go.Figure:
    return fs.machines_by_type(ctx.wh.frame(qs.machines_by_type(ctx.filters)), lang=ctx.lang)


CHART = Chart(
    key="sn.machines",
    dim=None,
    rows=rows.roster,
    figure=figure,
    order=2,
    width=6,
    empty="sn.no_roster",
    subtitle=roster_as_of,
)
