"""The data desk through the server, as the browser drives it (``/_dash-update-component`` on the Flask test client):
a drop larger than the callback guard's usual bound is taken by the drop callback only and bounded by the drop
limit, and while a load runs on the desk's queue, other users' pages keep answering."""

from __future__ import annotations

import base64
import json
import time
from pathlib import Path

import pytest

from dashboard import callback_guard
from dashboard.app import create_app
from dashboard.desk.config import max_request_bytes, spool_dir
from pages.data import page
from tests import hostile_web as hw
from tests.fixtures.exports import write_csv
from tests.hostile.corpus import LOG_HEADER
from tests.hostile.harness import base_warehouse


def _callback(app, output: str) -> dict:
    return next(cb for cb in app._callback_list if output in cb["output"])


def _drop_body(app, contents: list[str], names: list[str]) -> dict:
    return hw.body(_callback(app, "dd-uploads.data"), {0: contents, 1: names, 2: "en"})


def _big_csv(rows: int) -> bytes:
    lines = [",".join(LOG_HEADER)] + [f"BG-{i:07d},2022-06-01,竹岛,5,1,1.5" for i in range(rows)]
    return ("\r\n".join(lines) + "\r\n").encode()


def test_ddw001_only_the_drop_callback_takes_a_large_body_and_only_up_to_the_drop_limit(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    warehouse = base_warehouse(tmp_path / "base")
    app = create_app(warehouse, warm=False)
    client = app.server.test_client()
    assert callback_guard.LARGE_BODIES["dd-uploads.data"] == max_request_bytes()  # registered by the page
    assert app.server.config["MAX_CONTENT_LENGTH"] == max_request_bytes() == 140_858_709  # 100 MB drop, base64
    monkeypatch.setitem(callback_guard.LARGE_BODIES, "dd-uploads.data", 8 << 20)  # a small drop limit for the test
    monkeypatch.setitem(app.server.config, "MAX_CONTENT_LENGTH", 8 << 20)
    data = _big_csv(130_000)  # 4.4 MB: base64 about 5.9 MB, over the guard's usual 4 MB
    url = "data:text/csv;base64," + base64.b64encode(data).decode()
    assert callback_guard.MAX_BODY_BYTES < len(url) < 8 << 20
    ok = hw.post(client, _drop_body(app, [url], ["大文件.csv"]))
    assert ok.status_code == 200
    [upload_id] = json.loads(ok.data)["response"]["dd-uploads"]["data"]
    assert (spool_dir(warehouse) / "uploads" / f"{upload_id}.csv").read_bytes() == data
    too_big = "data:text/csv;base64," + base64.b64encode(_big_csv(200_000)).decode()  # 9 MB of base64
    assert hw.post(client, _drop_body(app, [too_big], ["太大.csv"])).status_code == 413
    other = hw.body(_callback(app, "dd-rejects.getRowsResponse"), {0: {"startRow": 0, "x": url}})
    assert hw.post(client, other).status_code == 413  # any other callback keeps the usual bound


def test_ddw002_other_pages_keep_answering_while_a_load_runs(tmp_path: Path) -> None:
    warehouse = base_warehouse(tmp_path / "base")
    app = create_app(warehouse, warm=False)
    client = app.server.test_client()
    assert client.get("/").status_code == 200  # Dash pages sets its routing up on the first request
    routing = hw.routing_callback(app)
    export = write_csv(tmp_path / "大批.csv", [LOG_HEADER, *[[f"LR-{i:07d}", "2022-06-01", "竹岛", "5", "1", "1.5"]
                                                            for i in range(400_000)]], "utf-8")
    url = "data:text/csv;base64," + base64.b64encode(export.read_bytes()).decode()
    [upload_id], _refused = page.receive_drop(warehouse, [url], ["大批.csv"], "zh", "clerk")
    queue = page._queue()
    job = queue.submit([upload_id], "clerk")  # runs on the desk's worker thread
    answered: list[tuple[str, int, float]] = []
    while not (state := queue.get(job.id)).finished:
        for path in ("/", "/violations", "/data"):
            started = time.perf_counter()
            response = hw.post(client, hw.body(routing, {}, pathname=path))
            if queue.get(job.id).state == "running":
                answered.append((path, response.status_code, time.perf_counter() - started))
        time.sleep(0.05)
    assert state.state == "done" and state.tables[0]["rows_loaded"] == 400_000
    assert len(answered) >= 3, answered  # requests answered while the load was running
    assert {code for _, code, _ in answered} == {200}
    print("while loading:", len(answered), "requests, slowest", round(max(s for *_, s in answered), 3), "s")
