"""Benchmark of the explorer's queries at millions of cases: ``python -m tests.explore_bench --rows 5000000``.

Builds a published warehouse in ``--workdir`` (default ``bench/explore``) whose ``fact_dcm_case`` holds ``--rows``
synthetic cases (three years, 9 towns, 40 communities, 400 grids, 8 categories, 5 channels), generated in
DuckDB itself so that building it takes seconds, not the ETL's minutes. Then it times, cold (no cache), the
explorer's heaviest queries and a whole /explore page render, each ``--repeats`` times, and prints the medians
(``--json`` for machines). Several ``--rows`` values run one after another, to show how time grows with rows.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb

from dashboard.data import Warehouse
from warehouse import store
from warehouse.queries import explore as qe
from warehouse.sql import Filters, compile_query

MINORS = ["暴露垃圾", "乱堆物堆料", "店外经营", "占道经营", "非法小广告", "机动车乱停放", "道路不洁", "私搭乱建"]
CHANNELS = ["监督员上报", "公众举报", "12345热线", "视频AI", "领导交办"]
STAGES = ["结案", "结案", "结案", "结案", "处置", "派遣", "作废", "缓办"]
DEPARTMENTS = ["环翠区综合行政执法局", "区环卫中心", "区市政园林服务中心", "区住建局"]


def _list(values: list[str] | tuple[str, ...]) -> str:
    return "[" + ", ".join("'" + v + "'" for v in values) + "]"


def _pick(values: list[str] | tuple[str, ...], salt: int) -> str:
    return f"{_list(values)}[1 + CAST(hash(i * {salt}) % {len(values)} AS INTEGER)]"


def build(path: Path, rows: int) -> Path:
    """A published warehouse of ``rows`` synthetic cases at ``path`` (rebuilt if it holds another count)."""
    if store.current_generation(path) is not None:
        con = duckdb.connect(str(store.current_generation(path)), read_only=True)
        n = con.execute("SELECT count(*) FROM fact_dcm_case").fetchone()[0]
        con.close()
        if n == rows:
            return path
    path.parent.mkdir(parents=True, exist_ok=True)
    with store.writer_lock(path):
        draft = store.start_draft(path)
        con = duckdb.connect(str(draft.file))
        con.execute("SET threads = 2")
        store.migrate(con)
        store.refresh_reference(con)
        con.execute("DELETE FROM fact_dcm_case")
        towns = store.town_codes()
        con.execute(f"""
            INSERT INTO fact_dcm_case BY NAME
            WITH g AS (
                SELECT i, TIMESTAMP '2021-01-01' + to_seconds(CAST(hash(i) % 94608000 AS BIGINT)) AS rep,
                    {_pick(STAGES, 3)} AS stage, {_pick(DEPARTMENTS, 5)} AS department
                FROM range({rows}) AS t(i)
            )
            SELECT 'B' || i AS case_no, rep AS reported_at, {_pick(CHANNELS, 7)} AS channel,
                {_pick(MINORS, 11)} AS minor_category, '问题描述' || (i % 997) AS description,
                '环翠区某路' || (i % 1000) || '号' AS address, {_pick(towns, 13)} AS town_code,
                '社区' || (hash(i * 17) % 40) AS community, 'G' || (hash(i * 19) % 400) AS grid_code,
                rep + INTERVAL 1 HOUR AS filed_at, rep + INTERVAL 2 HOUR AS dispatched_at, department,
                department = '环翠区综合行政执法局' AS is_bureau, rep + INTERVAL 72 HOUR AS deadline_at,
                CASE WHEN stage = '结案' THEN rep + to_hours(CAST(hash(i * 23) % 120 AS BIGINT)) END AS handled_at,
                CASE WHEN stage = '结案' THEN rep + to_hours(CAST(hash(i * 23) % 120 AS BIGINT) + 1) END AS closed_at,
                stage, CAST(hash(i * 29) % 10 = 0 AS BIGINT) AS rework_count, 0 AS extension_count,
                0 AS _load_id, i AS _row_no, 0 AS _version, hash(i) AS _row_hash
            FROM g
        """)
        store.refresh_marts(con)
        con.execute("CHECKPOINT")
        con.close()
        store.publish(draft)
    return path


YEAR = Filters(None, None)
QUERIES: dict[str, qe.Query] = {
    "rate by community × channel, monthly": qe.Query("dcm_cases", YEAR, by=("community", "channel"), grain="month",
                                                      measure="dcm.on_time_due_rate"),
    "count by town, daily": qe.Query("dcm_cases", YEAR, by=("town_code",), grain="day"),
    "median hours by category × grid": qe.Query("dcm_cases", YEAR, by=("minor_category", "grid_code"),
                                                measure="median.h_report_to_close"),
}
GRID_FILTER = {"address": {"filterType": "text", "type": "contains", "filter": "99号"}}


def _timed(run: Callable[[], Any], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def measure(path: Path, repeats: int) -> dict[str, float]:
    """Median seconds of each query (cold: straight to DuckDB, no cache) and of a whole page render."""
    con = store.connect_readonly(path)

    def sql(stmt: Any) -> Callable[[], Any]:
        text, params = compile_query(stmt)
        return lambda: con.execute(text, params).fetchall()

    whole = QUERIES["rate by community × channel, monthly"]
    out = {name: _timed(sql(qe.aggregate(q)), repeats) for name, q in QUERIES.items()}
    out["rows: sorted by address, filtered, first 100"] = _timed(
        sql(qe.rows(whole, [{"colId": "address", "sort": "asc"}], GRID_FILTER, 0, 100)), repeats)
    out["rows: default order, page at 1,000,000"] = _timed(sql(qe.rows(whole, None, None, 1_000_000, 100)), repeats)
    out["rows: count"] = _timed(sql(qe.row_count(whole, GRID_FILTER)), repeats)
    out["filter values: community"] = _timed(sql(qe.values(whole, "community")), repeats)
    con.close()
    _render(path)  # imports and the first connection, once
    out["page render (cold cache)"] = _timed(lambda: _render(path), repeats)
    return out


def _render(path: Path) -> None:
    from dashboard.pagekit import context
    from pages.explore import page

    wh = Warehouse(path)  # a new cache each time
    params = {"src": "dcm_cases", "m": "dcm.on_time_due_rate", "by": "town_code,channel", "grain": "month",
              "cmp": "yoy", "start": "2023-01-01", "end": "2023-12-31"}
    page.body(context(params, wh))
    wh.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[5_000_000])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--workdir", default="bench/explore")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    report = {}
    for rows in args.rows:
        started = time.perf_counter()
        path = build(Path(args.workdir) / f"cases-{rows}" / "warehouse.duckdb", rows)
        built = time.perf_counter() - started
        timings = measure(path, args.repeats)
        report[rows] = {"build_s": round(built, 1), **{k: round(v, 3) for k, v in timings.items()}}
        if not args.json:
            print(f"{rows:,} cases (built in {built:.1f} s)")
            for name, seconds in timings.items():
                print(f"  {seconds:8.3f} s  {name}")
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
