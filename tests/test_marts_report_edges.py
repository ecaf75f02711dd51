"""``mart_report`` (warehouse/marts/90_report.sql) at its edges, on tiny exports rather than the demo:

- 市精致办通报 rectified on time: exactly on 整改时限 counts, a day after does not, without a 整改时限 or a
  完成日期 does not, another channel on time does not; 拆围建绿 counts when reported to the city;
- rectified counts need 已整改 and a 完成日期 (a row without one makes no year);
- the snow roster of a year is the last one dated on or before 31 December (one dated 1 January is next year's);
- video AI channels are those seen before 1 January of the next year (an event at 00:00:00 that day is next year's);
- a year with nothing but closed cases (2024) still gets the roster and channels in force;
- a bureau case 结案 without 结案时间 makes no year, one with 结案时间 back at 处置 is not closed; fines and
  inspection rectifications sum to 0, not NULL; the online rate is over the cases whose 网上运行 is known (1 of 1);
- compliant lab tests are 专业检测 and 达标; bilingual signs are 门头招牌 with a foreign script; a coastal
  project's year is its 年度, else the year in its list's file name (before its completion date).

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
    ["D4", "2022-03-05 09:00", "监督员上报", "乱堆杂物", "环翠楼", "区综合执法局", "2022-03-06 10:00",
     "", "2022-03-06 08:00", "处置", "0"],  # a 结案时间, but the case is back at 处置: not closed
]
PENALTY = [
    ["案号", "立案日期", "案由", "镇街", "罚款金额(元)", "网上运行"],
    ["P1", "2022-04-01", "擅自占道经营", "环翠楼", "", "是"],
    ["P2", "2022-04-02", "擅自占道经营", "环翠楼", "", ""],
]
FUME = [
    ["编号", "日期", "工作类型", "镇街", "店铺名称", "结果"],
    ["F1", "2022-05-01", "专业检测", "环翠楼", "老王烧烤", "达标"],
    ["F2", "2022-05-02", "专业检测", "环翠楼", "海鲜饭店", "超标"],  # a lab test, not compliant
    ["F3", "2022-05-03", "审管联动现场勘查", "鲸园", "面馆", "达标"],  # 达标 on a survey: not a lab test
]
PERMITS = [
    ["办件编号", "受理时间", "许可事项", "所属镇街", "设置地点", "许可期限", "是否现场勘验", "外文标识"],
    ["X1", "2022-06-01", "门头招牌", "竹岛", "海滨路", "", "否", "英文"],  # a bilingual sign
    ["X2", "2022-06-02", "临时占道", "竹岛", "统一路", "2022-06-02至2022-06-05", "是", "英文"],  # not a sign
    ["X3", "2022-06-03", "门头招牌", "竹岛", "海滨路", "", "否", "无"],  # a sign in Chinese only
]
COASTAL = [  # the list's file name says 2022
    ["项目编号", "项目名称", "项目类别", "所属镇街", "进展情况", "完成时间", "年度"],
    ["H1", "金海湾岸线整治", "综合整治", "孙家疃街道", "已完成", "2023-05-01", ""],  # no 年度: the list's year
    ["H2", "海水浴场改造", "投资建设", "环翠楼", "已完成", "2024-01-10", "2023年"],  # 年度 before all else
    ["H3", "码头岸线修复", "综合整治", "环翠楼", "实施中", "", "2020-W01"],  # a week (from 30 December 2019), not
]  # a year: the list's
INSPECTIONS = [
    ["通知编号", "下发日期", "镇街", "问题数", "已整改数"],
    ["N1", "2022-07-01", "张村镇", "3", ""],
]


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[int | None, str], float]:
    tmp = tmp_path_factory.mktemp("reportedges")
    files = [write_csv(tmp / "不精致问题台账.csv", REFINED), write_csv(tmp / "清雪力量台账.csv", ROSTER),
             write_csv(tmp / "视频AI告警.csv", VIDEO), write_csv(tmp / "cases.csv", DCM),
             write_csv(tmp / "行政处罚.csv", PENALTY), write_csv(tmp / "村居巡查通知.csv", INSPECTIONS),
             write_csv(tmp / "油烟检测.csv", FUME), write_csv(tmp / "许可办件.csv", PERMITS),
             write_csv(tmp / "海岸带综合整治修复项目清单2022.csv", COASTAL)]
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
    assert report[(2022, "dcm.closed")] == 1  # D1; D2 has no 结案时间, D4 is not at 结案
    assert report[(2022, "penalty.fines_yuan")] == 0
    assert report[(2022, "penalty.online_rate")] == 1.0  # P1 of P1 (P2's 网上运行 unknown)
    assert report[(2022, "village.rectified_from_inspections")] == 0


def test_report_edge007_lab_tests_signs_and_project_years(report) -> None:
    assert [report[(2022, f"fume.{k}")] for k in ("lab_tests", "lab_tests_compliant", "site_surveys")] == [2, 1, 1]
    assert (report[(2022, "permits.bilingual_signs")], report[(2022, "permits.temp_occupation")]) == (1, 1)
    assert [report[(y, "coastal.projects")] for y in (2022, 2023)] == [2, 1]  # H1, H3 by their list; H2 by 年度
    assert [report[(y, "coastal.projects_done")] for y in (2022, 2023)] == [1, 1]
    assert (2024, "coastal.projects") not in report  # H2's completion year
    assert (2019, "coastal.projects") not in report  # H3's week's Monday
