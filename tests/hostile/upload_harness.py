"""The hostile corpus through the data desk's upload path: what a browser would send for each input, through
the function /data calls (``pages.data.page.receive_drop``: size and content checks, the spool, the sniff
preview), and for each input the command line refuses, a load of whatever the upload kept, through the desk's
queue. ``python -m tests.hostile.upload_harness DIR`` writes the corpus and a warehouse under DIR and prints one
JSON document; ``tests/test_data_desk_hostile.py`` runs it in a child process with a memory guard.
"""

from __future__ import annotations

import base64
import json
import os
import stat
import sys
import time
from pathlib import Path

from dashboard.desk.config import MAX_UPLOAD_BYTES, spool_dir
from dashboard.desk.jobs import JobQueue
from pages.data.page import previews, receive_drop
from tests.hostile.corpus import write_corpus
from tests.hostile.harness import _fact_rows, base_warehouse


def browser_reads(path: Path) -> bytes:
    """The bytes a browser's file picker would send: a link read through, a device read up to the upload limit
    and one byte more, a FIFO (which a browser cannot read) as nothing."""
    mode = os.stat(path).st_mode
    if stat.S_ISFIFO(mode):
        return b""
    with open(path, "rb") as f:
        return f.read(MAX_UPLOAD_BYTES + 1)


def upload_inputs(built: Path) -> list[tuple[str, bytes]]:
    """(the name the browser gives, the bytes) of each file of a case: a folder's files keep their relative path
    in the name, as a folder dropped on the page does."""
    if built.is_dir():
        files = sorted(p for p in built.rglob("*") if p.is_symlink() or not p.is_dir())
        return [(str(p.relative_to(built.parent)), browser_reads(p)) for p in files]
    return [(built.name, browser_reads(built))]


def run(root: Path) -> dict[str, object]:
    warehouse = base_warehouse(root / "base")
    queue = JobQueue(warehouse, autostart=False)
    out = []
    for case, built in write_corpus(root / "corpus"):
        started = time.monotonic()
        facts_before = _fact_rows(warehouse)[0]
        entry: dict[str, object] = {"name": case.name, "cli_refuses": case.expect.is_refusal, "files": []}
        accepted_ids: list[str] = []
        for name, data in upload_inputs(built):
            url = "data:application/octet-stream;base64," + base64.b64encode(data).decode()
            accepted, refused = receive_drop(warehouse, [url], [name], "en", "hostile")
            accepted_ids += accepted
            reports = {u.id: r for u, r in previews(warehouse, accepted, "en")}
            entry["files"].append({  # type: ignore[union-attr]
                "name": name,
                "refused": [str(r.children[1].children) for r in refused],
                "reports": [{k: r.get(k) for k in ("source", "would_load", "would_reject", "problems")}
                            for rs in reports.values() for r in rs],
            })
        facts_previewed = _fact_rows(warehouse)[0]
        if case.expect.is_refusal and accepted_ids:
            job = queue.submit(accepted_ids, "hostile")
            queue.run_pending(block=True)
            done = queue.get(job.id)
            entry["job"] = {"state": done.state, "message": done.message_en,
                            "tables": [{k: t[k] for k in ("status", "rows_loaded", "error_en")} for t in done.tables]}
        entry |= {"facts_before": facts_before, "facts_previewed": facts_previewed,
                  "facts_after": _fact_rows(warehouse)[0], "seconds": round(time.monotonic() - started, 2)}
        out.append(entry)
    spooled = sorted(p.name for p in (spool_dir(warehouse) / "uploads").iterdir())
    return {"cases": out, "spool": spooled, "spool_dir": str(spool_dir(warehouse))}


if __name__ == "__main__":
    sys.stdout.write(json.dumps(run(Path(sys.argv[1])), ensure_ascii=False) + "\n")
