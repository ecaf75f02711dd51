"""The data desk's functions without a browser (``dashboard.desk``, ``pages.data``): uploads checked and stored,
the preview is ``kpi sniff``'s report, a saved mapping loads an unknown layout, the queue runs one load at a time,
the load log and rejects pages, the freshness cadence. Every expected value is counted from the small fixtures."""

from __future__ import annotations

import base64
import datetime as dt
import fcntl
import io
import json
import zipfile
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from dashboard import freshness
from dashboard.appdb import AppDB
from dashboard.auth import audit as auth_audit
from dashboard.auth import session as auth_session
from dashboard.data import Warehouse
from dashboard.desk import audit, jobs, mappings, uploads
from dashboard.desk.config import spool_dir
from dashboard.desk.preview import file_headers, preview
from etl.sniff import sniff_file
from etl.sources import mappings_file
from pages.data import page, parts
from tests.conftest import run_kpi
from tests.fixtures.exports import write_csv
from tests.hostile.corpus import LOG_HEADER, good_log, log_rows
from tests.hostile.harness import base_warehouse

RENAMED = ["序号", "作业日", "街道名", "人数", "车数", "垃圾吨数"]  # 日志编号 日期 镇街 出动人次 车辆台次 清理垃圾(吨)
FIELDS = ["log_no", "log_on", "town_code", "person_times", "vehicle_times", "garbage_t"]


@pytest.fixture
def wh(tmp_path: Path) -> Path:
    """A published warehouse holding 5 coastal log rows (基础.csv, loaded by `kpi load`)."""
    return base_warehouse(tmp_path / "base")


def _csv_bytes(rows: list[list[str]], encoding: str = "utf-8") -> bytes:
    return ("\r\n".join(",".join(r) for r in rows) + "\r\n").encode(encoding)


def _url(data: bytes) -> str:
    return "data:application/octet-stream;base64," + base64.b64encode(data).decode()


def _facts(warehouse: Path) -> int:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute("SELECT count(*) FROM fact_coastal_log").fetchone()[0]
    finally:
        con.close()


def _run(queue: jobs.JobQueue, job: jobs.Job) -> jobs.Job:
    assert queue.run_pending(block=True) >= 1
    done = queue.get(job.id)
    assert done is not None
    return done


# --- uploads ---------------------------------------------------------------------------------


def test_dd001_an_upload_is_kept_under_a_generated_name_and_its_name_is_only_a_label(wh: Path) -> None:
    data = _csv_bytes(good_log(3, "UL"))
    up = uploads.receive(spool_dir(wh), "../../etc/日志\n\x1b[31m.csv", _url(data), "clerk")
    assert up.label == "../../etc/日志\\n\\x1b[31m.csv"
    assert up.path == spool_dir(wh) / "uploads" / f"{up.id}.csv"
    assert len(up.id) == 32 and up.path.read_bytes() == data
    assert (up.size, up.actor) == (len(data), "clerk")
    assert sorted(p.name for p in (spool_dir(wh) / "uploads").iterdir()) == sorted([f"{up.id}.csv", f"{up.id}.json"])
    assert uploads.get(spool_dir(wh), up.id) == up
    for bad in ("../" + up.id, up.id.upper(), up.id + ".csv", None, 7):  # ids come from the browser
        assert uploads.get(spool_dir(wh), bad) is None


@pytest.mark.parametrize(("name", "data", "message"), [
    ("台账.json", b"{}", "unsupported file type .json"),
    ("无扩展名", b"a,b\r\n", "unsupported file type (none)"),
    ("空.csv", b" \r\n", "the file is empty"),
    ("假.xlsx", _csv_bytes(good_log(2)), "not an .xlsx workbook"),
    ("假.xls", _csv_bytes(good_log(2)), "not an .xls workbook"),
    ("表.csv", b"PK\x03\x04" + b"\0" * 100, "the content is a workbook, not CSV text"),
    ("繁体.csv", "日誌編號,日期\r\n".encode("utf-16-le")[1:] + b"\xff\xfe\x81" * 400, "unrecognised text encoding"),
])
def test_dd002_uploads_refused_by_type_and_content(wh: Path, name: str, data: bytes, message: str) -> None:
    with pytest.raises(uploads.Refused) as err:
        uploads.receive(spool_dir(wh), name, _url(data), "clerk")
    assert err.value.en.startswith(message), err.value.en
    assert err.value.zh and err.value.zh != err.value.en
    assert not list((spool_dir(wh) / "uploads").glob("*")) if (spool_dir(wh) / "uploads").exists() else True


def test_dd003_size_is_bounded_before_decoding_and_zip_bombs_are_refused_unopened(
        wh: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    limit = 3 << 20
    assert uploads.decode(_url(b"x" * limit), limit) == b"x" * limit  # the limit itself is accepted
    with pytest.raises(uploads.Refused) as err:  # one byte more: refused
        uploads.decode(_url(b"x" * (limit + 1)), limit)
    assert err.value.en == "file too large (3.1 MB, limit 3 MB)"
    big = _url(b"x" * (limit + 4))  # 4 bytes over: refused from the length of the base64 alone, never decoded
    monkeypatch.setattr(uploads.base64, "b64decode", lambda *a, **k: pytest.fail("decoded"))
    with pytest.raises(uploads.Refused) as err:
        uploads.decode(big, limit)
    assert err.value.en == "file too large (3.1 MB, limit 3 MB)"
    monkeypatch.undo()
    with pytest.raises(uploads.Refused):
        uploads.decode("data:text/csv;base64,@@@@", limit)
    with pytest.raises(uploads.Refused):
        uploads.decode("javascript:alert(1)", limit)
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z, z.open("xl/sharedStrings.xml", "w") as part:
        for _ in range(300):
            part.write(b" " * (1 << 20))  # 300 MB of spaces, a few hundred KB zipped
    with pytest.raises(uploads.Refused) as err:
        uploads.store(spool_dir(wh), "报表.xlsx", bomb.getvalue(), "clerk")
    assert "too large" in err.value.en
    assert list((spool_dir(wh) / "uploads").iterdir()) == []  # nothing kept


# --- preview ---------------------------------------------------------------------------------


def test_dd004_the_preview_is_kpi_sniffs_report(wh: Path, tmp_path: Path) -> None:
    rows = good_log(6, "PV")
    rows[3][2] = "不存在镇"  # one unknown town
    data = _csv_bytes(rows, "gb18030")
    up = uploads.store(spool_dir(wh), "六月.csv", data, "clerk")
    [report] = preview(wh, up, "zh")
    assert (report["source"], report["would_load"], report["would_reject"], report["would_skip"]) == \
        ("coastal_logs", 5, 1, 0)
    assert [m["header"] for m in report["mapping"]] == LOG_HEADER
    assert report["problems"] == ["1 行的“镇街”将被拒收：unknown town（如 '不存在镇'）"]
    assert (report["file"], report["upload"]) == ("六月.csv", up.id)
    [cli] = sniff_file(up.path, None, "zh")
    assert {k: v for k, v in report.items() if k not in ("file", "upload")} == \
        {k: v for k, v in cli.items() if k != "file"}
    assert file_headers(up) == LOG_HEADER
    assert parts.verdict(report) == "warn"


# --- mappings --------------------------------------------------------------------------------


def test_dd005_a_saved_mapping_loads_an_unknown_layout_with_exact_counts(wh: Path, tmp_path: Path) -> None:
    spool = spool_dir(wh)
    renamed = [RENAMED, *log_rows(4, "MP")]
    up = uploads.store(spool, "镇街自制日志.csv", _csv_bytes(renamed), "clerk")
    [before] = preview(wh, up, "en")
    assert before["source"] is None and "headers match no known export" in before["problems"][0]
    queue = jobs.JobQueue(wh, autostart=False)
    failed = _run(queue, queue.submit([up.id], "clerk"))
    assert [(t["status"], t["rows_loaded"]) for t in failed.tables] == [("failed", 0)]
    assert _facts(wh) == 5

    saved = mappings.save(wh, "coastal_logs", dict(zip(FIELDS, RENAMED, strict=True)), "clerk")
    assert saved["name"] == "desk_001"
    [after] = preview(wh, up, "en")
    assert (after["source"], after["variant"], after["would_load"], after["would_reject"]) == \
        ("coastal_logs", "desk_001", 4, 0)
    done = _run(queue, queue.submit([up.id], "clerk"))
    assert [(t["source"], t["rows_in"], t["rows_loaded"], t["rows_rejected"], t["status"]) for t in done.tables] == \
        [("coastal_logs", 4, 4, 0, "loaded")]
    assert _facts(wh) == 9  # 5 + 4
    # the same effect as a variant in etl/specs: `kpi load` of that warehouse takes the layout too
    other = write_csv(tmp_path / "另一份.csv", [RENAMED, *log_rows(3, "CL")])
    run_kpi("load", str(other), "--warehouse", str(wh), "--quiet")
    assert _facts(wh) == 12
    assert mappings.saved(wh)[0]["columns"] == dict(zip(FIELDS, RENAMED, strict=True))
    assert mappings_file(wh) == wh.with_name("warehouse.duckdb.mappings.yaml")


def test_dd006_mappings_are_checked_before_they_are_saved(wh: Path) -> None:
    cases = [
        ("nope", {"log_no": "序号"}, "choose a source"),
        ("coastal_logs", {"log_no": "序号", "date": "日"}, "unknown fields: date"),
        ("coastal_logs", dict(zip(FIELDS, ["序号", "序号", "街", "人", "车", "吨"], strict=True)),
         "one header mapped to several fields: 序号"),
        ("coastal_logs", dict(zip(FIELDS[:4], RENAMED[:4], strict=True)),
         "required fields not mapped: vehicle_times, garbage_t"),
        ("coastal_logs", {**dict(zip(FIELDS, RENAMED, strict=True)), "log_no": "长" * 101},
         "header too long (over 100 characters)"),
    ]
    for source, columns, message in cases:
        with pytest.raises(uploads.Refused) as err:
            mappings.save(wh, source, columns, "clerk")
        assert err.value.en.startswith(message), err.value.en
    assert mappings.saved(wh) == []
    assert not mappings_file(wh).exists()


# --- the queue ---------------------------------------------------------------------------------


def test_dd007_jobs_run_in_order_one_at_a_time_and_report_progress(wh: Path) -> None:
    spool = spool_dir(wh)
    a = uploads.store(spool, "a.csv", _csv_bytes(good_log(2, "QA")), "clerk")
    b = uploads.store(spool, "b.csv", _csv_bytes(good_log(3, "QB")), "clerk")
    queue = jobs.JobQueue(wh, autostart=False)
    first = queue.submit([a.id, b.id], "clerk")
    second = queue.submit([b.id], "boss")
    assert (queue.get(first.id).state, queue.get(first.id).files_total) == ("queued", 2)
    with open(spool / "queue.lock", "w") as held:  # another process's worker is running a job
        fcntl.flock(held, fcntl.LOCK_EX)
        assert queue.run_pending() == 0
        assert queue.get(first.id).state == "queued"
    assert queue.run_pending(block=True) == 2
    one, two = queue.get(first.id), queue.get(second.id)
    assert (one.state, one.files_done, one.files_total, two.state) == ("done", 2, 2, "done")
    assert [(t["file"], t["rows_loaded"]) for t in one.tables] == [("a.csv", 2), ("b.csv", 3)]
    assert one.started_at <= two.started_at and one.generation < two.generation
    assert _facts(wh) == 10  # 5 + 2 + 3 (the second job's rows are the same keys)
    with pytest.raises(uploads.Refused):
        queue.submit(["0" * 32], "clerk")
    assert queue.get("../" + first.id) is None


def test_dd008_a_job_left_running_by_a_dead_worker_is_failed_and_nothing_was_published(wh: Path) -> None:
    spool = spool_dir(wh)
    up = uploads.store(spool, "a.csv", _csv_bytes(good_log(2, "DW")), "clerk")
    queue = jobs.JobQueue(wh, autostart=False)
    job = queue.submit([up.id], "clerk")
    path = spool / "jobs" / f"{job.id}.json"
    path.write_text(json.dumps({**json.loads(path.read_text()), "state": "running"}))  # killed mid-load
    assert queue.run_pending(block=True) == 0
    dead = queue.get(job.id)
    assert (dead.state, dead.message_en) == ("failed", "the load was interrupted (the server stopped); nothing was "
                                                       "published: load again")
    assert _facts(wh) == 5


# --- load log, rejects, freshness ----------------------------------------------------------------


def test_dd009_the_load_log_names_uploads_by_their_label_and_sender(wh: Path) -> None:
    spool = spool_dir(wh)
    rows = good_log(4, "LL")
    rows[2][3] = "-1"  # a negative count: one reject
    up = uploads.store(spool, "四月.csv", _csv_bytes(rows), "王科长")
    queue = jobs.JobQueue(wh, autostart=False)
    _run(queue, queue.submit([up.id], "王科长"))
    w = Warehouse(wh)
    _fresh, log, note = page.tables(w, "zh")
    assert [(r["file"], r["rows_in"], r["loaded"], r["rejected"], r["who"], r["status"]) for r in log] == [
        ("四月.csv", 4, 3, 1, "王科长", "已载入"), ("基础.csv", 5, 5, 0, "命令行", "已载入")]
    assert note == "与 kpi rejects 相同，共 1 个被拒绝的值（分页）"
    got = page.rejects_page(w, {"startRow": 0, "endRow": 100}, "en")
    assert got == {"rowCount": 1, "rowData": [{"file": f"{up.id}.csv", "sheet": "", "row": 3, "column": "出动人次",
                                                "value": "-1", "reason": "negative value"}]}
    w.close()


def test_dd010_rejects_are_paged_from_the_server_and_bad_requests_are_bounded(
        wh: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = [LOG_HEADER, *[[f"RJ-{i:04d}", "2022-06-01", "不存在镇", "1", "1", "1"] for i in range(250)],
            ["RJ-OK", "2022-06-01", "竹岛", "1", "1", "1"]]
    up = uploads.store(spool_dir(wh), "多拒.csv", _csv_bytes(rows), "clerk")
    queue = jobs.JobQueue(wh, autostart=False)
    _run(queue, queue.submit([up.id], "clerk"))
    w = Warehouse(wh)
    block = page.rejects_page(w, {"startRow": 100, "endRow": 200}, "zh")
    assert block["rowCount"] == 250
    assert [r["row"] for r in block["rowData"]] == list(range(102, 202))  # data rows start on line 2
    assert block["rowData"][0]["reason"] == "未知镇街"
    assert len(page.rejects_page(w, {"startRow": 200, "endRow": 300}, "zh")["rowData"]) == 50
    assert len(page.rejects_page(w, {"startRow": -5, "endRow": 10**9}, "zh")["rowData"]) == 250  # at most 1,000
    assert page.rejects_page(w, {"startRow": "x"}, "zh")["rowData"][0]["row"] == 2
    assert page.rejects_page(w, None, "zh")["rowCount"] == 250
    monkeypatch.setattr(parts, "REJECTS_BLOCK", 10)  # a request is bounded to ten blocks
    assert len(page.rejects_page(w, {"startRow": 0, "endRow": 10**9}, "zh")["rowData"]) == 100
    w.close()


def test_dd011_cadences_are_reference_data_and_the_stale_boundary_is_exclusive() -> None:
    assert (freshness.CADENCE_DAYS["dcm_cases"], freshness.CADENCE_DAYS["city_assessment"],
            freshness.CADENCE_DAYS["targets"]) == (1, 45, 366)
    now = dt.datetime(2023, 7, 1, 12, 0)
    frame = pd.DataFrame({
        "source": ["dcm_cases", "dcm_cases", "dcm_cases", "permits", "fume_records"],
        "last_load_at": [now - dt.timedelta(days=1), now - dt.timedelta(days=1, seconds=1),
                         now - dt.timedelta(hours=3), None, now - dt.timedelta(days=40)],
        "rows_loaded": [1, 1, 1, 0, 1], "rows_now": [1, 1, 1, 0, 1], "data_through": [None] * 5,
    })
    st = freshness.status(frame, now)
    assert st["status"].tolist() == ["fresh", "stale", "fresh", "none", "stale"]
    assert st["cadence_days"].tolist() == [1, 1, 1, 31, 31]


def test_dd012_uploads_mappings_and_loads_are_audited_with_the_signed_in_actor(
        wh: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = AppDB(f"sqlite:///{tmp_path / 'app.sqlite'}")
    auth_audit.bind(db)  # the one audit log of the access layer, as the app factory binds it
    monkeypatch.setattr(auth_session, "actor", lambda: "admin1")  # the signed-in admin of the request
    try:
        url = _url(_csv_bytes(good_log(2, "AU")))
        ids, refused = page.receive_drop(wh, [url, "data:text/plain;base64,"], ["甲.csv", "空.csv"], "zh",
                                         audit.actor())
        assert len(ids) == 1 and len(refused) == 1
        mappings_saved = mappings.save(wh, "coastal_logs", dict(zip(FIELDS, RENAMED, strict=True)), audit.actor())
        queue = jobs.JobQueue(wh, on_finish=audit.job_finished, autostart=False)
        job = queue.submit(ids, audit.actor())
        queue.run_pending(block=True)
        rows = auth_audit.entries(db)[::-1]  # oldest first
        assert [(r["actor"], r["action"]) for r in rows] == [("admin1", "data_upload"), ("admin1", "data_load_done")]
        assert rows[0]["detail"]["file"] == "甲.csv"
        assert rows[1]["detail"]["files"] == ["甲.csv"]
    finally:
        auth_audit.bind(None)
        db.dispose()
    assert (mappings_saved["created_by"], queue.get(job.id).actor) == ("admin1", "admin1")
