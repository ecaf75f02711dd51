"""Exports in real platforms' layouts (tests/fixtures/real): each loads with the figures computed by hand.

The rows are made up; the expected figures follow from them and the contract's definitions:
- 数字城管 platform export: bureau cases closed ([办结]) in 2023 are 23030100001, on time only by its
  捆绑处置截止时间 (closed 03-02 10:00, 处置截止时间 03-02 08:00, bundled 03-04 08:00), and 23030100004, late
  (closed 03-06 09:00 after the bundled 03-05 08:00). 监督中心（核查）, 值班长（结案）, 市指挥中心督查 are not closed.
- monthly merged table: adds 23040100001 (closed late, 返工次数 1); repeats 23030100001.
- grid platform: G2305001 (已结案, the bureau, no deadline: not on time); G2305003 is another department's.
- 双公示: 〔2023〕12号 0.5万元 (+0.2万元 confiscated, not a fine), 〔2023〕13号 1.2万元, [2023]20号 0.3万元,
  [2023]31号 warning 0元 — four decisions, 20,000元, each published (double publicity); 12号 and 13号 appear twice.
- 12345: 3 + 2 work orders, no type column: complaints (投诉), counted as consultations; none is a permit.
- ledger: demolished in 2023 one 存量违建 (拆除面积 100) and one 新增违建 (违建面积 30, no 拆除面积).
- circular 2023年3月 数字城管: 环翠区 96.5, second of the 7 units with data; 南海新区 无数据.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import duckdb
import pytest

from etl.load import load_files
from tests.conftest import run_kpi
from tests.fixtures import real


def _load(tmp: Path, names: list[str]) -> Path:
    files = tmp / "files"
    files.mkdir(parents=True, exist_ok=True)
    paths = [real.BUILDERS[n](files) for n in names]
    warehouse = tmp / "w.duckdb"
    result = load_files(warehouse, paths)
    assert result.ok, [(t.label, t.error) for t in result.tables if not t.ok]
    assert sum(t.rows_rejected for t in result.tables) == 0
    return warehouse


def _report(warehouse: Path) -> dict[str, float | None]:
    return json.loads(run_kpi("report", "--year", "2023", "--json", "--warehouse", str(warehouse)).stdout)


def _rows(warehouse: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_real001_dcm_platform_export(tmp_path: Path) -> None:
    w = _load(tmp_path, ["dcm_platform"])
    r = _report(w)
    assert (r["dcm.closed"], r["dcm.on_time_close_rate"], r["dcm.rework_cases"]) == (2, 0.5, 0)
    stages = dict(_rows(w, "SELECT stage_name, stage FROM fact_dcm_case WHERE case_no IN "
                        "('23030100002', '23030100003', '23030100005', '23030100007', '23030100001')"))
    assert stages == {"监督中心（核查）": "核查", "值班长（结案）": "核查", "二级专业部门": "处置",
                      "市指挥中心督查": "核查", "[办结]": "结案"}
    assert _rows(w, "SELECT channel FROM fact_dcm_case WHERE case_no = '23030100001'") == [("监督员上报",)]
    # a minor category outside the reference list is kept, with the export's major category
    assert _rows(w, "SELECT major_category, minor_category FROM mart_dcm_case WHERE case_no = '23030100005'") == [
        ("公用设施", "井盖破损")]


def test_real002_dcm_monthly_and_grid_in_any_order(tmp_path: Path) -> None:
    names = ["dcm_platform", "dcm_monthly", "grid_platform"]
    figures = []
    for i, order in enumerate([names, names[::-1], [names[1], names[2], names[0]]]):
        figures.append(_report(_load(tmp_path / str(i), order)))
    assert figures[0] == figures[1] == figures[2]
    r = figures[0]
    # closed by the bureau: 23030100001 (on time), 23030100004, 23040100001 (reworked), G2305001
    assert (r["dcm.closed"], r["dcm.on_time_close_rate"], r["dcm.rework_cases"]) == (4, 0.25, 1)


def test_real003_grid_vocabularies(tmp_path: Path) -> None:
    w = _load(tmp_path, ["grid_platform"])
    assert _rows(w, "SELECT case_no, channel, minor_category, stage FROM fact_dcm_case ORDER BY 1") == [
        ("G2305001", "视频AI", "店外经营", "结案"),
        ("G2305002", "监督员上报", "非法小广告", "处置"),
        ("G2305003", "12345热线", "乱堆物堆料", "结案"),
    ]


def test_real004_double_publicity_any_order(tmp_path: Path) -> None:
    names = ["penalty_national", "penalty_credit_template", "penalty_portal"]
    orders = [names, names[::-1], random.Random(7).sample(names, 3)]
    reports = [_report(_load(tmp_path / str(i), o)) for i, o in enumerate(orders)]
    assert reports[0] == reports[1] == reports[2]
    r = reports[0]
    assert (r["penalty.filed"], r["penalty.fines_yuan"], r["penalty.double_publicity"]) == (4, 20000, 4)
    w = tmp_path / "0" / "w.duckdb"
    assert _rows(w, "SELECT case_no, filed_on::VARCHAR, town_code FROM fact_penalty_case ORDER BY 1") == [
        ("威环综执罚〔2023〕12号", "2023-03-15", None), ("威环综执罚〔2023〕13号", "2023-04-01", None),
        ("威环综执罚〔2023〕20号", "2023-05-20", None), ("威环综执罚〔2023〕31号", "2023-06-01", "371002003"),
    ]
    assert _rows(w, "SELECT party_code FROM fact_penalty_case WHERE case_no = '威环综执罚〔2023〕20号'") == [
        ("371002********5678",)]


def test_real005_hotline_exports_are_service_log_not_permits(tmp_path: Path) -> None:
    w = _load(tmp_path, ["hotline_detail", "hotline_work_orders"])
    r = _report(w)
    assert (r["service.consultations"], r["permits.temp_occupation"]) == (5, 0)
    assert _rows(w, "SELECT count(*) FROM fact_permit") == [(0,)]
    assert _rows(w, "SELECT order_no, accepted_at::VARCHAR, topic FROM fact_service_log ORDER BY 1") == [
        ("BJ2023030001", "2023-03-01 09:00:00", "占道经营"), ("BJ2023030002", "2023-03-02 09:00:00", "施工扰民"),
        ("BJ2023040001", "2023-04-01 09:00:00", "非法小广告"),
        ("GD20230501", "2023-05-08 00:00:00", "关于统一路占道经营的诉求"),
        ("GD20230502", "2023-05-09 00:00:00", "关于海滨路乱堆物的诉求"),
    ]


def test_real006_hand_kept_ledger(tmp_path: Path) -> None:
    w = _load(tmp_path, ["construction_ledger"])
    r = _report(w)
    assert (r["demolition.stock_count"], r["demolition.stock_area_m2"]) == (1, 100)
    assert (r["demolition.new_count"], r["demolition.new_area_m2"]) == (1, 30)
    assert _rows(w, "SELECT count(*), count(DISTINCT case_no) FROM fact_illegal_construction") == [(4, 4)]


def test_real009_demolition_records(tmp_path: Path) -> None:
    w = _load(tmp_path, ["demolition_records"])
    r = _report(w)
    assert (r["demolition.stock_count"], r["demolition.stock_area_m2"]) == (1, 45.5)
    assert (r["demolition.new_count"], r["demolition.new_area_m2"]) == (1, 12)
    assert (r["demolition.campaign_count"], r["demolition.campaign_area_m2"]) == (1, 45.5)
    assert _rows(w, "SELECT town_code, found_on::VARCHAR, status FROM fact_illegal_construction ORDER BY 1") == [
        ("371002001", "2023-08-01", "已拆除"), ("371002002", "2023-09-10", "已拆除")]


def test_real007_city_circular_and_kpi_assessment(tmp_path: Path) -> None:
    w = _load(tmp_path, ["city_circular"])
    for period in ("2023-03", "2023年3月", "2023年03月"):
        out = json.loads(run_kpi("assessment", "--period", period, "--item", "数字城管", "--json",
                                 "--warehouse", str(w)).stdout)
        assert len(out) == 8
        hc = next(o for o in out if o["unit"] == "环翠区")
        assert (hc["period"], hc["item"], hc["score"], hc["rank"], hc["units_ranked"]) == (
            "2023年3月", "数字城管", 96.5, 2, 7)
        nh = next(o for o in out if o["unit"] == "南海新区")
        assert (nh["score"], nh["rank"], nh["units_ranked"]) == (None, None, 7)
    assert json.loads(run_kpi("assessment", "--period", "2023-04", "--json", "--warehouse", str(w)).stdout) == []


def test_real008_sniff_reports_without_loading(tmp_path: Path) -> None:
    files = tmp_path / "f"
    files.mkdir()
    path = real.penalty_national(files)
    proc = run_kpi("sniff", "--json", str(path), check=False)
    (report,) = json.loads(proc.stdout)
    assert (report["source"], report["variant"]) == ("penalty_cases", "credit_national_export")
    mapped = {m["header"]: m["field"] for m in report["mapping"]}
    assert mapped["处罚金额（万元）"] == "fine_yuan"
    assert mapped["没收违法所得、没收非法财务的金额（万元）"] == "confiscated_yuan"
    assert "数据导出时间" in report["unmapped"]
    assert report["would_load"] == 2
    # 91371002MA3C5XYB4X fails the GB 32100 check character (…4W is right): reported, not rejected
    assert len(report["problems"]) == 1 and "91371002MA3C5XYB4X" in report["problems"][0]
    assert proc.returncode == 0
    text = run_kpi("sniff", "--lang", "en", str(path)).stdout
    assert "detected as: administrative penalty cases (penalty_cases)" in text
    assert not (tmp_path / "data").exists()


@pytest.mark.parametrize(("lines", "period"), [
    (["威海市数字化城市管理2023年3月份运行情况通报"], "2023年3月"),
    (["统计时间：2023年3月1日至3月31日"], "2023年3月"),
    (["统计时间：2023年1月1日至3月31日"], "2023年第一季度"),
    (["2023年第二季度城乡环卫一体化考核"], "2023年第二季度"),
    (["统计时间：2023年1月1日至5月31日"], None),  # five months: no period
    (["环翠区清雪力量台账（截至2022年11月30日）"], None),  # an as-of day is not a period
])
def test_real010_period_from_title(lines: list[str], period: str | None) -> None:
    from etl.text import title_context

    assert title_context(lines).get("period") == period


@pytest.mark.parametrize(("code", "ok"), [
    ("91371002MA3C5XYB4W", True), ("91371002MA3C5XYB4X", False),  # USCC, GB 32100: check character W
    ("11010519491231002X", True), ("110105194912310021", False),  # resident ID, GB 11643: check character X
    ("371002********1234", None), ("12345", None),  # masked, or not a code that can be checked
])
def test_real011_check_characters(code: str, ok: bool | None) -> None:
    from etl.sqlgen import MACROS

    con = duckdb.connect()
    con.execute(MACROS)
    assert con.execute("SELECT kpi_code_ok(kpi_code(?))", [code]).fetchone()[0] is ok


def test_real012_hotline_headers_never_a_permit_list() -> None:
    from etl.detect import detect

    # As many columns fit a permit list (办件编号, 受理时间, 事项, 镇街) as the 12345 detail;
    # 诉求内容 rules permits out.
    preview = [["办件编号", "受理时间", "事项", "镇街", "诉求内容"],
               ["BJ1", "2023-03-01 09:00", "占道经营", "环翠楼街道", "早市占道"]]
    det = detect(preview)
    assert (det.spec.name, det.variant.name if det.variant else None) == ("service_log", "hotline_12345_detail")


def test_real013_sniff_names_the_missing_column_and_closest_header(tmp_path: Path) -> None:
    from tests.fixtures.exports import Sheet, write_xlsx

    header = [h if h != "违建类型" else "违建种类" for h in real.LEDGER_HEADER]
    rows = [[1, "张村镇", "张村", "周八", "张村镇张村1号", "2022.11.3", "存量违建", "砖混", 150, 150, 120, "拆除",
             "2023.6.12", 100, "结案"]]
    path = write_xlsx(tmp_path / "台账.xlsx", [Sheet("台账", header, rows)])
    proc = run_kpi("sniff", "--json", str(path), check=False)
    (report,) = json.loads(proc.stdout)
    assert report["source"] is None and proc.returncode == 1
    assert report["problems"] == [
        "像是违法建设台账，但缺少必需的列 违建类型；最接近的表头：“违建种类” / looks like illegal_construction "
        "(违法建设台账) but lacks required column 违建类型; closest header found: '违建种类'"]


def test_real014_every_real_format_together_in_any_order(tmp_path: Path) -> None:
    names = list(real.BUILDERS)
    outputs = []
    for i, order in enumerate([names, names[::-1]]):
        w = _load(tmp_path / str(i), order)
        assessment = run_kpi("assessment", "--json", "--warehouse", str(w)).stdout
        outputs.append((_report(w), assessment))
    assert outputs[0] == outputs[1]
    r = outputs[0][0]
    # the separate files' figures add up (the ledger and the demolition records are different demolitions)
    assert (r["dcm.closed"], r["penalty.filed"], r["service.consultations"]) == (4, 4, 5)
    assert (r["demolition.stock_count"], r["demolition.stock_area_m2"]) == (2, 145.5)
    assert (r["demolition.new_count"], r["demolition.new_area_m2"]) == (2, 42)


def test_real015_load_dry_run_loads_nothing(tmp_path: Path) -> None:
    files = tmp_path / "f"
    files.mkdir()
    real.city_circular(files)
    warehouse = tmp_path / "w.duckdb"
    out = run_kpi("load", "--dry-run", str(files), "--warehouse", str(warehouse)).stdout
    assert "识别为: 市级考核成绩 (city_assessment)" in out and "将加载 8 行，拒收 0 行，跳过合计/签名行 1 行" in out
    assert not warehouse.exists()
