"""Queries of the /demolitions page: the illegal-construction ledger (mart ``mart_illegal_construction``).

Functions take the shared ``Filters`` plus plain parameters and return SQLAlchemy ``Select`` objects.
Definitions (as the annual report, ``mart_report``): a demolition counts in the month of its 拆除日期;
its area is 拆除面积, else 违建面积 (``demolished_area_eff_m2``). 存量 = stock, 新增 = new (新建 too).
Open = neither demolished nor 已拆除/已整改; 动态清零 means no open new violation. Plans come from
``fact_target`` (via ``mart_target``): indicators demolition.stock_count / demolition.stock_area_m2
(and demolition.new_count, demolition.campaign_count …), period type year; none → NULL, draw no line.
For the whole district the plan is the district's target; for a town or a set of towns (drill-down or
``Filters.towns``) it is the sum of those towns' own targets, NULL unless each has one (``plan_value``).

Result columns:

``kpis(f, town=None)`` — one row: stock_demolished, stock_demolished_m2, new_found, new_found_m2,
    new_demolished, new_demolished_m2, new_open (at the range's end), stock_open, stock_open_m2,
    campaign_demolished, campaign_demolished_m2, median_days_to_demolish, plan_stock_count,
    plan_stock_area_m2, plan_year.
``monthly(f, town=None)`` — month (date), kind (存量/新增), found, found_m2, demolished, demolished_m2.
``by_area(f, town=None)`` — level (town / community), area_key, area_name, area_sort, town_code, kind,
    found, found_m2, demolished, demolished_m2, open_count, open_m2 (open at the range's end).
``cumulative_vs_plan(f, year, kind="存量", town=None)`` — month (1st of each month of ``year``),
    demolished, demolished_m2, cum_count, cum_m2 (NULL after the range's end), plan_count, plan_m2
    (the annual target on every row, NULL without one), plan_to_date_count, plan_to_date_m2 (pro rata
    by month).
``new_vs_zero(f)`` — per town (all 9): town_code, town_name, town_pinyin, town_sort, new_found,
    new_found_m2, new_resolved, new_open, new_open_m2, status ('green' when nothing new is open, else
    'red'). new_found/new_resolved count within the range; new_open is the ledger at the range's end.
``time_to_demolish(f, town=None)`` — per town and kind for demolitions in the range: town_code,
    town_name, town_sort, kind, n, median_days, p90_days, mean_days.
``campaigns(f, town=None)`` — per 专项行动: campaign, total (entries found by the range's end), total_m2,
    demolished (by the range's end), demolished_m2, resolved, open_count, progress (resolved / total),
    demolished_in_range, demolished_in_range_m2, plan_count (target demolition.campaign_count).
``ledger_rows(f, town=None, community=None, kind=None, status=None, campaign=None, open_only=False,
    date_basis="demolished", limit=500)`` — case_no, town_code, town_name, community, address, party, kind,
    structure, usage, area_m2, found_on, found_by, campaign, disposal, demolished_on, demolished_area_m2,
    demolished_area_eff_m2, status, days_to_demolish, is_open. ``date_basis``: demolished (拆除日期 in
    range), found (发现日期 in range) or none (whole ledger up to the range's end).
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

import sqlalchemy as sa

from warehouse.queries.violations import TARGET, TOWN, count_if, period_expr, ratio
from warehouse.sql import Filters, view

Kind = Literal["存量", "新增"]
DateBasis = Literal["demolished", "found", "none"]

LEDGER = view(
    "mart_illegal_construction",
    "case_no", "town_code", "town_name", "town_pinyin", "town_sort", "community", "address", "party", "kind",
    "is_stock", "is_new", "structure", "usage", "area_m2", "found_on", "found_by", "campaign", "disposal",
    "demolished_on", "demolished_area_m2", "status", "is_demolished", "demolished_area_eff_m2", "is_resolved",
    "is_open", "days_to_demolish",
)
CAMPAIGN = "违法建设专项整治"


def plan_value(indicator: str, year: int | None, f: Filters, town: str | None = None) -> sa.ScalarSelect:
    """Scalar subquery: the annual plan (``fact_target``, period type year) for the place shown, or NULL.

    The whole district: the district's target. A town (``town``) or a set of towns (``f.towns``): the sum of
    those towns' own targets, NULL unless every one of them has one (a district plan is never drawn
    against a part of the district). A community (``f.community``): NULL (plans are set per town).
    ``year`` None: the latest year with a target.
    """
    g = TARGET.alias("g")
    if f.community is not None:  # plans are set per town, never per community
        return sa.select(sa.null()).scalar_subquery()
    towns = (town,) if town is not None else f.towns
    year_ok = g.c.year == year if year is not None else g.c.year == (
        sa.select(sa.func.max(TARGET.c.year)).where(TARGET.c.indicator == indicator).scalar_subquery())
    base = [g.c.indicator == indicator, g.c.period_type == "year", year_ok]
    if not towns:
        return sa.select(sa.func.max(g.c.target)).where(*base, g.c.is_district).scalar_subquery()
    return (
        sa.select(sa.case((sa.func.count(sa.distinct(g.c.town_code)) == len(towns), sa.func.sum(g.c.target))))
        .where(*base, g.c.town_code.in_(towns))
        .scalar_subquery()
    )


def _place(f: Filters, town: str | None) -> sa.ColumnElement[bool]:
    c = LEDGER.c
    return sa.and_(
        f.town_clause(c.town_code),
        f.community_clause(c.community),
        c.town_code == town if town is not None else sa.true(),
    )


def _by_end(f: Filters, column: sa.ColumnElement) -> sa.ColumnElement[bool]:
    """``column`` on or before the range's end (always true without an end)."""
    return column <= f.end if f.end is not None else sa.true()


def _open_at_end(f: Filters) -> sa.ColumnElement[bool]:
    """Found by the range's end and not resolved by then (resolutions without a date count as resolved)."""
    c = LEDGER.c
    not_demolished_yet = sa.or_(c.demolished_on.is_(None), c.demolished_on > f.end) if f.end else sa.true()
    still_open = sa.or_(c.is_open, sa.and_(c.is_demolished, not_demolished_yet))
    return sa.and_(_by_end(f, c.found_on), still_open)


def _sum(column: sa.ColumnElement, cond: sa.ColumnElement[bool] | None = None) -> sa.ColumnElement:
    total = sa.func.sum(column) if cond is None else sa.func.sum(column).filter(cond)
    return sa.func.coalesce(sa.cast(total, sa.Double), 0.0)


def kpis(f: Filters, town: str | None = None) -> sa.Select:
    """Headline figures for the range (one row), with the year's stock plan."""
    c = LEDGER.c
    demolished = sa.and_(c.is_demolished, f.date_clause(c.demolished_on))
    found = f.date_clause(c.found_on)
    open_end = _open_at_end(f)
    year = (f.end or f.start).year if (f.end or f.start) else None
    return sa.select(
        count_if(sa.and_(demolished, c.is_stock)).label("stock_demolished"),
        _sum(c.demolished_area_eff_m2, sa.and_(demolished, c.is_stock)).label("stock_demolished_m2"),
        count_if(sa.and_(found, c.is_new)).label("new_found"),
        _sum(c.area_m2, sa.and_(found, c.is_new)).label("new_found_m2"),
        count_if(sa.and_(demolished, c.is_new)).label("new_demolished"),
        _sum(c.demolished_area_eff_m2, sa.and_(demolished, c.is_new)).label("new_demolished_m2"),
        count_if(sa.and_(open_end, c.is_new)).label("new_open"),
        count_if(sa.and_(open_end, c.is_stock)).label("stock_open"),
        _sum(c.area_m2, sa.and_(open_end, c.is_stock)).label("stock_open_m2"),
        count_if(sa.and_(demolished, c.campaign == CAMPAIGN)).label("campaign_demolished"),
        _sum(c.demolished_area_eff_m2, sa.and_(demolished, c.campaign == CAMPAIGN)).label("campaign_demolished_m2"),
        sa.func.median(c.days_to_demolish).filter(demolished).label("median_days_to_demolish"),
        plan_value("demolition.stock_count", year, f, town).label("plan_stock_count"),
        plan_value("demolition.stock_area_m2", year, f, town).label("plan_stock_area_m2"),
        sa.literal(year, sa.Integer).label("plan_year"),
    ).where(_place(f, town))


def monthly(f: Filters, town: str | None = None) -> sa.Select:
    """Found and demolished per month and kind (each by its own date)."""
    c = LEDGER.c
    place = _place(f, town)
    zero = sa.literal_column("0")
    found = sa.select(period_expr(c.found_on, "month").label("month"), c.kind.label("kind"),
                      sa.literal_column("1").label("found"), c.area_m2.label("found_m2"),
                      zero.label("demolished"), sa.cast(zero, sa.Double).label("demolished_m2")
                      ).where(place, f.date_clause(c.found_on))
    gone = sa.select(period_expr(c.demolished_on, "month"), c.kind, zero, sa.cast(zero, sa.Double),
                     sa.literal_column("1"), c.demolished_area_eff_m2
                     ).where(place, c.is_demolished, f.date_clause(c.demolished_on))
    u = sa.union_all(found, gone).subquery("u")
    return (
        sa.select(u.c.month, u.c.kind, sa.cast(sa.func.sum(u.c.found), sa.BigInteger).label("found"),
                  _sum(u.c.found_m2).label("found_m2"),
                  sa.cast(sa.func.sum(u.c.demolished), sa.BigInteger).label("demolished"),
                  _sum(u.c.demolished_m2).label("demolished_m2"))
        .group_by(u.c.month, u.c.kind)
        .order_by(u.c.month, u.c.kind)
    )


def by_area(f: Filters, town: str | None = None) -> sa.Select:
    """Per town (or per community of ``town``) and kind: found, demolished and open at the range's end."""
    c = LEDGER.c
    if town is None:
        level, key, name, sort = "town", c.town_code, sa.func.coalesce(c.town_name, c.town_code), c.town_sort
    else:
        level, key, name, sort = "community", c.community, c.community, sa.literal_column("0")
    found = f.date_clause(c.found_on)
    demolished = sa.and_(c.is_demolished, f.date_clause(c.demolished_on))
    open_end = _open_at_end(f)
    return (
        sa.select(
            sa.literal_column(f"'{level}'").label("level"), key.label("area_key"),
            sa.func.any_value(name).label("area_name"), sa.func.min(sort).label("area_sort"),
            sa.func.any_value(c.town_code).label("town_code"), c.kind,
            count_if(found).label("found"), _sum(c.area_m2, found).label("found_m2"),
            count_if(demolished).label("demolished"), _sum(c.demolished_area_eff_m2, demolished).label("demolished_m2"),
            count_if(open_end).label("open_count"), _sum(c.area_m2, open_end).label("open_m2"),
        )
        .where(_place(f, town), sa.or_(found, demolished, open_end))
        .group_by(key, c.kind)
        .order_by(sa.text("area_sort"), sa.text("area_key"), c.kind)
    )


def cumulative_vs_plan(f: Filters, year: int, kind: Kind = "存量", town: str | None = None) -> sa.Select:
    """Cumulative demolitions of ``kind`` per month of ``year`` against the annual plan."""
    c = LEDGER.c
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    months = sa.select(
        sa.cast(sa.func.unnest(sa.func.generate_series(sa.cast(sa.literal(first), sa.Date),
                                                         sa.cast(sa.literal(dt.date(year, 12, 1)), sa.Date),
                                                         sa.literal_column("INTERVAL 1 MONTH"))), sa.Date)
        .label("month")
    ).subquery("months")
    done = (
        sa.select(period_expr(c.demolished_on, "month").label("month"), sa.func.count().label("n"),
                  _sum(c.demolished_area_eff_m2).label("m2"))
        .where(_place(f, town), c.is_demolished, c.kind == kind, c.demolished_on >= first, c.demolished_on <= last,
               _by_end(f, c.demolished_on))
        .group_by(sa.text("1"))
        .subquery("done")
    )
    key = "stock" if kind == "存量" else "new"
    plan_n = plan_value(f"demolition.{key}_count", year, f, town)
    plan_m2 = plan_value(f"demolition.{key}_area_m2", year, f, town)
    n = sa.func.coalesce(done.c.n, 0)
    m2 = sa.func.coalesce(done.c.m2, 0.0)
    order = {"order_by": months.c.month, "rows": (None, 0)}
    in_range = months.c.month <= f.end if f.end is not None else sa.true()
    share = sa.cast(sa.func.month(months.c.month), sa.Double) / 12.0
    inner = (
        sa.select(
            months.c.month, n.label("demolished"), m2.label("demolished_m2"),
            sa.case((in_range, sa.func.sum(n).over(**order))).label("cum_count"),
            sa.case((in_range, sa.func.sum(m2).over(**order))).label("cum_m2"),
            plan_n.label("plan_count"), plan_m2.label("plan_m2"), share.label("share"),
        )
        .select_from(months.outerjoin(done, done.c.month == months.c.month))
        .subquery("cum")
    )
    p = inner.c
    return sa.select(
        p.month, sa.cast(p.demolished, sa.BigInteger).label("demolished"), p.demolished_m2,
        sa.cast(p.cum_count, sa.BigInteger).label("cum_count"), sa.cast(p.cum_m2, sa.Double).label("cum_m2"),
        p.plan_count, p.plan_m2,
        (p.plan_count * p.share).label("plan_to_date_count"), (p.plan_m2 * p.share).label("plan_to_date_m2"),
    ).order_by(p.month)


def new_vs_zero(f: Filters) -> sa.Select:
    """New violations per town against the 动态清零 goal (nothing new left open)."""
    c = LEDGER.c
    found = sa.and_(c.is_new, f.date_clause(c.found_on))
    open_end = sa.and_(c.is_new, _open_at_end(f))
    agg = (
        sa.select(
            c.town_code, count_if(found).label("new_found"), _sum(c.area_m2, found).label("new_found_m2"),
            count_if(sa.and_(found, c.is_resolved)).label("new_resolved"),
            count_if(open_end).label("new_open"), _sum(c.area_m2, open_end).label("new_open_m2"),
        )
        .where(f.town_clause(c.town_code), f.community_clause(c.community), c.is_new)
        .group_by(c.town_code)
        .subquery("agg")
    )
    t = TOWN.c
    new_open = sa.func.coalesce(agg.c.new_open, 0)
    return (
        sa.select(
            t.town_code, t.town_name, t.pinyin.label("town_pinyin"), t.sort_order.label("town_sort"),
            sa.func.coalesce(agg.c.new_found, 0).label("new_found"),
            sa.func.coalesce(agg.c.new_found_m2, 0.0).label("new_found_m2"),
            sa.func.coalesce(agg.c.new_resolved, 0).label("new_resolved"), new_open.label("new_open"),
            sa.func.coalesce(agg.c.new_open_m2, 0.0).label("new_open_m2"),
            sa.case((new_open == 0, "green"), else_="red").label("status"),
        )
        .select_from(TOWN.outerjoin(agg, agg.c.town_code == t.town_code))
        .where(f.town_clause(t.town_code))
        .order_by(t.sort_order)
    )


def time_to_demolish(f: Filters, town: str | None = None) -> sa.Select:
    """Days from 发现日期 to 拆除日期 for demolitions in the range, per town and kind."""
    c = LEDGER.c
    d = c.days_to_demolish
    return (
        sa.select(
            c.town_code, sa.func.any_value(c.town_name).label("town_name"),
            sa.func.min(c.town_sort).label("town_sort"), c.kind, sa.func.count(d).label("n"),
            sa.cast(sa.func.median(d), sa.Double).label("median_days"),
            sa.func.quantile_cont(d, 0.9).label("p90_days"), sa.func.avg(d).label("mean_days"),
        )
        .where(_place(f, town), c.is_demolished, f.date_clause(c.demolished_on), d.is_not(None))
        .group_by(c.town_code, c.kind)
        .order_by(sa.text("town_sort"), c.kind)
    )


def campaigns(f: Filters, town: str | None = None) -> sa.Select:
    """Progress of each 专项行动: entries in it and how many are demolished or resolved by the range's end."""
    c = LEDGER.c
    known = _by_end(f, c.found_on)
    done_by_end = sa.and_(c.is_demolished, _by_end(f, c.demolished_on))
    resolved = sa.and_(c.is_resolved, sa.not_(_open_at_end(f)))
    in_range = sa.and_(c.is_demolished, f.date_clause(c.demolished_on))
    total = sa.func.count()
    year = (f.end or f.start).year if (f.end or f.start) else None
    return (
        sa.select(
            c.campaign, total.label("total"), _sum(c.area_m2).label("total_m2"),
            count_if(done_by_end).label("demolished"),
            _sum(c.demolished_area_eff_m2, done_by_end).label("demolished_m2"),
            count_if(resolved).label("resolved"), count_if(_open_at_end(f)).label("open_count"),
            ratio(count_if(resolved), total).label("progress"),
            count_if(in_range).label("demolished_in_range"),
            _sum(c.demolished_area_eff_m2, in_range).label("demolished_in_range_m2"),
            plan_value("demolition.campaign_count", year, f, town).label("plan_count"),
        )
        .where(_place(f, town), c.campaign.is_not(None), known)
        .group_by(c.campaign)
        .order_by(sa.text("total DESC"), c.campaign)
    )


def ledger_rows(
    f: Filters,
    town: str | None = None,
    community: str | None = None,
    kind: Kind | None = None,
    status: str | None = None,
    campaign: str | None = None,
    open_only: bool = False,
    date_basis: DateBasis = "demolished",
    limit: int = 500,
) -> sa.Select:
    """The ledger rows behind a chart element."""
    c = LEDGER.c
    if date_basis == "demolished":
        when, basis = c.demolished_on, sa.and_(c.is_demolished, f.date_clause(c.demolished_on))
    elif date_basis == "found":
        when, basis = c.found_on, f.date_clause(c.found_on)
    elif date_basis == "none":
        when, basis = c.found_on, _by_end(f, c.found_on)
    else:
        raise ValueError(f"date_basis must be demolished, found or none, not {date_basis!r}")
    optional = {c.community: community, c.kind: kind, c.status: status, c.campaign: campaign}
    return (
        sa.select(
            c.case_no, c.town_code, c.town_name, c.community, c.address, c.party, c.kind, c.structure, c.usage,
            c.area_m2, c.found_on, c.found_by, c.campaign, c.disposal, c.demolished_on, c.demolished_area_m2,
            c.demolished_area_eff_m2, c.status, c.days_to_demolish, c.is_open,
        )
        .where(_place(f, town), basis, _open_at_end(f) if open_only else sa.true(),
               *(col == value for col, value in optional.items() if value is not None))
        .order_by(sa.nulls_last(when.desc()), c.case_no)
        .limit(limit)
    )
