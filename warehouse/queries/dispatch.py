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


def _unresolved_overdue(f: Filters) -> tuple[sa.ColumnElement[bool], sa.ColumnElement[bool]]:
    """The supervised cases as two disjoint conditions: still open now, or closed at or after the end.

    Unresolved at the end = not 作废/缓办/挂账 and not closed by then; that is open now (``is_open``) or closed
    with a 结案时间 at or after the end. Two conditions, not one with OR, so that each reads only the row groups
    that can hold its cases (mart_dcm_case is stored open cases last, by 上报时间: warehouse/store.py)."""
    c = CASE.c
    end = sa.cast(sa.literal(_end(f)), sa.DateTime)
    overdue = sa.and_(f.town_clause(c.town_code), c.reported_at < end, c.deadline_at < end)
    return sa.and_(overdue, c.is_open), sa.and_(overdue, c.is_closed, c.closed_at >= end)


def _whole_days(since: sa.ColumnElement, end: sa.ColumnElement) -> sa.ColumnElement:
    """Whole days (24 h) from ``since`` to ``end``."""
    seconds = sa.func.date_diff(sa.literal_column("'second'"), since, end)
    return sa.cast(sa.func.floor(seconds / 86400.0), sa.Integer)


def supervised(f: Filters, limit: int = 2000) -> sa.Select:
    """Overdue cases unresolved at the end of the range (see the module docstring)."""
    c = CASE.c
    end = sa.cast(sa.literal(_end(f)), sa.DateTime)
    age, overdue = _whole_days(c.reported_at, end), _whole_days(c.deadline_at, end)
    columns = (c.case_no, c.town_code, c.town_name, c.department, c.major_category, c.minor_category, c.community,
               c.stage, c.reported_at, c.deadline_at, c.closed_at, age.label("age_days"),
               overdue.label("days_overdue"), c.address)
    rows = sa.union_all(*(sa.select(*columns).where(part) for part in _unresolved_overdue(f))).subquery("rows")
    return sa.select(rows).order_by(rows.c.deadline_at, rows.c.case_no).limit(limit)


def supervised_count(f: Filters) -> sa.Select:
    """How many cases the supervised list holds (without its limit)."""
    parts = [sa.select(sa.func.count().label("n")).select_from(CASE).where(part) for part in _unresolved_overdue(f)]
    counts = sa.union_all(*parts).subquery("counts")
    return sa.select(sa.cast(sa.func.sum(counts.c.n), sa.BigInteger).label("n"))
