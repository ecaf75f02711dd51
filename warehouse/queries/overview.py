"""Queries of the overview page and the app shell: headline indicators, targets, freshness, towns.

Every function returns a SQLAlchemy ``Select``. Additive indicators read ``mart_kpi_daily`` (defined
by ``warehouse/indicators.py``); the snow force's history reads ``mart_snow_unit`` (its value at the end:
``warehouse.queries.snow.kpis``); ranks read ``mart_city_assessment``.

Result columns:

``kpi_totals(f, keys)`` — indicator, num, den (sum over the range and towns).
``kpi_series(f, keys, grain)`` — period (date), indicator, num, den.
``kpi_by_town(f, keys)`` — town_code, town_name, town_pinyin, town_sort, indicator, num, den.
``snow_force_series(f)`` — as_of, personnel, machines (every roster date up to the end).
``assessment_latest(f)`` — item, period, period_end, rank, units, score (the district, each item's latest
    period that started on or before the end).
``assessment_series(f, months=12)`` — period_start, item, rank (the district's ranks, the last 12 months).
``freshness()`` — source, last_load_at, rows_loaded, rows_now, data_through.
``towns()`` — town_code, town_name, pinyin, sort_order.
``data_end()`` — data_end: the latest day of case, ledger or problem data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa

from warehouse.queries.violations import period_expr
from warehouse.rules import calendar
from warehouse.sql import Filters, view

KPI = view("mart_kpi_daily", "day", "town_code", "indicator", "num", "den")
TOWN = view("dim_town", "town_code", "town_name", "pinyin", "sort_order")
SNOW = view("mart_snow_unit", "as_of", "unit_key", "town_code", "personnel", "machines", "deicer_t", "road_km_ref")
ASSESS = view(
    "mart_city_assessment",
    "period_text",
    "period_type",
    "period_start",
    "period_end",
    "label",
    "item",
    "unit_code",
    "unit_name",
    "is_district",
    "score",
    "rank",
    "units",
)
FRESH = view("mart_source_freshness", "source", "last_load_at", "rows_loaded", "rows_now", "data_through")


def _kpi_where(f: Filters, keys: Sequence[str]) -> sa.ColumnElement[bool]:
    return sa.and_(KPI.c.indicator.in_(list(keys)), f.date_clause(KPI.c.day), f.town_clause(KPI.c.town_code))


def kpi_totals(f: Filters, keys: Sequence[str]) -> sa.Select:
    """Numerator and denominator of each indicator over the range and towns."""
    c = KPI.c
    return (
        sa.select(c.indicator, sa.func.sum(c.num).label("num"), sa.func.sum(c.den).label("den"))
        .where(_kpi_where(f, keys))
        .group_by(c.indicator)
    )


def kpi_series(f: Filters, keys: Sequence[str], grain: str = "month") -> sa.Select:
    """Numerator and denominator per period (day/week/month/quarter/year) and indicator."""
    c = KPI.c
    period = period_expr(c.day, grain)
    return (
        sa.select(period.label("period"), c.indicator, sa.func.sum(c.num).label("num"), sa.func.sum(c.den).label("den"))
        .where(_kpi_where(f, keys))
        .group_by(period, c.indicator)
        .order_by(period)
    )


def kpi_by_town(f: Filters, keys: Sequence[str]) -> sa.Select:
    """Numerator and denominator per town and indicator (every town, even without rows)."""
    c, t = KPI.c, TOWN.c
    agg = (
        sa.select(c.town_code, c.indicator, sa.func.sum(c.num).label("num"), sa.func.sum(c.den).label("den"))
        .where(_kpi_where(f, keys))
        .group_by(c.town_code, c.indicator)
        .subquery("agg")
    )
    return (
        sa.select(
            t.town_code,
            t.town_name,
            t.pinyin.label("town_pinyin"),
            t.sort_order.label("town_sort"),
            agg.c.indicator,
            agg.c.num,
            agg.c.den,
        )
        .select_from(TOWN.outerjoin(agg, agg.c.town_code == t.town_code))
        .where(f.town_clause(t.town_code))
        .order_by(t.sort_order)
    )


def _end(f: Filters) -> dt.date:
    return f.end or dt.date.today()


def snow_force_series(f: Filters) -> sa.Select:
    """Personnel and machines of every roster up to the range's end."""
    c = SNOW.c
    return (
        sa.select(c.as_of, sa.func.sum(c.personnel).label("personnel"), sa.func.sum(c.machines).label("machines"))
        .where(c.as_of <= _end(f), f.town_clause(c.town_code) if f.towns else sa.true())
        .group_by(c.as_of)
        .order_by(c.as_of)
    )


def assessment_latest(f: Filters) -> sa.Select:
    """The district's rank in each item's latest period started on or before the range's end."""
    c = ASSESS.c
    a2 = ASSESS.alias("a2")
    latest = (
        sa.select(sa.func.max(a2.c.period_start))
        .where(a2.c.item == c.item, a2.c.is_district, a2.c.period_start <= _end(f))
        .scalar_subquery()
    )
    return (
        sa.select(
            c.item, c.label.label("period"), c.period_type, c.period_start, c.period_end, c.rank, c.units, c.score
        )
        .where(c.is_district, c.period_start == latest)
        .order_by(c.item)
    )


def assessment_series(f: Filters, months: int = 12) -> sa.Select:
    """The district's rank per item and period in the ``months`` before the range's end."""
    c = ASSESS.c
    end = _end(f)
    first = calendar.months_back(end, months - 1)
    return (
        sa.select(c.period_start, c.item, c.rank)
        .where(c.is_district, c.period_start <= end, c.period_start >= first)
        .order_by(c.period_start, c.item)
    )


def freshness() -> sa.Select:
    return sa.select(*FRESH.c).order_by(FRESH.c.source)


def towns() -> sa.Select:
    return sa.select(*TOWN.c).order_by(TOWN.c.sort_order)


def data_end() -> sa.Select:
    """The latest day with case, ledger or problem data (the default end of the date range)."""
    c = FRESH.c
    return sa.select(sa.func.max(c.data_through).label("data_end")).where(
        c.source.in_(["dcm_cases", "illegal_construction", "refined_city_issues", "village_cases", "penalty_cases"])
    )


REFINED = view(
    "fact_refined_issue",
    "issue_no",
    "channel",
    "batch",
    "town_code",
    "road",
    "category",
    "found_on",
    "due_on",
    "rectified_on",
    "status",
    "recheck",
    "city_reported",
)


def refined_rows(f: Filters, limit: int = 500) -> sa.Select:
    """The problems behind ``refined.rectified``: 已整改 with 整改完成日期 in the range, newest first."""
    c = REFINED.c
    return (
        sa.select(*REFINED.c)
        .where(c.status == "已整改", f.date_clause(c.rectified_on), f.town_clause(c.town_code))
        .order_by(c.rectified_on.desc(), c.issue_no)
        .limit(limit)
    )


def assessment_rows(f: Filters, item: str | None = None, limit: int = 500) -> sa.Select:
    """Every unit's result in the assessment periods up to the range's end, latest first."""
    c = ASSESS.c
    return (
        sa.select(c.label.label("period"), c.item, c.unit_name, c.score, c.rank, c.units, c.period_start)
        .where(c.period_start <= _end(f), c.item == item if item is not None else sa.true())
        .order_by(c.period_start.desc(), c.item, c.rank)
        .limit(limit)
    )
