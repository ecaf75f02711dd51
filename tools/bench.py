"""The benchmark suite behind ``make bench``: one table of the performance goals (docs/PERFORMANCE.md).

    python tools/bench.py [--scale 40] [--data bench/data] [--repeats 5] [--etl-rows 1000000] [--json PATH]

In one run, on this machine:

* the ETL ratio: ``kpi bench`` (etl/bench.py), a 1 M-row case CSV through the whole ``kpi load`` process against a
  bare DuckDB ``CREATE TABLE AS SELECT * FROM read_csv``, medians of alternating runs;
* the demo at scale 1 (the small demo) and at ``--scale`` (40 ≈ 1 M cases, 200 ≈ 5 M): generated once into
  ``--data`` (kept for the next run: generating scale 200 takes many minutes), then loaded afresh by ``kpi load``
  in a child process whose wall time and peak resident memory (``wait4``) are recorded;
* per page, in a fresh server process on each warehouse: the server-side render (the page's layout function, as
  Dash pages calls it) with a cold query cache, ``--repeats`` times, p50 and p95; the bytes of the page as a
  browser without a cache fetches it (the HTML, every script and stylesheet it names, ``_dash-layout``,
  ``_dash-dependencies`` and the page's rendered content, each as the server sends it: compressed when the
  server compresses it); and that process's resident memory after every page was rendered;
* per page, in headless Chromium against a server process of its own (tools/browser_timing.py): the largest
  contentful paint and every chart drawn on a fresh browser's first visit, and every chart drawn again with a warm
  server and a cached browser.

The wall screen's soak over a simulated day is ``make bench-wall`` (tools/wall_soak.py, 7 minutes of its own);
the explorer's query timings at 5 M synthetic cases are ``python -m tests.explore_bench``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
UNTIL = "2026-11-30"  # a fixed last day, so that a kept export set is the one a new run would generate
GOAL_RENDER_S = 0.3
GOAL_LOAD_PEAK_MB = 1536
GOAL_ETL_RATIO = 1.5
GOAL_BYTES = 2_000_000
GOAL_RSS_MB = 400
GOAL_BROWSER_S = 1.0  # largest contentful paint (cold) and every chart drawn (warm server, cached browser)


def _kpi(*args: str) -> list[str]:
    return [sys.executable, "-m", "dashboard.cli", *args]


def exports(data: Path, scale: float) -> Path:
    """The demo exports at ``scale`` under ``data`` (generated when missing)."""
    out = data / f"scale-{scale:g}" / "exports"
    done = out / ".complete"
    if not done.exists():
        shutil.rmtree(out, ignore_errors=True)
        started = time.perf_counter()
        subprocess.run(_kpi("generate-demo", str(out), "--scale", f"{scale:g}", "--until", UNTIL), check=True,
                       stdout=subprocess.DEVNULL)
        done.write_text(f"{time.perf_counter() - started:.1f}\n")
    return out


def load(exports_dir: Path, warehouse: Path) -> dict[str, float]:
    """A fresh ``kpi load`` of the exports: wall seconds and peak resident memory (MB) of the process."""
    shutil.rmtree(warehouse.parent, ignore_errors=True)
    warehouse.parent.mkdir(parents=True)
    started = time.perf_counter()
    proc = subprocess.Popen(_kpi("load", str(exports_dir), "--warehouse", str(warehouse), "--quiet", "--lang", "en"),
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"kpi load failed ({proc.returncode}): {proc.stderr.read().decode() if proc.stderr else ''}")
    gen = Path(os.path.realpath(warehouse))
    return {"load_s": elapsed, "load_cpu_s": usage.ru_utime + usage.ru_stime, "load_peak_mb": usage.ru_maxrss / 1024,
            "warehouse_mb": gen.stat().st_size / 1e6}


def _cases(warehouse: Path) -> int:
    import duckdb

    con = duckdb.connect(os.path.realpath(warehouse), read_only=True)
    try:
        return int(con.execute("SELECT count(*) FROM fact_dcm_case").fetchone()[0])
    finally:
        con.close()


# --- pages (run in a child process per warehouse: `tools/bench.py pages WAREHOUSE`) ------------------------------


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _served_bytes(client: Any, path: str, plotly_js: list[str]) -> tuple[int, bool]:
    """Bytes a browser without a cache receives for a page's shell and assets (and plotly.js, which dcc.Graph loads
    when the page has a chart); whether the HTML came compressed."""
    headers = {"Accept-Encoding": "gzip"}  # what every browser accepts (brotli would be smaller still)
    index = client.get(path, headers=headers)
    total = len(index.data)
    html = index.get_data(as_text=False)
    if index.headers.get("Content-Encoding") == "gzip":
        html = gzip.decompress(html)
    urls = re.findall(rb'<(?:script|link)[^>]+(?:src|href)="(/[^"]+)"', html)
    for url in [*dict.fromkeys(u.decode() for u in urls), "/_dash-layout", "/_dash-dependencies", *plotly_js]:
        total += len(client.get(url, headers=headers).data)
    return total, index.headers.get("Content-Encoding") is not None


def measure_pages(warehouse: Path, repeats: int) -> dict[str, Any]:
    """Cold server renders of every page (p50, p95), bytes per page, and the process's memory afterwards."""
    import dash

    import dashboard.app as app_module
    from dashboard import serving
    from dashboard.data import Warehouse

    made: list[Warehouse] = []

    class _Recorded(Warehouse):  # the app's one Warehouse, so that each render can start with a cold cache
        def __init__(self, path: str | Path) -> None:
            super().__init__(path)
            made.append(self)

    app_module.Warehouse = _Recorded  # type: ignore[misc]
    tmp = Path(tempfile.mkdtemp(prefix="kpi-bench-"))
    try:
        app = app_module.create_app(warehouse, warm=False, app_db=f"sqlite:///{tmp / 'app.db'}")
        client = app.server.test_client()
        client.get("/")  # Dash's first-request hooks
        serving.settle_heap()  # as `kpi serve` and each gunicorn worker do once their app is built
        pages = sorted((p for p in dash.page_registry.values() if p["path"] != "/404"), key=lambda p: p["order"])
        out: dict[str, Any] = {"pages": {}}
        times: dict[str, list[float]] = {p["path"]: [] for p in pages}
        cpu: dict[str, list[float]] = {p["path"]: [] for p in pages}
        trees: dict[str, Any] = {}
        for _ in range(repeats):  # round robin over the pages: a slow spell of a shared machine hits them all alike
            for page in pages:
                path = page["path"]
                made[0].forget()  # a cold query cache, as after a new generation (the connection stays open)
                with app.server.test_request_context(path):
                    started, cpu_started = time.perf_counter(), time.process_time()
                    trees[path] = page["layout"]()
                    times[path].append(time.perf_counter() - started)
                    cpu[path].append(time.process_time() - cpu_started)
        for page in pages:
            path = page["path"]
            content = json.dumps(trees[path].to_plotly_json(), default=str, ensure_ascii=False).encode()
            charts = b'"type": "Graph"' in content  # dcc.Graph then loads plotly.js
            shell, compressed = _served_bytes(client, path, [serving.PLOTLY_JS] if charts else [])
            body = len(gzip.compress(content, 6)) if compressed else len(content)
            walls = sorted(times[path])
            out["pages"][path] = {
                "p50": statistics.median(walls), "p95": walls[min(len(walls) - 1, round(0.95 * (len(walls) - 1)))],
                "cpu_p50": statistics.median(cpu[path]),
                "bytes": shell + body, "content_bytes": len(content),
            }
        out["rss_mb"] = _rss_mb()
        return out
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def pages_in_child(warehouse: Path, repeats: int) -> dict[str, Any]:
    proc = subprocess.run([sys.executable, str(Path(__file__)), "pages", str(warehouse), "--repeats", str(repeats)],
                          capture_output=True, text=True, cwd=ROOT)
    if proc.returncode != 0:
        raise RuntimeError(f"page benchmark failed:\n{proc.stderr[-4000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


# --- the table -----------------------------------------------------------------------------------------------------


def _ok(met: bool) -> str:
    return "met" if met else "MISSED"


def table(result: dict[str, Any]) -> str:
    """The one table `make bench` prints (plain text, also pasted into docs/PERFORMANCE.md)."""
    small, big = result["small"], result["scaled"]
    lines = [f"| what | small demo ({small['cases']:,} cases) | scale {result['scale']:g} ({big['cases']:,} cases) "
             "| goal | |", "|---|---|---|---|---|"]
    if "etl" in result:
        e = result["etl"]
        lines.append(f"| `kpi bench` ({result['etl_rows']:,}-row CSV): kpi load / read_csv | | {e['load']:.2f} s / "
                     f"{e['baseline']:.2f} s = **{e['ratio']:.2f}×** | ≤ {GOAL_ETL_RATIO}× "
                     f"| {_ok(e['ratio'] <= GOAL_ETL_RATIO)} |")
    lines.append(f"| load of the demo: wall (CPU) time | {small['load_s']:.1f} s ({small['load_cpu_s']:.1f} s) "
                 f"| {big['load_s']:.1f} s ({big['load_cpu_s']:.1f} s) | | |")
    lines.append(f"| load of the demo: peak memory | {small['load_peak_mb']:.0f} MB | **{big['load_peak_mb']:.0f} MB** "
                 f"| ≤ {GOAL_LOAD_PEAK_MB} MB | {_ok(big['load_peak_mb'] <= GOAL_LOAD_PEAK_MB)} |")
    lines.append(f"| warehouse file | {small['warehouse_mb']:.0f} MB | {big['warehouse_mb']:.0f} MB | | |")
    for path, p in big["pages"].items():
        s = small["pages"].get(path, {})
        lines.append(
            f"| `{path}` server render p50 / p95 (CPU p50), cold cache | {s.get('p50', 0):.3f} / {s.get('p95', 0):.3f} "
            f"({s.get('cpu_p50', 0):.3f}) s | **{p['p50']:.3f}** / {p['p95']:.3f} ({p['cpu_p50']:.3f}) s "
            f"| ≤ {GOAL_RENDER_S} s | {_ok(p['p95'] <= GOAL_RENDER_S)} |")
    for path, p in big["pages"].items():
        s = small["pages"].get(path, {})
        lines.append(f"| `{path}` bytes, uncached browser | {s.get('bytes', 0) / 1e6:.2f} MB "
                     f"| {p['bytes'] / 1e6:.2f} MB | < 2 MB | {_ok(p['bytes'] < GOAL_BYTES)} |")
    if "browser" in big:
        lines += _browser_rows(small.get("browser", {}), big["browser"])
    lines.append(f"| server RSS after every page | {small['rss_mb']:.0f} MB | **{big['rss_mb']:.0f} MB** "
                 f"| ≤ {GOAL_RSS_MB} MB | {_ok(big['rss_mb'] <= GOAL_RSS_MB)} |")
    return "\n".join(lines)


def _browser_rows(small: dict[str, Any], big: dict[str, Any]) -> list[str]:
    """Largest contentful paint (cold) and every chart drawn (cold; warm server and cached browser) per page."""
    def sec(v: float | None) -> str:
        return "—" if v is None else f"{v:.2f} s"

    def cold(b: dict[str, Any], key: str) -> str:  # the warm figure is followed by the cold one in brackets
        return f" ({sec(b.get('drawn_cold'))})" if key == "drawn_warm" else ""

    lines = []
    for key, what in (("lcp_cold", "largest contentful paint, cold"),
                      ("drawn_warm", "all charts drawn, warm server + cached browser (cold)")):
        for path, b in big.items():
            s, value = small.get(path, {}), b.get(key)
            met = value is not None and value < GOAL_BROWSER_S
            lines.append(f"| `{path}` {what} | {sec(s.get(key))}{cold(s, key)} | **{sec(value)}**{cold(b, key)} "
                         f"| < {GOAL_BROWSER_S:g} s | {_ok(met)} |")
    return lines


def run(args: argparse.Namespace) -> int:
    from etl.bench import measure as etl_measure

    started = time.perf_counter()
    data = Path(args.data)
    result: dict[str, Any] = {"scale": args.scale, "etl_rows": args.etl_rows}
    if args.etl_rows:
        print(f"ETL ratio: {args.etl_rows:,}-row case CSV …", file=sys.stderr, flush=True)
        result["etl"] = etl_measure(args.etl_rows, data / "etl", repeats=args.etl_repeats)
    for name, scale in (("small", 1.0), ("scaled", args.scale)):
        print(f"scale {scale:g}: exports, load, pages …", file=sys.stderr, flush=True)
        wh = data / f"scale-{scale:g}" / "wh" / "warehouse.duckdb"
        result[name] = load(exports(data, scale), wh)
        result[name]["cases"] = _cases(wh)
        result[name].update(pages_in_child(wh, args.repeats))
        if args.browser:
            from browser_timing import measure as browser_measure  # tools/ is the script's directory

            result[name]["browser"] = browser_measure(wh, list(result[name]["pages"]))
    result["seconds"] = time.perf_counter() - started
    print(table(result))
    print(f"\n(benchmark took {result['seconds'] / 60:.1f} min; {os.cpu_count()} CPUs; data in {data})")
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(result, indent=2, default=str), encoding="utf-8")
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["pages"]:
        p = argparse.ArgumentParser(prog="bench.py pages")
        p.add_argument("warehouse")
        p.add_argument("--repeats", type=int, default=5)
        a = p.parse_args(argv[1:])
        print(json.dumps(measure_pages(Path(a.warehouse), a.repeats)))
        return 0
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--scale", type=float, default=40.0, help="demo volume of the large run (200 ≈ 5 M cases)")
    p.add_argument("--data", default="bench/data", help="where exports are kept between runs and warehouses built")
    p.add_argument("--repeats", type=int, default=5, help="cold renders of each page")
    p.add_argument("--etl-rows", type=int, default=1_000_000, help="rows of the ETL ratio's CSV (0: skip it)")
    p.add_argument("--etl-repeats", type=int, default=3)
    p.add_argument("--json", help="also write the figures as JSON here")
    p.add_argument("--no-browser", dest="browser", action="store_false",
                   help="skip the headless Chromium timings (largest contentful paint, every chart drawn)")
    return run(p.parse_args(argv))


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main())
