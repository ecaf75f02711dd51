"""The KPI mart's null edges and the freshness mart (warehouse/marts/50_kpi.sql).

- ``mart_kpi_daily``: a case 结案 without 结案时间 and a problem 已整改 without 整改完成日期 make no row without
  a day (they count in no day's closed / rectified figure), while the case still counts where it is due; a
  void case reworked is not in the rework rate (it is not due); a case with a 结案时间 but back at 处置 is closed
  on no day.
- ``mart_source_freshness``: the last load is the last *successful* one (a later failed load of the same source
  changes neither its time nor its rows); a source never loaded shows 0 rows loaded.

Headers as in tests/test_marts_rankings.py and tests/test_boundaries_load_retry.py; rows invented.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from etl.load import load_files
from tests.fixtures.exports import write_csv
from warehouse import store

DCM = [
    ["任务号", "上报时间", "问题来源", "小类名称", "所属街道", "处置部门", "处置截止时间", "处置完成时间", "结案时间",
     "当前阶段名称", "返工次数"],
    ["K1", "2023-05-01 08:00", "监督员上报", "乱堆杂物", "环翠楼", "区综合执法局", "2023-05-02 10:00",
     "2023-05-01 20:00", "", "结案", "0"],  # 结案, no 结案时间: on time where due (2 May), closed on no day
    ["K2", "2023-05-01 09:00", "监督员上报", "乱堆杂物", "环翠楼", "区综合执法局", "2023-05-02 10:00", "", "",
     "[作废]", "1"],  # void: reworked, but not due, so not in the rework rate
    ["K3", "2023-05-03 09:00", "监督员上报", "乱堆杂物", "环翠楼", "区综合执法局", "2023-05-04 10:00", "",
     "2023-05-03 12:00", "处置", "0"],  # a 结案时间 but back at 处置: not closed on any day, due on 4 May
]
REFINED = [
    ["问题编号", "问题来源", "镇街", "问题类别", "发现日期", "整改完成日期", "状态"],
    ["R1", "区级督导", "环翠楼", "乱堆乱放", "2023-05-03", "", "已整改"],  # 已整改 without a date
    ["R2", "区级督导", "环翠楼", "乱堆乱放", "2023-05-03", "2023-05-04", "整改中"],  # a date, not 已整改
]
BAD_HEADER = ["任务号", "上报时间", "问题来源", "小类名称", "所属街道", "处置部门", "当前阶段名称", "X坐标"]
HLL = "371002001"


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("kpiedges")
    wh = tmp / "wh" / "warehouse.duckdb"
    assert load_files(wh, [write_csv(tmp / "cases.csv", DCM), write_csv(tmp / "refined.csv", REFINED)]).ok
    # then a dcm file whose only row is rejected (an ID number in the coordinate column): a failed load
    bad = write_csv(tmp / "bad.csv", [BAD_HEADER, ["B1", "2023-05-09 08:00:00", "12345", "暴露垃圾", "环翠楼",
                                                   "区综合执法局", "处置", "370211198001011234"]], "utf-8")
    assert [t.status for t in load_files(wh, [bad]).tables] == ["failed"]
    return wh


def _rows(wh: Path, sql: str) -> list[tuple]:
    con = store.connect_readonly(wh)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_kpi_edge001_no_row_without_a_day(warehouse: Path) -> None:
    got = _rows(warehouse, "SELECT indicator, town_code, bool_or(day IS NULL), sum(num), sum(den) "
                           "FROM mart_kpi_daily GROUP BY ALL ORDER BY ALL")
    assert got == [  # K1 and K3 due (K2 void); K1 on time; K1 and K3 filed; nothing closed on a day
        ("dcm.close_rate", HLL, False, 1.0, 2.0), ("dcm.filed", HLL, False, 2.0, None),
        ("dcm.on_time_due_rate", HLL, False, 1.0, 2.0), ("dcm.rework_rate", HLL, False, 0.0, 2.0),
        ("refined.rectified_rate", HLL, False, 1.0, 2.0)]  # R1 of R1, R2; no refined.rectified


def test_kpi_edge002_freshness_counts_successful_loads_only(warehouse: Path) -> None:
    (good_at,) = _rows(warehouse, "SELECT started_at FROM load_log WHERE file_name = 'cases.csv'")
    (refined_at,) = _rows(warehouse, "SELECT started_at FROM load_log WHERE file_name = 'refined.csv'")
    (bad_at,) = _rows(warehouse, "SELECT started_at FROM load_log WHERE file_name = 'bad.csv'")
    assert bad_at > good_at
    fresh = {r[0]: r[1:] for r in _rows(warehouse, "SELECT source, last_load_at, rows_loaded, rows_now "
                                                   "FROM mart_source_freshness")}
    assert fresh["dcm_cases"] == (good_at[0], 3, 3)
    assert fresh["refined_city_issues"] == (refined_at[0], 2, 2)
    assert fresh["permits"] == (None, 0, 0)
