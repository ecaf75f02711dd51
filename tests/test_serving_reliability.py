"""Reliability: loads in a loop beside a real server answering every page and callback (zero failed requests, new
data shown without a restart), and loads killed with SIGKILL at random points (the published warehouse intact
every time, the next load fine, no drafts or generations piling up)."""

from __future__ import annotations

import json
import random
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path
from typing import Any

import pytest
import requests
from werkzeug.serving import make_server

from dashboard.app import create_app
from etl.load import load_files
from tests import hostile_web as hw
from tests.dashboard_data import load, write_exports
from tests.test_etl_publish import cases
from warehouse import store
from warehouse.report import report

pytestmark = pytest.mark.slow

LOADER = textwrap.dedent("""
    import sys
    from pathlib import Path
    from etl.load import load_files
    from tests.dashboard_data import write_more_cases
    warehouse, folder, stop = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
    i = 0
    while i < 3 or not stop.exists():  # at least three loads, and on until the readers have had their rounds
        result = load_files(warehouse, [write_more_cases(folder / f"more-{i}.csv", 40, seed=100 + i)])
        assert result.ok, result
        print(result.generation.name, flush=True)
        i += 1
""")


class Hammer:
    """Requests every page (HTML and rendered content) and several callbacks over HTTP, round after round."""

    def __init__(self, base: str, app: Any) -> None:
        self.base, self.session = base, requests.Session()
        self.routing = hw.routing_callback(app)
        wanted = ("freshness.children", "range-note.children", "rows-modal.is_open")  # freshness, labels, rows
        self.others = [cb for cb in hw.server_callbacks(app) if any(w in cb["output"] for w in wanted)]
        assert len(self.others) == 3
        self.failures: list[str] = []
        self.requests = 0
        self.generations: set[str] = set()

    def _check(self, what: str, response: requests.Response) -> None:
        self.requests += 1
        if response.status_code not in (200, 204) or b"wh-error" in response.content:
            self.failures.append(f"{what}: {response.status_code} {response.text[:200]}")

    def round(self) -> None:
        for path in hw.page_paths():
            if path == "/404":
                continue
            self._check(f"GET {path}", self.session.get(self.base + path, timeout=60))
            body = hw.body(self.routing, {}, search="?year=2022", pathname=path)
            self._check(f"render {path}", self.session.post(self.base + hw.UPDATE, json=body, timeout=60))
        for cb in self.others:
            body = hw.body(cb, {}, search="?year=2022", pathname="/violations")
            self._check(f"callback {cb['output'][:40]}", self.session.post(self.base + hw.UPDATE, json=body,
                                                                           timeout=60))
        health = self.session.get(self.base + "/health", timeout=60)
        self._check("health", health)
        self.generations.add(health.json()["generation"])

    def figure(self) -> int:
        return self.session.get(self.base + "/api/report/2022", timeout=60).json()["dcm.closed"]


def test_srel001_pages_keep_answering_while_loads_publish(tmp_path: Path) -> None:
    warehouse = load(write_exports(tmp_path / "exports", cases=600), tmp_path / "wh" / "warehouse.duckdb")
    app = create_app(warehouse, warm=False)
    server = make_server("127.0.0.1", 0, app.server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_port}"
        assert requests.get(base + "/", timeout=60).status_code == 200  # Dash pages sets its routing up now
        hammer = Hammer(base, app)
        before = hammer.figure()
        hammer.round()
        first = store.generation_id(warehouse)
        stop = tmp_path / "stop"
        loader = subprocess.Popen([sys.executable, "-c", LOADER, str(warehouse), str(tmp_path), str(stop)],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        rounds = 0
        while rounds < 2 and loader.poll() is None:  # two whole rounds while loads publish beside them
            hammer.round()
            rounds += 1
        stop.touch()
        out, err = loader.communicate(timeout=300)
        assert loader.returncode == 0, err
        hammer.round()  # after the last publish
        after = hammer.figure()
    finally:
        server.shutdown()
        thread.join(timeout=10)
    published = out.split()
    assert len(published) >= 3 and first == "gen-000001.duckdb"
    assert published == [f"gen-{n:06d}.duckdb" for n in range(2, len(published) + 2)]
    assert hammer.failures == []
    pages = [p for p in hw.page_paths() if p != "/404"]  # the nine desk pages and the wall
    assert len(pages) == 10
    assert rounds == 2 and hammer.requests == 4 * (2 * len(pages) + 3 + 1)  # 4 rounds: pages × 2, 3 callbacks, /health
    assert store.generation_id(warehouse) == published[-1]
    assert {first, published[-1]} <= hammer.generations  # /health followed the loads, no restart
    assert after > before  # 40 new cases a load, some closed in 2022: the figure moved
    print(json.dumps({"requests": hammer.requests, "rounds": rounds, "generations": sorted(hammer.generations),
                      "dcm.closed": [before, after]}))


def test_srel002_loads_killed_at_random_points(tmp_path: Path) -> None:
    warehouse = tmp_path / "wh" / "warehouse.duckdb"
    assert load_files(warehouse, [cases(tmp_path / "small.csv", 0, 50)]).ok
    big = cases(tmp_path / "big.csv", 10_000, 60_000)

    def figures() -> dict[str, float | None]:
        con = store.connect_readonly(warehouse)
        try:
            return report(con, 2022)
        finally:
            con.close()

    good = figures()
    assert good["dcm.closed"] == 50
    seed = random.randrange(1_000_000)
    rng = random.Random(seed)
    outcomes = []
    for _ in range(10):
        proc = subprocess.Popen([sys.executable, "-m", "dashboard.cli", "load", str(big), "--quiet", "--warehouse",
                                 str(warehouse)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.2, 6.0))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        now = figures()  # the published warehouse opens and answers, every time
        if now == good:
            outcomes.append("killed")
        else:  # the load had published: all of it, never a part
            assert now["dcm.closed"] == good["dcm.closed"] + 60_000, seed
            good = now
            outcomes.append("finished")
        gens = store.generations_dir(warehouse)
        assert len(list(gens.glob("gen-*.duckdb"))) <= store.KEEP_GENERATIONS, seed
        assert len(list(gens.glob("tmp-gen-*.duckdb"))) <= 1, (seed, sorted(p.name for p in gens.iterdir()))
    assert "killed" in outcomes, (seed, outcomes)
    result = load_files(warehouse, [cases(tmp_path / "more.csv", 900_000, 10)])
    assert result.ok
    assert figures()["dcm.closed"] == good["dcm.closed"] + 10
    names = sorted(p.name for p in store.generations_dir(warehouse).iterdir())
    assert [n for n in names if n.startswith("tmp-")] == [], names
    assert len([n for n in names if n.endswith(".duckdb")]) <= store.KEEP_GENERATIONS
    print(json.dumps({"seed": seed, "outcomes": outcomes}))
