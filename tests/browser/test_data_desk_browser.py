"""/data in headless Chromium: upload a file through the page, see its validation preview, load it through the
background queue with the progress bar, and see its row appear in the load log (1920×1080 screenshots)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.common.by import By

from dashboard.app import create_app
from tests.browser.conftest import console_errors, shot, viewport, visit
from tests.fixtures.exports import write_csv
from tests.hostile.corpus import good_log
from tests.hostile.harness import base_warehouse

# Flask-Compress leaves the static files it streams unclosed (a ResourceWarning when they are collected): not ours
pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning"),
              pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")]


def _wait(cond: Any, timeout: float = 30.0) -> Any:
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        try:
            value = cond()
        except (StaleElementReferenceException, NoSuchElementException):
            value = None
        if value:
            return value
        time.sleep(0.1)
    raise TimeoutError("condition not met")


def _log_files(d: Any) -> list[str]:
    return [e.text for e in d.find_elements(By.CSS_SELECTOR, '#dd-log .ag-center-cols-container [col-id="file"]')]


def test_ddb001_upload_preview_load_and_see_it_in_the_log(dash_duo: Any, tmp_path: Path) -> None:
    warehouse = base_warehouse(tmp_path / "base")  # 5 coastal log rows, loaded by `kpi load` as 基础.csv
    export = write_csv(tmp_path / "海岸带日志6月.csv", good_log(7, "UP"))
    dash_duo.start_server(create_app(warehouse, warm=False))
    viewport(dash_duo)
    d = dash_duo.driver
    visit(dash_duo, "/data")
    assert dash_duo.find_element("#nav-data").text == "数据台"
    _wait(lambda: _log_files(d))
    assert _log_files(d) == ["基础.csv"]
    assert dash_duo.find_element("#dd-fresh-coastal_logs").text == "正常"

    d.find_element(By.CSS_SELECTOR, "#dd-upload input[type=file]").send_keys(str(export))
    card = _wait(lambda: d.find_elements(By.CSS_SELECTOR, ".dd-preview"))[0]
    text = card.text
    assert "海岸带日志6月.csv" in text and "海岸带整治日志 (coastal_logs)" in text
    assert "将加载 7 行，拒收 0 行，跳过合计/签名行 0 行" in text
    assert "日志编号" in text and "UP-000000" in text
    assert dash_duo.find_element("#dd-load").text == "载入 1 个文件"
    shot(dash_duo, "data_preview_zh")

    dash_duo.find_element("#dd-load").click()
    done = _wait(lambda: d.find_elements(By.CSS_SELECTOR, ".dd-job-done"), 60)
    assert "载入完成" in done[0].text
    result = dash_duo.find_element(".dd-result").text
    assert "海岸带日志6月.csv" in result and "已载入" in result
    _wait(lambda: len(_log_files(d)) == 2)
    assert _log_files(d) == ["海岸带日志6月.csv", "基础.csv"]  # newest first
    row = d.find_element(By.CSS_SELECTOR, '#dd-log .ag-center-cols-container .ag-row[row-index="0"]')
    cells = {c.get_attribute("col-id"): c.text for c in row.find_elements(By.CSS_SELECTOR, ".ag-cell")}
    assert (cells["rows_in"], cells["loaded"], cells["rejected"], cells["who"]) == ("7", "7", "0", "anonymous")
    assert dash_duo.find_element("#dd-progress").text == "1/1"
    shot(dash_duo, "data_loaded_zh")
    d.execute_script("document.getElementById('card-log').scrollIntoView({behavior: 'instant'})")
    time.sleep(0.5)
    shot(dash_duo, "data_log_zh")
    errors = console_errors(dash_duo)
    assert errors == [], [e["message"][:300] for e in errors[:5]]
