"""Queries of the /violations page: digital urban management cases (``mart_dcm_case``, one row per case, and
``mart_dcm_daily``, its counts per day × town × community × bureau, each dated by its own timestamp: the headline,
trend, town league and town/community breakdowns sum the daily mart; the rest reads the cases).

Every function takes the shared ``Filters`` plus plain parameters and returns a SQLAlchemy ``Select``;
run it with ``warehouse.sql.compile_query`` and ``con.execute(sql, params).df()``. ``town`` (an NBS
town code) and ``community`` drill down: district → town → community → grid → rows. Indicator
definitions (contract, digital urban management assessment):

* 立案数 — filed cases, 作废 excluded, counted by 立案时间 (else 上报时间) in the range;
* 应结案数 (``due``) — cases whose 处置截止时间 falls in the range, less 作废, 缓办 and 挂账;
* 按期结案率 = on-time closures among them / 应结案数 (on time: 结案 and done — 处置完成时间, else
  结案时间 — on or before 处置截止时间); 结案率 = closed among them / 应结案数;
* 返工率 = cases with 返工次数 > 0 among them / 应结案数;
* mean hours 上报→派遣 and 派遣→结案 over cases reported in the range.

Every function also takes ``bureau_only`` (default False: all the
platform's cases, as the city assesses the district; True: only cases whose 处置部门 is the bureau, as the
annual report's dcm.* figures count).

Result columns (one DataFrame per function):

``kpis(f, town=None)`` — one row: reported, filed, void_count, due, due_excluded_suspended,
    due_excluded_void, closed_due, on_time, reworked, on_time_rate, close_rate, rework_rate,
    mean_h_report_dispatch, mean_h_dispatch_close, open_count, overdue_count (open = not 结案, 作废, 缓办
    or 挂账, reported before the range's end; overdue = open and past 处置截止时间 at the range's end).
``volume_trend(f, grain="month", town=None)`` — period (date), reported (by 上报时间), filed (by 立案时间),
    closed (by 结案时间), void_count (by 上报时间).
``category_pareto(f, town=None, major=None, limit=20)`` — major_category, minor_category, cases, share,
    cum_share (cases = 立案数 in the range, biggest first; shares of all minors, not only those shown).
``town_category_heatmap(f, level="major", town=None)`` — area_key, area_name, area_sort, category,
    cases (立案数). Rows are towns, or a town's communities when ``town`` is given.
``channel_mix(f, town=None)`` — channel, channel_order, reported, filed, void_count, share (of reported).
``lifecycle_funnel(f, town=None)`` — stage_order (1–6), stage (上报 立案 派遣 处置 核查 结案), cases
    (cases reported in the range that reached the stage), median_hours, mean_hours, n_timed (hours from
    the previous stage; 核查 has no timestamp of its own, so 结案's hours run from 处置完成 to 结案).
``town_performance(f, min_due=MIN_DENOMINATOR)`` — town_code, town_name, town_pinyin, town_sort, due, closed_due,
    on_time, reworked, on_time_rate, close_rate, rework_rate, target_on_time_rate, target_close_rate,
    target_rework_rate, on_time_status, close_status, rework_status (the status rule of
    ``warehouse.rules.status``). Targets: the rule of ``warehouse.rules.targets`` (``target_value``).
    All 9 towns, even without cases.
``area_breakdown(f, town=None, community=None)`` — level (town / community / grid), area_key, area_name,
    area_sort, town_code, reported, filed, due, on_time, on_time_rate, reworked, open_count (of those reported).
``open_cases(f, town=None, overdue_only=False, limit=200)`` — case_no, town_code, town_name, community,
    grid_code, major_category, minor_category, channel, department, stage, reported_at, dispatched_at,
    deadline_at, hours_overdue (hours past 处置截止时间 at the range's end; NULL for a case not yet due, never
    negative), is_overdue, address, description. Open = not 结案, 作废, 缓办 or 挂账, reported by the range's
    end; most overdue first, then the soonest due. The stage is the latest export's, so the list is "as of now".
``case_rows(f, town=None, community=None, grid=None, major=None, minor=None, channel=None, stage=None,
    date_basis="reported", limit=500)`` — the rows behind any chart: case_no, reported_at, filed_at,
    dispatched_at, deadline_at, handled_at, closed_at, stage, channel, major_category, minor_category,
    town_code, town_name, community, grid_code, department, is_bureau, rework_count, is_void,
    is_suspended, is_due_basis, is_closed, is_on_time, is_reworked, h_report_to_dispatch,
    h_dispatch_to_close, address, description. ``date_basis`` picks which timestamp the range applies
    to: reported, filed, deadline (应结案 rows: also drops 作废/缓办/挂账) or closed.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

import sqlalchemy as sa

from warehouse.rules import targets as target_rule
from warehouse.rules.status import MIN_DENOMINATOR, status_sql
from warehouse.sql import Filters, view

Grain = Literal["day", "week", "month", "quarter", "year"]
DateBasis = Literal["reported", "filed", "deadline", "closed"]
CHANNELS = ("监督员上报", "公众举报", "12345热线", "视频AI", "领导交办")
STAGES = ("上报", "立案", "派遣", "处置", "核查", "结案")

_CASE_COLUMNS = """
    case_no reported_at reported_on channel problem_type major_category minor_category category_code
    description address town_code town_name town_pinyin town_sort community grid_code filed_at dispatched_at
    department is_bureau deadline_at handled_at closed_at stage rework_count extension_count is_void
    is_suspended is_filed filed_ts is_due_basis is_closed is_on_time is_reworked is_open reached_report
    reached_file reached_dispatch reached_handle reached_check reached_close h_report_to_file
    h_file_to_dispatch h_dispatch_to_handle h_handle_to_close h_report_to_dispatch h_dispatch_to_close
    h_report_to_close
    """
CASE = view("mart_dcm_case", *_CASE_COLUMNS.split())
_DAILY_COLUMNS = """
    day town_code town_name town_sort community is_bureau reported reported_void reported_open
    report_dispatch_seconds report_dispatch_n dispatch_close_seconds dispatch_close_n filed deadline_rows due
    due_on_time due_closed due_reworked deadline_void deadline_deferred deadline_hung closed
    """
DAILY = view("mart_dcm_daily", *_DAILY_COLUMNS.split())  # the case counts per day (warehouse/marts/25_dcm_daily.sql)
TOWN = view("dim_town", "town_code", "town_name", "pinyin", "sort_order")
_TARGET_COLUMNS = "indicator town_code is_district period_type year period_start period_end target direction"
TARGET = view("mart_target", *_TARGET_COLUMNS.split())

_GRAINS: tuple[str, ...] = ("day", "week", "month", "quarter", "year")


# --- shared helpers ------------------------------------------------------------------------


def period_expr(column: sa.ColumnElement, grain: str) -> sa.ColumnElement:
    """The start date of ``column``'s day/week (Monday)/month/quarter/year; ``grain`` is whitelisted."""
    if grain not in _GRAINS:
        raise ValueError(f"grain must be one of {_GRAINS}, not {grain!r}")
    return sa.cast(sa.func.date_trunc(sa.literal_column(f"'{grain}'"), column), sa.Date)


def ratio(num: sa.ColumnElement, den: sa.ColumnElement) -> sa.ColumnElement:
    """``num / den`` as DOUBLE, NULL when ``den`` is 0."""
    return sa.cast(num, sa.Double) / sa.func.nullif(den, 0)


def count_if(cond: sa.ColumnElement) -> sa.ColumnElement:
    return sa.func.count().filter(cond)


def _place(f: Filters, town: str | None, bureau_only: bool = False, source: sa.TableClause = CASE
           ) -> sa.ColumnElement[bool]:
    """The place filters on ``source`` (the case rows, or the daily counts: both have these columns)."""
    c = source.c
    return sa.and_(
        f.town_clause(c.town_code),
        f.community_clause(c.community),
        c.town_code == town if town is not None else sa.true(),
        c.is_bureau if bureau_only else sa.true(),
    )


def _end_moment(f: Filters) -> sa.ColumnElement:
    """The end of the range (exclusive midnight after ``f.end``), else the current time."""
    if f.end is not None:
        return sa.cast(sa.literal(f.end + dt.timedelta(days=1)), sa.DateTime)
    return sa.func.current_localtimestamp()


def total(column: sa.ColumnElement) -> sa.ColumnElement:
    """``sum(column)`` of a count column of the daily mart, as BIGINT and 0 when no row matches."""
    return sa.cast(sa.func.coalesce(sa.func.sum(column), 0), sa.BigInteger)


def _mean_hours(seconds: sa.ColumnElement, n: sa.ColumnElement) -> sa.ColumnElement:
    """The mean in hours of per-case durations summed as whole ``seconds`` over ``n`` cases (NULL when none)."""
    return sa.cast(sa.func.sum(seconds), sa.Double) / 3600.0 / sa.func.nullif(sa.func.sum(n), 0)


def _due_in(f: Filters) -> sa.ColumnElement[bool]:
    return sa.and_(CASE.c.is_due_basis, f.date_clause(CASE.c.deadline_at))


def target_value(indicator: str, f: Filters, town_col: sa.ColumnElement | None) -> sa.ScalarSelect:
    """Scalar subquery: the target of ``indicator`` for the range (``warehouse.rules.targets``), or NULL.

    Without dates: the latest year's target.
    """
    start, end = f.start or f.end, f.end or f.start
    if start is None or end is None:
        g = TARGET.alias("g")
        scope = sa.or_(g.c.is_district, g.c.town_code == town_col) if town_col is not None else g.c.is_district
        return (sa.select(g.c.target).where(g.c.indicator == indicator, scope, g.c.period_type == "year")
                .order_by(g.c.is_district, g.c.year.desc()).limit(1).scalar_subquery())
    return target_rule.target_sql(indicator, start, end, town_col)


# --- queries -------------------------------------------------------------------------------


def kpis(f: Filters, town: str | None = None, bureau_only: bool = False) -> sa.Select:
    """Headline indicators for the range (one row): sums of the daily mart, and the open cases as of the end."""
    d, c = DAILY.c, CASE.c
    counts = sa.select(
        total(d.reported).label("reported"),
        total(d.filed).label("filed"),
        total(d.reported_void).label("void_count"),
        total(d.due).label("due"),
        total(d.deadline_deferred + d.deadline_hung).label("due_excluded_suspended"),
        total(d.deadline_void).label("due_excluded_void"),
        total(d.due_closed).label("closed_due"),
        total(d.due_on_time).label("on_time"),
        total(d.due_reworked).label("reworked"),
        ratio(sa.func.sum(d.due_on_time), sa.func.sum(d.due)).label("on_time_rate"),
        ratio(sa.func.sum(d.due_closed), sa.func.sum(d.due)).label("close_rate"),
        ratio(sa.func.sum(d.due_reworked), sa.func.sum(d.due)).label("rework_rate"),
        _mean_hours(d.report_dispatch_seconds, d.report_dispatch_n).label("mean_h_report_dispatch"),
        _mean_hours(d.dispatch_close_seconds, d.dispatch_close_n).label("mean_h_dispatch_close"),
    ).where(_place(f, town, bureau_only, DAILY), f.date_clause(d.day)).subquery("counts")
    end = _end_moment(f)
    still_open = sa.select(
        count_if(c.reported_at < end).label("open_count"),
        count_if(sa.and_(c.reported_at < end, c.deadline_at < end)).label("overdue_count"),
    ).where(_place(f, town, bureau_only), c.is_open).subquery("still_open")
    return sa.select(counts, still_open).select_from(counts.join(still_open, sa.true()))


def volume_trend(f: Filters, grain: Grain = "month", town: str | None = None, bureau_only: bool = False) -> sa.Select:
    """Reported, filed, closed and void cases per period, each by its own timestamp (a period with none is left
    out)."""
    d = DAILY.c
    period = period_expr(d.day, grain)
    return (
        sa.select(
            period.label("period"),
            total(d.reported).label("reported"),
            total(d.filed).label("filed"),
            total(d.closed).label("closed"),
            total(d.reported_void).label("void_count"),
        )
        .where(_place(f, town, bureau_only, DAILY), f.date_clause(d.day))
        .group_by(period)
        .having(sa.func.sum(d.reported + d.filed + d.closed) > 0)
        .order_by(period)
    )


def _filed_in(f: Filters, town: str | None, bureau_only: bool) -> sa.ColumnElement[bool]:
    return sa.and_(_place(f, town, bureau_only), CASE.c.is_filed, f.date_clause(CASE.c.filed_ts))


def category_pareto(
    f: Filters, town: str | None = None, major: str | None = None, limit: int = 20, bureau_only: bool = False,
    others: bool = False,
) -> sa.Select:
    """立案数 per minor category, biggest first, with share and cumulative share; with ``others`` the categories
    past ``limit`` are one last row (major and minor NULL, ``categories`` how many) so the cumulative share
    reaches 100%."""
    c = CASE.c
    counts = (
        sa.select(c.major_category, c.minor_category, sa.func.count().label("cases"))
        .where(_filed_in(f, town, bureau_only), c.major_category == major if major is not None else sa.true())
        .group_by(c.major_category, c.minor_category)
        .subquery("counts")
    )
    order = (counts.c.cases.desc(), counts.c.minor_category)
    if others:
        ranked = sa.select(counts, sa.func.row_number().over(order_by=order).label("rn")).subquery("ranked")
        top = ranked.c.rn <= limit
        counts = (
            sa.select(
                sa.case((top, ranked.c.major_category)).label("major_category"),
                sa.case((top, ranked.c.minor_category)).label("minor_category"),
                sa.func.sum(ranked.c.cases).label("cases"),
                sa.func.count().label("categories"),
                sa.func.min(ranked.c.rn).label("rn"),
            )
            .group_by(sa.text("1"), sa.text("2"))
            .subquery("folded")
        )
        order = (counts.c.rn,)
    total = sa.func.sum(counts.c.cases).over()
    extra = [counts.c.categories] if others else []
    return (
        sa.select(
            counts.c.major_category,
            counts.c.minor_category,
            counts.c.cases,
            (sa.cast(counts.c.cases, sa.Double) / total).label("share"),
            (sa.cast(sa.func.sum(counts.c.cases).over(order_by=order, rows=(None, 0)), sa.Double) / total).label(
                "cum_share"
            ),
            *extra,
        )
        .order_by(*order)
        .limit(limit + 1 if others else limit)
    )


def _area_cols(town: str | None) -> tuple[sa.ColumnElement, sa.ColumnElement, sa.ColumnElement]:
    c = CASE.c
    if town is None:
        return c.town_code, sa.func.coalesce(c.town_name, c.town_code), sa.func.coalesce(c.town_sort, 99)
    return c.community, c.community, sa.literal_column("0")


def town_category_heatmap(
    f: Filters, level: Literal["major", "minor"] = "major", town: str | None = None, bureau_only: bool = False
) -> sa.Select:
    """立案数 per (town, category); per (community, category) inside one town."""
    c = CASE.c
    category = c.major_category if level == "major" else c.minor_category
    key, name, sort = _area_cols(town)
    return (
        sa.select(
            key.label("area_key"),
            sa.func.any_value(name).label("area_name"),
            sa.func.min(sort).label("area_sort"),
            category.label("category"),
            sa.func.count().label("cases"),
        )
        .where(_filed_in(f, town, bureau_only))
        .group_by(key, category)
        .order_by(sa.text("area_sort"), sa.text("area_key"), sa.text("category"))
    )


def channel_mix(f: Filters, town: str | None = None, bureau_only: bool = False) -> sa.Select:
    """Cases reported in the range per 问题来源, in the contract's channel order (others last)."""
    c = CASE.c
    order = sa.case(*((c.channel == ch, i + 1) for i, ch in enumerate(CHANNELS)), else_=99)
    reported = sa.func.count()
    return (
        sa.select(
            c.channel,
            sa.func.min(order).label("channel_order"),
            reported.label("reported"),
            count_if(c.is_filed).label("filed"),
            count_if(c.is_void).label("void_count"),
            (sa.cast(reported, sa.Double) / sa.func.sum(reported).over()).label("share"),
        )
        .where(_place(f, town, bureau_only), f.date_clause(c.reported_at))
        .group_by(c.channel)
        .order_by(sa.text("channel_order"), c.channel)
    )


def lifecycle_funnel(f: Filters, town: str | None = None, bureau_only: bool = False) -> sa.Select:
    """上报→立案→派遣→处置→核查→结案: cases reaching each stage and hours from the previous one."""
    c = CASE.c
    reach = (c.reached_report, c.reached_file, c.reached_dispatch, c.reached_handle, c.reached_check, c.reached_close)
    hours = (None, c.h_report_to_file, c.h_file_to_dispatch, c.h_dispatch_to_handle, None, c.h_handle_to_close)
    cols: list[sa.ColumnElement] = []
    for i, (r, h) in enumerate(zip(reach, hours, strict=True), start=1):
        cols.append(count_if(r).label(f"n{i}"))
        if h is None:
            cols += [
                sa.cast(sa.null(), sa.Double).label(f"md{i}"),
                sa.cast(sa.null(), sa.Double).label(f"mn{i}"),
                sa.cast(sa.literal_column("0"), sa.BigInteger).label(f"nt{i}"),
            ]
        else:
            cols += [
                sa.func.median(h).filter(r).label(f"md{i}"),
                sa.func.avg(h).filter(r).label(f"mn{i}"),
                sa.func.count(h).filter(r).label(f"nt{i}"),
            ]
    agg = sa.select(*cols).where(_place(f, town, bureau_only), f.date_clause(c.reported_at)).subquery("agg")
    stages = sa.values(
        sa.column("stage_order", sa.Integer), sa.column("stage", sa.String), name="stages", literal_binds=True
    ).data([(i, s) for i, s in enumerate(STAGES, start=1)])

    def pick(prefix: str) -> sa.ColumnElement:
        return sa.case(*((stages.c.stage_order == i, agg.c[f"{prefix}{i}"]) for i in range(1, 7)))

    return (
        sa.select(
            stages.c.stage_order,
            stages.c.stage,
            pick("n").label("cases"),
            pick("md").label("median_hours"),
            pick("mn").label("mean_hours"),
            pick("nt").label("n_timed"),
        )
        .select_from(stages.join(agg, sa.true()))
        .order_by(stages.c.stage_order)
    )


def town_performance(f: Filters, min_due: int = MIN_DENOMINATOR, bureau_only: bool = False) -> sa.Select:
    """Per town: 应结案数, 按期结案率, 结案率, 返工率 against their targets, with a status colour name."""
    d = DAILY.c
    agg = (
        sa.select(
            d.town_code,
            total(d.due).label("due"),
            total(d.due_closed).label("closed_due"),
            total(d.due_on_time).label("on_time"),
            total(d.due_reworked).label("reworked"),
        )
        .where(_place(f, None, bureau_only, DAILY), f.date_clause(d.day))
        .group_by(d.town_code)
        .having(sa.func.sum(d.due) > 0)
        .subquery("agg")
    )
    t = TOWN.c
    n = sa.func.coalesce(agg.c.due, 0)
    rates = {
        "on_time": ratio(agg.c.on_time, agg.c.due),
        "close": ratio(agg.c.closed_due, agg.c.due),
        "rework": ratio(agg.c.reworked, agg.c.due),
    }
    inner = (
        sa.select(
            t.town_code,
            t.town_name,
            t.pinyin.label("town_pinyin"),
            t.sort_order.label("town_sort"),
            n.label("due"),
            sa.func.coalesce(agg.c.closed_due, 0).label("closed_due"),
            sa.func.coalesce(agg.c.on_time, 0).label("on_time"),
            sa.func.coalesce(agg.c.reworked, 0).label("reworked"),
            rates["on_time"].label("on_time_rate"),
            rates["close"].label("close_rate"),
            rates["rework"].label("rework_rate"),
            target_value("dcm.on_time_due_rate", f, t.town_code).label("target_on_time_rate"),
            target_value("dcm.close_rate", f, t.town_code).label("target_close_rate"),
            target_value("dcm.rework_rate", f, t.town_code).label("target_rework_rate"),
        )
        .select_from(TOWN.outerjoin(agg, agg.c.town_code == t.town_code))
        .where(f.town_clause(t.town_code))
        .subquery("perf")
    )
    p = inner.c
    return sa.select(
        *p,
        status_sql(p.on_time_rate, p.target_on_time_rate, p.due, min_n=min_due).label("on_time_status"),
        status_sql(p.close_rate, p.target_close_rate, p.due, min_n=min_due).label("close_status"),
        status_sql(p.rework_rate, p.target_rework_rate, p.due, higher_is_better=False, min_n=min_due).label(
            "rework_status"),
    ).order_by(p.town_sort)


def area_breakdown(
    f: Filters, town: str | None = None, community: str | None = None, bureau_only: bool = False
) -> sa.Select:
    """One drill level: towns of the district, communities of a town (sums of the daily mart), or grids of a
    community (case rows: the daily mart has no grid grain). An area is listed when it has cases reported, filed
    or due in the range."""
    if community is not None:
        return _grid_breakdown(f, town, community, bureau_only)
    d = DAILY.c
    if town is None:
        level, key, name, sort = "town", d.town_code, sa.func.coalesce(d.town_name, d.town_code), d.town_sort
    else:
        level, key, name, sort = "community", d.community, d.community, sa.literal_column("0")
    return (
        sa.select(
            sa.literal_column(f"'{level}'").label("level"),
            key.label("area_key"),
            sa.func.any_value(name).label("area_name"),
            sa.func.min(sort).label("area_sort"),
            sa.func.any_value(d.town_code).label("town_code"),
            total(d.reported).label("reported"),
            total(d.filed).label("filed"),
            total(d.due).label("due"),
            total(d.due_on_time).label("on_time"),
            ratio(sa.func.sum(d.due_on_time), sa.func.sum(d.due)).label("on_time_rate"),
            total(d.due_reworked).label("reworked"),
            total(d.reported_open).label("open_count"),
        )
        .where(_place(f, town, bureau_only, DAILY), f.date_clause(d.day))
        .group_by(key)
        .having(sa.func.sum(d.reported + d.filed + d.due) > 0)
        .order_by(sa.text("area_sort"), sa.text("reported DESC"), sa.text("area_key"))
    )


def _grid_breakdown(f: Filters, town: str | None, community: str, bureau_only: bool) -> sa.Select:
    """``area_breakdown``'s grid level, counted from the case rows with the daily mart's definitions."""
    c = CASE.c
    reported, due = f.date_clause(c.reported_at), _due_in(f)
    filed = sa.and_(c.is_filed, f.date_clause(c.filed_ts))
    on_time = count_if(sa.and_(due, c.is_on_time))
    return (
        sa.select(
            sa.literal_column("'grid'").label("level"),
            c.grid_code.label("area_key"),
            c.grid_code.label("area_name"),
            sa.literal_column("0").label("area_sort"),
            sa.func.any_value(c.town_code).label("town_code"),
            count_if(reported).label("reported"),
            count_if(filed).label("filed"),
            count_if(due).label("due"),
            on_time.label("on_time"),
            ratio(on_time, count_if(due)).label("on_time_rate"),
            count_if(sa.and_(due, c.is_reworked)).label("reworked"),
            count_if(sa.and_(reported, c.is_open)).label("open_count"),
        )
        .where(_place(f, town, bureau_only), c.community == community, sa.or_(reported, due, filed))
        .group_by(c.grid_code)
        .order_by(sa.text("area_sort"), sa.text("reported DESC"), sa.text("area_key"))
    )


def open_cases(
    f: Filters, town: str | None = None, overdue_only: bool = False, limit: int = 200, bureau_only: bool = False
) -> sa.Select:
    """Open cases (and how many hours past their deadline), most overdue first."""
    c = CASE.c
    end = _end_moment(f)
    overdue_h = sa.func.date_diff(sa.literal_column("'second'"), c.deadline_at, end) / 3600.0
    return (
        sa.select(
            c.case_no,
            c.town_code,
            c.town_name,
            c.community,
            c.grid_code,
            c.major_category,
            c.minor_category,
            c.channel,
            c.department,
            c.stage,
            c.reported_at,
            c.dispatched_at,
            c.deadline_at,
            sa.case((c.deadline_at < end, overdue_h)).label("hours_overdue"),
            sa.func.coalesce(c.deadline_at < end, False).label("is_overdue"),
            c.address,
            c.description,
        )
        .where(
            _place(f, town, bureau_only),
            c.is_open,
            c.reported_at < end,
            c.deadline_at < end if overdue_only else sa.true(),
        )
        .order_by(sa.nulls_last(sa.desc(sa.text("hours_overdue"))), c.deadline_at, c.case_no)
        .limit(limit)
    )


def case_rows(
    f: Filters,
    town: str | None = None,
    community: str | None = None,
    grid: str | None = None,
    major: str | None = None,
    minor: str | None = None,
    channel: str | None = None,
    stage: str | None = None,
    date_basis: DateBasis = "reported",
    limit: int = 500,
    bureau_only: bool = False,
) -> sa.Select:
    """The case rows behind a chart element, newest first."""
    c = CASE.c
    basis: dict[str, tuple[sa.ColumnElement, sa.ColumnElement[bool]]] = {
        "reported": (c.reported_at, sa.true()),
        "filed": (c.filed_ts, c.is_filed),
        "deadline": (c.deadline_at, c.is_due_basis),
        "closed": (c.closed_at, c.is_closed),
    }
    if date_basis not in basis:
        raise ValueError(f"date_basis must be one of {tuple(basis)}, not {date_basis!r}")
    when, keep = basis[date_basis]
    optional = {
        c.community: community,
        c.grid_code: grid,
        c.major_category: major,
        c.minor_category: minor,
        c.channel: channel,
        c.stage: stage,
    }
    return (
        sa.select(
            c.case_no,
            c.reported_at,
            c.filed_at,
            c.dispatched_at,
            c.deadline_at,
            c.handled_at,
            c.closed_at,
            c.stage,
            c.channel,
            c.major_category,
            c.minor_category,
            c.town_code,
            c.town_name,
            c.community,
            c.grid_code,
            c.department,
            c.is_bureau,
            c.rework_count,
            c.is_void,
            c.is_suspended,
            c.is_due_basis,
            c.is_closed,
            c.is_on_time,
            c.is_reworked,
            c.h_report_to_dispatch,
            c.h_dispatch_to_close,
            c.address,
            c.description,
        )
        .where(
            _place(f, town, bureau_only),
            keep,
            f.date_clause(when),
            *(col == value for col, value in optional.items() if value is not None),
        )
        .order_by(when.desc(), c.case_no)
        .limit(limit)
    )
