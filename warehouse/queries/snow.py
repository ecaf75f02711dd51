"""Queries of the /snow page: the snow-clearing roster and the snow events.

The roster is a point-in-time record: the figure for a range is the **latest roster on or before the
range's end** (``as_of`` = the greatest 统计日期 ≤ end, the whole district's; without an end, the latest
one), as ``mart_report`` computes snow.personnel / snow.machines. 人员数 counts once per unit
(``mart_snow_unit``: max per 统计日期 and unit); 台数 sums over machine types. A unit is a town (key = NBS
code) or a district body such as 区环境卫生服务中心 (key = its name; ``is_town`` false; dropped when the
filters name towns). Readiness per road-km uses the roster's 责任路段里程, else the town's road length.
Events (``mart_snow_event``) count by 日期 within the range.

Result columns:

``kpis(f, town=None)`` — one row: as_of, personnel, machines, deicer_t, road_km, machines_per_100km,
    personnel_per_100km, events, person_times, machine_times, event_deicer_t, swept_area_m2,
    median_reopen_hours, max_reopen_hours.
``roster_by_unit(f)`` — as_of, unit_key, unit_name, unit_pinyin, unit_sort, town_code, is_town, personnel,
    machines, machine_types, deicer_t, road_km, road_km_ref, machines_per_100km, personnel_per_100km.
``machines_by_type(f, town=None)`` — as_of, unit_key, unit_name, unit_sort, machine_type, machines.
``event_trend(f, grain="day", town=None)`` — period (date), events, towns, person_times, machine_times,
    deicer_t, swept_area_m2, max_snowfall_mm, median_reopen_hours, max_reopen_hours.
``events_by_town(f)`` — town_code, town_name, town_pinyin, town_sort, events, person_times, machine_times,
    deicer_t, swept_area_m2, mean_reopen_hours, max_reopen_hours.
``roster_rows(f, town=None, unit=None, limit=500)`` — as_of, unit_key, unit_name, unit_name_raw,
    town_code, machine_type, machines, personnel, deicer_t, road_km (the roster rows as loaded, of the
    roster in force at the range's end; ``personnel`` repeats on a unit's rows: do not sum it).
``event_rows(f, town=None, limit=500)`` — event_no, event_on, town_code, town_name, snowfall_mm,
    person_times, machine_times, deicer_t, swept_area_m2, reopen_hours.
"""

from __future__ import annotations

import sqlalchemy as sa

from warehouse.queries.violations import Grain, period_expr
from warehouse.sql import Filters, view

ROSTER = view(
    "mart_snow_roster",
    "as_of", "unit_key", "unit_name", "unit_name_raw", "town_code", "is_town", "unit_pinyin", "unit_sort",
    "machine_type", "machines", "personnel", "deicer_t", "road_km",
)
UNIT = view(
    "mart_snow_unit",
    "as_of", "unit_key", "unit_name", "town_code", "is_town", "unit_pinyin", "unit_sort", "personnel",
    "machines", "machine_types", "deicer_t", "road_km", "road_km_ref",
)
EVENT = view(
    "mart_snow_event",
    "event_no", "event_on", "town_code", "town_name", "town_pinyin", "town_sort", "snowfall_mm", "person_times",
    "machine_times", "deicer_t", "swept_area_m2", "reopen_hours",
)


def roster_date(f: Filters) -> sa.ScalarSelect:
    """Scalar subquery: the 统计日期 of the roster in force at the range's end (NULL when none)."""
    r = ROSTER.alias("rd")
    return (
        sa.select(sa.func.max(r.c.as_of))
        .where(r.c.as_of <= f.end if f.end is not None else sa.true())
        .scalar_subquery()
    )


def _units(f: Filters, town: str | None = None) -> sa.ColumnElement[bool]:
    u = UNIT.c
    return sa.and_(u.as_of == roster_date(f), f.town_clause(u.town_code),
                   u.town_code == town if town is not None else sa.true())


def _per_100km(value: sa.ColumnElement, km: sa.ColumnElement) -> sa.ColumnElement:
    return sa.cast(value, sa.Double) * 100.0 / sa.func.nullif(km, 0)


def _events(f: Filters, town: str | None = None) -> sa.ColumnElement[bool]:
    e = EVENT.c
    return sa.and_(f.date_clause(e.event_on), f.town_clause(e.town_code),
                   e.town_code == town if town is not None else sa.true())


def kpis(f: Filters, town: str | None = None) -> sa.Select:
    """Roster in force at the range's end plus the range's snow events (one row)."""
    u, e = UNIT.c, EVENT.c
    roster = sa.select(
        roster_date(f).label("as_of"),
        sa.cast(sa.func.coalesce(sa.func.sum(u.personnel), 0), sa.BigInteger).label("personnel"),
        sa.cast(sa.func.coalesce(sa.func.sum(u.machines), 0), sa.BigInteger).label("machines"),
        sa.cast(sa.func.sum(u.deicer_t), sa.Double).label("deicer_t"),
        sa.cast(sa.func.sum(u.road_km_ref), sa.Double).label("road_km"),
        _per_100km(sa.func.sum(u.machines), sa.func.sum(u.road_km_ref)).label("machines_per_100km"),
        _per_100km(sa.func.sum(u.personnel), sa.func.sum(u.road_km_ref)).label("personnel_per_100km"),
    ).where(_units(f, town)).subquery("roster")
    events = sa.select(
        sa.func.count().label("events"),
        sa.cast(sa.func.coalesce(sa.func.sum(e.person_times), 0), sa.BigInteger).label("person_times"),
        sa.cast(sa.func.coalesce(sa.func.sum(e.machine_times), 0), sa.BigInteger).label("machine_times"),
        sa.func.sum(e.deicer_t).label("event_deicer_t"), sa.func.sum(e.swept_area_m2).label("swept_area_m2"),
        sa.func.median(e.reopen_hours).label("median_reopen_hours"),
        sa.func.max(e.reopen_hours).label("max_reopen_hours"),
    ).where(_events(f, town)).subquery("events")
    return sa.select(*roster.c, *events.c).select_from(roster.join(events, sa.true()))


def roster_by_unit(f: Filters) -> sa.Select:
    """Personnel, machines, reserves and readiness per town or unit, from the roster in force."""
    u = UNIT.c
    return (
        sa.select(
            u.as_of, u.unit_key, u.unit_name, u.unit_pinyin, u.unit_sort, u.town_code, u.is_town,
            sa.cast(u.personnel, sa.BigInteger).label("personnel"),
            sa.cast(u.machines, sa.BigInteger).label("machines"),
            u.machine_types, u.deicer_t, u.road_km, u.road_km_ref,
            _per_100km(u.machines, u.road_km_ref).label("machines_per_100km"),
            _per_100km(u.personnel, u.road_km_ref).label("personnel_per_100km"),
        )
        .where(_units(f))
        .order_by(u.unit_sort, u.unit_key)
    )


def machines_by_type(f: Filters, town: str | None = None) -> sa.Select:
    """Machines per unit and machine type, from the roster in force."""
    r = ROSTER.c
    return (
        sa.select(
            r.as_of, r.unit_key, sa.func.any_value(r.unit_name).label("unit_name"),
            sa.func.min(r.unit_sort).label("unit_sort"), r.machine_type,
            sa.cast(sa.func.sum(r.machines), sa.BigInteger).label("machines"),
        )
        .where(r.as_of == roster_date(f), f.town_clause(r.town_code),
               r.town_code == town if town is not None else sa.true())
        .group_by(r.as_of, r.unit_key, r.machine_type)
        .order_by(sa.text("unit_sort"), r.unit_key, r.machine_type)
    )


def event_trend(f: Filters, grain: Grain = "day", town: str | None = None) -> sa.Select:
    """Snow events per day (or week, month…): deployment and time to reopen main roads."""
    e = EVENT.c
    period = period_expr(e.event_on, grain)
    return (
        sa.select(
            period.label("period"), sa.func.count().label("events"),
            sa.func.count(sa.distinct(e.town_code)).label("towns"),
            sa.cast(sa.func.sum(e.person_times), sa.BigInteger).label("person_times"),
            sa.cast(sa.func.sum(e.machine_times), sa.BigInteger).label("machine_times"),
            sa.func.sum(e.deicer_t).label("deicer_t"), sa.func.sum(e.swept_area_m2).label("swept_area_m2"),
            sa.func.max(e.snowfall_mm).label("max_snowfall_mm"),
            sa.func.median(e.reopen_hours).label("median_reopen_hours"),
            sa.func.max(e.reopen_hours).label("max_reopen_hours"),
        )
        .where(_events(f, town))
        .group_by(period)
        .order_by(period)
    )


def events_by_town(f: Filters) -> sa.Select:
    """Snow events of the range per town."""
    e = EVENT.c
    return (
        sa.select(
            e.town_code, sa.func.any_value(e.town_name).label("town_name"),
            sa.func.any_value(e.town_pinyin).label("town_pinyin"), sa.func.min(e.town_sort).label("town_sort"),
            sa.func.count().label("events"),
            sa.cast(sa.func.sum(e.person_times), sa.BigInteger).label("person_times"),
            sa.cast(sa.func.sum(e.machine_times), sa.BigInteger).label("machine_times"),
            sa.func.sum(e.deicer_t).label("deicer_t"), sa.func.sum(e.swept_area_m2).label("swept_area_m2"),
            sa.func.avg(e.reopen_hours).label("mean_reopen_hours"),
            sa.func.max(e.reopen_hours).label("max_reopen_hours"),
        )
        .where(_events(f))
        .group_by(e.town_code)
        .order_by(sa.text("town_sort"))
    )


def roster_rows(f: Filters, town: str | None = None, unit: str | None = None, limit: int = 500) -> sa.Select:
    """The roster rows (as loaded) of the roster in force at the range's end."""
    r = ROSTER.c
    return (
        sa.select(r.as_of, r.unit_key, r.unit_name, r.unit_name_raw, r.town_code, r.machine_type, r.machines,
                  r.personnel, r.deicer_t, r.road_km)
        .where(r.as_of == roster_date(f), f.town_clause(r.town_code),
               r.town_code == town if town is not None else sa.true(),
               r.unit_key == unit if unit is not None else sa.true())
        .order_by(r.unit_sort, r.unit_key, r.machine_type)
        .limit(limit)
    )


def event_rows(f: Filters, town: str | None = None, limit: int = 500) -> sa.Select:
    """The snow event rows of the range, newest first."""
    e = EVENT.c
    return (
        sa.select(e.event_no, e.event_on, e.town_code, e.town_name, e.snowfall_mm, e.person_times, e.machine_times,
                  e.deicer_t, e.swept_area_m2, e.reopen_hours)
        .where(_events(f, town))
        .order_by(e.event_on.desc(), e.event_no)
        .limit(limit)
    )
