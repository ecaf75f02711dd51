"""``mart_report`` (warehouse/marts/90_report.sql) at its edges, on tiny exports rather than the demo:

- 市精致办通报 rectified on time: exactly on 整改时限 counts, a day after does not, without a 整改时限 or a
  完成日期 does not, another channel on time does not; 拆围建绿 counts when reported to the city;
- rectified counts need 已整改 and a 完成日期 (a row without one makes no year);
- the snow roster of a year is the last one dated on or before 31 December (one dated 1 January is next year's);
- video AI channels are those seen before 1 January of the next year (an event at 00:00:00 that day is next year's);
- a year with nothing but closed cases (2024) still gets the roster and channels in force;
- a bureau case 结案 without 结案时间 makes no year; fines and inspection rectifications sum to 0, not NULL; the
  online rate is over the cases whose 网上运行 is known (1 of 1).

Headers are the project's (tests/fixtures/exports.py and etl/specs/*.yaml); rows invented, values by hand.
"""

from __future__ import annotations

import pytest

from tests.fixtures.exports import write_csv
from tests.fixtures.warehouse import query_runner

REFINED = [
    ["问题编号", "交办来源", "责任镇街", "问题类型", "交办日期", "整改时限", "完成日期", "整改状态",
     "是否列入市级上报"],
    ["I1", "市精致办通报", "环翠楼", "乱堆乱放", "2022-03-01", "2022-03-08", "2022-03-08", "已整改", ""],  # on the day
    ["I2", "市精致办通报", "环翠楼", "乱堆乱放", "2022-03-01", "2022-03-08", "2022-03-09", "已整改", ""],  # a day late
    ["I3", "市精致办通报", "环翠楼", "乱堆乱放", "2022-03-01", "", "2022-03-05", "已整改", ""],  # no 整改时限
    ["I4", "市精致办通报", "环翠楼", "乱堆乱放", "2022-03-01", "2022-03-08", "", "整改中", ""],  # not yet
    ["I5", "区级督导", "鲸园", "乱扯乱挂", "2022-05-01", "", "2022-06-01", "已整改", ""],  # counts in 2022
    ["I6", "区级督导", "鲸园", "乱扯乱挂", "2022-05-01", "", "2022-06-02", "整改中", ""],  # a date, not 已整改
    ["I7", "区级督导", "鲸园", "乱扯乱挂", "2022-05-01", "", "", "已整改", ""],  # 已整改 without a date: no year
    ["I8", "镇街自查", "竹岛", "乱堆乱放", "2022-03-01", "2022-03-08", "2022-03-05", "已整改", "是"],  # not 通报
    ["I9", "拆围建绿", "竹岛", "破损墙体", "2022-04-01", "", "", "整改中", "是"],  # 拆围建绿 reported to the city
    ["I10", "拆围建绿", "竹岛", "破损墙体", "2022-04-01", "", "", "整改中", "否"],  # not reported
]
ROSTER = [
    ["统计日期", "镇街/单位", "人员数", "机械类型", "台数"],
    ["2022-12-31", "环翠楼", "100", "推雪铲", "3"],
    ["2022-12-31", "环翠楼", "100", "撒布机", "2"],
    ["2023-01-01", "环翠楼", "150", "推雪铲", "7"],
]
VIDEO = [
    ["告警编号", "摄像头编号", "告警时间", "告警类型", "所属镇街", "到场时间", "处置时间"],
    ["A1", "37100200001310000001", "2022-12-31 23:59:59", "占道经营", "环翠楼", "", ""],
    ["A2", "37100200001310000002", "2023-01-01 00:00:00", "占道经营", "环翠楼", "", ""],
    ["A3", "37100200001310000002", "2023-01-01 12:00:00", "占道经营", "环翠楼", "", ""],
]
DCM = [
    ["任务号", "上报时间", "问题来源", "小类名称", "所属街道", "处置部门", "处置截止时间", "处置完成时间", "结案时间",
     "当前阶段名称", "返工次数"],
    ["D1", "2022-03-01 08:00", "监督员上报", "乱堆杂物", "环翠楼", "区综合执法局", "2022-03-02 10:00",
     "2022-03-01 20:00", "2022-03-02 08:00", "结案", "0"],
    ["D2", "2022-03-01 09:00", "监督员上报", "乱堆杂物", "环翠楼", "区综合执法局", "2022-03-02 10:00",
     "2022-03-01 20:00", "", "结案", "0"],  # 结案 without 结案时间: no year
    ["D3", "2024-01-30 09:00", "监督员上报", "乱堆杂物", "环翠楼", "区综合执法局", "2024-02-01 10:00",
     "2024-01-31 20:00", "2024-02-01 08:00", "结案", "0"],  # 2024 has closures only: still a year of the report
]
PENALTY = [
    ["案号", "立案日期", "案由", "镇街", "罚款金额(元)", "网上运行"],
    ["P1", "2022-04-01", "擅自占道经营", "环翠楼", "", "是"],
    ["P2", "2022-04-02", "擅自占道经营", "环翠楼", "", ""],
]
INSPECTIONS = [
    ["通知编号", "下发日期", "镇街", "问题数", "已整改数"],
    ["N1", "2022-07-01", "张村镇", "3", ""],
]


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[int | None, str], float]:
    tmp = tmp_path_factory.mktemp("reportedges")
    files = [write_csv(tmp / "不精致问题台账.csv", REFINED), write_csv(tmp / "清雪力量台账.csv", ROSTER),
             write_csv(tmp / "视频AI告警.csv", VIDEO), write_csv(tmp / "cases.csv", DCM),
             write_csv(tmp / "行政处罚.csv", PENALTY), write_csv(tmp / "村居巡查通知.csv", INSPECTIONS)]
    with query_runner(tmp / "wh" / "warehouse.duckdb", files) as run:
        df = run("SELECT year, key, value FROM mart_report")
    return {(None if y != y else int(y), k): v for y, k, v in df.itertuples(index=False, name=None)}


def test_report_edge001_city_notified_on_time_at_the_deadline(report) -> None:
    assert report[(2022, "refined.city_notified")] == 4
    assert report[(2022, "refined.city_notified_rectified_on_time")] == 1  # I1 only (I8 is not 通报)
    assert report[(2022, "refined.wall_removal")] == 1  # I9: 拆围建绿 and reported (not I10, not I8)


def test_report_edge002_rectified_needs_status_and_date(report) -> None:
    assert report[(2022, "refined.supervised_rectified")] == 1  # I5; not I6 (整改中), not I7 (no date)


def test_report_edge003_every_figure_has_a_year(report) -> None:
    assert sorted({y for y, _ in report}, key=str) == [2022, 2023, 2024]


def test_report_edge004_roster_of_31_december(report) -> None:
    assert (report[(2022, "snow.personnel")], report[(2022, "snow.machines")]) == (100, 5)
    assert (report[(2023, "snow.personnel")], report[(2023, "snow.machines")]) == (150, 7)
    assert (report[(2024, "snow.personnel")], report[(2024, "snow.machines")]) == (150, 7)  # still 1 January's


def test_report_edge005_channels_before_1_january(report) -> None:
    assert [report[(y, "video_ai.channels")] for y in (2022, 2023, 2024)] == [1, 2, 2]


def test_report_edge006_closed_cases_fines_inspections(report) -> None:
    assert report[(2022, "dcm.closed")] == 1  # D1; D2 has no 结案时间
    assert report[(2022, "penalty.fines_yuan")] == 0
    assert report[(2022, "penalty.online_rate")] == 1.0  # P1 of P1 (P2's 网上运行 unknown)
    assert report[(2022, "village.rectified_from_inspections")] == 0
