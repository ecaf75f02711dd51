"""The district's rank in each city assessment item, month by month."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
import sqlalchemy as sa

from dashboard.charts import Chart, rows
from dashboard.figures import overview as fig
from dashboard.pagekit import PageContext
from dashboard.state import ViewState
from warehouse.queries import overview as qo
from warehouse.sql import Filters


def figure(ctx: PageContext) -> go.Figure:
    return fig.assessment_ranks(ctx.wh.frame(qo.assessment_series(ctx.filters)), ctx.lang)


def assessment_rows(f: Filters, s: ViewState, v: Any) -> sa.Select:
    return qo.assessment_rows(f, limit=rows.ROW_LIMIT)


CHART = Chart(
    key="ov.ranks", dim=None, rows=assessment_rows, figure=figure, order=3, width=3, height=560, empty="ov.ranks_none"
)
