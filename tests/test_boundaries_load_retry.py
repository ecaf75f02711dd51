"""A table that fails inside a group of same-layout tables never takes the others with it.

Same-layout tables load together in one statement (etl/load.py ``_load_chunk``); when that statement fails,
each table is retried alone, so only the bad one is lost. A number too large for the fact table's
DECIMAL(18,4) (an ID number typed into a coordinate column, as clerks do) rejects its row, so a file whose
only row it is fails on its own; a failure injected into the merge for one file only is retried one by one.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import etl.load
from etl.load import load_files
from tests.fixtures.exports import write_csv
from warehouse import store

HEADER = ["任务号", "上报时间", "问题来源", "小类名称", "所属街道", "处置部门", "当前阶段名称", "X坐标"]


def _file(d: Path, name: str, no: str, x: str) -> Path:
    return write_csv(d / name, [HEADER, [no, "2023-05-01 08:00:00", "12345", "暴露垃圾", "环翠楼", "区综合执法局",
                                         "处置", x]], "utf-8")


def _outcome(warehouse: Path) -> tuple[list[str], dict[str, str]]:
    con = store.connect_readonly(warehouse)
    try:
        cases = [r[0] for r in con.execute("SELECT case_no FROM fact_dcm_case ORDER BY 1").fetchall()]
        log = dict(con.execute("SELECT file_name, status FROM load_log").fetchall())
        return cases, log
    finally:
        con.close()


def test_retry001_value_overflow_fails_its_file_only(tmp_path: Path) -> None:
    files = [_file(tmp_path, "g1.csv", "G1", "122.1"), _file(tmp_path, "bad.csv", "B1", "370211198001011234"),
             _file(tmp_path, "g2.csv", "G2", "122.2")]
    result = load_files(tmp_path / "wh" / "warehouse.duckdb", files)
    assert [(t.file.name, t.status, t.rows_loaded) for t in result.tables] == [
        ("g1.csv", "loaded", 1), ("bad.csv", "failed", 0), ("g2.csv", "loaded", 1)]
    assert result.tables[1].error_en == "every one of its 1 rows was rejected (see kpi rejects)"
    assert _outcome(tmp_path / "wh" / "warehouse.duckdb") == (
        ["G1", "G2"], {"g1.csv": "loaded", "bad.csv": "failed", "g2.csv": "loaded"})


def test_retry002_injected_merge_failure_is_retried_one_by_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = [_file(tmp_path, f"m{i}.csv", f"M{i}", "122.1") for i in range(1, 5)]
    real_merge = etl.load._merge
    calls: list[int] = []

    def merge(con, spec, offset):  # fails whenever m3.csv is among the staged parts
        names = [r[0] for r in con.execute("SELECT file_name FROM parts").fetchall()]
        calls.append(len(names))
        if "m3.csv" in names:
            raise RuntimeError("simulated failure")
        return real_merge(con, spec, offset)

    monkeypatch.setattr(etl.load, "_merge", merge)
    result = load_files(tmp_path / "wh" / "warehouse.duckdb", files)
    assert calls == [4, 1, 1, 1, 1]  # the group once, then each table alone
    assert [(t.file.name, t.status) for t in result.tables] == [
        ("m1.csv", "loaded"), ("m2.csv", "loaded"), ("m3.csv", "failed"), ("m4.csv", "loaded")]
    assert result.tables[2].error_en == "cannot be loaded (RuntimeError: simulated failure)"
    cases, log = _outcome(tmp_path / "wh" / "warehouse.duckdb")
    assert cases == ["M1", "M2", "M4"]
    assert log == {"m1.csv": "loaded", "m2.csv": "loaded", "m3.csv": "failed", "m4.csv": "loaded"}
