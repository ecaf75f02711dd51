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
