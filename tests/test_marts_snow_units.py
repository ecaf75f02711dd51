"""``mart_snow_unit`` (warehouse/marts/40_snow.sql) at its edges: 融雪剂储备 and 责任路段里程 count once when a
unit's machine rows repeat one value and sum when they differ; a unit without 责任路段里程 takes its town's
road length (``road_km_ref``); a district body sorts after the nine towns (``unit_sort`` 100; a town's is its row in
warehouse/reference/towns.csv, 0–8).

The header is the roster's as tests/test_marts_snow.py writes it (清雪力量台账); the rows are invented and the
expected values worked out by hand below each row group.
"""

from __future__ import annotations

import pytest

from tests.fixtures.exports import write_csv
from tests.fixtures.warehouse import query_runner

ROSTER = [
    ["统计日期", "镇街/单位", "人员数", "机械类型", "台数", "融雪剂储备(吨)", "责任路段里程(km)"],
    # 环翠楼: one value repeated on both rows → 25 t and 62 km, once
    ["2023-01-15", "环翠楼", "120", "推雪铲", "6", "25", "62"],
    ["2023-01-15", "环翠楼", "120", "滚雪刷", "4", "25", "62"],
    # 张村镇: the rows differ → 5 + 7 = 12 t and 10 + 15 = 25 km
    ["2023-01-15", "张村镇", "90", "铲雪车", "3", "5", "10"],
    ["2023-01-15", "张村镇", "90", "装载机", "1", "7", "15"],
    # 鲸园: no 责任路段里程 → road_km NULL, road_km_ref = 鲸园's road length in dim_town (58 km)
    ["2023-01-15", "鲸园", "40", "推雪铲", "2", "3", ""],
    # a district body: its own name as key, sorted after the towns
    ["2023-01-15", "区环境卫生服务中心", "210", "清运车", "12", "50", "100"],
]
HLL, JY, ZC = "371002001", "371002002", "371002100"
CENTRE = "区环境卫生服务中心"


@pytest.fixture(scope="module")
def units(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple]:
    tmp = tmp_path_factory.mktemp("snowunits")
    with query_runner(tmp / "wh" / "warehouse.duckdb", [write_csv(tmp / "清雪力量台账.csv", ROSTER)]) as run:
        df = run("SELECT unit_key, unit_sort, personnel, machines, deicer_t, road_km, road_km_ref "
                 "FROM mart_snow_unit ORDER BY unit_key")
    return {r.unit_key: tuple(None if v != v else v for v in r[2:]) for r in df.itertuples()}


def test_snow_unit001_repeated_values_count_once(units: dict[str, tuple]) -> None:
    assert units[HLL] == (0, 120, 10, 25.0, 62.0, 62.0)


def test_snow_unit002_different_values_sum(units: dict[str, tuple]) -> None:
    assert units[ZC] == (5, 90, 4, 12.0, 25.0, 25.0)


def test_snow_unit003_no_road_length_takes_the_towns(units: dict[str, tuple]) -> None:
    assert units[JY] == (1, 40, 2, 3.0, None, 58.0)


def test_snow_unit004_district_body_sorts_after_the_towns(units: dict[str, tuple]) -> None:
    assert units[CENTRE] == (100, 210, 12, 50.0, 100.0, 100.0)
    assert set(units) == {HLL, JY, ZC, CENTRE}
