"""The hostile corpus (tests/hostile/corpus.py, 78 inputs) through the data desk's upload path
(tests/hostile/upload_harness.py), in a child process with the corpus harness's memory guard: each input gets a
clear message (refused on upload, or a preview naming its problems), an input the command line refuses loads
nothing through the desk's queue either, what loads previews exactly the rows the command line loads, nothing
is stored under the client's name, and resident memory stays under the corpus bound."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time

import pytest

from tests.hostile.corpus import cases
from tests.hostile.harness import PEAK_MB_BOUND, ROOT, _limit_child

pytestmark = pytest.mark.slow
EXPECT = {c.name: c.expect for c in cases()}


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> dict:
    root = tmp_path_factory.mktemp("desk-hostile")
    out = root / "out.json"
    started = time.monotonic()
    with open(out, "wb") as f, open(root / "stderr.txt", "wb") as e:
        proc = subprocess.Popen([sys.executable, "-m", "tests.hostile.upload_harness", str(root / "run")], stdout=f,
                                stderr=e, cwd=ROOT, preexec_fn=_limit_child)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here
    assert proc.returncode == 0, (root / "stderr.txt").read_text(errors="replace")
    return json.loads(out.read_text()) | {"peak_mb": usage.ru_maxrss / 1024, "seconds": time.monotonic() - started}


def test_ddh001_every_input_goes_through_the_upload_path(run: dict) -> None:
    assert len(run["cases"]) == len(EXPECT) >= 50
    assert {c["name"] for c in run["cases"]} == set(EXPECT)


def test_ddh002_each_input_gets_a_clear_message(run: dict) -> None:
    unclear = []
    for c in run["cases"]:
        for f in c["files"]:
            messages = f["refused"] + [p for r in f["reports"] for p in r["problems"] or []]
            if any(not m.strip() or "\n" in m or "Traceback" in m for m in messages):
                unclear.append((c["name"], f["name"], messages))
            if c["cli_refuses"] and not f["refused"] and not all(r["problems"] for r in f["reports"]):
                unclear.append((c["name"], f["name"], "a refused input previews without a problem"))
    assert unclear == []


def test_ddh003_nothing_of_a_refused_input_is_loaded(run: dict) -> None:
    loaded = []
    for c in run["cases"]:
        if (c["facts_before"], c["facts_previewed"]) != (c["facts_after"], c["facts_before"]):
            loaded.append((c["name"], c["facts_before"], c["facts_previewed"], c["facts_after"]))
        job = c.get("job")
        if job and any(t["status"] != "failed" or t["rows_loaded"] or not t["error_en"] for t in job["tables"]):
            loaded.append((c["name"], job))
    assert loaded == []
    refused_on_upload = sum(1 for c in run["cases"] if c["cli_refuses"] and all(f["refused"] for f in c["files"]))
    refused_on_load = sum(1 for c in run["cases"] if c.get("job"))
    refusals = sum(1 for c in run["cases"] if c["cli_refuses"])
    assert (refused_on_upload, refused_on_load, refusals) == (20, 14, 34)


def test_ddh004_what_loads_previews_the_rows_the_command_line_loads(run: dict) -> None:
    wrong = []
    for c in run["cases"]:
        expect = EXPECT[c["name"]]
        if expect.is_refusal:
            continue
        reports = [r for f in c["files"] for r in f["reports"] if r["source"]]
        got = (sum(r["would_load"] for r in reports), sum(r["would_reject"] for r in reports))
        if got != (expect.loaded, expect.rejected):
            wrong.append((c["name"], got, (expect.loaded, expect.rejected)))
    assert wrong == []


def test_ddh005_uploads_are_stored_under_generated_names_only(run: dict) -> None:
    named = re.compile(r"[0-9a-f]{32}\.(csv|txt|tsv|xlsx|xlsm|xls|json|preview\.en\.json)")
    assert len(run["spool"]) == 180 and all(named.fullmatch(n) for n in run["spool"])  # 60 uploads kept
    traversal = next(c for c in run["cases"] if c["name"] == "control_name")["files"][0]
    assert traversal["name"] == "台账\n\x1b[31m红.csv" and traversal["reports"][0]["would_load"] == 3


def test_ddh006_memory_stays_bounded(run: dict) -> None:
    assert run["peak_mb"] < PEAK_MB_BOUND, run["peak_mb"]
