"""Browser tests: the real app on a loaded warehouse, driven by Debian's headless Chromium (dash_duo).

The demo warehouse (the demo generator's exports up to 2023-06-30, loaded by the real `kpi load`) is
built once and cached in ~/.cache/huancui-kpi/ by a digest of etl/ and warehouse/. Screenshots (1920×1080)
go to ``artifacts/screenshots/``; timings to ``artifacts/latency.json``.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path
from typing import Any

import pytest
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.chrome.options import Options

from tests.dashboard_data import empty_warehouse, load, write_exports
from tests.demo_warehouse import demo_warehouse
from tools.browser_timing import LCP_JS, READY_JS

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts"
SHOTS = ARTIFACTS / "screenshots"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
WIDTH, HEIGHT = 1920, 1080


def pytest_setup_options() -> Options:
    """dash_duo's Chrome options: Debian's chromium, headless, 1920×1080."""
    options = Options()
    options.binary_location = CHROMIUM
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        f"--window-size={WIDTH},{HEIGHT}",
        "--lang=zh-CN",
    ):
        options.add_argument(arg)
    return options


@pytest.fixture(scope="session")
def browser_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo warehouse (``--until 2023-06-30``), built once and kept in ~/.cache/huancui-kpi/ until the code
    that shapes it changes; ``KPI_BROWSER_SMALL=1`` uses the small export set instead (seconds, not minutes)."""
    if os.environ.get("KPI_BROWSER_SMALL") == "1":
        root = tmp_path_factory.mktemp("browser-wh")
        return load(write_exports(root / "exports"), root / "wh" / "warehouse.duckdb")
    return demo_warehouse()


@pytest.fixture(scope="session")
def browser_blank_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return empty_warehouse(tmp_path_factory.mktemp("browser-empty") / "warehouse.duckdb")


@pytest.fixture(scope="session")
def latency() -> Any:
    """Collects timings; written to artifacts/latency.json at the end of the session."""
    found: dict[str, Any] = {}
    yield found
    if found:
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / "latency.json").write_text(json.dumps(found, indent=2, ensure_ascii=False), encoding="utf-8")


def viewport(duo: Any) -> None:
    """An exact 1920×1080 viewport (headless Chrome's window size includes no browser chrome otherwise)."""
    duo.driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": WIDTH, "height": HEIGHT, "deviceScaleFactor": 1, "mobile": False},
    )


GRAPH_DATA_JS = """
const out = [];
for (const el of document.querySelectorAll('#_pages_content .js-plotly-plot')) {
  if (el.closest('.kpi-spark')) continue;
  const box = el.closest('[id]');
  // points plotly computed from the data (calcdata: one entry per point, or per heatmap)
  const n = (el.calcdata || []).reduce((s, cd) => s + (cd ? cd.filter(p => p && !p.empty).length : 0), 0);
  out.push([box ? box.id : '?', n]);
}
return out;
"""


def wait_ready(duo: Any, timeout: float = 30.0) -> float:
    """Seconds until the page's content and every chart are drawn."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if duo.driver.execute_script(READY_JS):
            return time.perf_counter() - start
        time.sleep(0.05)
    raise TimeoutError(f"page not ready after {timeout}s: {duo.driver.current_url}")


def visit(duo: Any, path: str) -> float:
    """Open ``path`` and wait for it; seconds from navigation to every chart drawn."""
    start = time.perf_counter()
    duo.driver.get(duo.server_url + path)
    wait_ready(duo)
    return time.perf_counter() - start


def lcp(duo: Any) -> float | None:
    """Largest contentful paint of the current page, in seconds."""
    value = duo.driver.execute_async_script(LCP_JS)
    return None if value is None else round(value / 1000, 3)


def until(cond: Any, timeout: float = 30.0) -> Any:
    """Poll ``cond`` until it is truthy and return its value; elements replaced by a re-render mid-check just mean
    "not yet"."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        try:
            value = cond()
        except (StaleElementReferenceException, NoSuchElementException):
            value = None
        if value:
            return value
        time.sleep(0.05)
    raise TimeoutError("condition not met")


def shot(duo: Any, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    duo.driver.save_screenshot(str(path))
    return path


def console_errors(duo: Any, allow: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    return [e for e in duo.get_logs() if not any(a in e.get("message", "") for a in allow)]
