"""Old-stock cases demolished so far this year against the annual plan."""

from __future__ import annotations

import plotly.graph_objects as go

from dashboard.charts import Chart, rows
from dashboard.figures import demolitions as fd
from dashboard.pagekit import PageContext
from warehouse.queries import demolitions as qd


def figure(ctx: PageContext) -> go.Figure:
    assert ctx.filters.end
    frame = ctx.wh.frame(qd.cumulative_vs_plan(ctx.filters, ctx.filters.end.year))
    return fd.cumulative_vs_plan(frame, lang=ctx.lang, measure="count")


CHART = Chart(
    key="de.cumulative",
    dim="period",
    rows=rows.ledger_month(kind="存量", date_basis="demolished"),
    figure=figure,
    order=5,
    width=6,
    height=330,
)
