"""Data tests of the snow marts and warehouse.queries.snow: personnel once per unit, the latest roster on or
before the range's end, reserves, readiness per road-km, and the events."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
import sqlalchemy as sa

from tests.fixtures.exports import write_csv
from tests.fixtures.warehouse import query_runner
from warehouse.queries import snow as q
from warehouse.sql import Filters

ROSTER = [
    ["统计日期", "镇街/单位", "人员数", "机械类型", "台数", "融雪剂储备(吨)", "责任路段里程(km)"],
    ["2022-11-30", "环翠楼街道", "100", "推雪铲", "5", "20", "62"],
    ["2022-11-30", "环翠楼街道", "100", "撒布机", "2", "20", "62"],
    ["2022-11-30", "张村", "80", "铲雪车", "3", "10", ""],
    ["2022-11-30", "区环境卫生服务中心", "200", "清运车", "10", "50", "100"],
    ["2023-01-15", "环翠楼", "120", "推雪铲", "6", "25", "62"],
    ["2023-01-15", "环翠楼", "120", "滚雪刷", "4", "25", "62"],
    ["2023-01-15", "张村镇", "90", "铲雪车", "3", "5", ""],
    ["2023-01-15", "张村镇", "90", "装载机", "1", "7", ""],
    ["2023-01-15", "区环境卫生服务中心", "210", "清运车", "12", "50", "100"],
]
EVENTS = [
    ["作业编号", "日期", "镇街", "降雪量(mm)", "出动人次", "出动机械台次", "融雪剂(吨)", "清扫面积(万㎡)",
     "主干道恢复通行用时(小时)"],
    ["E1", "2023-01-10", "环翠楼", "8", "150", "20", "3", "12", "4"],
    ["E2", "2023-01-10", "张村", "8", "90", "8", "2", "30", "6"],
    ["E3", "2023-01-20", "环翠楼", "3", "60", "10", "1", "5", "2"],
    ["E4", "2022-12-15", "鲸园", "5", "40", "4", "1", "2", "3"],
]
HLL, ZC = "371002001", "371002100"
Q1 = Filters(dt.date(2023, 1, 1), dt.date(2023, 3, 31))




@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("snow")
    wh = tmp / "wh" / "warehouse.duckdb"
    with query_runner(wh, [write_csv(tmp / "roster.csv", ROSTER), write_csv(tmp / "events.csv", EVENTS)]) as execute:
        yield execute


def test_snow001_personnel_once_per_unit_latest_roster(run) -> None:
    k = run(q.kpis(Filters(end=dt.date(2022, 12, 31)))).iloc[0]
    assert pd.Timestamp(k.as_of).date() == dt.date(2022, 11, 30)
    assert (k.personnel, k.machines) == (380, 20)  # 100 once for 环翠楼's two rows
    assert k.deicer_t == 80.0  # 20 repeated on 环翠楼's rows counts once
    assert k.road_km == 62 + 96 + 100  # 张村 has no 责任路段里程: its road length from dim_town
    assert k.machines_per_100km == pytest.approx(20 * 100 / 258)
    later = run(q.kpis(Q1)).iloc[0]
    assert pd.Timestamp(later.as_of).date() == dt.date(2023, 1, 15)
    assert (later.personnel, later.machines, later.deicer_t) == (420, 26, 87.0)  # 张村's 5 + 7 differ: summed


def test_snow002_same_as_annual_report(run) -> None:
    report = dict(run(sa.text("SELECT key, value FROM mart_report WHERE year = 2022 AND key LIKE 'snow.%'"))
                  .itertuples(index=False, name=None))
    k = run(q.kpis(Filters(dt.date(2022, 1, 1), dt.date(2022, 12, 31)))).iloc[0]
    assert report == {"snow.personnel": k.personnel, "snow.machines": k.machines}


def test_snow003_no_roster_yet_and_town_filter(run) -> None:
    k = run(q.kpis(Filters(end=dt.date(2022, 11, 29)))).iloc[0]
    assert pd.isna(k.as_of) and (k.personnel, k.machines) == (0, 0)
    town = run(q.kpis(Filters(Q1.start, Q1.end, (HLL,)))).iloc[0]
    assert (town.personnel, town.machines) == (120, 10)  # district bodies drop out when towns are chosen
    assert run(q.kpis(Q1, town=ZC)).iloc[0].personnel == 90


def test_snow004_roster_by_unit_and_machine_types(run) -> None:
    df = run(q.roster_by_unit(Q1))
    assert df.unit_key.tolist() == [HLL, ZC, "区环境卫生服务中心"]
    assert df.personnel.tolist() == [120, 90, 210]
    assert df.is_town.tolist() == [True, True, False]
    assert df.personnel_per_100km.iloc[0] == pytest.approx(120 * 100 / 62)
    m = run(q.machines_by_type(Q1, town=HLL))
    assert dict(zip(m.machine_type, m.machines, strict=True)) == {"推雪铲": 6, "滚雪刷": 4}
    rows = run(q.roster_rows(Q1, unit=ZC))
    assert sorted(rows.machine_type) == ["装载机", "铲雪车"] and rows.personnel.tolist() == [90, 90]
    assert len(run(q.roster_rows(Q1, limit=2))) == 2


def test_snow005_events(run) -> None:
    k = run(q.kpis(Q1)).iloc[0]
    assert (k.events, k.person_times, k.machine_times) == (3, 300, 38)
    assert k.swept_area_m2 == 470_000  # 万㎡ in the export, ㎡ in the warehouse
    assert (k.median_reopen_hours, k.max_reopen_hours, k.event_deicer_t) == (4.0, 6.0, 6.0)
    t = run(q.event_trend(Q1))
    assert t.events.tolist() == [2, 1] and t.towns.tolist() == [2, 1]
    assert t.person_times.tolist() == [240, 60] and t.median_reopen_hours.tolist() == [5.0, 2.0]
    by = run(q.events_by_town(Q1)).set_index("town_code")
    assert by.loc[HLL, "events"] == 2 and by.loc[HLL, "mean_reopen_hours"] == 3.0
    assert run(q.event_rows(Q1)).event_no.tolist() == ["E3", "E1", "E2"]
