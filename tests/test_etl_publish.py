"""Publishing: readers in other processes keep working during loads and see the new generation afterwards;
a load killed at any point leaves the last good warehouse intact, and the next load works and sweeps its litter."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from etl.load import load_files
from tests.conftest import run_kpi
from tests.fixtures.exports import kpi_json, write_csv
from warehouse import store

HEADER = ["任务号", "上报时间", "问题来源", "小类名称", "所属街道", "处置部门", "当前阶段名称", "结案时间"]


def cases(path: Path, start: int, count: int) -> Path:
    rows = [[f"P{i:08d}", f"2022-{1 + i % 12:02d}-{1 + i % 28:02d} 08:00:00", "12345", "暴露垃圾", "环翠楼",
             "区综合执法局", "结案", f"2022年{1 + i % 12}月{1 + i % 28}日 18时00分"]
            for i in range(start, start + count)]
    return write_csv(path, [HEADER, *rows], "gb18030")


READER = textwrap.dedent("""
    import json, sys, time
    from pathlib import Path
    from warehouse import store
    warehouse, stop = Path(sys.argv[1]), Path(sys.argv[2])
    seen, errors = [], []
    while True:
        done = stop.exists()  # one more read after the stop file appears
        try:
            con = store.connect_readonly(warehouse)
            try:
                n = con.execute("SELECT count(*) FROM fact_dcm_case").fetchall()[0][0]
                closed = con.execute(
                    "SELECT value FROM mart_report WHERE key = 'dcm.closed' AND year = 2022").fetchall()
            finally:
                con.close()
            seen.append([store.generation_id(warehouse), n, closed[0][0] if closed else None])
        except Exception as exc:
            errors.append(f"{type(exc).__name__}: {exc}")
        if done:
            break
        time.sleep(0.01)
    print(json.dumps({"seen": seen, "errors": errors}))
""")


def test_etl060_readers_keep_working_during_loads(tmp_path: Path) -> None:
    warehouse = tmp_path / "wh" / "warehouse.duckdb"
    load_files(warehouse, [cases(tmp_path / "c0.csv", 0, 100)])
    stop = tmp_path / "stop"
    reader = subprocess.Popen([sys.executable, "-c", READER, str(warehouse), str(stop)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        time.sleep(0.5)
        for i in range(1, 3):
            result = load_files(warehouse, [cases(tmp_path / f"c{i}.csv", i * 10_000, 2000)])
            assert result.ok
        final = store.generation_id(warehouse)
        time.sleep(0.2)
        stop.touch()
        out, err = reader.communicate(timeout=60)
    finally:
        if reader.poll() is None:
            reader.kill()
            reader.wait()
    assert reader.returncode == 0, err
    report = json.loads(out)
    assert report["errors"] == []
    seen = report["seen"]
    assert len(seen) > 10
    counts = [n for _, n, _ in seen]
    assert counts == sorted(counts), "a reader saw the warehouse go back in time"
    assert {n for _, n, _ in seen} <= {100, 2100, 4100}
    assert seen[-1][0] == final and seen[-1][1] == 4100  # the new generation afterwards
    assert all(n == closed for _, n, closed in seen)  # facts and marts of one generation agree


@pytest.fixture(scope="module")
def big_export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return cases(tmp_path_factory.mktemp("big") / "big.csv", 10_000, 100_000)


def _report(warehouse: Path) -> dict:
    return kpi_json("report", "--year", "2022", "--warehouse", str(warehouse))


def test_etl061_killed_load_leaves_last_good_warehouse(tmp_path: Path, big_export: Path) -> None:
    warehouse = tmp_path / "wh" / "warehouse.duckdb"
    run_kpi("load", str(cases(tmp_path / "small.csv", 0, 50)), "--quiet", "--warehouse", str(warehouse))
    good_gen, good_report = store.current_generation(warehouse), _report(warehouse)
    assert good_report["dcm.closed"] == 50
    outcomes = []
    for delay in (0.2, 0.7, 1.2, 1.8):
        proc = subprocess.Popen([sys.executable, "-m", "dashboard.cli", "load", str(big_export), "--quiet",
                                 "--warehouse", str(warehouse)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        gen = store.current_generation(warehouse)
        if gen == good_gen:  # killed before publishing: the last good warehouse, untouched
            assert _report(warehouse) == good_report
            outcomes.append("killed")
        else:  # the load had finished: a whole new generation, never a partial one
            assert _report(warehouse)["dcm.closed"] == 100_050
            good_gen, good_report = gen, _report(warehouse)
            outcomes.append("finished")
    assert "killed" in outcomes
    # the next load works, and sweeps the killed loads' drafts
    proc = run_kpi("load", str(cases(tmp_path / "more.csv", 500_000, 10)), "--quiet", "--warehouse", str(warehouse))
    assert proc.returncode == 0
    assert _report(warehouse)["dcm.closed"] == good_report["dcm.closed"] + 10
    gens = store.generations_dir(warehouse)
    assert not list(gens.glob("tmp-*")), sorted(p.name for p in gens.iterdir())
    assert len(list(gens.glob("gen-*.duckdb"))) <= store.KEEP_GENERATIONS


def test_etl062_stale_drafts_swept(tmp_path: Path) -> None:
    warehouse = tmp_path / "wh" / "warehouse.duckdb"
    load_files(warehouse, [cases(tmp_path / "a.csv", 0, 5)])
    gens = store.generations_dir(warehouse)
    for name in ("tmp-gen-000099.duckdb", "tmp-gen-000099.duckdb.wal"):
        (gens / name).write_bytes(b"half-written")
    result = load_files(warehouse, [cases(tmp_path / "b.csv", 5, 5)])
    assert result.ok and result.generation.name == "gen-000002.duckdb"
    assert not list(gens.glob("tmp-*"))


def test_etl063_stale_link_swept(tmp_path: Path) -> None:
    warehouse = tmp_path / "wh" / "warehouse.duckdb"
    load_files(warehouse, [cases(tmp_path / "a.csv", 0, 5)])
    stale = warehouse.with_name(f".{warehouse.name}.{os.getpid() + 100_000}.link")
    stale.symlink_to("warehouse.duckdb.d/gen-000001.duckdb")
    load_files(warehouse, [cases(tmp_path / "b.csv", 5, 5)])
    assert not stale.is_symlink()


def test_etl064_load_waits_for_writer_lock_not_readers(tmp_path: Path) -> None:
    """A reader holding the published generation open never blocks a load; the load publishes a new one."""
    warehouse = tmp_path / "wh" / "warehouse.duckdb"
    load_files(warehouse, [cases(tmp_path / "a.csv", 0, 5)])
    con = store.connect_readonly(warehouse)
    try:
        result = load_files(warehouse, [cases(tmp_path / "b.csv", 5, 5)])
        assert result.ok
        assert con.execute("SELECT count(*) FROM fact_dcm_case").fetchall()[0][0] == 5  # its own generation
    finally:
        con.close()
    con = store.connect_readonly(warehouse)
    try:
        assert con.execute("SELECT count(*) FROM fact_dcm_case").fetchall()[0][0] == 10
    finally:
        con.close()


def test_etl065_killed_load_transcode_dir_swept(tmp_path: Path, big_export: Path) -> None:
    """UTF-8 copies of GB18030 exports live in the generations folder as tmp-*, swept by the next load."""
    warehouse = tmp_path / "wh" / "warehouse.duckdb"
    gens = warehouse.with_name(warehouse.name + ".d")
    cmd = [sys.executable, "-m", "dashboard.cli", "load", "--quiet", "--warehouse", str(warehouse)]
    proc = subprocess.Popen([*cmd, str(big_export)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not list(gens.glob("tmp-work-*/*")) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert list(gens.glob("tmp-work-*")), "the load finished before it could be killed"
    subprocess.run([*cmd, str(cases(tmp_path / "s.csv", 0, 5))], check=True, capture_output=True)
    assert not list(gens.glob("tmp-*"))
