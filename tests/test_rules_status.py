"""The one status rule (warehouse/rules/status.py): every band edge, written by hand; Python and SQL agree."""

from __future__ import annotations

import duckdb
import pytest
import sqlalchemy as sa

from warehouse.rules import status as st


@pytest.mark.parametrize(("value", "target", "direction", "den", "kind", "want"), [
    (0.95, 0.95, "higher", 20, "rate", "green"),    # exactly on target
    (0.855, 0.95, "higher", 20, "rate", "amber"),   # exactly 0.9 × target: the amber edge
    (0.8549, 0.95, "higher", 20, "rate", "red"),    # just below the amber edge
    (0.9, 0.95, "higher", 5, "rate", "amber"),      # 5 cases: exactly the minimum, so judged
    (0.9, 0.95, "higher", 4, "rate", "grey"),       # 4 cases: too little data
    (0.9, 0.95, "higher", None, "rate", "grey"),    # no denominator
    (0.9, None, "higher", 20, "rate", None),        # no target
    (None, 0.95, "higher", 20, "rate", "grey"),     # no value
    (0.02, 0.02, "lower", 20, "rate", "green"),
    (0.022, 0.02, "lower", 20, "rate", "amber"),    # exactly 1.1 × target
    (0.0221, 0.02, "lower", 20, "rate", "red"),
    (0, 0, "lower", None, "count", "green"),        # dynamic clearing: zero new structures
    (1, 0, "lower", None, "count", "red"),          # target 0: nothing is amber
    (72, 80, "higher", None, "count", "amber"),     # counts need no denominator
    (71, 80, "higher", None, "count", "red"),
    (3, 2, "lower", None, "rank", "red"),
    (2, 2, "lower", None, "rank", "green"),
])
def test_st001_status_of(value: float | None, target: float | None, direction: str, den: float | None, kind: str,
                         want: str | None) -> None:
    assert st.status_of(value, target, direction, den, kind) == want


def test_st002_constants_and_points_variant() -> None:
    assert (st.MIN_DENOMINATOR, st.AMBER_BAND) == (5, 0.10)
    assert st.points_status(0, False) == "green"
    assert st.points_status(5, False) == "amber"
    assert st.points_status(5.01, False) == "red"
    assert st.points_status(0, True) == "grey"
    assert st.worst(["green", "amber", "grey"]) == "amber" and st.worst([None, "grey"]) == "green"
    assert st.worst(["amber", "red", "green"]) == "red"
    assert st.COLORS["green"] == "#2e9d5b" and st.name("amber", "en") == "near target" and st.name(None) == "未设目标"


@pytest.mark.parametrize("higher", [True, False])
def test_st003_sql_twin_agrees(higher: bool) -> None:
    cases = [(v / 1000, t, n) for v in range(0, 1001, 5) for t in (0.0, 0.02, 0.95, None) for n in (None, 4, 5, 30)]
    direction = "higher" if higher else "lower"
    con = duckdb.connect()
    con.execute("CREATE TABLE c (v DOUBLE, t DOUBLE, n INTEGER)")
    con.executemany("INSERT INTO c VALUES (?, ?, ?)", cases)
    c = sa.table("c", sa.column("v"), sa.column("t"), sa.column("n"))
    q = sa.select(c.c.v, c.c.t, c.c.n, st.status_sql(c.c.v, c.c.t, c.c.n, higher_is_better=higher))
    sql = str(q.compile(compile_kwargs={"literal_binds": True}))
    got = con.execute(sql).fetchall()
    assert len(got) == len(cases)
    for v, t, n, s in got:
        assert s == st.status_of(v, t, direction, n, "rate"), (v, t, n)
