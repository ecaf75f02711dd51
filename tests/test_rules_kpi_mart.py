"""The KPI mart's non-case indicators at their edges (warehouse/marts/50_kpi.sql ``mart_kpi_daily``).

- 视频AI 5分钟到场处置率: on site within 5 minutes of detection AND handled within 5 minutes of arrival; exactly
  5:00 counts, 5:01 does not, no arrival does not.
- 存量违建拆除: stock structures demolished (a stock one still waiting and a new one demolished do not count);
  新增违建: new structures by the day they were found.
Headers are the builders' (tests/fixtures/exports.py); expected values by hand.
"""

from __future__ import annotations

import pytest

from tests.fixtures.exports import IC_HEADER, write_csv
from tests.fixtures.warehouse import query_runner

VIDEO = [
    ["告警编号", "摄像头编号", "告警时间", "告警类型", "所属镇街", "到场时间", "处置时间"],
    ["V1", "37100200001310000001", "2023-05-09 08:00:00", "占道经营", "环翠楼", "2023-05-09 08:05:00",
     "2023-05-09 08:10:00"],  # 5:00 and 5:00: counts
    ["V2", "37100200001310000001", "2023-05-09 09:00:00", "占道经营", "环翠楼", "2023-05-09 09:05:01",
     "2023-05-09 09:06:00"],  # on site one second late
    ["V3", "37100200001310000001", "2023-05-09 10:00:00", "占道经营", "环翠楼", "2023-05-09 10:01:00",
     "2023-05-09 10:06:01"],  # handled one second late
    ["V4", "37100200001310000001", "2023-05-09 11:00:00", "暴露垃圾", "环翠楼", "", ""],  # nobody came
]
IC = [
    IC_HEADER,
    ["WJ1", "张村镇", "", "", "", "存量", "砖混", "", "120.5", "2021-06-01", "巡查", "", "拆除", "2023-04-02",
     "120.5", "已拆除"],
    ["WJ2", "张村镇", "", "", "", "存量", "彩钢", "", "300", "2021-09-01", "航拍", "", "", "", "", "待处置"],
    ["WJ3", "张村镇", "", "", "", "新建", "砖混", "", "18", "2023-04-02", "举报", "", "拆除", "2023-04-20", "18",
     "已拆除"],
]
ZC = "371002100"


@pytest.fixture(scope="module")
def kpi(tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("kpimart")
    files = [write_csv(tmp / "视频AI告警.csv", VIDEO), write_csv(tmp / "违建台账.csv", IC)]
    with query_runner(tmp / "wh" / "warehouse.duckdb", files) as execute:
        df = execute("SELECT indicator, town_code, sum(num) AS num, sum(den) AS den FROM mart_kpi_daily "
                     "GROUP BY ALL ORDER BY ALL")
        yield {(r.indicator, r.town_code): (r.num, None if r.den != r.den else r.den) for r in df.itertuples()}


def test_rule_kpi001_five_minutes_exactly_counts(kpi) -> None:
    assert kpi[("video_ai.five_minute_rate", "371002001")] == (1, 4)


def test_rule_kpi002_only_demolished_stock_counts(kpi) -> None:
    assert kpi[("demolition.stock_count", ZC)] == (1, None)
    assert kpi[("demolition.stock_area_m2", ZC)] == (pytest.approx(120.5), None)
    assert kpi[("demolition.new_found", ZC)] == (1, None)
