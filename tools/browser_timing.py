"""What a browser sees of the dashboard's speed: largest contentful paint and every chart drawn, in Debian's
headless Chromium at 1920×1080 against a server process of its own (used by tools/bench.py and tools/wall_soak.py;
the browser tests share ``READY_JS``).

Per page, in one run: a fresh browser (empty cache) opens the page on a server that has not rendered it yet
(cold: its queries are not cached, except those an earlier page shared), and records the largest contentful paint
and the moment every chart of the page has drawn; then the same browser opens the page again (warm server, cached
browser) and records when every chart has drawn.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]

# The server alone, as `kpi serve` runs it but without warming the pages' caches in the background (so that the
# first visit of a page renders it with a cold query cache).
SERVE = ("import sys; from dashboard import serving; from dashboard.app import create_app; "
         "app = create_app(sys.argv[1], warm=False); serving.settle_heap(); "
         "app.run(host='127.0.0.1', port=int(sys.argv[2]), debug=False)")

# True once the page's content is in and every chart of it has drawn its SVG.
READY_JS = """
const content = document.getElementById('_pages_content');
if (!content || !content.children.length) return false;
if (document.querySelector('[data-dash-is-loading="true"]')) return false;
const graphs = content.querySelectorAll('.dash-graph');
for (const g of graphs) { if (!g.querySelector('.main-svg')) return false; }
return true;
"""

# The page's largest contentful paint (ms since navigation), or null.
LCP_JS = """
const done = arguments[arguments.length - 1];
let last = null;
new PerformanceObserver(list => { for (const e of list.getEntries()) last = e.startTime; })
    .observe({type: 'largest-contentful-paint', buffered: true});
setTimeout(() => done(last), 200);
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def driver(*extra: str) -> Any:
    """Headless Chromium at 1920×1080 with a fresh profile (an empty cache)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1920,1080", *extra):
        options.add_argument(arg)
    return webdriver.Chrome(options=options, service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"))


def start_server(warehouse: Path) -> tuple[subprocess.Popen[bytes], int]:
    """A server process on ``warehouse`` (see ``SERVE``) and its port, once it has answered a first request."""
    port = free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    server = subprocess.Popen([sys.executable, "-c", SERVE, str(warehouse), str(port)], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(150):
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    # Dash sets itself up on a process's first request (2 s here): not part of any page's time
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=60).read()
                    return server, port
            time.sleep(0.2)
        raise RuntimeError(f"the server on {warehouse} did not answer")
    except BaseException:
        server.kill()
        server.wait()
        raise


def _drawn_s(browser: Any, url: str, timeout: float = 60.0) -> float:
    """Open ``url``; seconds from the navigation's start until every chart has drawn (polled every 20 ms)."""
    browser.get(url)
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        if browser.execute_script(READY_JS):
            return float(browser.execute_script("return performance.now()")) / 1000
        time.sleep(0.02)
    raise TimeoutError(f"{url}: charts not drawn after {timeout:.0f} s")


def measure(warehouse: Path, paths: list[str]) -> dict[str, dict[str, float | None]]:
    """Per page: ``lcp_cold`` and ``drawn_cold`` (fresh browser, first render of the page on a fresh server) and
    ``drawn_warm`` (the same browser and server again), in seconds."""
    server, port = start_server(warehouse)
    out: dict[str, dict[str, float | None]] = {}
    try:
        for path in paths:
            browser = driver()
            try:
                url = f"http://127.0.0.1:{port}{path}"
                drawn_cold = _drawn_s(browser, url)
                lcp = browser.execute_async_script(LCP_JS)
                drawn_warm = _drawn_s(browser, url)
            finally:
                browser.quit()
            out[path] = {"lcp_cold": None if lcp is None else float(lcp) / 1000, "drawn_cold": drawn_cold,
                         "drawn_warm": drawn_warm}
        return out
    finally:
        server.kill()
        server.wait()
