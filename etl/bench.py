"""ETL benchmark: `kpi load` of a large case export against a bare DuckDB read of the same file.

Writes an N-row ``dcm_cases`` CSV in the contract's standard headers, then times, in one run:
the baseline ``CREATE TABLE AS SELECT * FROM read_csv(...)`` into a fresh DuckDB file, and the
whole ``kpi load`` process (start-up, detection, normalisation, validation, merge, publish).
Runs both several times, alternating, and prints the medians and their ratio (goal: at most 2.0),
so a busy machine skews both sides alike.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import duckdb

TOWNS = ["环翠楼街道", "鲸园", "竹岛街道", "孙家疃街道", "嵩山街道", "张村镇", "羊亭镇", "温泉镇", "桥头镇"]
CATEGORIES = ["暴露垃圾", "乱堆物堆料", "店外经营", "占道经营", "非法小广告", "机动车乱停放", "道路不洁", "私搭乱建"]
DEPARTMENTS = ["环翠区综合行政执法局", "区环卫中心", "区市政园林服务中心", "区住建局"]
CHANNELS = ["监督员上报", "公众举报", "12345热线", "视频AI", "领导交办"]
STAGES = ["结案", "结案", "结案", "结案", "处置", "派遣", "作废", "缓办"]


def _list(values: list[str]) -> str:
    return "[" + ", ".join("'" + v + "'" for v in values) + "]"


def write_cases_csv(path: Path, rows: int) -> None:
    """An N-row case export with the contract's standard headers, written by DuckDB (fast)."""
    con = duckdb.connect()
    con.execute(f"""
        COPY (
            WITH base AS (
                SELECT i, TIMESTAMP '2021-01-01 06:00:00' + to_seconds(CAST(hash(i) % 150000000 AS BIGINT)) AS t0
                FROM range({rows}) AS r(i)
            )
            SELECT
                printf('%d%08d', 2021 + i % 5, i) AS "任务号",
                strftime(t0, '%Y-%m-%d %H:%M:%S') AS "上报时间",
                {_list(CHANNELS)}[1 + i % 5] AS "问题来源",
                CASE WHEN i % 7 = 0 THEN '部件' ELSE '事件' END AS "问题类型",
                '市容环境' AS "大类名称",
                {_list(CATEGORIES)}[1 + i % 8] AS "小类名称",
                '沿街发现问题，请及时处置' AS "问题描述",
                '世昌大道' || (i % 300) || '号' AS "地址描述",
                {_list(TOWNS)}[1 + i % 9] AS "所属街道",
                '社区' || (i % 60) AS "所属社区",
                printf('37100200%07d', i % 5000) AS "单元网格",
                strftime(t0 + INTERVAL 20 MINUTE, '%Y-%m-%d %H:%M:%S') AS "立案时间",
                strftime(t0 + INTERVAL 40 MINUTE, '%Y-%m-%d %H:%M:%S') AS "派遣时间",
                {_list(DEPARTMENTS)}[1 + i % 4] AS "处置部门",
                strftime(t0 + INTERVAL 24 HOUR, '%Y-%m-%d %H:%M:%S') AS "处置截止时间",
                strftime(t0 + INTERVAL 6 HOUR, '%Y-%m-%d %H:%M:%S') AS "处置完成时间",
                strftime(t0 + INTERVAL 8 HOUR, '%Y-%m-%d %H:%M:%S') AS "结案时间",
                {_list(STAGES)}[1 + i % 8] AS "当前阶段名称",
                CAST(i % 50 = 0 AS INTEGER) AS "返工次数",
                0 AS "延期次数",
                round(122.1 + (i % 1000) / 10000.0, 6) AS "X坐标",
                round(37.5 + (i % 1000) / 10000.0, 6) AS "Y坐标"
            FROM base
        ) TO '{path}' (HEADER, DELIMITER ',')
    """)
    con.close()


def time_baseline(csv_path: Path, db_path: Path) -> float:
    """Seconds for a bare CREATE TABLE AS SELECT * FROM read_csv(...) into a fresh DuckDB file."""
    db_path.unlink(missing_ok=True)
    con = duckdb.connect(str(db_path))
    started = time.perf_counter()
    con.execute(f"CREATE TABLE cases AS SELECT * FROM read_csv('{csv_path}')")
    con.execute("CHECKPOINT")
    elapsed = time.perf_counter() - started
    con.close()
    return elapsed


def time_kpi_load(csv_path: Path, warehouse: Path) -> float:
    """Seconds for the whole `kpi load` process on the file, into a fresh warehouse."""
    shutil.rmtree(warehouse.parent, ignore_errors=True)
    warehouse.parent.mkdir(parents=True)
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "dashboard.cli", "load", str(csv_path), "--warehouse", str(warehouse), "--quiet"],
        capture_output=True, text=True,
    )
    elapsed = time.perf_counter() - started
    if proc.returncode != 0:
        raise RuntimeError(f"kpi load failed:\n{proc.stdout}\n{proc.stderr}")
    return elapsed


def measure(rows: int, workdir: Path, keep: bool = False, repeats: int = 3) -> dict[str, float | list[float]]:
    """Alternate baseline and `kpi load` runs: each side's times and medians, and the ratio of the medians."""
    workdir.mkdir(parents=True, exist_ok=True)
    csv_path = workdir / f"dcm_cases_{rows}.csv"
    if not csv_path.exists():
        started = time.perf_counter()
        write_cases_csv(csv_path, rows)
        print(f"wrote {rows:,} rows ({csv_path.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - started:.1f} s")
    time_baseline(csv_path, workdir / "baseline.duckdb")  # warm the page cache for both sides
    baselines, loads = [], []
    for _ in range(repeats):
        baselines.append(time_baseline(csv_path, workdir / "baseline.duckdb"))
        loads.append(time_kpi_load(csv_path, workdir / "wh" / "warehouse.duckdb"))
    if not keep:
        shutil.rmtree(workdir / "wh", ignore_errors=True)
        (workdir / "baseline.duckdb").unlink(missing_ok=True)
    baseline, load = statistics.median(baselines), statistics.median(loads)
    return {"baselines": baselines, "loads": loads, "baseline": baseline, "load": load, "ratio": load / baseline}


def run_benchmark(rows: int, workdir: Path, keep: bool = False, repeats: int = 3) -> int:
    """Alternate baseline and `kpi load` runs; print each median and their ratio."""
    m = measure(rows, workdir, keep, repeats)
    print(f"baseline CREATE TABLE AS SELECT * FROM read_csv: median {m['baseline']:.2f} s of "
          + ", ".join(f"{t:.2f}" for t in m["baselines"]))
    print(f"kpi load (whole process):                        median {m['load']:.2f} s of "
          + ", ".join(f"{t:.2f}" for t in m["loads"]))
    print(f"ratio kpi load / baseline (medians, {repeats} alternating runs): {m['ratio']:.2f} (goal ≤ 2.0)")
    return 0
