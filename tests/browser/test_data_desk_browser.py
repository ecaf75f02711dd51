"""/data in headless Chromium: upload a file through the page, see its validation preview, load it through the
background queue with the progress bar, and see its row appear in the load log (1920×1080 screenshots)."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import pytest
from selenium.webdriver.common.by import By

from dashboard.app import create_app
from tests.browser.conftest import console_errors, shot, until, viewport, visit
from tests.fixtures.exports import write_csv
from tests.hostile.corpus import LOG_HEADER, good_log
from tests.hostile.harness import base_warehouse

# Flask-Compress leaves the static files it streams unclosed (a ResourceWarning when they are collected): not ours
pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning"),
              pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")]



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
    until(lambda: _log_files(d))
    assert _log_files(d) == ["基础.csv"]
    assert dash_duo.find_element("#dd-fresh-coastal_logs").text == "正常"

    d.find_element(By.CSS_SELECTOR, "#dd-upload input[type=file]").send_keys(str(export))
    card = until(lambda: d.find_elements(By.CSS_SELECTOR, ".dd-preview"))[0]
    text = card.text
    assert "海岸带日志6月.csv" in text and "海岸带整治日志 (coastal_logs)" in text
    assert "将加载 7 行，拒收 0 行，跳过合计/签名行 0 行" in text
    assert "日志编号" in text and "UP-000000" in text
    assert dash_duo.find_element("#dd-load").text == "载入 1 个文件"
    shot(dash_duo, "data_preview_zh")

    dash_duo.find_element("#dd-load").click()
    done = until(lambda: d.find_elements(By.CSS_SELECTOR, ".dd-job-done"), 60)
    assert "载入完成" in done[0].text
    result = dash_duo.find_element(".dd-result").text
    assert "海岸带日志6月.csv" in result and "已载入" in result
    until(lambda: len(_log_files(d)) == 2)
    assert _log_files(d) == ["海岸带日志6月.csv", "基础.csv"]  # newest first
    row = d.find_element(By.CSS_SELECTOR, '#dd-log .ag-center-cols-container .ag-row[row-index="0"]')
    cells = {c.get_attribute("col-id"): c.text for c in row.find_elements(By.CSS_SELECTOR, ".ag-cell")}
    assert (cells["rows_in"], cells["loaded"], cells["rejected"], cells["who"]) == ("7", "7", "0", "开放模式（未登录）")
    assert dash_duo.find_element("#dd-progress").text == "1/1"
    bar = d.find_element(By.CSS_SELECTOR, "#dd-progress .progress-bar").get_attribute("class").split()
    assert "bg-success" in bar and "progress-bar-animated" not in bar  # a finished load's bar stands still
    shot(dash_duo, "data_loaded_zh")
    d.execute_script("document.getElementById('card-log').scrollIntoView({behavior: 'instant'})")
    time.sleep(0.5)
    shot(dash_duo, "data_log_zh")
    errors = console_errors(dash_duo)
    assert errors == [], [e["message"][:300] for e in errors[:5]]


CJK = re.compile(r"[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]")


def test_ddb002_english_desk_speaks_english(dash_duo: Any, tmp_path: Path) -> None:
    """In English every label of the desk is English: the only Chinese left is data (the file name 基础.csv and
    the preview's headers and sample values of a Chinese export)."""
    warehouse = base_warehouse(tmp_path / "base")
    export = write_csv(tmp_path / "海岸带日志6月.csv", good_log(3, "EN"))
    dash_duo.start_server(create_app(warehouse, warm=False))
    viewport(dash_duo)
    d = dash_duo.driver
    visit(dash_duo, "/data?lang=en")
    until(lambda: _log_files(d))
    assert dash_duo.find_element("#nav-data").text == "Data desk"
    assert dash_duo.find_element("#dd-fresh-coastal_logs").text == "Up to date"
    headers = [e.text for e in d.find_elements(By.CSS_SELECTOR, "#dd-log .ag-header-cell-text")]
    assert headers[:5] == ["When", "File", "Sheet", "Source", "Rows in"]
    d.find_element(By.CSS_SELECTOR, "#dd-upload input[type=file]").send_keys(str(export))
    card = until(lambda: d.find_elements(By.CSS_SELECTOR, ".dd-preview"))[0]
    assert "Would load 3 rows, reject 0, skip 0 total/signature rows" in card.text
    assert "Coastal logs (coastal_logs)" in card.text  # the source named as everywhere else on the page
    shot(dash_duo, "data_preview_en")
    data_values = ["基础.csv", "海岸带日志6月.csv", *LOG_HEADER, "竹岛", "环翠楼", "鲸园街道"]
    shell = d.find_elements(By.CSS_SELECTOR, ".kpi-nav a, #app-title, #freshness, #user-menu")  # not the logo 环,
    text = "\n".join([d.find_element(By.ID, "dd-root").text, *(e.text for e in shell)])  # nor the 中文 button
    for value in data_values:
        text = text.replace(value, "")
    assert CJK.findall(text) == [], [line for line in text.splitlines() if CJK.search(line)]
    errors = console_errors(dash_duo)
    assert errors == [], [e["message"][:300] for e in errors[:5]]


RENAMED = ["序号", "作业日", "街道名", "人数", "车数", "垃圾吨数"]  # 日志编号 日期 镇街 出动人次 车辆台次 清理垃圾(吨)


def test_ddb003_a_clerk_maps_an_unknown_layout_and_loads_it(dash_duo: Any, tmp_path: Path) -> None:
    """An export whose headers match no source: the desk says so, the clerk picks the source and each field's
    header in the browser, saves the mapping, the file is checked again and loads (4 of 4 rows)."""
    warehouse = base_warehouse(tmp_path / "base")
    rows = good_log(4, "MP")
    export = write_csv(tmp_path / "新版日志.csv", [RENAMED, *rows[1:]])
    dash_duo.start_server(create_app(warehouse, warm=False))
    viewport(dash_duo)
    d = dash_duo.driver
    visit(dash_duo, "/data")
    until(lambda: _log_files(d))
    d.find_element(By.CSS_SELECTOR, "#dd-upload input[type=file]").send_keys(str(export))
    card = until(lambda: d.find_elements(By.CSS_SELECTOR, ".dd-preview"))[0]
    assert "dd-preview-unknown" in card.get_attribute("class")
    assert dash_duo.find_element("#dd-load").text == "没有可载入的文件"
    until(lambda: dash_duo.find_element("#dd-map").is_displayed())
    dash_duo.select_dcc_dropdown("#dd-map-source", value="海岸带整治日志 (coastal_logs)")
    fields = until(lambda: d.find_elements(By.CSS_SELECTOR, ".dd-map-fields tr"))
    assert [f.find_element(By.TAG_NAME, "code").text for f in fields] == [
        "log_no", "log_on", "town_code", "person_times", "vehicle_times", "garbage_t"]
    for field, header in zip(fields, RENAMED, strict=True):
        dash_duo.select_dcc_dropdown(field.find_element(By.CSS_SELECTOR, ".dd-map-dd"), value=header)
    dash_duo.find_element("#dd-map-label").send_keys("新版日志")
    dash_duo.find_element("#dd-map-save").click()
    saved = until(lambda: d.find_elements(By.CSS_SELECTOR, ".dd-map-ok"))[0]
    assert "已重新预检" in saved.text
    card = until(lambda: d.find_elements(By.CSS_SELECTOR, ".dd-preview-ok"))[0]
    assert "将加载 4 行，拒收 0 行，跳过合计/签名行 0 行" in card.text
    shot(dash_duo, "data_mapping_zh")
    until(lambda: dash_duo.find_element("#dd-load").is_enabled())
    dash_duo.find_element("#dd-load").click()
    until(lambda: d.find_elements(By.CSS_SELECTOR, ".dd-job-done"), 60)
    until(lambda: len(_log_files(d)) == 2)
    row = d.find_element(By.CSS_SELECTOR, '#dd-log .ag-center-cols-container .ag-row[row-index="0"]')
    cells = {c.get_attribute("col-id"): c.text for c in row.find_elements(By.CSS_SELECTOR, ".ag-cell")}
    assert (cells["file"], cells["rows_in"], cells["loaded"], cells["rejected"]) == ("新版日志.csv", "4", "4", "0")
    errors = console_errors(dash_duo)
    assert errors == [], [e["message"][:300] for e in errors[:5]]
