"""Each source's real-format export loads through `kpi load`: counts in the load log, typed values in the facts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from etl.load import fact_columns
from etl.sources import SOURCES, SOURCES_BY_NAME
from tests.conftest import run_kpi
from tests.fixtures.exports import BUILDERS, Sheet, kpi_json, write_csv, write_xlsx
from warehouse import store

LINEAGE = ["_load_id", "_row_no", "_version", "_row_hash"]
D, T = dt.date, dt.datetime

# Spot checks: source → (key column, key value, {column: expected typed value})
SPOT: dict[str, tuple[str, str, dict[str, object]]] = {
    "dcm_cases": ("case_no", "2022030500001", {
        "reported_at": T(2022, 3, 5, 14, 3), "channel": "监督员上报", "minor_category": "乱堆物堆料",
        "town_code": "371002001", "grid_code": "371002001001001", "filed_at": T(2022, 3, 5, 14, 20),
        "dispatched_at": T(2022, 3, 5, 14, 30), "is_bureau": True, "deadline_at": T(2022, 3, 6, 14, 30),
        "handled_at": T(2022, 3, 5, 18), "closed_at": T(2022, 3, 5), "stage": "结案", "rework_count": 0,
        "x": Decimal("122.1201"), "_row_no": 2}),
    "village_cases": ("order_no", "CJ20220302003", {
        "dispatched_at": T(2022, 3, 2, 8), "town_code": "371002102", "village": "温泉村", "rectify_status": "未整改",
        "_row_no": 8}),
    "village_inspections": ("notice_no", "XC-2022-001", {
        "issued_on": D(2022, 3, 5), "rectified_on": D(2022, 3, 20), "town_code": "371002012", "problems": 12,
        "rectified": 12, "_row_no": 4}),
    "illegal_construction": ("case_no", "WJ-2022-0002", {
        "town_code": "371002102", "kind": "存量", "area_m2": Decimal(12000), "found_on": D(2021, 7, 3),
        "demolished_on": D(2022, 8, 9), "demolished_area_m2": Decimal(1540), "status": "已拆除"}),
    "penalty_cases": ("case_no", "威环综执立〔2022〕第0123号", {
        "filed_on": D(2022, 3, 1), "party": "威海某某商贸有限公司", "town_code": "371002001", "squad": "环翠楼中队",
        "decided_on": D(2022, 3, 20), "fine_yuan": Decimal(42320), "online": True, "double_publicity": True}),
    "refined_city_issues": ("issue_no", "JZ-2022-0002", {
        "channel": "拆围建绿", "town_code": "371002003", "category": "破损墙体", "found_on": D(2022, 4, 1),
        "status": "整改中", "city_reported": False}),
    "fume_records": ("record_no", "YY-001", {
        "record_on": D(2022, 3, 5), "kind": "专业检测", "town_code": "371002001", "result": "达标"}),
    "snow_roster": ("machine_type", "推雪铲", {
        "as_of": D(2022, 11, 30), "unit_name": "环翠楼街道", "town_code": "371002001", "personnel": 300,
        "machines": 3}),
    "snow_events": ("event_no", "XX-20221201-02", {
        "event_on": D(2022, 12, 1), "town_code": "371002101", "person_times": 600, "machine_times": 40,
        "swept_area_m2": Decimal(8000), "reopen_hours": Decimal("5.5")}),
    "coastal_projects": ("project_no", "HAD-01", {
        "project_name": "金海湾岸线整治", "category": "综合整治", "town_code": "371002011", "status": "已完成",
        "completed_on": D(2022, 9, 30)}),
    "coastal_logs": ("log_no", "RZ-0001", {
        "log_on": D(2022, 6, 1), "town_code": "371002011", "person_times": 1540, "vehicle_times": 20,
        "garbage_t": Decimal("12.5")}),
    "permits": ("permit_no", "XK2022000001", {
        "accepted_on": D(2022, 3, 1), "matter": "临时占道", "town_code": "371002001", "site_survey": True,
        "period": "2022-03-01至2022-03-10"}),
    "service_log": ("order_no", "FW-0001", {
        "accepted_at": T(2022, 3, 5, 9), "service_channel": "12345", "kind": "咨询", "town_code": None,
        "closed_at": T(2022, 3, 5, 10), "on_time": True}),
    "city_assessment": ("unit_code", "GQ", {
        "period": "2022年3月", "item": "数字城管", "score": Decimal("97.25"), "rank": 2}),
    "targets": ("indicator", "dcm.on_time_due_rate", {
        "scope": "district", "period_type": "year", "period": "2023", "target": Decimal("0.9"),
        "direction": "higher", "basis": None}),
    "video_ai_events": ("event_no", "AI202203050001", {
        "channel_no": "37100200001310000001", "detected_at": T(2022, 3, 5, 8), "event_type": "占道经营",
        "arrived_at": T(2022, 3, 5, 8, 3), "handled_at": T(2022, 3, 5, 8, 4, 30)}),
}


def test_etl030_builders_cover_every_source() -> None:
    assert set(BUILDERS) == set(SOURCES_BY_NAME) == set(SPOT)


def test_etl031_migration_matches_fact_columns() -> None:
    con = duckdb.connect()
    store.migrate(con)
    for spec in SOURCES:
        cols = [r[0] for r in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position",
            [spec.table]).fetchall()]
        # Later migrations append columns after the lineage ones (ALTER TABLE cannot reorder): same set, no extras.
        assert sorted(cols) == sorted([*fact_columns(spec), *LINEAGE]), spec.name
        assert len(cols) == len(set(cols)), spec.name
    con.close()


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> tuple:
    """Every export in one `kpi load` batch."""
    root = tmp_path_factory.mktemp("sources")
    (root / "exports").mkdir()
    exports = {name: build(root / "exports") for name, build in BUILDERS.items()}
    warehouse = root / "wh" / "warehouse.duckdb"
    proc = run_kpi("load", str(root / "exports"), "--quiet", "--warehouse", str(warehouse), check=False)
    logs: dict[str, list[dict]] = {}
    for row in kpi_json("loads", "--warehouse", str(warehouse)):
        logs.setdefault(row["file"], []).append(row)
    return warehouse, exports, logs, proc


@pytest.mark.parametrize("source", list(BUILDERS))
def test_etl032_source_loads(loaded, source: str) -> None:
    warehouse, exports, logs, _ = loaded
    export = exports[source]
    rows = [r for r in logs.get(export.path.name, []) if r["status"] != "skipped"]
    assert [r["status"] for r in rows] == ["loaded"] * export.sheets, rows
    assert {r["source"] for r in rows} == {source}
    total = {k: sum(r[k] for r in rows) for k in ("rows_in", "rows_loaded", "rows_rejected", "rows_skipped")}
    assert total == {"rows_in": export.rows_in, "rows_loaded": export.loaded, "rows_rejected": export.rejected,
                     "rows_skipped": export.skipped}
    spec = SOURCES_BY_NAME[source]
    key_col, key, expected = SPOT[source]
    con = store.connect_readonly(warehouse)
    try:
        assert con.execute(f"SELECT count(*) FROM {spec.table}").fetchall()[0][0] == export.keys
        cur = con.execute(f"SELECT * FROM {spec.table} WHERE {key_col} = ?", [key])
        names = [d[0] for d in cur.description]
        found = [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
    finally:
        con.close()
    assert len(found) == 1, found
    assert {k: found[0][k] for k in expected} == expected


def test_etl033_whole_batch_exit_status_zero(loaded) -> None:
    proc = loaded[3]
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "FAILED" not in proc.stdout and "Traceback" not in proc.stderr


@pytest.mark.parametrize("source", ["dcm_cases", "coastal_logs", "video_ai_events"])
def test_etl034_ids_never_become_numbers(loaded, source: str) -> None:
    warehouse, _, _, _ = loaded
    spec = SOURCES_BY_NAME[source]
    con = store.connect_readonly(warehouse)
    try:
        types = dict(con.execute("SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ?",
                                 [spec.table]).fetchall())
        ids = [c.name for c in spec.columns if c.kind == "id"]
        assert ids and all(types[c] == "VARCHAR" for c in ids)
        values = [v for (v,) in con.execute(f"SELECT {ids[0]} FROM {spec.table}").fetchall()]
    finally:
        con.close()
    assert all(isinstance(v, str) and "e+" not in v and not v.endswith(".0") for v in values)


def test_etl035_ignored_columns_are_noted(loaded) -> None:
    _, exports, logs, _ = loaded
    (row,) = logs[exports["dcm_cases"].path.name]
    assert row["status"] == "loaded" and "备注" in (row["note"] or "")


def test_etl036_forced_source(tmp_path: Path, warehouse: Path) -> None:
    """--source forces a source; headers that fit it then load (extra headers are ignored)."""
    path = write_csv(tmp_path / "log.csv", [["编号", "日期", "镇街", "出动人次", "车辆台次", "清理垃圾(吨)", "类型"],
                                           ["L-1", "2022-06-01", "竹岛", "5", "1", "0.5", "专业检测"]])
    proc = run_kpi("load", str(path), "--source", "coastal_logs", "--warehouse", str(warehouse), "--lang", "en")
    assert "coastal_logs, rows in 1, loaded 1" in proc.stdout
    proc = run_kpi("load", str(path), "--source", "permits", "--warehouse", str(warehouse), check=False)
    assert proc.returncode == 1 and "log.csv" in proc.stdout and "许可编号" in proc.stdout


def test_etl037_yuan_from_title_unit(tmp_path: Path, warehouse: Path) -> None:
    """A CSV ledger with "单位：万元" above a bare 罚款金额 header: fines are stored in 元."""
    rows = [["环翠区行政处罚案件台账（2022年）"], ["单位：万元"], [],
            ["案号", "立案日期", "案由", "镇街", "执法中队", "罚款金额", "网上运行"],
            ["威环综执立(2022)第0001号", "3月5日", "占道经营", "竹岛", "竹岛中队", "0.5", "是"],
            ["威环综执立〔2022〕第0002号", "3月6日", "乱倒垃圾", "竹岛", "竹岛中队", "约4.232万元", "是"]]
    path = write_csv(tmp_path / "处罚台账.csv", rows, "gb18030")
    run_kpi("load", str(path), "--warehouse", str(warehouse))
    con = store.connect_readonly(warehouse)
    try:
        got = con.execute("SELECT case_no, filed_on, fine_yuan FROM fact_penalty_case ORDER BY 1").fetchall()
    finally:
        con.close()
    assert got == [("威环综执立〔2022〕第0001号", D(2022, 3, 5), Decimal(5000)),
                   ("威环综执立〔2022〕第0002号", D(2022, 3, 6), Decimal(42320))]


def test_etl038_snow_personnel_counts_once_per_town(tmp_path: Path, warehouse: Path) -> None:
    export = BUILDERS["snow_roster"](tmp_path)
    run_kpi("load", str(export.path), "--warehouse", str(warehouse))
    report = kpi_json("report", "--year", "2022", "--warehouse", str(warehouse))
    assert (report["snow.personnel"], report["snow.machines"]) == (470, 17)


def test_etl039_unmapped_first_column_xlsx(tmp_path: Path, warehouse: Path) -> None:
    """序号 before the table's columns (it is in nearly every template) must not break the load."""
    sheet = Sheet("s", ["序号", "编号", "日期", "类型", "镇街"], [[1, "YY-1", "2022-03-05", "专业检测", "环翠楼"]],
                  footers=[["合计", None, None, None, None]])
    path = write_xlsx(tmp_path / "油烟.xlsx", [sheet])
    proc = run_kpi("load", str(path), "--warehouse", str(warehouse), "--lang", "en", check=False)
    assert "fume_records, rows in 2, loaded 1, rejected 0, skipped 1" in proc.stdout, proc.stdout


def test_etl040_unmapped_first_column_csv(tmp_path: Path, warehouse: Path) -> None:
    path = write_csv(tmp_path / "油烟.csv", [["序号", "编号", "日期", "类型", "镇街"],
                                           ["1", "YY-1", "2022-03-05", "专业检测", "环翠楼"], ["合计", "", "", "", ""]])
    proc = run_kpi("load", str(path), "--warehouse", str(warehouse), "--lang", "en", check=False)
    assert "fume_records, rows in 2, loaded 1, rejected 0, skipped 1" in proc.stdout, proc.stdout
