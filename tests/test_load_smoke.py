"""End-to-end: a GB18030 case export through `kpi load`, `kpi rejects`, `kpi loads` and `kpi report`."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from tests.conftest import run_kpi

HEADER = ["任务号", "上报时间", "问题来源", "小类名称", "所属街道", "处置部门", "处置截止时间", "处置完成时间",
          "结案时间", "当前阶段名称", "返工次数", "单元网格"]


def _write(path: Path, rows: list[list[str]]) -> Path:
    with open(path, "w", encoding="gb18030", newline="") as f:
        csv.writer(f).writerows([HEADER, *rows])
    return path


def test_smoke001_load_report_rejects(tmp_path: Path, warehouse: Path) -> None:
    _write(tmp_path / "cases.csv", [
        ["2022000001", "2022-03-05 14:03:00", "其他问题上报", "乱堆杂物", "环翠楼", "区综合执法局",
         "2022-03-06 14:00:00", "2022-03-05 18:00:00", "2022年3月5日 20:00", "结案", "0", "371002001001001"],
        ["2022000002", "2022.3.6", "12345", "暴露垃圾", "鲸园街道办事处", "环卫中心", "", "", "", "[作废]", "", ""],
        ["2022000003", "bad-date", "12345", "暴露垃圾", "不存在镇", "环卫中心", "", "", "", "派遣", "", ""],
        ["合计", "", "", "", "", "", "", "", "", "", "", ""],
    ])
    proc = run_kpi("load", str(tmp_path / "cases.csv"), "--warehouse", str(warehouse), "--lang", "en")
    assert "dcm_cases, rows in 4, loaded 2, rejected 1, skipped 1" in proc.stdout

    loads = json.loads(run_kpi("loads", "--json", "--warehouse", str(warehouse)).stdout)
    assert [(r["source"], r["rows_in"], r["rows_loaded"], r["rows_rejected"], r["rows_skipped"], r["status"])
            for r in loads] == [("dcm_cases", 4, 2, 1, 1, "loaded")]

    rejects = json.loads(run_kpi("rejects", "--json", "--warehouse", str(warehouse)).stdout)
    assert {(r["row"], r["column"], r["value"], r["reason"]) for r in rejects} == {
        (4, "上报时间", "bad-date", "not a date"),
        (4, "所属街道", "不存在镇", "unknown town"),
    }

    report = json.loads(run_kpi("report", "--year", "2022", "--json", "--warehouse", str(warehouse)).stdout)
    assert report["dcm.closed"] == 1
    assert report["dcm.on_time_close_rate"] == 1.0
    assert report["penalty.filed"] == 0
    assert report["penalty.online_rate"] is None
