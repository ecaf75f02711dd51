"""The one target rule (warehouse/rules/targets.py): own before district, shortest covering period, counts
pro rata; the Python ``pick`` and the SQL ``target_sql`` give the same target on every case."""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd
import pytest
import sqlalchemy as sa

from warehouse.rules import targets as tr

D = dt.date
HLL, JY = "371002001", "371002002"
ROWS = [  # indicator, town_code, is_district, period, start, end, target
    ("r", None, True, "2023", D(2023, 1, 1), D(2023, 12, 31), 0.95),
    ("r", None, True, "2023Q1", D(2023, 1, 1), D(2023, 3, 31), 0.93),
    ("r", HLL, False, "2023", D(2023, 1, 1), D(2023, 12, 31), 0.90),
    ("r", None, True, "2023-W05", D(2023, 1, 30), D(2023, 2, 5), 0.97),
    ("n", None, True, "2023", D(2023, 1, 1), D(2023, 12, 31), 73.0),
]
FRAME = pd.DataFrame(ROWS, columns=["indicator", "town_code", "is_district", "period", "period_start", "period_end",
                                    "target"]).assign(scope="", period_type="", year=2023, direction="higher", basis="")


@pytest.fixture(scope="module")
def con() -> duckdb.DuckDBPyConnection:
    c = duckdb.connect()
    c.register("frame", FRAME)
    c.execute("CREATE TABLE mart_target AS SELECT * FROM frame")
    return c


CASES = [  # indicator, kind, town, start, end → due
    ("r", "rate", None, D(2023, 3, 1), D(2023, 3, 31), 0.93),   # district, March: the quarter's (shortest)
    ("r", "rate", None, D(2023, 3, 1), D(2023, 4, 30), 0.95),   # across quarters: the year's
    ("r", "rate", HLL, D(2023, 3, 1), D(2023, 3, 31), 0.90),    # the town's own year before the district's quarter
    ("r", "rate", JY, D(2023, 3, 1), D(2023, 3, 31), 0.93),     # another town: the district's
    ("r", "rate", None, D(2023, 1, 30), D(2023, 2, 5), 0.97),   # exactly the week
    ("r", "rate", None, D(2023, 1, 30), D(2023, 2, 6), 0.93),   # one day past the week: the quarter's
    ("r", "rate", None, D(2022, 12, 31), D(2023, 1, 1), None),  # no period covers a range across years
    ("n", "count", None, D(2023, 1, 1), D(2023, 12, 31), 73.0),  # the whole year: as set
    ("n", "count", None, D(2023, 1, 1), D(2023, 1, 31), 6.2),   # January: 73 × 31 / 365
    ("n", "rate", None, D(2023, 1, 1), D(2023, 1, 31), 73.0),   # not a count: never pro-rated
]


@pytest.mark.parametrize(("ind", "kind", "town", "start", "end", "due"), CASES)
def test_tg001_pick_and_sql(con: duckdb.DuckDBPyConnection, ind: str, kind: str, town: str | None, start: dt.date,
                            end: dt.date, due: float | None) -> None:
    got = tr.pick(FRAME.to_dict("records"), start=start, end=end, town=town, kind=kind, codes=(ind,))
    assert (None if got is None else round(got.due, 6)) == due
    town_col = sa.literal(town) if town is not None else None
    q = sa.select(tr.target_sql(ind, start, end, town_col, kind=kind).label("t"))
    sql = con.execute(str(q.compile(compile_kwargs={"literal_binds": True}))).fetchone()[0]
    assert (None if sql is None else round(sql, 6)) == due


def test_tg002_resolve_over_many_rows() -> None:
    keys = pd.DataFrame({"town_code": [HLL, JY, JY], "period_start": [D(2023, 3, 1)] * 2 + [D(2023, 1, 1)],
                         "period_end": [D(2023, 3, 31)] * 2 + [D(2023, 1, 31)], "indicator": ["r", "r", "n"]})
    got = tr.resolve(keys, FRAME, {"r": "rate", "n": "count"})
    assert got["target"].round(6).tolist() == [0.90, 0.93, 6.2]
    assert got["target_scope"].tolist() == ["town", "district", "district"]
    assert got["target_prorated"].tolist() == [False, False, True]
    assert got["target_period"].tolist() == ["2023", "2023Q1", "2023"]
    assert (got["direction"].tolist(), got["basis"].tolist()) == (["higher"] * 3, [""] * 3)


NAN = float("nan")
Q1, YEAR = (D(2023, 1, 1), D(2023, 3, 31)), (D(2023, 1, 1), D(2023, 12, 31))
PICK_ROWS = [  # in this order; each of the first five is skipped for its own reason before the winner is seen
    {"indicator": "x", "town_code": None, "is_district": True, "period": "2023-03", "period_start": D(2023, 3, 1),
     "period_end": D(2023, 3, 31), "target": 0.5, "direction": "higher", "basis": None},  # not the indicator
    {"indicator": "a", "town_code": None, "is_district": True, "period": "2023-03", "period_start": D(2023, 3, 1),
     "period_end": D(2023, 3, 31), "target": NAN, "direction": "higher", "basis": None},  # no target value
    {"indicator": "a", "town_code": None, "is_district": True, "period": "2023三月", "period_start": pd.NaT,
     "period_end": pd.NaT, "target": 0.6, "direction": "higher", "basis": None},  # a period the calendar can't read
    {"indicator": "a", "town_code": None, "is_district": True, "period": "2023-W13", "period_start": D(2023, 3, 27),
     "period_end": D(2023, 4, 2), "target": 0.65, "direction": "higher", "basis": None},  # does not cover March
    {"indicator": "a", "town_code": None, "is_district": False, "period": "2023-03", "period_start": D(2023, 3, 1),
     "period_end": D(2023, 3, 31), "target": 0.7, "direction": "higher", "basis": None},  # a scope of neither
    {"indicator": "alias", "town_code": None, "is_district": True, "period": "2023Q1", "period_start": Q1[0],
     "period_end": Q1[1], "target": 0.8, "direction": NAN, "basis": NAN},  # the alias, seen before the key
    {"indicator": "a", "town_code": None, "is_district": True, "period": "2023Q1", "period_start": Q1[0],
     "period_end": Q1[1], "target": 0.85, "direction": "higher", "basis": "立案数"},
    {"indicator": "a", "town_code": None, "is_district": True, "period": "2023年第一季度", "period_start": Q1[0],
     "period_end": Q1[1], "target": 0.86, "direction": "higher", "basis": "立案数"},  # a tie: the first row wins
    {"indicator": "a", "town_code": HLL, "is_district": False, "period": "2023", "period_start": YEAR[0],
     "period_end": YEAR[1], "target": 0.9, "direction": "higher", "basis": NAN},
    {"indicator": "c", "town_code": None, "is_district": True, "period": None, "period_start": YEAR[0],
     "period_end": YEAR[1], "target": 73.0, "direction": "higher", "basis": "件"},
    {"indicator": "q", "town_code": None, "is_district": True, "period": "2023Q2", "period_start": D(2023, 4, 1),
     "period_end": D(2023, 6, 30), "target": 3.3, "direction": "higher", "basis": None},
]
MARCH = {"start": D(2023, 3, 1), "end": D(2023, 3, 31)}


def test_tg003_pick_the_whole_target() -> None:
    """Every field of the Target, by hand: scope, period, direction and basis (None when missing), prorated."""
    pick = tr.pick
    assert pick(PICK_ROWS, **MARCH, codes=("a", "alias")) == tr.Target(
        "a", 0.85, 0.85, "higher", "district", "2023Q1", *Q1, False, "立案数")
    assert pick(PICK_ROWS, **MARCH, town=HLL, codes=("a", "alias")) == tr.Target(
        "a", 0.9, 0.9, "higher", "town", "2023", *YEAR, False, None)
    assert pick(PICK_ROWS, **MARCH, town=JY, codes=("alias",)) == tr.Target(
        "alias", 0.8, 0.8, None, "district", "2023Q1", *Q1, False, None)
    assert pick(PICK_ROWS, start=D(2023, 1, 1), end=D(2023, 1, 31), kind="count", codes=("c",)) == tr.Target(
        "c", 73.0, 6.2, "higher", "district", None, *YEAR, True, "件")  # 73 × 31 / 365
    # without codes every row's indicator counts: the district's quarter (row 7) before the year (the town's)
    assert pick(PICK_ROWS[6:9], **MARCH) == tr.Target(
        "a", 0.85, 0.85, "higher", "district", "2023Q1", *Q1, False, "立案数")


def test_tg004_a_range_of_exactly_the_period_is_not_prorated(con2: duckdb.DuckDBPyConnection) -> None:
    """An amount target of 3.3 for Q2 2023 (91 days) over exactly Q2: 3.3 as set, not 3.3 × 91 ÷ 91 (which is
    3.3000000000000003 in floating point), in pick, target_sql and resolve."""
    q2 = {"start": D(2023, 4, 1), "end": D(2023, 6, 30)}
    assert tr.prorate(3.3, "amount", D(2023, 4, 1), D(2023, 6, 30), D(2023, 4, 1), D(2023, 6, 30)) == 3.3
    got = tr.pick(PICK_ROWS, **q2, kind="amount", codes=("q",))
    assert (got.due, got.prorated) == (3.3, False)
    assert _sql(con2, tr.target_sql("q", q2["start"], q2["end"], kind="amount")) == 3.3
    keys = pd.DataFrame({"town_code": [JY], "period_start": [q2["start"]], "period_end": [q2["end"]],
                         "indicator": ["q"]})
    res = tr.resolve(keys, pd.DataFrame(PICK_ROWS[-1:]), {"q": "amount"})
    assert (res["target"].tolist(), res["target_prorated"].tolist()) == ([3.3], [False])


SQL_ROWS = [  # indicator, town_code, is_district, period, start, end, target
    ("a", HLL, False, "2023-03", D(2023, 3, 1), D(2023, 3, 31), 0.91),
    ("a", None, True, "2023-03", D(2023, 3, 1), D(2023, 3, 31), 0.88),  # stored before the year: the order is
    ("a", None, True, "2023", *YEAR, 0.80),  # rows_sql's (by period start), not the table's
    ("a", None, False, "2023-03", D(2023, 3, 1), D(2023, 3, 31), 0.70),  # a scope of neither: never a target
    ("a", None, True, "2023-W09", D(2023, 2, 27), D(2023, 3, 5), 0.50),  # covers 1 March, not 31 March
    ("a", None, True, "2023-W13", D(2023, 3, 27), D(2023, 4, 2), 0.50),  # covers 31 March, not 1 March
    ("b", None, True, "2023", *YEAR, 0.60),
    ("c", None, True, "2023", *YEAR, 0.60),
    ("q", None, True, "2023Q2", D(2023, 4, 1), D(2023, 6, 30), 3.3),
]


@pytest.fixture(scope="module")
def con2() -> duckdb.DuckDBPyConnection:
    frame = pd.DataFrame(SQL_ROWS, columns=["indicator", "town_code", "is_district", "period", "period_start",
                                            "period_end", "target"]).assign(
        scope="", period_type="", year=2023, direction="higher", basis="")
    c = duckdb.connect()
    c.register("frame", frame)
    c.execute("CREATE TABLE mart_target AS SELECT * FROM frame")
    return c


def _sql(con: duckdb.DuckDBPyConnection, scalar: sa.ScalarSelect) -> float | None:
    q = sa.select(scalar.label("t"))
    return con.execute(str(q.compile(compile_kwargs={"literal_binds": True}))).fetchone()[0]


def test_tg005_rows_sql_candidates_in_order(con2: duckdb.DuckDBPyConnection) -> None:
    """rows_sql: the rows of the codes whose period covers the whole range (its first and last day included),
    town or district scope only; by indicator, the town's first, then by period start."""
    q = tr.rows_sql(("a", "b"), D(2023, 3, 1), D(2023, 3, 31))
    rows = con2.execute(str(q.compile(compile_kwargs={"literal_binds": True}))).fetchall()
    cols = [c.name for c in tr.TARGET.c]
    got = [(r[cols.index("indicator")], r[cols.index("town_code")], r[cols.index("period")]) for r in rows]
    assert got == [("a", HLL, "2023-03"), ("a", None, "2023"), ("a", None, "2023-03"), ("b", None, "2023")]


def test_tg006_target_sql_scope_and_date_columns(con2: duckdb.DuckDBPyConnection) -> None:
    """The district's target ignores a row of neither scope (0.70, town_code NULL); ranges given as date
    columns (as the rankings query does) pick per row."""
    assert _sql(con2, tr.target_sql("a", D(2023, 3, 1), D(2023, 3, 31))) == 0.88
    con2.execute("CREATE OR REPLACE TABLE k AS SELECT * FROM (VALUES (1, DATE '2023-03-01', DATE '2023-03-31', NULL),"
                 " (2, DATE '2023-03-01', DATE '2023-03-31', '" + HLL + "'),"
                 " (3, DATE '2023-03-01', DATE '2023-04-30', NULL), (4, DATE '2023-03-01', DATE '2023-04-30', '"
                 + HLL + "')) AS t(i, s, e, town)")
    k = sa.table("k", sa.column("i"), sa.column("s", sa.Date), sa.column("e", sa.Date), sa.column("town"))
    q = sa.select(k.c.i, tr.target_sql("a", k.c.s, k.c.e, k.c.town).label("t")).order_by(k.c.i)
    got = con2.execute(str(q.compile(compile_kwargs={"literal_binds": True}))).fetchall()
    assert got == [(1, 0.88), (2, 0.91), (3, 0.80), (4, 0.80)]  # 4: the town's month does not cover April


def _plain(s: pd.Series) -> list:
    return [None if pd.isna(x) else x for x in s]


def test_tg007_resolve_edges() -> None:
    """resolve without targets; targets without basis, period, direction; integer targets pro-rated; a key with
    no covering target kept (empty); a key given twice resolved once (its first end); without ends, no covering
    check and nothing pro-rated (the town's own first, then the first district row)."""
    keys = pd.DataFrame({"town_code": [JY, HLL, HLL, HLL], "indicator": ["n"] * 4,
                         "period_start": [D(2023, 4, 1), D(2023, 4, 1), D(2024, 1, 1), D(2023, 4, 1)],
                         "period_end": [D(2023, 6, 30), D(2023, 6, 30), D(2024, 1, 31), D(2023, 4, 30)]})
    cols = ["town_code", "period_start", "indicator", "target", "direction", "basis", "target_scope",
            "target_period", "target_prorated"]
    for none in (None, pd.DataFrame()):
        empty = tr.resolve(keys, none)
        assert empty.columns.tolist() == cols
        assert empty[["town_code", "period_start"]].values.tolist() == [[JY, D(2023, 4, 1)], [HLL, D(2023, 4, 1)],
                                                                        [HLL, D(2024, 1, 1)]]
        assert all(_plain(empty[c]) == [None] * 3 for c in cols[3:])
    bare = pd.DataFrame({"indicator": ["n", "n"], "town_code": [None, HLL], "target": [73, 9],
                         "period_start": [D(2023, 1, 1), D(2023, 4, 1)],
                         "period_end": [D(2023, 12, 31), D(2023, 6, 30)]})
    got = tr.resolve(keys, bare, {"n": "count"})
    assert got.columns.tolist() == cols
    assert _plain(got["target"]) == [18.2, 9.0, None]  # 73 × 91 / 365; the town's own Q2 as set; none in 2024
    assert _plain(got["target_prorated"]) == [True, False, None]
    assert _plain(got["target_scope"]) == ["district", "town", None]
    for c in ("direction", "basis", "target_period"):
        assert _plain(got[c]) == [None] * 3
    no_end = pd.DataFrame({"town_code": [HLL, JY, JY], "period_start": [D(2023, 3, 1)] * 3,
                           "indicator": ["r", "r", "n"]})
    got = tr.resolve(no_end, FRAME, {"r": "rate", "n": "count"})
    assert got["target"].tolist() == [0.90, 0.95, 73.0]
    assert got["target_prorated"].tolist() == [False, False, False]
