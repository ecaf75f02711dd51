"""The on-time rule (按期结案) at its boundaries, through the real loader and every mart that counts it.

Rule (warehouse/marts/20_dcm.sql ``is_on_time``): a case counts as closed on time when it is closed (当前阶段
结案) and done — 处置完成时间, else 结案时间 — on or before 处置截止时间. Every case below is due on
2023-05-10 12:00:00 in 环翠楼街道 and counts towards 应结案数; the expected values are worked out by hand:

    T1 closed, handled exactly at the deadline                     on time
    T2 closed, handled one second after the deadline               late
    T3 handled before the deadline but not closed (当前阶段 处置)  not on time (not closed)
    T4 closed, no 处置完成时间, closed exactly at the deadline     on time
    T5 closed, handled before the deadline, closed the next day    on time (the handling counts)
    T6 handled before the deadline, waiting for 核查 (not closed)  not on time

    应结案 6, closed 4 (T1 T2 T4 T5), on time 3 (T1 T4 T5): 按期结案率 3/6 = 0.5, 结案率 4/6.
"""

from __future__ import annotations

import datetime as dt

import pytest

from tests.fixtures.exports import write_csv
from tests.fixtures.warehouse import query_runner
from warehouse.queries import violations as q
from warehouse.sql import Filters

HEADER = ["任务号", "上报时间", "问题来源", "小类名称", "所属街道", "所属社区", "单元网格", "立案时间", "派遣时间",
          "处置部门", "处置截止时间", "处置完成时间", "结案时间", "当前阶段名称", "返工次数"]
HLL = "371002001"
DEADLINE = "2023-05-10 12:00:00"


def _case(no: str, handled: str, closed: str, stage: str) -> list[str]:
    return [no, "2023-05-09 08:00:00", "监督员上报", "暴露垃圾", "环翠楼街道", "古北社区", "", "2023-05-09 08:10:00",
            "2023-05-09 08:30:00", "区综合执法局", DEADLINE, handled, closed, stage, "0"]


ROWS = [
    _case("T1", "2023-05-10 12:00:00", "2023-05-10 13:00:00", "结案"),
    _case("T2", "2023-05-10 12:00:01", "2023-05-10 13:00:00", "结案"),
    _case("T3", "2023-05-10 10:00:00", "", "处置"),
    _case("T4", "", "2023-05-10 12:00:00", "结案"),
    _case("T5", "2023-05-10 11:00:00", "2023-05-11 09:00:00", "结案"),
    _case("T6", "2023-05-10 09:00:00", "", "核查"),
]
EXPECTED_ON_TIME = {"T1": True, "T2": False, "T3": False, "T4": True, "T5": True, "T6": False}
EXPECTED_CLOSED = {"T1": True, "T2": True, "T3": False, "T4": True, "T5": True, "T6": False}
MAY = Filters(dt.date(2023, 5, 1), dt.date(2023, 5, 31))


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("ontime")
    files = [write_csv(tmp / "案件.csv", [HEADER, *ROWS])]
    with query_runner(tmp / "wh" / "warehouse.duckdb", files) as execute:
        yield execute


def test_rule_on_time001_flags_case_by_case(run) -> None:
    df = run("SELECT case_no, is_on_time, is_closed, is_due_basis FROM mart_dcm_case ORDER BY case_no")
    assert dict(zip(df.case_no, df.is_on_time.astype(bool), strict=True)) == EXPECTED_ON_TIME
    assert dict(zip(df.case_no, df.is_closed.astype(bool), strict=True)) == EXPECTED_CLOSED
    assert df.is_due_basis.astype(bool).tolist() == [True] * 6


def test_rule_on_time002_exactly_at_the_deadline_is_on_time(run) -> None:
    """T1 (handled at 12:00:00) and T4 (closed at 12:00:00, no handling time) are on time; T2 one second late."""
    df = run("SELECT case_no FROM mart_dcm_case WHERE is_on_time AND case_no IN ('T1', 'T2', 'T4') ORDER BY 1")
    assert df.case_no.tolist() == ["T1", "T4"]


def test_rule_on_time003_handled_but_not_closed_is_not_on_time(run) -> None:
    df = run("SELECT case_no FROM mart_dcm_case WHERE handled_at <= deadline_at AND NOT is_closed ORDER BY 1")
    assert df.case_no.tolist() == ["T3", "T6"]  # the fixture really has such cases …
    assert run("SELECT count(*) AS n FROM mart_dcm_case WHERE is_on_time AND NOT is_closed").n.tolist() == [0]


def test_rule_on_time004_violations_kpis_exact(run) -> None:
    k = run(q.kpis(MAY)).iloc[0]
    assert (k.due, k.closed_due, k.on_time) == (6, 4, 3)
    assert k.on_time_rate == pytest.approx(3 / 6)
    assert k.close_rate == pytest.approx(4 / 6)


def test_rule_on_time005_kpi_mart_counts_the_same(run) -> None:
    df = run("SELECT indicator, sum(num) AS num, sum(den) AS den FROM mart_kpi_daily "
             f"WHERE town_code = '{HLL}' AND indicator = 'dcm.on_time_due_rate' GROUP BY 1")
    assert (df.num.tolist(), df.den.tolist()) == ([3.0], [6.0])


def test_rule_on_time006_town_indicator_mart_counts_the_same(run) -> None:
    df = run("SELECT sum(numerator) AS num, sum(denominator) AS den FROM mart_town_indicator_day "
             f"WHERE town_code = '{HLL}' AND indicator = 'dcm.on_time_due_rate'")
    assert (df.num.tolist(), df.den.tolist()) == ([3.0], [6.0])


def test_rule_on_time007_town_performance_exact(run) -> None:
    df = run(q.town_performance(MAY, min_due=1)).set_index("town_code")
    assert df.loc[HLL, ["due", "closed_due", "on_time"]].tolist() == [6, 4, 3]
    assert df.loc[HLL, "on_time_rate"] == pytest.approx(0.5)
