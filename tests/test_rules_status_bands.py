"""The status rule (green / amber / red / grey) inside and at the edges of every band, in each place it runs:
the rule itself (warehouse/rules/status.py, Python and SQL), the scoring's use of it, and a query's town colours.

Rule: higher is better → green when value ≥ target, amber when value ≥ 90% of the target, else red; lower
is better → green when value ≤ target, amber when value ≤ 110% of the target, else red; a rate over fewer
than 5 cases is grey. Targets of 1.0 (100%) keep the band edges exact in binary floating point (0.9 × 1.0 is
0.9), so an edge case tests the rule and not the rounding.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest
import sqlalchemy as sa

from tests.fixtures.exports import write_csv
from tests.fixtures.warehouse import query_runner
from warehouse import scoring
from warehouse.queries import violations as q
from warehouse.rules import status as rule
from warehouse.sql import Filters, compile_query

# (value, target, direction, cases) → status, worked out by hand from the rule above
BANDS = [
    (1.0, 1.0, "higher", 10, "green"),  # on target
    (0.95, 1.0, "higher", 10, "amber"),  # inside the band
    (0.9, 1.0, "higher", 10, "amber"),  # at its lower edge
    (0.85, 1.0, "higher", 10, "red"),  # between 80% and 90%: red (an 80% band would say amber)
    (0.89, 1.0, "higher", 10, "red"),  # just below the edge
    (0.5, 1.0, "higher", 10, "red"),
    (0.0, 0.0, "lower", 10, "green"),  # lower is better, on a zero target
    (1.0, 1.0, "lower", 10, "green"),
    (1.05, 1.0, "lower", 10, "amber"),
    (1.1, 1.0, "lower", 10, "amber"),  # the upper edge of the band
    (1.15, 1.0, "lower", 10, "red"),
    (1.0, 1.0, "higher", 5, "green"),  # exactly the minimum number of cases
    (1.0, 1.0, "higher", 4, "grey"),  # one case short
    (0.0, 1.0, "higher", 4, "grey"),
]


@pytest.mark.parametrize(("value", "target", "direction", "n", "expected"), BANDS)
def test_rule_band001_python_rule(value: float, target: float, direction: str, n: int, expected: str) -> None:
    assert rule.status_of(value, target, direction, n, "rate") == expected


@pytest.mark.parametrize(("value", "target", "direction", "n", "expected"), BANDS)
def test_rule_band002_sql_rule(value: float, target: float, direction: str, n: int, expected: str) -> None:
    expr = rule.status_sql(sa.literal(value), sa.literal(target), sa.literal(n), higher_is_better=direction == "higher")
    sql, params = compile_query(sa.select(expr.label("s")))
    assert duckdb.connect().execute(sql, params).fetchone() == (expected,)


@pytest.mark.parametrize(("value", "target", "direction", "n", "expected"), BANDS)
def test_rule_band003_scoring_rule(value: float, target: float, direction: str, n: int, expected: str) -> None:
    assert scoring.indicator_status(value, target, direction, n, "rate") == expected


def test_rule_band004_no_target_and_no_value() -> None:
    assert rule.status_of(0.5, None, "higher", 10, "rate") is None
    assert rule.status_of(None, 1.0, "higher", 10, "rate") == "grey"
    assert scoring.indicator_status(0.5, None, "higher", 10, "rate") is None
    assert scoring.indicator_status(None, 1.0, "higher", 10, "rate") == "grey"


# --- through the loader: town_performance colours each town against its own target --------------------------

HEADER = ["任务号", "上报时间", "问题来源", "小类名称", "所属街道", "所属社区", "单元网格", "立案时间", "派遣时间",
          "处置部门", "处置截止时间", "处置完成时间", "结案时间", "当前阶段名称", "返工次数"]
JY, ZD, HLL, SJT = "371002002", "371002003", "371002001", "371002011"


def _cases(prefix: str, town: str, due: int, on_time: int) -> list[list[str]]:
    rows = []
    for i in range(due):
        handled = "2023-06-10 11:00:00" if i < on_time else "2023-06-10 13:00:00"  # deadline 12:00
        rows.append([f"{prefix}{i:02d}", "2023-06-09 08:00:00", "监督员上报", "暴露垃圾", town, "", "",
                     "2023-06-09 08:10:00", "2023-06-09 09:00:00", "区综合执法局", "2023-06-10 12:00:00", handled,
                     "2023-06-10 14:00:00", "结案", "0"])
    return rows


TARGETS = [
    ["指标编码", "范围", "周期类型", "周期", "目标值", "方向"],
    ["dcm.on_time_due_rate", "鲸园街道", "年", "2023", "100%", "越高越好"],
    ["dcm.on_time_due_rate", "竹岛街道", "年", "2023", "90", "越高越好"],
    ["dcm.on_time_due_rate", "环翠区", "年", "2023", "100", "越高越好"],
]


@pytest.fixture(scope="module")
def towns(tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("status")
    rows = (_cases("J", "鲸园", 10, 9) + _cases("Z", "竹岛", 10, 8) + _cases("H", "环翠楼", 4, 4)
            + _cases("S", "孙家疃", 5, 5))
    files = [write_csv(tmp / "案件.csv", [HEADER, *rows]), write_csv(tmp / "目标.csv", TARGETS, "utf-8")]
    with query_runner(tmp / "wh" / "warehouse.duckdb", files) as execute:
        yield execute(q.town_performance(Filters(dt.date(2023, 6, 1), dt.date(2023, 6, 30)))).set_index("town_code")


def test_rule_band005_town_colours(towns) -> None:
    got = {code: (towns.loc[code, "due"], towns.loc[code, "on_time"], towns.loc[code, "target_on_time_rate"],
                  towns.loc[code, "on_time_status"]) for code in (JY, ZD, HLL, SJT)}
    assert got == {
        JY: (10, 9, 1.0, "amber"),  # 90% of a 100% target: the band's edge
        ZD: (10, 8, 0.9, "red"),  # 80% against 90%: below 81%
        HLL: (4, 4, 1.0, "grey"),  # 4 cases: too few to colour
        SJT: (5, 5, 1.0, "green"),  # exactly 5 cases, all on time
    }


def test_rule_band006_names_colours_and_odd_inputs() -> None:
    """Each status in words and colour (warehouse/reference/status.csv), an unknown one as no target, and a
    value that is not a number as too little data."""
    assert [rule.name(s) for s in ("green", "amber", "red", "grey", None)] == [
        "达标", "接近", "未达标", "数据不足", "未设目标"]
    assert [rule.name(s, "en") for s in ("green", "amber", "red", "grey", None)] == [
        "on target", "near target", "off target", "too little data", "no target set"]
    assert (rule.name("purple"), rule.name("purple", "en")) == ("未设目标", "no target set")
    assert rule.COLORS == {"green": "#2e9d5b", "amber": "#e8a33d", "red": "#d64545", "grey": "#9aa0a6",
                           "none": "#9aa0a6"}
    assert rule.status_of("n/a", 1.0, "higher") == "grey"
    assert rule.status_of(0.9, "n/a", "higher") is None
    assert rule.status_of(1.0, 1.0, "higher", "n/a", "rate") == "grey"


@pytest.mark.parametrize(("value", "target", "n", "expected"), [
    (None, 1.0, 10, "grey"),  # no value: too little data
    (0.5, None, 10, None),  # no target: no status
    (1.0, 1.0, None, "grey"),  # no denominator
])
def test_rule_band007_sql_rule_missing_parts(value: float | None, target: float | None, n: int | None,
                                            expected: str | None) -> None:
    null = sa.null()
    expr = rule.status_sql(*(null if x is None else sa.literal(x) for x in (value, target, n)))
    sql, params = compile_query(sa.select(expr.label("s")))
    assert duckdb.connect().execute(sql, params).fetchone() == (expected,)
