"""Case volume per week (ranges up to 120 days) or month: reported, filed, closed, voided."""

from __future__ import annotations

import plotly.graph_objects as go

from dashboard.charts import Chart, rows
from dashboard.figures import violations as fv
from dashboard.pagekit import PageContext
from warehouse.queries import violations as qv


def grain(ctx: PageContext) -> str:
    """Weeks for ranges up to 120 days, else months."""
    f = ctx.filters
    return "week" if f.start and f.end and (f.end - f.start).days <= 120 else "month"


def figure(ctx: PageContext) -> go.Figure:
    g = grain(ctx)
    return fv.volume_trend(ctx.wh.frame(qv.volume_trend(ctx.filters, g)), lang=ctx.lang, grain=g)


CHART = Chart(key="vi.trend", dim="period", rows=rows.cases_month("reported"), figure=figure, order=1, width=6)
