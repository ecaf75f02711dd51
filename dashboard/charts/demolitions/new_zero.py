"""Newly found cases per town against dynamic zero (新增违建动态清零)."""

from __future__ import annotations

import plotly.graph_objects as go

from dashboard.charts import Chart, rows
from dashboard.figures import demolitions as fd
from dashboard.pagekit import PageContext
from warehouse.queries import demolitions as qd


def figure(ctx: PageContext) -> go.Figure:
    return fd.new_vs_zero(ctx.wh.frame(qd.new_vs_zero(ctx.filters)), lang=ctx.lang)


CHART = Chart(
    key="de.new_zero",
    dim="town",
    rows=rows.ledger(kind="新增", date_basis="none", open_only=True),
    figure=figure,
    order=7,
    width=4,
    height=330,
)
