"""Queries of the weekly dispatch meeting (周调度会, /dispatch and the meeting pack).

The week's indicator values come from the one KPI mart through ``warehouse.queries.overview`` (``kpi_totals``
for the district, ``kpi_by_town`` per town) and the town league from ``warehouse.queries.rankings`` with
``warehouse.scoring``; this module adds the key indicators of the meeting and the supervised list.

``KEY_INDICATORS`` — the indicators the meeting reviews, in order: the week's intake (``dcm.filed``: how much
work came in) and every indicator that ranks the towns (``warehouse.indicators.RANKED``: what the city and the
district score the towns on, so what a town is dispatched about).

``supervised(f, limit=2000)`` — the supervised list (督办清单) as of the end of ``f``: digital urban management
cases that were unresolved at the end of the range (reported before it; not 作废, 缓办 or 挂账; not closed by
then: 结案 with a 结案时间 at or after the end still counts as unresolved) and past their 处置截止时间.
Columns: case_no, town_code, town_name, department (the owner department, 处置部门), major_category,
minor_category, community, stage (the latest export's), reported_at, deadline_at, closed_at (set when it
was closed after the end), age_days (whole days from 上报时间 to the end),
days_overdue (whole days from 处置截止时间 to the end), address. Most overdue first, then by case number.
``supervised_count(f)`` — n: how many rows ``supervised`` would give without its limit.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from warehouse.indicators import RANKED
from warehouse.queries.violations import CASE
from warehouse.sql import Filters

KEY_INDICATORS: tuple[str, ...] = ("dcm.filed", *RANKED)


def _end(f: Filters) -> dt.datetime:
    assert f.end is not None, "the supervised list needs the range's end"
    return dt.datetime.combine(f.end + dt.timedelta(days=1), dt.time())


def _unresolved_overdue(f: Filters) -> sa.ColumnElement[bool]:
    c = CASE.c
    end = sa.cast(sa.literal(_end(f)), sa.DateTime)
    closed_by_end = sa.and_(c.is_closed, sa.or_(c.closed_at.is_(None), c.closed_at < end))
    return sa.and_(
        f.town_clause(c.town_code),
        sa.not_(c.is_void),
        sa.not_(c.is_suspended),
        c.reported_at < end,
        c.deadline_at < end,
        sa.not_(closed_by_end),
    )


def _whole_days(since: sa.ColumnElement, end: sa.ColumnElement) -> sa.ColumnElement:
    """Whole days (24 h) from ``since`` to ``end``."""
    seconds = sa.func.date_diff(sa.literal_column("'second'"), since, end)
    return sa.cast(sa.func.floor(seconds / 86400.0), sa.Integer)


def supervised(f: Filters, limit: int = 2000) -> sa.Select:
    """Overdue cases unresolved at the end of the range (see the module docstring)."""
    c = CASE.c
    end = sa.cast(sa.literal(_end(f)), sa.DateTime)
    age, overdue = _whole_days(c.reported_at, end), _whole_days(c.deadline_at, end)
    return (
        sa.select(c.case_no, c.town_code, c.town_name, c.department, c.major_category, c.minor_category,
                  c.community, c.stage, c.reported_at, c.deadline_at, c.closed_at, age.label("age_days"),
                  overdue.label("days_overdue"), c.address)
        .where(_unresolved_overdue(f))
        .order_by(c.deadline_at, c.case_no)
        .limit(limit)
    )


def supervised_count(f: Filters) -> sa.Select:
    """How many cases the supervised list holds (without its limit)."""
    return sa.select(sa.func.count().label("n")).select_from(CASE).where(_unresolved_overdue(f))
