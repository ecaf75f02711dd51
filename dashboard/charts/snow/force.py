"""Snow-clearing personnel and machines per town (the latest roster)."""

from __future__ import annotations

import plotly.graph_objects as go

from dashboard.charts import Chart, rows
from dashboard.charts.snow import roster_as_of
from dashboard.figures import snow as fs
from dashboard.pagekit import PageContext
from warehouse.queries import snow as qs


def figure(ctx: PageContext) -> go.Figure:
    return fs.roster_by_unit(ctx.wh.frame(qs.roster_by_unit(ctx.filters)), lang=ctx.lang)


CHART = Chart(
    key="sn.force",
    dim="town",
    rows=rows.roster,
    figure=figure,
    order=1,
    width=6,
    empty="sn.no_roster",
    subtitle=roster_as_of,
)
