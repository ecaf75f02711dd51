"""Run hostile inputs through the real `kpi load`, one subprocess each, and classify what happened.

Each input is loaded into its own copy of a small published warehouse, in a child process with an
address-space limit and a wall-clock timeout, so an abort (exit 134), a hang or a memory blow-up is
seen rather than suffered. The outcome of each input is one of:

- ``refused``: every table failed with a one-line message and no fact row came from it;
- ``loaded``: at least one table loaded (some rows or sheets may be rejected or failed alone);
- ``crashed``: a signal, an exit status other than 0/1, or a traceback;
- ``hung``: still running at the timeout (killed);
- ``half-loaded``: a failed table left rows in a fact table, a loaded table's rows in do not equal
  loaded + rejected + skipped, or the published warehouse cannot be read afterwards.

``python -m tests.hostile.harness [DIR]`` runs every entry of DIR (or, without DIR, the project's own
corpus) and prints one line per input and the totals: the same measure for any independent corpus.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT_S = 120.0
ADDRESS_SPACE = 6 << 30  # a guard only; the bound we promise is on resident memory (PEAK_MB_BOUND)
PEAK_MB_BOUND = 1024
KINDS = ("refused", "loaded", "crashed", "hung", "half-loaded")


@dataclass
class Outcome:
    name: str
    exit: int | None  # None: killed at the timeout
    seconds: float
    peak_mb: float
    tables: list[dict] = field(default_factory=list)  # this load's load_log rows
    reasons: list[str] = field(default_factory=list)  # this load's reject reasons
    facts_before: int = 0
    facts_after: int = 0
    facts_from_failed: int = 0
    readable: bool = True
    stdout: str = ""
    stderr: str = ""

    @property
    def kind(self) -> str:
        if self.exit is None:
            return "hung"
        if self.exit not in (0, 1, 2) or "Traceback" in self.stderr:
            return "crashed"
        if not self.readable or self.facts_from_failed or any(
            t["status"] == "loaded" and t["rows_in"] != t["rows_loaded"] + t["rows_rejected"] + t["rows_skipped"]
            for t in self.tables
        ):
            return "half-loaded"
        if any(t["status"] == "loaded" for t in self.tables):
            return "loaded"
        return "refused"

    @property
    def clear(self) -> bool:
        """Every failed table says why in one non-empty line, in both languages."""
        return all(t["error"] and t["error_en"] and "\n" not in t["error"] + t["error_en"]
                   for t in self.tables if t["status"] == "failed")


def kpi(*args: str, timeout: float = TIMEOUT_S) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "dashboard.cli", *args], capture_output=True, text=True,
                          timeout=timeout, cwd=ROOT, check=False)


def base_warehouse(folder: Path) -> Path:
    """A published warehouse holding a few good rows, which every hostile load starts from."""
    from tests.fixtures.exports import write_csv
    from tests.hostile.corpus import good_log

    folder.mkdir(parents=True, exist_ok=True)
    export = write_csv(folder / "基础.csv", good_log(5, "BASE"))
    warehouse = folder / "wh" / "warehouse.duckdb"
    proc = kpi("load", str(export), "--warehouse", str(warehouse), "--quiet")
    if proc.returncode != 0:
        raise RuntimeError(proc.stdout + proc.stderr)
    return warehouse


def _facts(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [r[0] for r in con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_name LIKE 'fact_%' AND table_type = 'BASE TABLE'"
    ).fetchall()]


def _fact_rows(warehouse: Path, failed_ids: list[int] | None = None) -> tuple[int, int]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        total = from_failed = 0
        for table in _facts(con):
            total += con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]
            if failed_ids:
                from_failed += con.execute(
                    f"SELECT count(*) FROM {table} WHERE list_contains(?, _load_id)", [failed_ids]
                ).fetchall()[0][0]
        return total, from_failed
    finally:
        con.close()


def _limit_child() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))
    os.setsid()


def run_one(name: str, path: Path, base: Path, work: Path, timeout: float = TIMEOUT_S,
            env: dict[str, str] | None = None) -> Outcome:
    """Load one input into a copy of the base warehouse in a limited child process; classify the result."""
    work.mkdir(parents=True, exist_ok=True)
    shutil.copytree(base.parent, work / "wh", symlinks=True)
    warehouse = work / "wh" / base.name
    before, _ = _fact_rows(warehouse)
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        last_id = con.execute("SELECT coalesce(max(load_id), 0) FROM load_log").fetchall()[0][0]
    finally:
        con.close()
    out, err = work / "stdout.txt", work / "stderr.txt"
    cmd = [sys.executable, "-m", "dashboard.cli", "load", str(path), "--warehouse", str(warehouse), "--lang", "en",
           "--quiet"]
    started = time.monotonic()
    with open(out, "wb") as fout, open(err, "wb") as ferr:
        proc = subprocess.Popen(cmd, stdout=fout, stderr=ferr, cwd=ROOT, preexec_fn=_limit_child,
                                env={**os.environ, **(env or {})})
        status, usage = None, None
        while True:
            pid, raw, ru = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                status, usage = raw, ru
                break
            if time.monotonic() - started > timeout:
                os.killpg(proc.pid, signal.SIGKILL)
                _, raw, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.02)
        proc.returncode = 0  # reaped here; keep Popen from waiting again
    seconds = time.monotonic() - started
    code = None if status is None else os.waitstatus_to_exitcode(status)
    outcome = Outcome(name, code, round(seconds, 2), round(usage.ru_maxrss / 1024, 1) if usage else 0.0,
                      facts_before=before, stdout=out.read_text(errors="replace"),
                      stderr=err.read_text(errors="replace"))
    if code is None:
        return outcome
    try:
        con = duckdb.connect(str(warehouse), read_only=True)
        try:
            cur = con.execute("SELECT * FROM load_log WHERE load_id > ? ORDER BY load_id", [last_id])
            names = [d[0] for d in cur.description]
            outcome.tables = [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
            ids = [t["load_id"] for t in outcome.tables]
            outcome.reasons = sorted({r[0] for r in con.execute(
                "SELECT reason FROM rejects WHERE list_contains(?, load_id)", [ids]).fetchall()}) if ids else []
        finally:
            con.close()
        failed = [t["load_id"] for t in outcome.tables if t["status"] == "failed"]
        outcome.facts_after, outcome.facts_from_failed = _fact_rows(warehouse, failed)
    except duckdb.Error:
        outcome.readable = False
    return outcome


def run_all(inputs: list[tuple[str, Path]], base: Path, work: Path, workers: int = 2,
            timeout: float = TIMEOUT_S) -> list[Outcome]:
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(run_one, name, path, base, work / name, timeout) for name, path in inputs]
        return [f.result() for f in futures]


def summary(outcomes: list[Outcome]) -> dict[str, object]:
    counts = {kind: sum(1 for o in outcomes if o.kind == kind) for kind in KINDS}
    worst = max(outcomes, key=lambda o: o.seconds)
    biggest = max(outcomes, key=lambda o: o.peak_mb)
    return {
        "inputs": len(outcomes), **counts,
        "refused_clearly": sum(1 for o in outcomes if o.kind == "refused" and o.clear),
        "loaded_with_rejects_or_failed_sheets": sum(
            1 for o in outcomes if o.kind == "loaded"
            and any(t["rows_rejected"] or t["status"] == "failed" for t in o.tables)),
        "worst_seconds": worst.seconds, "worst_seconds_input": worst.name,
        "peak_mb": biggest.peak_mb, "peak_mb_input": biggest.name,
    }


def main(argv: list[str]) -> int:
    with tempfile.TemporaryDirectory(prefix="hostile-") as tmp:
        root = Path(tmp)
        if argv:
            folder = Path(argv[0])
            inputs = [(p.name, p) for p in sorted(folder.iterdir())]
        else:
            from tests.hostile.corpus import write_corpus

            inputs = [(case.name, path) for case, path in write_corpus(root / "corpus")]
        base = base_warehouse(root / "base")
        outcomes = run_all(inputs, base, root / "runs")
        for o in outcomes:
            first = next((t["error_en"] for t in o.tables if t["status"] == "failed"), "") or ""
            print(f"{o.kind:12} {o.seconds:7.2f}s {o.peak_mb:7.1f} MB  {o.name}  {first[:90]}")
        result = summary(outcomes)
        print(json.dumps(result, ensure_ascii=False, indent=2))
        Path("artifacts").mkdir(exist_ok=True)
        Path("artifacts/hostile-summary.json").write_text(
            json.dumps({"summary": result, "inputs": [
                {k: v for k, v in asdict(o).items() if k not in ("stdout", "stderr", "tables")} | {"kind": o.kind}
                for o in outcomes]}, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
        return 0 if not (result["crashed"] or result["hung"] or result["half-loaded"]) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
