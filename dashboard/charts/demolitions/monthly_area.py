"""Area demolished per month (㎡): the old stock and newly found ones."""

from __future__ import annotations

import plotly.graph_objects as go

from dashboard.charts import Chart, rows
from dashboard.figures import demolitions as fd
from dashboard.pagekit import PageContext
from warehouse.queries import demolitions as qd


def figure(ctx: PageContext) -> go.Figure:
    return fd.monthly(ctx.wh.frame(qd.monthly(ctx.filters)), lang=ctx.lang, measure="area")


CHART = Chart(
    key="de.monthly_area",
    dim="period",
    rows=rows.ledger_month(date_basis="demolished"),
    figure=figure,
    order=2,
    width=6,
    height=330,
)
