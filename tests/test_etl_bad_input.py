"""Bad input in one batch with good files: one clear line per bad file, nothing of it loaded, the rest loads;
rows whose required values cannot be parsed are rejected one by one; rows in = loaded + rejected + skipped."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run_kpi
from tests.fixtures.exports import BUILDERS, DCM_HEADER, Sheet, kpi_json, write_csv, write_xls, write_xlsx
from warehouse import store

GOOD = ("dcm_cases", "refined_city_issues", "coastal_logs", "video_ai_events")


def _bad_files(d: Path) -> dict[str, str]:
    """Bad exports → a pattern their one-line message must contain (besides the file name)."""
    d.mkdir()
    write_csv(d / "通讯录.csv", [["姓名", "电话", "科室"], ["张三", "13800000000", "办公室"]])
    write_csv(d / "缺列案件.csv", [
        ["任务号", "上报时间", "问题来源", "小类名称", "所属街", "处置部门", "当前阶段名称"],
        ["BAD-0001", "2022-03-05", "12345", "暴露垃圾", "环翠楼", "区综合执法局", "结案"],
    ])
    full = write_xlsx(d / "full.xlsx", [Sheet("s", ["编号", "日期", "类型", "镇街"],
                                              [["BAD-Y1", "2022-03-05", "专业检测", "环翠楼"]] * 200)])
    (d / "截断.xlsx").write_bytes(full.read_bytes()[: full.stat().st_size // 2])
    full.unlink()
    full = write_xls(d / "full.xls", [Sheet("s", ["编号", "日期", "类型", "镇街"],
                                            [["BAD-Y2", "2022-03-05", "专业检测", "环翠楼"]] * 200)])
    (d / "损坏.xls").write_bytes(full.read_bytes()[: full.stat().st_size // 2])
    full.unlink()
    (d / "空文件.csv").write_bytes(b"")
    (d / "繁体.csv").write_bytes("作業編號,日期,鎮街,出動人次,車輛台次,清理垃圾(噸)\r\nBAD-L1,2022-06-01,竹島,5,1,1\r\n"
                                .encode("big5"))
    return {
        "通讯录.csv": "match no known export",
        "缺列案件.csv": "所属街道.*'所属街'",
        "截断.xlsx": "not a valid .xlsx",
        "损坏.xls": "cannot open the workbook",
        "空文件.csv": "empty",
        "繁体.csv": "encoding",
    }


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("bad")
    good = {name: BUILDERS[name](root) for name in GOOD}
    expected = _bad_files(root / "bad")
    warehouse = root / "wh" / "warehouse.duckdb"
    paths = [str(p) for p in sorted((root / "bad").iterdir())] + [str(e.path) for e in good.values()]
    proc = run_kpi("load", *paths, "--warehouse", str(warehouse), "--lang", "en", check=False)
    loads = kpi_json("loads", "--warehouse", str(warehouse))
    return proc, loads, good, expected, warehouse


def test_etl041_exit_status_one(batch) -> None:
    proc = batch[0]
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr


def test_etl042_one_clear_line_per_bad_file(batch) -> None:
    import re

    proc, _, _, expected, _ = batch
    lines = proc.stdout.splitlines()
    for name, pattern in expected.items():
        mine = [line for line in lines if name in line]
        assert len(mine) == 1, (name, mine)
        assert mine[0].startswith("FAILED") and re.search(pattern, mine[0]), mine[0]


def test_etl043_good_files_load(batch) -> None:
    _, loads, good, _, warehouse = batch
    by_file = {r["file"]: r for r in loads}
    for export in good.values():
        row = by_file[export.path.name]
        assert (row["status"], row["source"], row["rows_loaded"]) == ("loaded", export.source, export.loaded)
    con = store.connect_readonly(warehouse)
    try:
        assert con.execute("SELECT count(*) FROM fact_dcm_case").fetchall()[0][0] == good["dcm_cases"].keys
        assert con.execute("SELECT count(*) FROM fact_coastal_log").fetchall()[0][0] == good["coastal_logs"].keys
        # nothing of the bad files: their keys never reach a fact table
        assert con.execute("SELECT count(*) FROM fact_dcm_case WHERE case_no LIKE 'BAD%'").fetchall()[0][0] == 0
        assert con.execute("SELECT count(*) FROM fact_fume_record").fetchall()[0][0] == 0
        assert con.execute("SELECT count(*) FROM fact_coastal_log WHERE log_no LIKE 'BAD%'").fetchall()[0][0] == 0
        assert con.execute("SELECT count(*) FROM rejects").fetchall()[0][0] == 0
    finally:
        con.close()


def test_etl044_bad_files_logged_as_failed(batch) -> None:
    _, loads, _, expected, _ = batch
    failed = {r["file"]: r for r in loads if r["status"] == "failed"}
    assert set(failed) == set(expected)
    assert all(r["rows_loaded"] == 0 and r["error"] and r["error_en"] for r in failed.values())
    # a failed file logs the rows it had: both CSVs hold a header and one row (no header matched: both count)
    assert {name: r["rows_in"] for name, r in failed.items()} == {
        "通讯录.csv": 2, "缺列案件.csv": 2, "截断.xlsx": 0, "损坏.xls": 0, "空文件.csv": 0, "繁体.csv": 0}


def test_etl045_missing_file_and_empty_folder(tmp_path: Path, warehouse: Path) -> None:
    good = BUILDERS["coastal_logs"](tmp_path)
    proc = run_kpi("load", str(tmp_path / "nope.csv"), str(good.path), "--warehouse", str(warehouse), "--lang", "en",
                   check=False)
    assert proc.returncode == 1
    assert any("nope.csv" in line and "no such file" in line for line in proc.stdout.splitlines())
    assert "coastal_logs, rows in 4, loaded 3, rejected 0, skipped 1" in proc.stdout
    (tmp_path / "empty").mkdir()
    proc = run_kpi("load", str(tmp_path / "empty"), "--warehouse", str(warehouse), "--lang", "en", check=False)
    assert proc.returncode == 2 and "no export files" in proc.stdout


# --- reject accounting ----------------------------------------------------------------------

REJECT_ROWS = [
    ["环翠区数字城管案件导出（2022年3月）"],  # line 1
    ["导出时间：2022-04-01 08:30"],  # line 2
    [],  # line 3: a blank spacer
    DCM_HEADER,  # line 4
    ["R-01", "2022-03-05 08:00:00", "12345", "", "", "暴露垃圾", "", "", "环翠楼", "", "", "", "", "区综合执法局",
     "", "", "", "结案", "0", "", "", "", ""],  # line 5: good
    ["R-02", "2022-02-30", "12345", "", "", "暴露垃圾", "", "", "环翠楼", "", "", "", "", "区综合执法局",
     "", "", "", "结案", "", "", "", "", ""],  # line 6: impossible date
    ["R-03", "3月5日", "12345", "", "", "暴露垃圾", "", "", "火星街道", "", "", "", "", "区综合执法局",
     "", "", "", "派遣", "两次", "", "", "", ""],  # line 7: unknown town and a non-number (date takes title year)
    ["", "2022-03-06", "12345", "", "", "暴露垃圾", "", "", "竹岛", "", "", "", "", "区综合执法局",
     "", "", "", "结案", "", "", "", "", ""],  # line 8: key missing
    ["R-05", "2022-03-07", "12345", "", "", "", "", "", "竹岛", "", "", "", "", "",
     "", "", "", "结案", "", "", "", "", ""],  # line 9: two required values missing
    ["R-06", "2022-03-08 09:00", "视频AI", "", "", "占道经营", "", "", "竹岛", "", "", "", "", "环卫中心",
     "", "", "", "[作废]", "", "", "", "", ""],  # line 10: good
    ["合计", "6件", *[""] * 21],  # line 11: skipped, not rejected
    ["填表人：王芳", "", "审核人：李强", *[""] * 20],  # line 12: skipped
]


def test_etl046_rejects_counted_row_by_row(tmp_path: Path, warehouse: Path) -> None:
    path = write_csv(tmp_path / "案件.csv", REJECT_ROWS, "gb18030")
    good = BUILDERS["video_ai_events"](tmp_path)
    proc = run_kpi("load", str(path), str(good.path), "--warehouse", str(warehouse), "--lang", "en", check=False)
    assert proc.returncode == 0, proc.stdout  # rejected rows are not a failed file
    assert "案件.csv: dcm_cases, rows in 8, loaded 2, rejected 4, skipped 2" in proc.stdout

    loads = {r["file"]: r for r in kpi_json("loads", "--warehouse", str(warehouse))}
    for row in loads.values():
        assert row["rows_in"] == row["rows_loaded"] + row["rows_rejected"] + row["rows_skipped"]
    assert (loads["案件.csv"]["rows_skipped"], loads[good.path.name]["rows_in"]) == (2, 2)

    rejects = kpi_json("rejects", "--warehouse", str(warehouse))
    assert {(r["file"], r["row"], r["column"], r["value"], r["reason"]) for r in rejects} == {
        ("案件.csv", 6, "上报时间", "2022-02-30", "not a date"),
        ("案件.csv", 7, "所属街道", "火星街道", "unknown town"),
        ("案件.csv", 7, "返工次数", "两次", "not a number"),
        ("案件.csv", 8, "案件编号", None, "required value missing"),
        ("案件.csv", 9, "小类名称", None, "required value missing"),
        ("案件.csv", 9, "处置部门", None, "required value missing"),
    }
    assert len({r["row"] for r in rejects}) == 4

    con = store.connect_readonly(warehouse)
    try:
        got = con.execute("SELECT case_no, stage, is_bureau, _row_no FROM fact_dcm_case ORDER BY 1").fetchall()
    finally:
        con.close()
    assert got == [("R-01", "结案", True, 5), ("R-06", "作废", False, 10)]


def test_etl047_reload_replaces_rejects(tmp_path: Path, warehouse: Path) -> None:
    """Loading the same file again does not double its rejects; fixing the file clears them."""
    path = write_csv(tmp_path / "案件.csv", REJECT_ROWS, "gb18030")
    run_kpi("load", str(path), "--warehouse", str(warehouse))
    run_kpi("load", str(path), "--warehouse", str(warehouse))
    assert len(kpi_json("rejects", "--warehouse", str(warehouse))) == 6
    loads = kpi_json("loads", "--warehouse", str(warehouse))
    assert [(r["rows_in"], r["rows_loaded"], r["rows_rejected"]) for r in loads] == [(8, 2, 4)] * 2


def test_etl048_unknown_forced_source_is_one_line(tmp_path: Path, warehouse: Path) -> None:
    good = BUILDERS["coastal_logs"](tmp_path)
    proc = run_kpi("load", str(good.path), "--source", "nope", "--warehouse", str(warehouse), check=False)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "nope" in proc.stdout + proc.stderr and "coastal_logs" in proc.stdout + proc.stderr


def test_etl049_roster_csv_dated_by_title_loads_with_the_batch(tmp_path: Path, warehouse: Path) -> None:
    roster = write_csv(tmp_path / "清雪力量.csv", [
        ["环翠区清雪力量台账（截至2022年11月30日）"],
        ["镇街/单位", "人员数", "机械类型", "台数"],
        ["环翠楼街道", "300", "滚雪刷", "5"],
        ["环翠楼街道", "300", "推雪铲", "3"],
        ["张村镇", "120", "铲雪车", "4"],
    ])
    good = BUILDERS["coastal_logs"](tmp_path)
    proc = run_kpi("load", str(roster), str(good.path), "--warehouse", str(warehouse), "--lang", "en", check=False)
    assert "Traceback" not in proc.stderr, proc.stderr
    assert "coastal_logs, rows in 4, loaded 3, rejected 0, skipped 1" in proc.stdout
    assert "snow_roster, rows in 3, loaded 3" in proc.stdout
    report = kpi_json("report", "--year", "2022", "--warehouse", str(warehouse))
    assert (report["snow.personnel"], report["snow.machines"]) == (420, 12)
