"""Queries of the rankings page (issue 5): town indicators, their targets, the district in the city's
assessments, and the rows behind a town's indicator.

Every function returns a SQLAlchemy ``Select`` over the marts of ``warehouse/marts/60_town_indicators.sql``
(plus ``mart_target`` and ``mart_dcm_case``); run it with ``warehouse.sql.compile_query`` and
``con.execute(sql, params).df()``, then score the frames with ``warehouse.scoring``. ``grain`` is one of
week (Monday–Sunday), month, quarter, year; periods are given by any day in them.

Result columns (one DataFrame per function):

``town_values(grain, start, end=None, indicators=None)`` — grain, period_start, period_end (inclusive),
    town_code, town_name, town_sort, population, road_km, indicator, numerator, denominator, value,
    excl_void, excl_deferred, excl_hung. One row per period (every period from the one containing ``start``
    to the one containing ``end``), town (all 9) and indicator, zero-filled: a rate without cases has
    denominator 0 and value NULL; a count (``demolition.new_found``) has denominator NULL and value = count.
    Ratios are sum(numerator) / sum(denominator) over the period's days, never averages of ratios. The
    excl_* columns count dcm cases due in the period but 作废 / 缓办 / 挂账 (NULL for the other indicators).
``targets_for(grain, start, end=None, indicators=None)`` — indicator, town_code (NULL = district), is_district,
    scope, period_type, period, period_start, period_end (inclusive), target, direction, basis: every target
    row of a town or of the district whose period overlaps the periods; ``scoring.resolve_targets`` picks,
    per town and period, the town's own before the district's and the shortest period covering it.
``district_city_ranks(start, end, item=None, period_type="month")`` — period_type, period_start, period_end
    (inclusive), label, item, score, rank, rank_computed, units, first_score, gap_to_first, score_above,
    gap_to_above, score_below, gap_to_below, target_rank (``assessment.rank`` target covering the period,
    else 2: 争一保二), meets_target, is_first. The district (环翠区) per item and period started in the range.
``city_rank_history(start, end, item=None, period_type="month")`` — period_start, label, item, unit_code,
    unit_name, is_district, score, rank, units: every unit, for a bump chart.
``exclusion_counts(town_code, grain, day)`` — town_code, period_start, due, excl_void, excl_deferred,
    excl_hung: dcm cases of the town due in the period, counted and left out.
``indicator_rows(indicator, town_code, grain, day, limit=200)`` — the rows behind one town's indicator:
    row_key, basis_date (the date that puts the row in the period), in_denominator, in_numerator,
    excluded_reason (作废/缓办/挂账 or NULL), then the source's own columns — dcm: reported_at, deadline_at,
    handled_at, closed_at, stage, minor_category, community, department, rework_count; refined: channel,
    category, road, due_on, rectified_on, status; demolition: community, address, area_m2, status,
    demolished_on; village: village, category, rectify_status, rectified_at; video_ai: channel_no,
    event_type, detected_at, arrived_at, handled_at, minutes_to_arrive, minutes_to_handle. Order: rows that
    count against the town (in the denominator and not in the numerator of a higher-is-better rate; in the
    numerator for lower-is-better), then excluded rows, then the rest; by date within each.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa

from warehouse.queries.violations import period_expr
from warehouse.rules import calendar
from warehouse.rules import targets as target_rule
from warehouse.scoring import GRAINS, RANKED, indicator_meta
from warehouse.sql import view

DAY = view("mart_town_indicator_day", "town_code", "day", "indicator", "numerator", "denominator", "excl_void",
           "excl_deferred", "excl_hung")
TOWN = view("dim_town", "town_code", "town_name", "pinyin", "population", "road_km", "sort_order")
TARGET = view("mart_target", "indicator", "scope", "town_code", "is_district", "period_type", "period", "year",
              "period_start", "period_end", "target", "direction", "basis")
ASSESS = view("mart_city_assessment", "period_type", "period_start", "period_end", "label", "period_text", "item",
              "unit_code", "unit_name", "is_district", "score", "rank", "rank_computed", "units", "first_score",
              "gap_to_first", "score_above", "gap_to_above", "score_below", "gap_to_below")
CASE = view("mart_dcm_case", "case_no", "town_code", "reported_at", "deadline_at", "handled_at", "closed_at", "stage",
            "minor_category", "community", "department", "rework_count", "is_void", "is_suspended", "is_due_basis",
            "is_closed", "is_on_time", "is_reworked")
REFINED = view("fact_refined_issue", "issue_no", "channel", "town_code", "road", "category", "found_on", "due_on",
               "rectified_on", "status")
CONSTRUCTION = view("fact_illegal_construction", "case_no", "town_code", "community", "address", "kind", "area_m2",
                    "found_on", "demolished_on", "status")
VILLAGE = view("fact_village_case", "order_no", "dispatched_at", "town_code", "village", "category", "rectify_status",
               "rectified_at")
VIDEO = view("fact_video_ai_event", "event_no", "channel_no", "detected_at", "event_type", "town_code", "arrived_at",
             "handled_at")

DEFAULT_TARGET_RANK = target_rule.DEFAULT_RANK  # 争一保二


def periods(grain: str, start: dt.date, end: dt.date | None = None) -> list[tuple[dt.date, dt.date]]:
    """(first day, last day) of every period of ``grain`` from the one containing ``start`` to ``end``'s."""
    if grain not in GRAINS:
        raise ValueError(f"grain must be one of {GRAINS}, not {grain!r}")
    return calendar.periods(grain, start, end)


def _keys(indicators: Sequence[str] | None) -> list[str]:
    keys = list(indicators) if indicators is not None else list(RANKED)
    if not keys:
        raise ValueError("no indicators asked for")
    return keys


def _union(rows: list[sa.Select], name: str) -> sa.Subquery:
    return (rows[0] if len(rows) == 1 else sa.union_all(*rows)).subquery(name)


def _grid(spans: list[tuple[dt.date, dt.date]], keys: list[str]) -> sa.Subquery:
    """periods × indicators (with their kind) as a derived table of bound parameters."""
    per = _union([sa.select(sa.cast(sa.literal(s), sa.Date).label("period_start"),
                            sa.cast(sa.literal(e), sa.Date).label("period_end")) for s, e in spans], "periods")
    ind = _union([sa.select(sa.literal(k, sa.String).label("indicator"),
                            sa.literal(indicator_meta(k).kind == "count").label("is_count"),
                            sa.literal(k.startswith("dcm.")).label("has_excl")) for k in keys], "indicators")
    return sa.select(per.c.period_start, per.c.period_end, ind.c.indicator, ind.c.is_count, ind.c.has_excl) \
        .select_from(per.join(ind, sa.true())).subquery("grid")


def town_values(grain: str, start: dt.date, end: dt.date | None = None,
                indicators: Sequence[str] | None = None) -> sa.Select:
    """Numerator, denominator and value per period, town and indicator (zero-filled; see the module doc)."""
    keys, spans = _keys(indicators), periods(grain, start, end)
    d = DAY.c
    p = period_expr(d.day, grain)
    agg = (
        sa.select(d.town_code, p.label("period_start"), d.indicator, sa.func.sum(d.numerator).label("num"),
                  sa.func.sum(d.denominator).label("den"), sa.func.sum(d.excl_void).label("excl_void"),
                  sa.func.sum(d.excl_deferred).label("excl_deferred"), sa.func.sum(d.excl_hung).label("excl_hung"))
        .where(d.day >= spans[0][0], d.day <= spans[-1][1], d.indicator.in_(keys))
        .group_by(d.town_code, p, d.indicator)
        .subquery("agg")
    )
    grid = _grid(spans, keys)
    g, t, a = grid.c, TOWN.c, agg.c
    grid_towns = (
        sa.select(g.period_start, g.period_end, g.indicator, g.is_count, g.has_excl, t.town_code, t.town_name,
                  t.sort_order, t.population, t.road_km)
        .select_from(grid.join(TOWN, sa.true()))
        .subquery("gt")
    )
    g = grid_towns.c
    joined = grid_towns.outerjoin(
        agg, sa.and_(a.town_code == g.town_code, a.period_start == g.period_start, a.indicator == g.indicator))
    num = sa.func.coalesce(a.num, 0.0)
    den = sa.case((g.is_count, sa.null()), else_=sa.func.coalesce(a.den, 0.0))

    def excl(col: sa.ColumnElement) -> sa.ColumnElement:
        return sa.case((g.has_excl, sa.cast(sa.func.coalesce(col, 0), sa.BigInteger)), else_=sa.null())

    value = sa.case((g.is_count, num), else_=num / sa.func.nullif(sa.func.coalesce(a.den, 0.0), 0))
    return (
        sa.select(sa.literal(grain, sa.String).label("grain"), g.period_start, g.period_end, g.town_code,
                  g.town_name, g.sort_order.label("town_sort"), g.population,
                  sa.cast(g.road_km, sa.Double).label("road_km"), g.indicator,
                  num.label("numerator"), den.label("denominator"), value.label("value"),
                  excl(a.excl_void).label("excl_void"), excl(a.excl_deferred).label("excl_deferred"),
                  excl(a.excl_hung).label("excl_hung"))
        .select_from(joined)
        .order_by(g.period_start, g.indicator, g.sort_order)
    )


def targets_for(grain: str, start: dt.date, end: dt.date | None = None,
                indicators: Sequence[str] | None = None) -> sa.Select:
    """Town and district target rows whose period overlaps the periods of ``grain`` from ``start`` to ``end``."""
    keys, spans = _keys(indicators), periods(grain, start, end)
    c = TARGET.c
    return (
        sa.select(c.indicator, c.town_code, c.is_district, c.scope, c.period_type, c.period, c.period_start,
                  c.period_end, c.target, c.direction, c.basis)
        .where(c.indicator.in_(keys), sa.or_(c.is_district, c.town_code.is_not(None)),
               c.period_start <= spans[-1][1], c.period_end >= spans[0][0])
        .order_by(c.indicator, c.is_district, c.period_start)
    )


def _assess_where(start: dt.date, end: dt.date, item: str | None, period_type: str) -> sa.ColumnElement[bool]:
    c = ASSESS.c
    return sa.and_(c.period_type == period_type, c.period_start >= start, c.period_start <= end,
                   c.item == item if item is not None else sa.true())


def district_city_ranks(start: dt.date, end: dt.date, item: str | None = None,
                        period_type: str = "month") -> sa.Select:
    """The district's rank per item and period started in [start, end], gaps in points and 争一保二 check."""
    c = ASSESS.c
    target_rank = target_rule.target_sql("assessment.rank", c.period_start, c.period_end, kind="rank")
    tr = sa.func.coalesce(target_rank, DEFAULT_TARGET_RANK)
    return (
        sa.select(c.period_type, c.period_start, c.period_end, c.label, c.item, c.score, c.rank, c.rank_computed,
                  c.units, c.first_score, c.gap_to_first, c.score_above, c.gap_to_above, c.score_below,
                  c.gap_to_below, sa.cast(tr, sa.Integer).label("target_rank"),
                  (c.rank <= tr).label("meets_target"), (c.rank == 1).label("is_first"))
        .where(c.is_district, _assess_where(start, end, item, period_type))
        .order_by(c.period_start, c.item)
    )


def city_rank_history(start: dt.date, end: dt.date, item: str | None = None, period_type: str = "month") -> sa.Select:
    """Every unit's rank per item and period started in [start, end] (a bump chart's data)."""
    c = ASSESS.c
    return (
        sa.select(c.period_start, c.label, c.item, c.unit_code, c.unit_name, c.is_district, c.score, c.rank, c.units)
        .where(_assess_where(start, end, item, period_type))
        .order_by(c.item, c.period_start, c.rank, c.unit_code)
    )


def exclusion_counts(town_code: str, grain: str, day: dt.date) -> sa.Select:
    """The town's dcm cases due in the period: 应结案数 and those left out (作废, 缓办, 挂账)."""
    start, end = periods(grain, day)[0]
    d = DAY.c
    return (
        sa.select(sa.literal(town_code, sa.String).label("town_code"),
                  sa.cast(sa.literal(start), sa.Date).label("period_start"),
                  sa.cast(sa.func.coalesce(sa.func.sum(d.denominator), 0), sa.BigInteger).label("due"),
                  sa.cast(sa.func.coalesce(sa.func.sum(d.excl_void), 0), sa.BigInteger).label("excl_void"),
                  sa.cast(sa.func.coalesce(sa.func.sum(d.excl_deferred), 0), sa.BigInteger).label("excl_deferred"),
                  sa.cast(sa.func.coalesce(sa.func.sum(d.excl_hung), 0), sa.BigInteger).label("excl_hung"))
        .where(d.indicator == "dcm.on_time_due_rate", d.town_code == town_code, d.day >= start, d.day <= end)
    )


def _in(column: sa.ColumnElement, start: dt.date, end: dt.date) -> sa.ColumnElement[bool]:
    return sa.and_(column >= start, column < end + dt.timedelta(days=1))


def indicator_rows(indicator: str, town_code: str, grain: str, day: dt.date, limit: int = 200) -> sa.Select:
    """The rows behind one town's indicator in the period containing ``day`` (see the module doc)."""
    start, end = periods(grain, day)[0]
    lower = indicator_meta(indicator).direction == "lower"
    if indicator.startswith("dcm."):
        c = CASE.c
        num = {"dcm.on_time_due_rate": c.is_on_time, "dcm.close_rate": c.is_closed,
               "dcm.rework_rate": c.is_reworked}.get(indicator)
        if num is None:
            raise ValueError(f"no rows for indicator {indicator!r}")
        in_num = sa.and_(c.is_due_basis, num)
        reason = sa.case((c.is_void, "作废"), (c.stage == "缓办", "缓办"), (c.stage == "挂账", "挂账"), else_=sa.null())
        cols = [c.case_no.label("row_key"), sa.cast(c.deadline_at, sa.Date).label("basis_date"),
                c.is_due_basis.label("in_denominator"), in_num.label("in_numerator"), reason.label("excluded_reason"),
                c.reported_at, c.deadline_at, c.handled_at, c.closed_at, c.stage, c.minor_category, c.community,
                c.department, c.rework_count]
        where, date_col = sa.and_(c.town_code == town_code, _in(c.deadline_at, start, end)), c.deadline_at
    elif indicator == "refined.rectified_rate":
        c = REFINED.c
        in_num = c.status == "已整改"
        cols = [c.issue_no.label("row_key"), c.found_on.label("basis_date"), sa.true().label("in_denominator"),
                in_num.label("in_numerator"), sa.cast(sa.null(), sa.String).label("excluded_reason"), c.channel,
                c.category, c.road, c.due_on, c.rectified_on, c.status]
        where, date_col = sa.and_(c.town_code == town_code, _in(c.found_on, start, end)), c.found_on
    elif indicator == "demolition.new_found":
        c = CONSTRUCTION.c
        in_num = sa.true()
        cols = [c.case_no.label("row_key"), c.found_on.label("basis_date"), sa.true().label("in_denominator"),
                in_num.label("in_numerator"), sa.cast(sa.null(), sa.String).label("excluded_reason"), c.community,
                c.address, sa.cast(c.area_m2, sa.Double).label("area_m2"), c.status, c.demolished_on]
        where = sa.and_(c.town_code == town_code, c.kind == "新增", _in(c.found_on, start, end))
        date_col = c.found_on
    elif indicator == "village.rectified_rate":
        c = VILLAGE.c
        in_num = c.rectify_status == "已整改"
        cols = [c.order_no.label("row_key"), sa.cast(c.dispatched_at, sa.Date).label("basis_date"),
                sa.true().label("in_denominator"), in_num.label("in_numerator"),
                sa.cast(sa.null(), sa.String).label("excluded_reason"), c.village, c.category, c.rectify_status,
                c.rectified_at]
        where, date_col = sa.and_(c.town_code == town_code, _in(c.dispatched_at, start, end)), c.dispatched_at
    elif indicator == "video_ai.five_minute_rate":
        c = VIDEO.c
        to_arrive = sa.func.date_diff("second", c.detected_at, c.arrived_at) / 60.0
        to_handle = sa.func.date_diff("second", c.arrived_at, c.handled_at) / 60.0
        in_num = sa.func.coalesce(sa.and_(to_arrive <= 5, to_handle <= 5), False)
        cols = [c.event_no.label("row_key"), sa.cast(c.detected_at, sa.Date).label("basis_date"),
                sa.true().label("in_denominator"), in_num.label("in_numerator"),
                sa.cast(sa.null(), sa.String).label("excluded_reason"), c.channel_no, c.event_type, c.detected_at,
                c.arrived_at, c.handled_at, to_arrive.label("minutes_to_arrive"), to_handle.label("minutes_to_handle")]
        where, date_col = sa.and_(c.town_code == town_code, _in(c.detected_at, start, end)), c.detected_at
    else:
        raise ValueError(f"no rows for indicator {indicator!r}")
    hit = sa.func.coalesce(in_num, False)
    in_den = next(c for c in cols if c.name == "in_denominator")
    order = sa.case((sa.and_(in_den, hit if lower else sa.not_(hit)), 0), (sa.not_(in_den), 1), else_=2)
    return sa.select(*cols).where(where).order_by(order, date_col, cols[0]).limit(limit)
