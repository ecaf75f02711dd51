"""``mart_town_indicator_month`` (warehouse/marts/60_town_indicators.sql) at its edges: a rate's value needs a
denominator above 0 (a month whose only due case is 缓办 has none: NULL, never NaN, which DuckDB would sort
first), one due case is enough (1 of 1 = 1.0), and a count (no denominator) is its sum.

The header is the 数字城管 case header of tests/test_marts_rankings.py; rows invented, values by hand.
"""

from __future__ import annotations

import pytest

from tests.fixtures.exports import write_csv
from tests.fixtures.warehouse import query_runner

DCM = [
    ["任务号", "上报时间", "问题来源", "小类名称", "所属街道", "处置部门", "处置截止时间", "处置完成时间", "结案时间",
     "当前阶段名称", "返工次数"],
    # 环翠楼, May: its only case with a deadline is 缓办 → due 0, excl_deferred 1
    ["M1", "2023-05-10 08:00", "监督员上报", "暴露垃圾", "环翠楼", "区综合执法局", "2023-05-10 17:00", "", "", "缓办",
     ""],
    # 鲸园, May: one case, closed on time → 1 of 1
    ["M2", "2023-05-11 08:00", "监督员上报", "占道经营", "鲸园", "区综合执法局", "2023-05-11 17:00",
     "2023-05-11 10:00", "2023-05-11 11:00", "结案", "0"],
]
CONSTRUCTION = [
    ["违建编号", "镇街", "违建类型", "违建面积(㎡)", "发现日期", "状态"],
    ["W1", "鲸园", "新增", "20", "2023-05-08", "待处置"],
    ["W2", "鲸园", "新增", "30", "2023-05-20", "待处置"],
]
HLL, JY = "371002001", "371002002"
ON = "dcm.on_time_due_rate"


@pytest.fixture(scope="module")
def month(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], tuple]:
    tmp = tmp_path_factory.mktemp("townmonth")
    files = [write_csv(tmp / "cases.csv", DCM), write_csv(tmp / "construction.csv", CONSTRUCTION)]
    with query_runner(tmp / "wh" / "warehouse.duckdb", files) as run:
        df = run("SELECT town_code, indicator, numerator, denominator, value IS NULL AS is_null, "
                 "coalesce(value, -1) AS value, excl_deferred FROM mart_town_indicator_month "
                 "WHERE month = DATE '2023-05-01'")
    return {(r.town_code, r.indicator): (r.numerator, None if r.denominator != r.denominator else r.denominator,
                                         bool(r.is_null), r.value, r.excl_deferred) for r in df.itertuples()}


def test_town_month001_no_denominator_no_value(month) -> None:
    assert month[(HLL, ON)] == (0, 0, True, -1, 1)  # NULL, not NaN (0 / 0)


def test_town_month002_one_due_case_is_enough(month) -> None:
    assert month[(JY, ON)] == (1, 1, False, 1.0, 0)


def test_town_month003_a_count_is_its_sum(month) -> None:
    assert month[(JY, "demolition.new_found")][:4] == (2, None, False, 2.0)
