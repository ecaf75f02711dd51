"""The meeting pack end to end on the small export set (``tests/dashboard_data.py``), week 2023-W10: the real
``kpi meeting-pack`` writes the three files; their figures equal values worked out without the code under test
(plain Python over the exports, ``tests/dashboard_expect.py``, and hand SQL over the case mart); a frozen
snapshot, not the live warehouse, is what the pack reports; the schedule writes a week once."""

from __future__ import annotations

import copy
import datetime as dt
import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest
from openpyxl import load_workbook
from pptx import Presentation

from dashboard.appdb import AppDB
from dashboard.data import Warehouse
from dashboard.meeting_pack import brief, build, schedule
from dashboard.weekly import week_figures
from tests.conftest import run_kpi
from tests.dashboard_data import small_warehouse_fixture  # noqa: F401
from tests.dashboard_expect import exports_of, on_time_due
from warehouse import store

pytestmark = pytest.mark.skipif(shutil.which("chromium") is None or shutil.which("pdftotext") is None,
                                reason="needs chromium and poppler-utils")
WEEK = "2023-W10"
ZHANGCUN = "371002100"


def _filed(warehouse: Path) -> int:
    con = duckdb.connect(str(store.warehouse_path(warehouse)), read_only=True)
    try:
        return con.execute("SELECT count(*) FROM mart_dcm_case WHERE is_filed AND filed_ts >= '2023-03-06' "
                           "AND filed_ts < '2023-03-13'").fetchone()[0]
    finally:
        con.close()


@pytest.fixture(scope="module")
def cli_pack(small_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    out = tmp_path_factory.mktemp("packs")
    app_db = out / "app.sqlite"
    done = run_kpi("meeting-pack", "--week", WEEK, "--out", str(out), "--warehouse", str(small_warehouse),
                   "--app-db", str(app_db))
    return {"out": out, "app_db": app_db, "stdout": done.stdout}


def test_mpack001_cli_writes_three_files(cli_pack: dict) -> None:
    folder = cli_pack["out"] / WEEK
    assert cli_pack["stdout"].splitlines() == [
        "已写出 3 个文件：", *(f"  {folder / f'meeting-{WEEK}-zh.{kind}'}" for kind in ("xlsx", "pptx", "pdf"))]


def test_mpack002_figures_as_the_exports_say(cli_pack: dict, small_warehouse: Path) -> None:
    exports = exports_of(small_warehouse)
    on_time, due = on_time_due(exports, dt.date(2023, 3, 6), dt.date(2023, 3, 12))
    prev_on_time, prev_due = on_time_due(exports, dt.date(2023, 2, 27), dt.date(2023, 3, 5))
    assert (on_time, due, prev_on_time, prev_due) == (17, 23, 16, 19)  # by hand from dcm.csv
    filed = _filed(small_warehouse)
    folder = cli_pack["out"] / WEEK
    ws = load_workbook(folder / f"meeting-{WEEK}-zh.xlsx")["指标总览"]
    rows = {r[0].value: [c.value for c in r] for r in ws.iter_rows(min_row=3)}
    assert rows["按期结案率"][1:3] == [pytest.approx(17 / 23), pytest.approx(16 / 19)]
    assert rows["按期结案率"][3:] == [pytest.approx(100 * (17 / 23 - 16 / 19)), 0.95, "未达标"]  # −10.3 pp
    assert rows["立案数"][1] == filed
    # 17/23 = 73.9 %, 16/19 = 84.2 %: down 10.3 points, below the 95 % target
    text = subprocess.run(["pdftotext", str(folder / f"meeting-{WEEK}-zh.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    flat = "".join(text.split())
    assert f"全区数字城管立案{filed}件" in flat
    assert "按期结案率73.9%，较上周下降10.3个百分点，低于95%的目标" in flat
    assert "（本简报数据为截至2023年3月12日的实时数据，本周尚未召开会议冻结。）" in flat
    slides = Presentation(str(folder / f"meeting-{WEEK}-zh.pptx")).slides
    table = [c.text for sh in slides[2].shapes if sh.has_table for r in sh.table.rows for c in r.cells]
    i = table.index("按期结案率")
    assert table[i:i + 6] == ["按期结案率", "73.9%", "84.2%", "-10.3 pp", "95%", "未达标"]


def test_mpack003_the_pack_reports_the_frozen_snapshot_not_the_live_figures(
        small_warehouse: Path, tmp_path: Path) -> None:
    wh = Warehouse(small_warehouse)
    db = AppDB(f"sqlite:///{tmp_path / 'app.sqlite'}")
    try:
        frozen = copy.deepcopy(week_figures(wh, WEEK))
        filed = next(i for i in frozen["indicators"] if i["key"] == "dcm.filed")
        filed["district"]["value"] = filed["district"]["num"] = 999.0  # as if the meeting had seen 999
        db.save_snapshot(WEEK, frozen, by="秘书")
        db.add_commitment("2023-W09", ZHANGCUN, "dcm.on_time_due_rate", "张村中队", dt.date(2023, 3, 10),
                          "清理超期案件", by="秘书", baseline=0.5)
        db.add_commitment("2023-W05", None, "dcm.filed", "指挥中心", None, "早已办结", by="秘书")
        closed = db.list_commitments(week="2023-W05")[0]
        db.close_commitment(closed["id"], "已完成", closed["version"], by="秘书")
        pack = build.load(wh, db, WEEK)
    finally:
        db.dispose()
        wh.close()
    assert (pack.basis, pack.frozen_at is not None) == ("snapshot", True)
    lines = brief.as_text(brief.draft(pack, "zh")).split("\n")
    assert "全区数字城管立案 999 件" in lines[0]
    assert lines[-1].startswith("（本简报数据取自") and lines[-1].endswith("会议冻结的快照。）")
    # the pack reviews the open commitment of the week before (not the one closed long ago), with 张村's live
    # on-time rate this week: 2 of 3 cases due closed on time (by hand from dcm.csv)
    exports = exports_of(small_warehouse)
    assert on_time_due(exports, dt.date(2023, 3, 6), dt.date(2023, 3, 12), town="张村镇") == (2, 3)
    assert [(c.week, c.town_code, c.value_then, c.value_now, c.status) for c in pack.commitments] == [
        ("2023-W09", ZHANGCUN, 0.5, pytest.approx(2 / 3), "open")]
    assert lines[-2] == "此前会议议定事项 1 项，已办结 0 项，1 项正在推进。"


def test_mpack004_schedule_writes_the_last_complete_week_once(
        cli_pack: dict, small_warehouse: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # the real command, on a folder that holds the week already: nothing is rewritten
    folder = cli_pack["out"] / WEEK
    before = {p.name: p.stat().st_mtime_ns for p in folder.iterdir() if p.is_file()}
    for today in ("2023-03-12", "2023-03-13", "2023-03-18"):  # W10's Sunday, the Monday after, the Saturday after
        done = run_kpi("meeting-pack", "--schedule", str(cli_pack["out"]), "--today", today, "--warehouse",
                       str(small_warehouse), "--app-db", str(cli_pack["app_db"]), "--lang", "zh")
        assert done.stdout.strip() == f"{WEEK} 的会议材料已存在，未重写：{folder}"
    assert {p.name: p.stat().st_mtime_ns for p in folder.iterdir() if p.is_file()} == before
    # in process, with the builder replaced: an absent week is built, for each language missing
    calls: list[tuple[str, str]] = []

    def fake(_wh, _db, week: str, root: Path, lang: str) -> list[Path]:
        calls.append((week, lang))
        return [root / week / build.file_name(week, lang, kind) for kind in build.KINDS]

    monkeypatch.setattr(schedule, "build_pack", fake)
    outcome = schedule.run(None, None, tmp_path, dt.date(2023, 3, 11), ("zh", "en"))  # a Saturday: W09
    assert (outcome.week, calls) == ("2023-W09", [("2023-W09", "zh"), ("2023-W09", "en")])
    assert schedule.run(None, None, cli_pack["out"], dt.date(2023, 3, 13), ("zh", "en")).week == WEEK
    assert calls[-1] == (WEEK, "en")  # zh is there, en is not


def test_mpack005_bad_week_and_english_messages(small_warehouse: Path, tmp_path: Path) -> None:
    done = run_kpi("meeting-pack", "--week", "2023-03", "--out", str(tmp_path), "--warehouse", str(small_warehouse),
                   "--lang", "en", check=False)
    assert (done.returncode, done.stderr.strip()) == (2, "Not an ISO week: 2023-03 (write it as 2022-W48)")
    done = run_kpi("meeting-pack", "--week", "2023-W99", "--out", str(tmp_path), "--warehouse", str(small_warehouse),
                   check=False)
    assert (done.returncode, done.stderr.strip()) == (2, "周次格式不正确：2023-W99（应写作 2022-W48）")
