"""The /violations figures summed from the daily mart (mart_dcm_daily) equal the same figures counted case by case.

``warehouse.queries.violations`` reads ``mart_dcm_daily`` for the headline (``kpis``), the trend, the town league
and the town and community breakdowns. Here each is checked against a row-level count over ``mart_dcm_case``
written out below (the definitions of the module docstring, one case at a time), for 60 filter combinations
drawn with a fixed seed on the demo warehouse (dates at and across month and year edges, open ranges, town lists,
one town, one community, the bureau's own cases) and on the small export set, plus named edge ranges.
Counts must be equal; the mean hours equal to 1e-9 hours.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from tests.dashboard_data import small_warehouse_fixture  # noqa: F401
from warehouse import store
from warehouse.queries import violations as q
from warehouse.sql import Filters, compile_query

Runner = Callable[[sa.Select], pd.DataFrame]
C = q.CASE.c


def _runner(warehouse: Path) -> tuple[Runner, object]:
    con = store.connect_readonly(warehouse)

    def run(stmt: sa.Select) -> pd.DataFrame:
        sql, params = compile_query(stmt)
        return con.execute(sql, params).df()

    return run, con


# --- the row-level definitions -----------------------------------------------------------------


def _place(f: Filters, town: str | None, bureau: bool) -> sa.ColumnElement[bool]:
    return sa.and_(f.town_clause(C.town_code), f.community_clause(C.community),
                   C.town_code == town if town else sa.true(), C.is_bureau if bureau else sa.true())


def _rows_kpis(f: Filters, town: str | None, bureau: bool) -> sa.Select:
    reported, filed = f.date_clause(C.reported_at), sa.and_(C.is_filed, f.date_clause(C.filed_ts))
    due = sa.and_(C.is_due_basis, f.date_clause(C.deadline_at))
    dated = sa.and_(C.deadline_at.is_not(None), f.date_clause(C.deadline_at))
    end = q._end_moment(f)
    n = q.count_if
    return sa.select(
        n(reported).label("reported"), n(filed).label("filed"), n(sa.and_(C.is_void, reported)).label("void_count"),
        n(due).label("due"), n(sa.and_(C.is_suspended, dated)).label("due_excluded_suspended"),
        n(sa.and_(C.is_void, dated)).label("due_excluded_void"), n(sa.and_(due, C.is_closed)).label("closed_due"),
        n(sa.and_(due, C.is_on_time)).label("on_time"), n(sa.and_(due, C.is_reworked)).label("reworked"),
        q.ratio(n(sa.and_(due, C.is_on_time)), n(due)).label("on_time_rate"),
        q.ratio(n(sa.and_(due, C.is_closed)), n(due)).label("close_rate"),
        q.ratio(n(sa.and_(due, C.is_reworked)), n(due)).label("rework_rate"),
        sa.func.avg(C.h_report_to_dispatch).filter(reported).label("mean_h_report_dispatch"),
        sa.func.avg(C.h_dispatch_to_close).filter(reported).label("mean_h_dispatch_close"),
        n(sa.and_(C.is_open, C.reported_at < end)).label("open_count"),
        n(sa.and_(C.is_open, C.reported_at < end, C.deadline_at < end)).label("overdue_count"),
    ).where(_place(f, town, bureau))


def _rows_trend(f: Filters, grain: str, town: str | None, bureau: bool) -> sa.Select:
    place = _place(f, town, bureau)
    u = sa.union_all(
        sa.select(q.period_expr(C.reported_at, grain).label("period"), sa.literal(1).label("reported"),
                  sa.literal(0).label("filed"), sa.literal(0).label("closed"),
                  sa.cast(C.is_void, sa.Integer).label("void_count")).where(place, f.date_clause(C.reported_at)),
        sa.select(q.period_expr(C.filed_ts, grain), sa.literal(0), sa.literal(1), sa.literal(0), sa.literal(0))
        .where(place, C.is_filed, f.date_clause(C.filed_ts)),
        sa.select(q.period_expr(C.closed_at, grain), sa.literal(0), sa.literal(0), sa.literal(1), sa.literal(0))
        .where(place, C.is_closed, C.closed_at.is_not(None), f.date_clause(C.closed_at)),
    ).subquery()
    return (sa.select(u.c.period, *(sa.func.sum(u.c[k]).label(k) for k in ("reported", "filed", "closed",
                                                                              "void_count")))
            .group_by(u.c.period).order_by(u.c.period))


def _rows_areas(f: Filters, town: str | None, bureau: bool) -> sa.Select:
    key = C.town_code if town is None else C.community
    reported, due = f.date_clause(C.reported_at), sa.and_(C.is_due_basis, f.date_clause(C.deadline_at))
    filed = sa.and_(C.is_filed, f.date_clause(C.filed_ts))
    n = q.count_if
    return (sa.select(key.label("area_key"), n(reported).label("reported"), n(filed).label("filed"),
                      n(due).label("due"), n(sa.and_(due, C.is_on_time)).label("on_time"),
                      n(sa.and_(due, C.is_reworked)).label("reworked"),
                      n(sa.and_(reported, C.is_open)).label("open_count"))
            .where(_place(f, town, bureau), sa.or_(reported, due, filed)).group_by(key).order_by(key))


# --- the filter combinations -----------------------------------------------------------------

EDGES = [
    Filters(),  # everything, open ends: open and overdue as of now
    Filters(dt.date(2022, 12, 31), dt.date(2023, 1, 1)),  # across a year's end
    Filters(dt.date(2023, 2, 28), dt.date(2023, 3, 1)),  # across a month's end
    Filters(dt.date(2023, 3, 1), dt.date(2023, 3, 1)),  # one day
    Filters(end=dt.date(2022, 6, 30)),
    Filters(start=dt.date(2023, 6, 1)),
    Filters(dt.date(2030, 1, 1), dt.date(2030, 12, 31)),  # no case at all
]


def _combinations(run: Runner, count: int, seed: int) -> list[tuple[Filters, str | None, bool]]:
    towns = run(sa.select(C.town_code).distinct().where(C.town_code.is_not(None)).order_by(C.town_code)
                ).iloc[:, 0].tolist()
    communities = run(sa.select(C.town_code, C.community).distinct().order_by(C.town_code, C.community))
    span = run(sa.select(sa.func.min(C.reported_on), sa.func.max(C.reported_on))).iloc[0]
    first, last = span.iloc[0], span.iloc[1]
    rng = random.Random(seed)
    out: list[tuple[Filters, str | None, bool]] = [(f, None, False) for f in EDGES]
    out += [(EDGES[0], towns[0], True), (EDGES[1], None, True)]
    while len(out) < count:
        a = first + dt.timedelta(days=rng.randrange((last - first).days + 40) - 20)
        b = a + dt.timedelta(days=rng.choice((0, 1, 6, 30, 31, 90, 365, 800)))
        start, end = rng.choice(((a, b), (a, b), (a, b), (None, b), (a, None)))
        kind = rng.randrange(5)
        place = communities.iloc[rng.randrange(len(communities))]
        f = Filters(
            start, end,
            towns=tuple(rng.sample(towns, rng.randint(1, 4))) if kind == 1 else (),
            community=place.community if kind == 3 else None,
        )
        town = place.town_code if kind in (2, 3) else None
        out.append((f, town, rng.random() < 0.3))
    return out


def _same(daily: pd.DataFrame, rows: pd.DataFrame, means: tuple[str, ...] = ()) -> None:
    assert len(daily) == len(rows)
    for col in rows.columns:
        got, want = daily[col].reset_index(drop=True), rows[col].reset_index(drop=True)
        if col in means or col.endswith("_rate"):
            assert ((got - want).abs().fillna(0) < 1e-9).all() and (got.isna() == want.isna()).all(), col
        elif col == "period":
            assert [pd.Timestamp(v) if pd.notna(v) else None for v in got] == \
                   [pd.Timestamp(v) if pd.notna(v) else None for v in want], col
        else:
            assert [None if pd.isna(v) else int(v) if not isinstance(v, str) else v for v in got] == \
                   [None if pd.isna(v) else int(v) if not isinstance(v, str) else v for v in want], col


def _check(warehouse: Path, count: int, seed: int) -> int:
    run, con = _runner(warehouse)
    try:
        checked = 0
        for f, town, bureau in _combinations(run, count, seed):
            daily = run(q.kpis(f, town=town, bureau_only=bureau))
            _same(daily, run(_rows_kpis(f, town, bureau)), ("mean_h_report_dispatch", "mean_h_dispatch_close"))
            for grain in ("day", "month", "year"):
                _same(run(q.volume_trend(f, grain, town=town, bureau_only=bureau)),
                      run(_rows_trend(f, grain, town, bureau)))
            if f.community is None:
                areas = run(q.area_breakdown(f, town=town, bureau_only=bureau)).sort_values("area_key")
                _same(areas[["area_key", "reported", "filed", "due", "on_time", "reworked", "open_count"]],
                      run(_rows_areas(f, town, bureau)))
            if town is None:
                league = run(q.town_performance(f, bureau_only=bureau)).set_index("town_code")
                rows = run(_rows_areas(f, None, bureau)).set_index("area_key")
                for t, row in league.iterrows():
                    want = rows.loc[t] if t in rows.index else None
                    assert (row.due, row.on_time) == ((want.due, want.on_time) if want is not None else (0, 0))
            checked += 1
        return checked
    finally:
        con.close()


def test_daily001_violations_figures_equal_the_row_level_count_on_the_demo() -> None:
    from tests.demo_warehouse import demo_warehouse

    assert _check(demo_warehouse(), 60, seed=18) == 60


def test_daily002_violations_figures_equal_the_row_level_count_on_the_small_set(small_warehouse: Path) -> None:
    assert _check(small_warehouse, 30, seed=4) == 30


@pytest.mark.parametrize("basis", ["reported", "filed", "due", "closed"])
def test_daily003_each_count_is_dated_by_its_own_timestamp(small_warehouse: Path, basis: str) -> None:
    """One case at a time: every case counted on a day is counted on exactly that day of its own timestamp."""
    run, con = _runner(small_warehouse)
    try:
        when = {"reported": (C.reported_at, sa.true()), "filed": (C.filed_ts, C.is_filed),
                "due": (C.deadline_at, C.is_due_basis), "closed": (C.closed_at, sa.and_(C.is_closed,
                                                                                  C.closed_at.is_not(None)))}
        column, keep = when[basis]
        day = sa.cast(column, sa.Date)
        by_rows = run(sa.select(day.label("day"), sa.func.count().label("n")).where(keep).group_by(day)
                      .order_by(day))
        d = q.DAILY.c
        by_mart = run(sa.select(d.day, q.total(d[basis]).label("n")).group_by(d.day)
                      .having(sa.func.sum(d[basis]) > 0).order_by(d.day))
        assert by_rows.n.sum() > 100
        assert by_mart.day.tolist() == by_rows.day.tolist()
        assert by_mart.n.tolist() == by_rows.n.tolist()
    finally:
        con.close()


def test_daily004_an_area_with_nothing_counted_in_the_range_is_not_listed(tmp_path: Path) -> None:
    """A voided case filed in the range but reported before it counts nowhere in the range (void cases are never
    filed): its town, community and grid are not listed as rows of zeros; the town with a real case is."""
    from tests.fixtures.exports import write_csv
    from tests.fixtures.warehouse import query_runner
    from tests.test_marts_dcm import HEADER, ZD

    rows = [
        ["V1", "2023-01-30 08:00", "监督员上报", "乱堆杂物", "孙家疃", "环海社区", "371002004001001",
         "2023-02-02 09:00", "", "区综合执法局", "2023-01-31 08:00", "", "", "[作废]", "0"],
        ["B1", "2023-02-10 08:00", "监督员上报", "占道经营", "竹岛", "竹岛社区", "371002003001001",
         "2023-02-10 09:00", "2023-02-10 10:00", "区综合执法局", "2023-02-11 10:00", "2023-02-10 20:00",
         "2023-02-11 08:00", "结案", "0"],
    ]
    feb = Filters(dt.date(2023, 2, 1), dt.date(2023, 2, 28))
    with query_runner(tmp_path / "wh" / "warehouse.duckdb", [write_csv(tmp_path / "c.csv", [HEADER, *rows])]) as run:
        towns = run(q.area_breakdown(feb))
        assert towns[["area_key", "reported", "filed", "due", "on_time"]].values.tolist() == [[ZD, 1, 1, 1, 1]]
        v1_town = run(sa.select(C.town_code).where(C.case_no == "V1")).iloc[0, 0]
        assert run(q.area_breakdown(feb, town=v1_town)).empty
        assert run(q.area_breakdown(feb, town=v1_town, community="环海社区")).empty
        k = run(q.kpis(feb)).iloc[0]
        assert (k.reported, k.filed, k.void_count, k.due, k.due_excluded_void) == (1, 1, 0, 1, 0)
