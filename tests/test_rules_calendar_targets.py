"""Target periods: every spelling the calendar accepts gives the dates it covers, and the target a query picks.

The period spellings come from the bureau's target sheets (年度 / 季度 / 月度 / 周 plans); the dates each one
covers are worked out by hand (ISO weeks: week 1 of 2023 starts on Monday 2 January, so week 5 is 30 January
to 5 February).
"""

from __future__ import annotations

import datetime as dt

import pytest

from tests.fixtures.exports import write_csv
from tests.fixtures.warehouse import query_runner
from warehouse.queries import violations as q
from warehouse.sql import Filters

D = dt.date
# (indicator, 周期类型, 周期) → (period type, first day, last day)
SPELLINGS = {
    ("dcm.close_rate", "年", "2023"): ("year", D(2023, 1, 1), D(2023, 12, 31)),
    ("dcm.close_rate", "年度", "2024年"): ("year", D(2024, 1, 1), D(2024, 12, 31)),
    ("dcm.close_rate", "年度", "2022年度"): ("year", D(2022, 1, 1), D(2022, 12, 31)),
    ("dcm.close_rate", "半年", "2023年上半年"): ("half", D(2023, 1, 1), D(2023, 6, 30)),
    ("dcm.close_rate", "半年", "2023H2"): ("half", D(2023, 7, 1), D(2023, 12, 31)),
    ("dcm.close_rate", "季度", "2023Q1"): ("quarter", D(2023, 1, 1), D(2023, 3, 31)),
    ("dcm.close_rate", "季度", "2023q2"): ("quarter", D(2023, 4, 1), D(2023, 6, 30)),
    ("dcm.close_rate", "季度", "2022-Q2"): ("quarter", D(2022, 4, 1), D(2022, 6, 30)),
    ("dcm.close_rate", "季", "2023年第三季度"): ("quarter", D(2023, 7, 1), D(2023, 9, 30)),
    ("dcm.close_rate", "季度", "2022年1季度"): ("quarter", D(2022, 1, 1), D(2022, 3, 31)),
    ("dcm.close_rate", "quarter", "2023 Q4"): ("quarter", D(2023, 10, 1), D(2023, 12, 31)),
    ("dcm.close_rate", "月", "2023-03"): ("month", D(2023, 3, 1), D(2023, 3, 31)),
    ("dcm.close_rate", "月度", "2023年2月"): ("month", D(2023, 2, 1), D(2023, 2, 28)),
    ("dcm.close_rate", "month", "2024-02"): ("month", D(2024, 2, 1), D(2024, 2, 29)),  # a leap year
    ("dcm.close_rate", "月", "2022-4"): ("month", D(2022, 4, 1), D(2022, 4, 30)),
    ("dcm.close_rate", "月", "2022.5"): ("month", D(2022, 5, 1), D(2022, 5, 31)),
    ("dcm.close_rate", "月", "2022/06"): ("month", D(2022, 6, 1), D(2022, 6, 30)),
    ("dcm.close_rate", "月", "202207"): ("month", D(2022, 7, 1), D(2022, 7, 31)),
    ("dcm.close_rate", "周", "2023-W05"): ("week", D(2023, 1, 30), D(2023, 2, 5)),
    ("dcm.close_rate", "week", "2023-W01"): ("week", D(2023, 1, 2), D(2023, 1, 8)),
    ("dcm.close_rate", "周", "2023年第6周"): ("week", D(2023, 2, 6), D(2023, 2, 12)),
    ("dcm.close_rate", "周", "2021-W01"): ("week", D(2021, 1, 4), D(2021, 1, 10)),  # week 1 can start in January
    ("dcm.close_rate", "周", "2020-W53"): ("week", D(2020, 12, 28), D(2021, 1, 3)),  # … and end in the next year
}
TARGETS = [
    ["指标编码", "范围", "周期类型", "周期", "目标值", "方向"],
    *[[ind, "环翠区", ptype, period, "95", "越高越好"] for ind, ptype, period in SPELLINGS],
    # the 2023Q1 quarter target must win over the year's for a range inside the quarter
    ["dcm.on_time_due_rate", "环翠区", "年", "2023", "90%", "越高越好"],
    ["dcm.on_time_due_rate", "环翠区", "季度", "2023Q1", "97%", "越高越好"],
    ["dcm.on_time_due_rate", "环翠区", "月", "2023-02", "0.99", "越高越好"],
    # scopes and values of mart_target: a count is never read as per cent; a rate of exactly 1 is 100%
    ["dcm.filed", "威海市 环翠区", "年", "2023", "80", "越高越好"],  # the district, spaces ignored
    ["dcm.filed", "环翠楼街道", "年", "2023", "12", "越高越好"],  # a town
    ["dcm.filed", "某物业公司", "年", "2023", "5", "越高越好"],  # neither: no town, not the district
    ["dcm.handle_rate", "环翠区", "年", "2023", "1", "越高越好"],
    ["dcm.rework_rate", "环翠区", "年", "2023", "2", "越低越好"],  # 2 per cent
    ["dcm.filed", "环翠区", "年", "明年", "70", "越高越好"],  # a period the calendar can't read: no target
]


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("calendar")
    files = [write_csv(tmp / "考核目标（2021版）.csv", TARGETS, "utf-8")]
    with query_runner(tmp / "wh" / "warehouse.duckdb", files) as execute:
        yield execute


def test_rule_period001_every_spelling_covers_its_dates(run) -> None:
    df = run("SELECT indicator, period, period_type, period_start, period_end FROM mart_target "
             "WHERE indicator = 'dcm.close_rate'")
    got = {(r.indicator, r.period): (r.period_type, r.period_start.date(), r.period_end.date())
           for r in df.itertuples()}
    assert got == {(ind, period): want for (ind, _, period), want in SPELLINGS.items()}


def test_rule_period002_rates_in_per_cent_become_fractions(run) -> None:
    df = run("SELECT period, target FROM mart_target WHERE indicator = 'dcm.on_time_due_rate' ORDER BY period")
    assert dict(zip(df.period, df.target, strict=True)) == pytest.approx({"2023": 0.9, "2023-02": 0.99,
                                                                          "2023Q1": 0.97})


@pytest.mark.parametrize(("start", "end", "expected"), [
    (D(2023, 1, 1), D(2023, 3, 31), 0.97),  # the whole quarter: the 2023Q1 target
    (D(2023, 3, 1), D(2023, 3, 31), 0.97),  # one month without its own target: the quarter's
    (D(2023, 2, 1), D(2023, 2, 28), 0.99),  # a month with its own target
    (D(2023, 3, 15), D(2023, 4, 15), 0.9),  # across two quarters: the year's
    (D(2023, 4, 1), D(2023, 4, 30), 0.9),
])
def test_rule_period003_shortest_covering_period_wins(run, start: dt.date, end: dt.date, expected: float) -> None:
    df = run(q.town_performance(Filters(start, end), min_due=1)).set_index("town_code")
    assert df.loc["371002001", "target_on_time_rate"] == pytest.approx(expected)


def test_rule_period004_scope_and_value_of_each_target(run) -> None:
    df = run("SELECT scope, town_code, is_district, target FROM mart_target "
             "WHERE indicator IN ('dcm.filed', 'dcm.handle_rate', 'dcm.rework_rate') ORDER BY indicator, target DESC")
    assert [tuple(None if v is None or v != v else v for v in r) for r in df.itertuples(index=False)] == [
        ("威海市 环翠区", None, True, 80.0), ("环翠楼街道", "371002001", False, 12.0),
        ("某物业公司", None, False, 5.0), ("环翠区", None, True, 1.0), ("环翠区", None, True, 0.02)]


def test_rule_period005_the_year_in_a_file_name_is_a_period(run) -> None:
    """dim_period reads the year token of every loaded file's name (考核目标（2021版）.csv: 2021), which no target
    row spells."""
    df = run("SELECT period_type, period_start, period_end FROM dim_period WHERE period_text = '2021'")
    assert [(r.period_type, r.period_start.date(), r.period_end.date()) for r in df.itertuples()] == [
        ("year", D(2021, 1, 1), D(2021, 12, 31))]
