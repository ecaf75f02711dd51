"""Area demolished per town (or community inside a town)."""

from __future__ import annotations

import plotly.graph_objects as go

from dashboard.charts import Chart, rows
from dashboard.figures import demolitions as fd
from dashboard.pagekit import PageContext
from warehouse.queries import demolitions as qd


def figure(ctx: PageContext) -> go.Figure:
    return fd.by_area(ctx.wh.frame(qd.by_area(ctx.filters, town=ctx.state.town)), lang=ctx.lang, measure="area")


CHART = Chart(
    key="de.by_town_area",
    dim="area",
    rows=rows.ledger_area(date_basis="demolished"),
    figure=figure,
    order=4,
    width=6,
    height=330,
)
