"""Soak test of the wall screen: a simulated day of refreshes, first third against last third.

A wall refreshing every 60 s makes 1,440 refreshes a day. This runs ``kpi serve`` on the warehouse, opens
``/wall`` in headless Chromium with a fast refresh (``--refresh``, default 0.3 s: a day in about 7 minutes)
and rotation (3 s), and records

* refresh time: each wall refresh callback's round trip, timed in the page (``fetch`` of the request whose
  inputs name ``wall-tick``, to its response read);
* browser JS heap: ``Runtime.getHeapUsage`` over CDP after a forced garbage collection, every ``--sample`` s;
* server memory: the server process's resident set (``VmRSS``), at the same moments;
* server CPU per refresh: the server process's CPU time (``/proc/PID/stat``) over the refreshes between two
  samples — the work a refresh costs, which other load on a shared machine does not inflate as it does the
  round trip (the load average is recorded beside it).

The warehouse is a private copy of its published generation (a load or migration published to the original
during the soak would otherwise land in the middle of it). The server is the app as ``kpi serve`` builds it,
without the background warming of the desk pages (a one-time fill of their query cache, not the wall's); the
first ``--warmup`` seconds of refreshes are not measured.

It then compares the last third with the first third (median refresh time; mean heap and RSS of the samples
in each third of the run) and writes ``artifacts/wall_soak.json``. The goal is a ratio of at most 1.1 each.

    python tools/wall_soak.py [--warehouse PATH] [--refreshes 1440] [--refresh 0.3] [--budget 540] [--warmup 30]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from browser_timing import driver as browser_driver
from browser_timing import start_server

ROOT = Path(__file__).resolve().parents[1]
HOOK_JS = """
if (!window.__wallTimes) {
  window.__wallTimes = [];
  const orig = window.fetch;
  window.fetch = function(url, opts) {
    const t0 = performance.now();
    const wall = opts && typeof opts.body === 'string' && opts.body.includes('"wall-tick"');
    return orig.apply(this, arguments).then(r => {
      if (wall) { r.clone().text().then(() => window.__wallTimes.push(performance.now() - t0)); }
      return r;
    });
  };
}
"""
DRAIN_JS = "const t = window.__wallTimes.splice(0); return t;"


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _cpu_s(pid: int) -> float:
    """User plus system CPU seconds the process has used."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def private_copy(warehouse: Path, into: Path) -> Path:
    """The published generation alone, copied under ``into``: loads (or migrations) published to the
    original during the soak must not land in the middle of it."""
    from warehouse import store

    current = store.current_generation(store.warehouse_path(warehouse))
    if current is None:
        raise SystemExit(f"no published generation at {warehouse}")
    target = into / "warehouse.duckdb"
    gens = store.generations_dir(target)
    gens.mkdir(parents=True)
    shutil.copy2(current, gens / current.name)
    target.symlink_to(Path(gens.name) / current.name)
    return target


def _heap_mb(driver: Any) -> float:
    driver.execute_cdp_cmd("HeapProfiler.collectGarbage", {})
    return float(driver.execute_cdp_cmd("Runtime.getHeapUsage", {})["usedSize"]) / 2**20


def _thirds(values: list[float]) -> tuple[list[float], list[float]]:
    n = len(values) // 3
    return values[:n], values[-n:] if n else []


def _ratio(first: list[float], last: list[float], how: Any) -> float | None:
    return round(how(last) / how(first), 3) if first and last and how(first) else None


def _per_refresh(samples: list[tuple[int, float, float, float, float]], lo: float, hi: float) -> float | None:
    """Server CPU milliseconds per refresh between the samples taken at ``lo`` and ``hi`` refreshes."""
    inside = [(0, 0.0)] + [(s[0], s[3]) for s in samples]
    a = max((p for p in inside if p[0] <= lo), default=None)
    b = max((p for p in inside if p[0] <= hi), default=None)
    if a is None or b is None or b[0] <= a[0]:
        return None
    return round((b[1] - a[1]) * 1000 / (b[0] - a[0]), 2)


def soak(warehouse: Path, refreshes: int, refresh_s: float, sample_s: float, budget_s: float,
         warmup_s: float = 30.0) -> dict[str, Any]:
    server, port = start_server(warehouse)
    driver = None
    try:
        url = f"http://127.0.0.1:{port}/wall?panels=kpis,city,league,week,video&seconds=3&refresh={refresh_s}"
        driver = browser_driver("--enable-precise-memory-info")
        driver.get(url)
        time.sleep(3)
        driver.execute_script(HOOK_JS)
        time.sleep(warmup_s)  # the first refreshes fill the query cache: not part of the day
        driver.execute_script(DRAIN_JS)
        times: list[float] = []
        # (refreshes so far, heap MB, server RSS MB, server CPU s, load average)
        samples: list[tuple[int, float, float, float, float]] = []
        cpu0 = _cpu_s(server.pid)
        started = time.perf_counter()
        while len(times) < refreshes and time.perf_counter() - started < budget_s:
            time.sleep(sample_s)
            times += driver.execute_script(DRAIN_JS)
            samples.append((len(times), _heap_mb(driver), _rss_mb(server.pid), _cpu_s(server.pid) - cpu0,
                            os.getloadavg()[0]))
        elapsed = time.perf_counter() - started
    finally:
        if driver is not None:
            driver.quit()
        server.terminate()
        server.wait(timeout=20)
    t_first, t_last = _thirds(times)
    n = len(times)
    s_first = [s for s in samples if s[0] <= n / 3]
    s_last = [s for s in samples if s[0] > 2 * n / 3]
    return {
        "warehouse": str(warehouse),
        "load_average": [round(min(s[4] for s in samples), 1), round(max(s[4] for s in samples), 1)]
        if samples else None,
        "refresh_s": refresh_s,
        "refreshes": n,
        "simulated_day_at_60s": round(n / 1440, 3),
        "elapsed_s": round(elapsed, 1),
        "warmup_s": warmup_s,
        "refresh_ms_median": {"first_third": round(statistics.median(t_first), 1) if t_first else None,
                              "last_third": round(statistics.median(t_last), 1) if t_last else None},
        "heap_mb_mean": {"first_third": round(statistics.mean(s[1] for s in s_first), 2) if s_first else None,
                         "last_third": round(statistics.mean(s[1] for s in s_last), 2) if s_last else None},
        "server_rss_mb_mean": {"first_third": round(statistics.mean(s[2] for s in s_first), 1) if s_first else None,
                               "last_third": round(statistics.mean(s[2] for s in s_last), 1) if s_last else None},
        "server_cpu_ms_per_refresh": {"first_third": _per_refresh(samples, 0, n / 3),
                                      "last_third": _per_refresh(samples, 2 * n / 3, n)},
        "ratio_last_over_first": {
            "refresh_time": _ratio(t_first, t_last, statistics.median),
            "server_cpu_per_refresh": _ratio([_per_refresh(samples, 0, n / 3) or 0],
                                             [_per_refresh(samples, 2 * n / 3, n) or 0], statistics.mean),
            "js_heap": _ratio([s[1] for s in s_first], [s[1] for s in s_last], statistics.mean),
            "server_rss": _ratio([s[2] for s in s_first], [s[2] for s in s_last], statistics.mean),
        },
        "samples": samples,
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--warehouse", default=os.environ.get("KPI_WAREHOUSE", "data/warehouse.duckdb"))
    p.add_argument("--refreshes", type=int, default=1440, help="a day at one refresh a minute")
    p.add_argument("--refresh", type=float, default=0.3, help="seconds between refreshes in the soak")
    p.add_argument("--sample", type=float, default=10.0, help="seconds between heap and RSS samples")
    p.add_argument("--budget", type=float, default=540.0, help="stop after this many seconds in any case")
    p.add_argument("--warmup", type=float, default=30.0, help="seconds of refreshes before measuring")
    p.add_argument("--out", default=str(ROOT / "artifacts" / "wall_soak.json"))
    args = p.parse_args(argv)
    warehouse = Path(args.warehouse)
    if not warehouse.exists():
        print(f"no warehouse at {warehouse}: run `make demo` (or `kpi load`) first, or pass --warehouse")
        return 2
    with tempfile.TemporaryDirectory(prefix="wall-soak-") as tmp:
        result = soak(private_copy(warehouse, Path(tmp)), args.refreshes, args.refresh, args.sample, args.budget,
                      args.warmup)
        result["warehouse"] = str(warehouse)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=2), encoding="utf-8")
    summary = {k: v for k, v in result.items() if k != "samples"}
    print(json.dumps(summary, indent=2))
    ok = all(r is not None and r <= 1.1 for r in result["ratio_last_over_first"].values())
    print("wall soak: " + ("flat (every ratio ≤ 1.1)" if ok else "NOT flat: a ratio is above 1.1 or missing"))
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
