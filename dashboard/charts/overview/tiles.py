"""The rows behind the overview's KPI tiles (a click on a tile explains it and lists them)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from dashboard.charts import Drill, rows
from dashboard.kpis import last_week
from dashboard.state import ViewState
from warehouse.queries import overview as qo
from warehouse.queries import violations as qv
from warehouse.sql import Filters


def _week(f: Filters, s: ViewState, v: Any) -> sa.Select:
    return qv.case_rows(last_week(f), community=s.community, date_basis="filed", limit=rows.ROW_LIMIT)


def _refined(f: Filters, s: ViewState, v: Any) -> sa.Select:
    return qo.refined_rows(f, rows.ROW_LIMIT)


def _assessment(f: Filters, s: ViewState, v: Any) -> sa.Select:
    return qo.assessment_rows(f, limit=rows.ROW_LIMIT)


DRILLS = (
    Drill("dcm.on_time_due_rate", None, rows.cases(date_basis="deadline")),
    Drill("dcm.filed", None, _week),
    Drill("demolition.stock_count", None, rows.ledger(kind="存量")),
    Drill("demolition.new_found", None, rows.ledger(kind="新增", date_basis="found")),
    Drill("refined.rectified", None, _refined),
    Drill("snow.personnel", None, rows.roster),
    Drill("assessment.rank", None, _assessment),
)
