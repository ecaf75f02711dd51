"""What every response carries (compression, cache and security headers), /health and /api/report/<year>."""

from __future__ import annotations

import gzip
import json
import re
import shutil
from pathlib import Path

import brotli
import dash
import flask
import pytest

from dashboard import prod, serving
from dashboard.app import create_app
from tests.conftest import run_kpi
from tests.dashboard_data import small_warehouse_fixture  # noqa: F401
from warehouse import store

BR = {"Accept-Encoding": "gzip, deflate, br"}


@pytest.fixture(scope="module")
def app(small_warehouse: Path) -> dash.Dash:
    return create_app(small_warehouse, warm=False)


def _headers(client, url: str, **kwargs) -> dict[str, str]:
    """A response's headers (the response closed: a file sent in chunks keeps its file open until then)."""
    response = client.get(url, **kwargs)
    response.close()
    return dict(response.headers)


def _bundle_url(client) -> str:
    html = client.get("/").get_data(as_text=True)
    return next(u for u in re.findall(r'src="([^"]+)"', html) if "dash_renderer" in u)


def test_shttp001_pages_and_bundles_are_compressed(app: dash.Dash) -> None:
    client = app.server.test_client()
    url = _bundle_url(client)
    plain = client.get(url).data
    br = client.get(url, headers=BR)
    gz = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert (br.headers["Content-Encoding"], gz.headers["Content-Encoding"]) == ("br", "gzip")
    assert brotli.decompress(br.data) == plain and gzip.decompress(gz.data) == plain
    assert len(br.data) < len(plain) / 3  # minified JS still compresses about 4:1
    page = client.get("/violations", headers=BR)
    assert page.headers["Content-Encoding"] == "br"
    html = brotli.decompress(page.data)
    assert html.startswith(b"<!DOCTYPE html>") and html.endswith(b"</html>")
    assert len(page.data) < len(html) / 3
    assert "Content-Encoding" not in client.get(url, headers={"Accept-Encoding": "identity"}).headers


def test_shttp002_a_bundle_is_compressed_once_per_worker(app: dash.Dash) -> None:
    cache = serving.AssetCache(size=2)
    cache.set("br;/a.js", b"1")
    cache.set("br;", b"a callback's answer")  # not a versioned file: never kept, never found
    assert (cache.get("br;/a.js"), cache.get("br;")) == (b"1", None)
    cache.set("br;/b.js", b"2")
    cache.set("br;/c.js", b"3")
    assert (cache.get("br;/a.js"), cache.get("br;/c.js")) == (None, b"3")  # bounded: the oldest goes
    with app.server.test_request_context(_bundle_url(app.server.test_client())):
        assert serving.cache_key(flask.request).startswith("/_dash-component-suites/")
    with app.server.test_request_context("/_dash-update-component", method="POST"):
        assert serving.cache_key(flask.request) == ""


def test_shttp003_cache_headers(app: dash.Dash) -> None:
    client = app.server.test_client()
    assert client.get(_bundle_url(client)).headers["Cache-Control"] == "public, max-age=31536000, immutable"
    html = client.get("/").get_data(as_text=True)
    asset = next(u for u in re.findall(r'href="(/assets/[^"]+)"', html))
    assert "?m=" in asset
    assert _headers(client, asset)["Cache-Control"] == "public, max-age=31536000, immutable"
    assert _headers(client, asset.split("?")[0]).get("Cache-Control") == "no-cache"  # no cache-buster: revalidate
    for url in ("/", "/violations", "/_dash-layout", "/_dash-dependencies", "/health", "/api/report/2022"):
        assert client.get(url).headers["Cache-Control"] == "no-cache", url


def test_shttp013_plotly_js_is_the_partial_bundle(app: dash.Dash) -> None:
    """dcc.Graph's plotly.js URL serves the dashboard's partial bundle, of the plotly.js version plotly.py ships:
    compressed once per worker, revalidated by its ETag."""
    from plotly.offline import get_plotlyjs_version

    client = app.server.test_client()
    bundle = serving.PLOTLY_BUNDLE.read_bytes()
    full = (Path(dash.__file__).parents[1] / "plotly" / "package_data" / "plotly.min.js").stat().st_size
    assert len(bundle) < full / 3  # 1.2 MB of plotly's 4.8 MB
    assert re.search(rb'\.version="' + re.escape(get_plotlyjs_version().encode()) + rb'"', bundle)
    br = client.get(serving.PLOTLY_JS, headers=BR)
    assert (br.status_code, br.headers["Content-Encoding"], br.headers["Cache-Control"]) == (200, "br", "no-cache")
    assert brotli.decompress(br.data) == bundle and len(br.data) < 400_000
    again = client.get(serving.PLOTLY_JS, headers={**BR, "If-None-Match": br.headers["ETag"]})
    assert (again.status_code, again.data) == (304, b"")
    with app.server.test_request_context(serving.PLOTLY_JS):
        assert serving.cache_key(flask.request) == serving.PLOTLY_JS + "?"  # kept compressed in the worker


def test_shttp014_a_server_freezes_its_heap_once_built() -> None:
    """settle_heap leaves the objects alive at that point to no collection (in a child: never in the tests' own)."""
    import subprocess
    import sys

    code = ("import gc; from dashboard import serving; before = gc.get_freeze_count(); serving.settle_heap(); "
            "print(before, gc.get_freeze_count())")
    before, after = map(int, subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                            check=True).stdout.split())
    assert before == 0 and after > 10_000


def test_shttp004_security_headers_on_every_response(app: dash.Dash) -> None:
    client = app.server.test_client()
    for url in ("/", "/violations", "/report?year=2022", "/no-such-page", "/health", "/api/report/2022",
                _bundle_url(client), "/_dash-layout"):
        headers = client.get(url).headers
        assert headers["X-Content-Type-Options"] == "nosniff", url
        assert headers["Referrer-Policy"] == "same-origin", url
        assert headers["X-Frame-Options"] == "DENY", url
        policy = dict(part.split(" ", 1) for part in headers["Content-Security-Policy"].split("; "))
        assert policy["frame-ancestors"] == "'none'", url
        assert policy["default-src"] == "'self'" and policy["object-src"] == "'none'"
        assert "unsafe-eval" not in policy["script-src"] and "unsafe-inline" not in policy["script-src"]
    wall = client.get("/wall").headers
    assert wall["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in wall["Content-Security-Policy"]
    # every inline script of the page is allowed by its hash, and only those
    html = re.sub(r"<!--.*?-->", "", client.get("/").get_data(as_text=True), flags=re.S)  # IE's comment: never run
    inline = re.findall(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>(.*?)</script>", html, re.S)
    hashes = set(re.findall(r"'sha256-[^']+'", client.get("/").headers["Content-Security-Policy"]))
    assert inline and {f"'sha256-{serving_hash(s)}'" for s in inline} <= hashes


def serving_hash(script: str) -> str:
    import base64
    import hashlib

    return base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()


def test_shttp005_health_names_the_generation_and_each_sources_freshness(app: dash.Dash, small_warehouse: Path
                                                                          ) -> None:
    response = app.server.test_client().get("/health")
    assert (response.status_code, response.mimetype) == (200, "application/json")
    data = json.loads(response.data)
    assert data["status"] == "ok"
    assert data["generation"] == store.generation_id(small_warehouse) == "gen-000001.duckdb"
    sources = {s["source"]: s for s in data["sources"]}
    assert sources["dcm_cases"]["status"] == "fresh"  # loaded minutes ago; its cadence is a day
    assert sources["dcm_cases"]["rows_now"] == 1500  # the small export set's cases
    assert sources["coastal_logs"]["status"] == "none"  # never loaded
    assert set(sources["dcm_cases"]) == {"source", "status", "last_load_at", "age_days", "data_through", "rows_now"}


def test_shttp006_health_is_503_without_a_readable_warehouse(tmp_path: Path) -> None:
    missing = create_app(tmp_path / "none" / "warehouse.duckdb", warm=False).server.test_client().get("/health")
    assert missing.status_code == 503
    assert json.loads(missing.data)["status"] == "unavailable"
    broken = tmp_path / "broken" / "warehouse.duckdb"
    broken.parent.mkdir()
    broken.write_bytes(b"not a database")
    response = create_app(broken, warm=False).server.test_client().get("/health")
    assert (response.status_code, json.loads(response.data)["status"]) == (503, "unavailable")


def test_shttp007_api_report_is_byte_for_byte_the_cli(app: dash.Dash, small_warehouse: Path) -> None:
    client = app.server.test_client()
    for year in ("2022", "2023"):
        response = client.get(f"/api/report/{year}")
        cli = run_kpi("report", "--year", year, "--json", "--warehouse", str(small_warehouse)).stdout
        assert response.status_code == 200
        assert response.data == cli.encode()
        assert json.loads(response.data) == json.loads(cli)
    assert json.loads(client.get("/api/report/2022").data)["dcm.closed"] > 0


@pytest.mark.parametrize(
    ("year", "status", "error"),
    [
        ("1999", 400, "年份应为 2000–2100 之间的四位数字：1999"),
        ("%C2%B2", 400, "年份应为 2000–2100 之间的四位数字：²"),
        ("20222", 400, "年份应为 2000–2100 之间的四位数字：20222"),
        ("2022.0", 400, "年份应为 2000–2100 之间的四位数字：2022.0"),
        ("'%20OR%201=1", 400, "年份应为 2000–2100 之间的四位数字：' OR 1=1"),
        ("2022/x", 400, "年份应为 2000–2100 之间的四位数字：2022/x"),
        ("2050", 404, "仓库中没有 2050 年的数据（有数据的年份：2023, 2022, 2021）"),
    ],
)
def test_shttp008_api_report_bad_years(app: dash.Dash, year: str, status: int, error: str) -> None:
    response = app.server.test_client().get(f"/api/report/{year}")
    assert (response.status_code, response.mimetype, json.loads(response.data)) == (
        status, "application/json", {"error": error})


def test_shttp009_api_report_speaks_english_on_request(app: dash.Dash) -> None:
    response = app.server.test_client().get("/api/report/1999?lang=en")
    assert json.loads(response.data) == {"error": "The year must be four digits between 2000 and 2100: 1999"}


def test_shttp010_prod_sizing() -> None:
    assert [prod.default_workers(n) for n in (1, 2, 4, 7, 16)] == [2, 3, 5, 8, 8]
    assert [prod.duckdb_threads(w, c) for w, c in ((3, 2), (2, 2), (5, 4), (8, 16))] == [1, 1, 1, 2]
    opts = prod.options("0.0.0.0", 8050, 3)
    assert (opts["bind"], opts["workers"], opts["worker_class"], opts["preload_app"]) == (
        "0.0.0.0:8050", 3, "gthread", False)


def test_shttp011_reader_bounds_reach_duckdb(small_warehouse: Path, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    copy = tmp_path / "warehouse.duckdb"  # DuckDB refuses a second configuration for a file this process has open
    shutil.copyfile(store.current_generation(small_warehouse), copy)
    monkeypatch.setenv("KPI_DUCKDB_MEMORY", "200MB")
    monkeypatch.setenv("KPI_DUCKDB_THREADS", "1")
    con = store.connect_readonly(copy)
    try:
        settings = dict(con.execute(
            "SELECT name, value FROM duckdb_settings() WHERE name IN ('memory_limit', 'threads')").fetchall())
    finally:
        con.close()
    assert settings["threads"] == "1"
    assert settings["memory_limit"] == "190.7 MiB"  # 200 MB = 200,000,000 bytes, shown in MiB


def test_shttp012_kpi_serve_prod_is_documented() -> None:
    root = Path(__file__).resolve().parent.parent
    assert "kpi serve --prod" in (root / "README.md").read_text(encoding="utf-8")
    assert (root / "docs" / "DEPLOY.md").exists() and (root / "deploy" / "kpi-dashboard.service").exists()
