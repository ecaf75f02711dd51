"""Soak test of the wall screen: a simulated day of refreshes, first third against last third.

A wall refreshing every 60 s makes 1,440 refreshes a day. This runs ``kpi serve`` on the warehouse, opens
``/wall`` in headless Chromium with a fast refresh (``--refresh``, default 0.3 s: a day in about 7 minutes)
and rotation (3 s), and records

* refresh time: each wall refresh callback's round trip, timed in the page (``fetch`` of the request whose
  inputs name ``wall-tick``, to its response read);
* browser JS heap: ``Runtime.getHeapUsage`` over CDP after a forced garbage collection, every ``--sample`` s;
* server memory: the server process's resident set (``VmRSS``), at the same moments.

It then compares the last third with the first third (median refresh time; mean heap and RSS of the samples
in each third of the run) and writes ``artifacts/wall_soak.json``. The goal is a ratio of at most 1.1 each.

    python tools/wall_soak.py [--warehouse PATH] [--refreshes 1440] [--refresh 0.3] [--budget 570]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

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


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _driver() -> Any:
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1920,1080", "--enable-precise-memory-info"):
        options.add_argument(arg)
    return webdriver.Chrome(options=options, service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"))


def _heap_mb(driver: Any) -> float:
    driver.execute_cdp_cmd("HeapProfiler.collectGarbage", {})
    return float(driver.execute_cdp_cmd("Runtime.getHeapUsage", {})["usedSize"]) / 2**20


def _thirds(values: list[float]) -> tuple[list[float], list[float]]:
    n = len(values) // 3
    return values[:n], values[-n:] if n else []


def _ratio(first: list[float], last: list[float], how: Any) -> float | None:
    return round(how(last) / how(first), 3) if first and last and how(first) else None


def soak(warehouse: Path, refreshes: int, refresh_s: float, sample_s: float, budget_s: float) -> dict[str, Any]:
    port = _free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    server = subprocess.Popen(
        [sys.executable, "-m", "dashboard.cli", "serve", "--warehouse", str(warehouse), "--port", str(port)],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    driver = None
    try:
        url = f"http://127.0.0.1:{port}/wall?panels=kpis,city,league,week,video&seconds=3&refresh={refresh_s}"
        for _ in range(100):  # the server is up when the port answers
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.2)
        driver = _driver()
        driver.get(url)
        time.sleep(3)
        driver.execute_script(HOOK_JS)
        times: list[float] = []
        samples: list[tuple[int, float, float]] = []  # (refreshes so far, heap MB, server RSS MB)
        started = time.perf_counter()
        while len(times) < refreshes and time.perf_counter() - started < budget_s:
            time.sleep(sample_s)
            times += driver.execute_script(DRAIN_JS)
            samples.append((len(times), _heap_mb(driver), _rss_mb(server.pid)))
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
        "refresh_s": refresh_s,
        "refreshes": n,
        "simulated_day_at_60s": round(n / 1440, 3),
        "elapsed_s": round(elapsed, 1),
        "refresh_ms_median": {"first_third": round(statistics.median(t_first), 1) if t_first else None,
                              "last_third": round(statistics.median(t_last), 1) if t_last else None},
        "heap_mb_mean": {"first_third": round(statistics.mean(s[1] for s in s_first), 2) if s_first else None,
                         "last_third": round(statistics.mean(s[1] for s in s_last), 2) if s_last else None},
        "server_rss_mb_mean": {"first_third": round(statistics.mean(s[2] for s in s_first), 1) if s_first else None,
                               "last_third": round(statistics.mean(s[2] for s in s_last), 1) if s_last else None},
        "ratio_last_over_first": {
            "refresh_time": _ratio(t_first, t_last, statistics.median),
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
    p.add_argument("--budget", type=float, default=570.0, help="stop after this many seconds in any case")
    p.add_argument("--out", default=str(ROOT / "artifacts" / "wall_soak.json"))
    args = p.parse_args(argv)
    warehouse = Path(args.warehouse)
    if not warehouse.exists():
        print(f"no warehouse at {warehouse}: run `make demo` (or `kpi load`) first, or pass --warehouse")
        return 2
    result = soak(warehouse, args.refreshes, args.refresh, args.sample, args.budget)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=2), encoding="utf-8")
    summary = {k: v for k, v in result.items() if k != "samples"}
    print(json.dumps(summary, indent=2))
    ok = all(r is not None and r <= 1.1 for r in result["ratio_last_over_first"].values())
    print("wall soak: " + ("flat (every ratio ≤ 1.1)" if ok else "NOT flat: a ratio is above 1.1 or missing"))
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
