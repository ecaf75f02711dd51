"""The demo export generator (etl.demo): determinism, the until cut, scale, formats and quirks, and the
calibrated 2022 rows read back from the files (independently of the loader)."""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import re
from collections import Counter
from datetime import date, datetime
from pathlib import Path

import pytest
import xlrd
from python_calamine import CalamineWorkbook

from etl.demo import generate_demo
from etl.demo.context import Ctx
from etl.demo.plan import CALIBRATION_2022, check_plan

UNTIL = date(2023, 6, 30)
SMALL_UNTIL = date(2021, 6, 30)
BUREAU = {"环翠区综合行政执法局", "威海市环翠区综合行政执法局", "区综合行政执法局", "区综合执法局", "综合行政执法局"}
SOURCES = ("targets", "city_assessment", "dcm_cases", "village_cases", "village_inspections", "illegal_construction",
           "penalty_cases", "refined_city_issues", "fume_records", "snow_roster", "snow_events", "coastal_projects",
           "coastal_logs", "permits", "service_log", "video_ai_events")


# ---------------------------------------------------------------- reading the files back

def _decode(raw: bytes) -> tuple[str, str]:
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8"), "utf-8-sig"
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return raw.decode("gb18030"), "gb18030"


def _cell(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, datetime):
        return v.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(v, date):
        return v.isoformat()
    return str(v)


def read_any(path: Path) -> dict[str, list[list[str]]]:
    """Every table of a file as text rows (merged cells are left as written: only the top-left holds text)."""
    if path.suffix == ".csv":
        text, _ = _decode(path.read_bytes())
        return {"": list(csv.reader(io.StringIO(text)))}
    wb = CalamineWorkbook.from_path(str(path))
    return {name: [[_cell(v) for v in row] for row in wb.get_sheet_by_name(name).to_python(skip_empty_area=False)]
            for name in wb.sheet_names}


def records(path: Path, key: str) -> list[dict[str, str]]:
    """Data rows of every table of a file as dicts keyed by header. A two-row header (a group header
    over sub-headers, single headers merged down) is read as one: the lower cell, else the upper."""
    out = []
    for rows in read_any(path).values():
        idx = next((i for i, r in enumerate(rows) if key in r), None)
        if idx is None:
            continue
        names = rows[idx]
        k = names.index(key)
        below = rows[idx + 1] if idx + 1 < len(rows) else []
        start = idx + 1
        if below and not below[k] and any(below):
            names = [lo or up for up, lo in zip(names, below, strict=False)]
            start = idx + 2
        for r in rows[start:]:
            d = dict(zip(names, r, strict=False))
            value = d.get(key, "").strip()
            if not value or re.search("合计|小计|填表人|审核人", value):
                continue
            out.append(d)
    return out


def _header_row(rows: list[list[str]], key: str) -> int:
    return next(i for i, r in enumerate(rows) if key in r)


def files(root: Path, source: str, pattern: str = "*") -> list[Path]:
    return sorted(p for p in (root / source).rglob(pattern) if p.is_file())


def dcm_files(root: Path) -> list[Path]:
    """Monthly case exports in export order (names differ: 数字城管案件导出_202203.csv, 环翠区2022年3月….xlsx)."""
    def month(p: Path) -> tuple[int, int]:
        m = re.search(r"(20\d\d)(\d\d)\.", p.name) or re.search(r"(20\d\d)年(\d{1,2})月", p.name)
        assert m, p
        return int(m.group(1)), int(m.group(2))
    return sorted(files(root, "dcm_cases"), key=month)


def digest(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


# ---------------------------------------------------------------- fixtures

@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path]]:
    """One generation for the module: scale 0.2 up to 2023-06-30."""
    root = tmp_path_factory.mktemp("demo")
    written = generate_demo(root, seed=7, until=UNTIL, scale=0.2)
    return root, written


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path]]:
    root = tmp_path_factory.mktemp("small")
    return root, generate_demo(root, seed=11, until=SMALL_UNTIL, scale=0.1)


# ---------------------------------------------------------------- API, determinism, until, scale

def test_demo001_writes_every_source(demo: tuple[Path, list[Path]]) -> None:
    root, written = demo
    assert written and all(p.is_file() for p in written)
    assert len(set(written)) == len(written)
    assert {p.relative_to(root).parts[0] for p in written} == set(SOURCES)
    suffixes = Counter(p.suffix for p in written)
    assert suffixes[".csv"] > suffixes[".xlsx"] > suffixes[".xls"] >= 2


def test_demo002_same_seed_same_bytes(small: tuple[Path, list[Path]], tmp_path: Path) -> None:
    root, written = small
    again = generate_demo(tmp_path / "again", seed=11, until=SMALL_UNTIL, scale=0.1)
    assert [p.relative_to(tmp_path / "again") for p in again] == [p.relative_to(root) for p in written]
    assert digest(tmp_path / "again") == digest(root)


def test_demo003_other_seed_differs(small: tuple[Path, list[Path]], tmp_path: Path) -> None:
    root, _ = small
    generate_demo(tmp_path / "other", seed=12, until=SMALL_UNTIL, scale=0.1)
    a, b = digest(root), digest(tmp_path / "other")
    differing = [k for k in a if k in b and a[k] != b[k]]
    assert len(differing) > len(a) // 2


_DATE_RE = re.compile(r"(20\d\d)[-/.年](\d{1,2})[-/.月](\d{1,2})")


#: planned dates (deadlines, permit periods) may lie after the export; every other date may not
PLANNED = {"整改期限", "处置时限", "处置截止时间", "起止日期"}


def _dates_in(path: Path) -> list[date]:
    found = []
    for rows in read_any(path).values():
        skip: set[int] = set()
        for r in rows:
            if PLANNED & set(r):
                skip = {j for j, v in enumerate(r) if v in PLANNED}
            for j, v in enumerate(r):
                if j in skip:
                    continue
                for y, m, d in _DATE_RE.findall(v):
                    with contextlib.suppress(ValueError):
                        found.append(date(int(y), int(m), int(d)))
    return found


def test_demo004_until_cuts_everything(small: tuple[Path, list[Path]]) -> None:
    root, written = small
    latest = max(d for p in written for d in _dates_in(p))
    assert latest <= SMALL_UNTIL
    assert not any("2022" in str(p.relative_to(root)) or "2023" in str(p.relative_to(root)) for p in written)
    assert not files(root, "video_ai_events") and not files(root, "targets")  # pilot and targets start in 2022


def test_demo005_until_keeps_data_before_it(demo: tuple[Path, list[Path]]) -> None:
    _, written = demo
    dates = [d for p in written for d in _dates_in(p)]
    assert max(dates) <= UNTIL
    assert min(dates) >= date(2021, 1, 1) or min(dates) >= date(2020, 11, 1)  # winter 2020-21 snow file
    assert any(d.year == 2023 for d in dates)


def test_demo006_scale_multiplies_case_volume(tmp_path: Path) -> None:
    from etl.demo import dcm

    counts = {}
    for scale in (0.2, 1.0):
        ctx = Ctx(tmp_path / str(scale), 5, date(2023, 12, 31), scale)
        dcm.write(ctx)
        counts[scale] = ctx.rows["dcm_cases"]
    assert 3.5 < counts[1.0] / counts[0.2] < 6.0


# ---------------------------------------------------------------- formats


def test_demo007_encodings(demo: tuple[Path, list[Path]]) -> None:
    root, written = demo
    seen = Counter(_decode(p.read_bytes())[1] for p in written if p.suffix == ".csv")
    assert seen["gb18030"] and seen["utf-8-sig"] and seen["utf-8"]
    assert seen["gb18030"] >= max(seen["utf-8-sig"], seen["utf-8"])
    # a place name outside GBK: GB18030 is required, GBK cannot decode it
    village = files(root, "village_cases", "*2022*.csv")
    raw = b"".join(p.read_bytes() for p in village)
    assert "㙟".encode("gb18030") in raw
    with pytest.raises(UnicodeDecodeError):
        raw.decode("gbk")


def test_demo008_workbook_layouts(demo: tuple[Path, list[Path]]) -> None:
    root, _ = demo
    path = root / "dcm_cases" / "2022" / "环翠区2022年3月案件统计表.xlsx"
    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
    rows = sheet.to_python(skip_empty_area=False)
    assert rows[0][0] == "环翠区2022年3月案件统计表" and str(rows[1][0]).startswith("导出时间：2022-04-01 08:30")
    h = _header_row([[_cell(v) for v in r] for r in rows], "时间信息")
    merges = sheet.merged_cell_ranges
    group = next(m for m in merges if m[0] == (h, rows[h].index("时间信息")))
    assert group[1][1] - group[0][1] >= 5  # 时间信息 spans 上报时间..结案时间
    assert ((h, 1), (h + 1, 1)) in merges  # 任务号 merged down over both header rows
    assert any(str(r[0]) == "合计" for r in rows) and any(str(r[0]).startswith("填表人") for r in rows)
    assert any(all(v in ("", None) for v in r) for r in rows[h + 2:])  # blank spacer row
    assert any(isinstance(v, datetime) for r in rows[h + 2:] for v in r)  # real date cells
    # the task number stays text
    assert all(isinstance(r[1], str) for r in rows[h + 2:] if r[0] not in ("", "合计") and r[1])


def test_demo009_subtotals_sheets_and_merged_roster(demo: tuple[Path, list[Path]]) -> None:
    root, _ = demo
    wb = CalamineWorkbook.from_path(str(root / "refined_city_issues" / "2022" / "市精致办通报问题整改台账2022.xlsx"))
    assert len(wb.sheet_names) >= 4
    town = read_any(root / "refined_city_issues" / "2022" / "镇街自查问题台账2022.xlsx")
    rows = next(iter(town.values()))
    assert sum(r[0] == "小计" for r in rows) >= 5 and any(r[0] == "合计" for r in rows)
    roster = CalamineWorkbook.from_path(str(files(root, "snow_roster", "*2022*.xlsx")[0])).get_sheet_by_index(0)
    grid = roster.to_python(skip_empty_area=False)
    assert any("截至2022年11月30日" in str(r[0]) for r in grid[:3])
    h = _header_row([[_cell(v) for v in r] for r in grid], "人员数")
    col = grid[h].index("人员数")
    vertical = [m for m in roster.merged_cell_ranges if m[0][1] == col and m[1][0] > m[0][0]]
    assert len(vertical) >= 10


def test_demo010_legacy_xls(demo: tuple[Path, list[Path]]) -> None:
    root, written = demo
    xls = [p for p in written if p.suffix == ".xls"]
    assert {p.relative_to(root).parts[0] for p in xls} >= {"dcm_cases", "penalty_cases", "illegal_construction"}
    book = xlrd.open_workbook(str(root / "penalty_cases" / "2022年1-6月行政处罚案件台账.xls"))
    sheet = book.sheet_by_index(0)
    assert sheet.row_values(1)[0] == "案号"


def test_demo011_header_aliases(demo: tuple[Path, list[Path]]) -> None:
    root, _ = demo
    old = read_any(root / "dcm_cases" / "2022" / "数字城管案件导出_202201.csv")[""][0]
    new = read_any(root / "dcm_cases" / "2023" / "数字城管案件导出_202301.csv")[""][0]
    assert {"任务号", "所属街道", "处置时限"} <= set(old) and "案件编号" not in old
    assert {"案件编号", "街道", "处置截止时间"} <= set(new) and "任务号" not in new
    variant = read_any(root / "penalty_cases" / "2022年7-12月行政处罚案件（双公示模板）.xlsx")
    header = next(r for r in next(iter(variant.values())) if "行政处罚决定书文号" in r)
    assert {"行政相对人名称", "罚款金额(万元)"} <= set(header)


# ---------------------------------------------------------------- value quirks


@pytest.fixture(scope="module")
def all_text(demo: tuple[Path, list[Path]]) -> str:
    _, written = demo
    return "\n".join("\x1f".join(r) for p in written for rows in read_any(p).values() for r in rows)


@pytest.mark.parametrize(("name", "pattern"), [
    ("chinese date", r"20\d\d年\d{1,2}月\d{1,2}日"),
    ("dotted date", r"\b20\d\d\.\d{1,2}\.\d{1,2}\b"),
    ("slashed date", r"\b20\d\d/\d\d/\d\d\b"),
    ("compact date", r"\x1f20\d\d[01]\d[0-3]\d\x1f"),
    ("date with time", r"\x1f20\d\d-\d\d-\d\d \d\d:\d\d:\d\d\x1f"),
    ("month-day only", r"\x1f\d{1,2}月\d{1,2}日\x1f"),
    ("thousands separator", r"\x1f\d{1,3},\d{3}\x1f"),
    ("full-width comma", r"\d，\d{3}"),
    ("full-width digits", r"[０-９]{2,}"),
    ("万元", r"约?\d+(\.\d+)?万元"),
    ("万㎡", r"\d+(\.\d+)?万㎡"),
    ("percent", r"(^|\x1f)\d{1,3}\.\d\d%($|\x1f)"),
    ("approximately", r"\x1f约\d"),
    ("余", r"\x1f\d+余\x1f"),
    ("missing dash", r"\x1f—\x1f"),
    ("missing slash", r"\x1f/\x1f"),
    ("ideographic space", "\u3000"),
    ("wrapped stage", r"\[作废\]"),
    ("bracket 〔〕", r"〔20\d\d〕"),
    ("bracket []", r"\[20\d\d\]"),
    ("bracket 【】", r"【20\d\d】"),
    ("bracket ()", r"[(（]20\d\d[)）]"),
    ("15-digit grid", r"\x1f371002\d{9}\x1f"),
    ("19-digit case number", r"(^|\x1f)371002\d{13}\x1f"),
    ("town alias", r"\x1f(环翠楼|鲸园|竹岛|孙家疃镇|环翠楼街道办事处)\x1f"),
    ("bureau alias", r"\x1f(区综合执法局|综合行政执法局|区综合行政执法局)\x1f"),
    ("minor-category alias", r"\x1f(乱堆杂物|外立面污损)\x1f"),
    ("other problem source", r"\x1f其他问题上报\x1f"),
    ("new construction alias", r"\x1f新建\x1f"),
    ("unit alias", r"\x1f(火炬高技术产业开发区|高新区|经济技术开发区)\x1f"),
])
def test_demo012_quirks_occur(all_text: str, name: str, pattern: str) -> None:
    assert re.search(pattern, all_text, re.M), name


def test_demo013_excel_serial_dates(demo: tuple[Path, list[Path]]) -> None:
    _, written = demo
    serials = 0
    for p in written:
        if p.suffix == ".xlsx":
            for rows in read_any(p).values():
                serials += sum(1 for r in rows for v in r if re.fullmatch(r"4[4-5]\d{3}", v))
    assert serials > 0


# ---------------------------------------------------------------- the plan and the calibrated rows


def test_demo014_plan_is_consistent() -> None:
    check_plan()
    assert len(CALIBRATION_2022) == 44


def _latest_dcm(root: Path) -> dict[str, dict[str, str]]:
    """Per case the row with the latest lifecycle timestamp over every monthly export."""
    stamps = ("上报时间", "立案时间", "派遣时间", "处置完成时间", "结案时间")
    best: dict[str, tuple[str, dict[str, str]]] = {}
    for p in dcm_files(root):
        key = "案件编号" if p.parts[-2] > "2022" else "任务号"
        for r in records(p, key):
            r["key"] = r[key]
            r["处置截止时间"] = r.get("处置截止时间") or r.get("处置时限", "")
            r["所属街道"] = r.get("所属街道") or r.get("街道", "")
            latest = max(_norm_ts(r.get(s, "")) for s in stamps)
            if r["key"] not in best or latest >= best[r["key"]][0]:
                best[r["key"]] = (latest, r)
    return {k: v for k, (_, v) in best.items()}


def _norm_ts(text: str) -> str:
    m = re.match(r"(\d{4})\D(\d{1,2})\D(\d{1,2})\D*(\d{1,2})?:?(\d{2})?:?(\d{2})?", text.strip())
    if not m:
        return ""
    y, mo, d, h, mi, s = (int(g) if g else 0 for g in m.groups())
    return f"{y:04d}{mo:02d}{d:02d}{h:02d}{mi:02d}{s:02d}"


def test_demo015_dcm_bureau_2022_closed_on_time(demo: tuple[Path, list[Path]]) -> None:
    cases = _latest_dcm(demo[0]).values()
    closed = [c for c in cases if c["处置部门"].strip() in BUREAU and c["当前阶段名称"].strip("[]") == "结案"
              and _norm_ts(c["结案时间"])[:4] == "2022"]
    assert len(closed) == 547
    assert all(_norm_ts(c["处置完成时间"]) <= _norm_ts(c["处置截止时间"]) for c in closed)
    assert all(c["返工次数"] in ("", "0") for c in closed)
    # outside 2022 and for other departments, lateness and rework do happen
    others = [c for c in cases if c not in closed and c["当前阶段名称"] == "结案"]
    assert any(c["返工次数"] not in ("", "0") for c in others)
    assert any(_norm_ts(c["处置完成时间"]) > _norm_ts(c["处置截止时间"]) for c in others)


def test_demo016_dcm_overlap_never_goes_back(demo: tuple[Path, list[Path]]) -> None:
    stamps = ("上报时间", "立案时间", "派遣时间", "处置完成时间", "结案时间")
    seen: dict[str, str] = {}
    repeats = 0
    for p in dcm_files(root := demo[0]):
        key = "案件编号" if p.parts[-2] > "2022" else "任务号"
        for r in records(p, key):
            latest = max(_norm_ts(r.get(s, "")) for s in stamps)
            if r[key] in seen:
                repeats += 1
                assert latest > seen[r[key]], (p.relative_to(root), r[key])
            seen[r[key]] = latest
    assert repeats > 20
    stages = Counter(r.strip("[]") for r in (c["当前阶段名称"] for c in _latest_dcm(root).values()))
    assert stages["作废"] and stages["缓办"] and stages["挂账"]
    assert sum(stages[s] for s in ("上报", "受理", "立案", "派遣", "处置", "核查")) > 0  # still open at the end


def test_demo017_small_sources_2022(demo: tuple[Path, list[Path]]) -> None:
    root, _ = demo
    village = sum(len(records(p, "工单编号")) for p in files(root, "village_cases", "*2022*"))
    assert village == 16362  # at scale 0.2 as at any scale
    notices = records(root / "village_inspections" / "实地巡查通知台账2022.xlsx", "通知编号")
    assert len(notices) == 37 and sum(int(r["已整改数"]) for r in notices) == 1113
    fume = Counter(r["类型"] for r in records(files(root, "fume_records", "*2022*")[0], "记录编号"))
    assert fume == {"专业检测": 173, "审管联动现场勘查": 1400}
    channels = {r["通道编号"] for p in files(root, "video_ai_events") for r in records(p, "事件编号")
                if r["识别时间"] <= "2022-12-31 23:59:59"}
    assert len(channels) == 150
    first_seen = min(r["识别时间"] for p in files(root, "video_ai_events") for r in records(p, "事件编号"))
    assert "2022-06" <= first_seen[:7] <= "2022-07"


def test_demo018_construction_ledger_shrinks(demo: tuple[Path, list[Path]]) -> None:
    root, _ = demo
    open_stock = []
    for p in files(root, "illegal_construction"):
        rows = records(p, "违建编号")
        open_stock.append(sum(1 for r in rows if r["违建类型"] == "存量" and r["状态"] in ("待处置", "限拆阶段")))
    peak = open_stock.index(max(open_stock))
    assert peak <= 2 and open_stock[-1] < max(open_stock) - 100 and open_stock[-1] > 0
    last = records(files(root, "illegal_construction", "*20221231*")[0], "违建编号")
    statuses = Counter(r["状态"] for r in last)
    assert statuses["已拆除"] and statuses["限拆阶段"] and statuses["待处置"]
