"""The app in headless Chromium: every page, both languages, drill-down, not-found, empty and missing data."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By

from dashboard.app import create_app
from dashboard.data import Warehouse
from tests.browser.conftest import console_errors, lcp, shot, until, viewport, visit, wait_ready

PAGES = {
    "overview": "/",
    "violations": "/violations",
    "demolitions": "/demolitions",
    "snow": "/snow",
    "report": "/report",
    "rankings": "/rankings",
    "dispatch": "/dispatch",
    "explore": "/explore",
}
WITHOUT_GRAPHS = {"report": "#report-table", "dispatch": "#dp-main"}  # tables only: their landmark instead
RANGE = "start=2023-01-01&end=2023-06-30"

# dash_duo stops its server thread by raising SystemExit in it; a request still in flight then dies with it.
pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")]


def _start(duo: Any, warehouse: Path) -> None:
    duo.start_server(create_app(warehouse))
    viewport(duo)


def _graph_data(duo: Any) -> list[tuple[str, int]]:
    from tests.browser.conftest import GRAPH_DATA_JS

    return [tuple(x) for x in duo.driver.execute_script(GRAPH_DATA_JS)]



def _chart(duo: Any, key: str) -> Any:
    return duo.driver.find_element(By.CSS_SELECTOR, f'[id=\'{{"key":"{key}","type":"chart"}}\']')


def _click_bar(duo: Any, key: str, index: int = 0) -> float:
    """Click a bar of chart ``key`` like a user; seconds until the app answered (URL or modal changed)."""
    bars = _chart(duo, key).find_elements(By.CSS_SELECTOR, ".bars .point path")
    before = duo.driver.current_url
    start = time.perf_counter()
    ActionChains(duo.driver).move_to_element(bars[index]).pause(0.2).click().perform()
    until(lambda: duo.driver.current_url != before or duo.driver.find_elements(By.CSS_SELECTOR, ".modal.show"))
    wait_ready(duo)
    return time.perf_counter() - start - 0.2


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_dash001_every_page_loads_with_data(dash_duo: Any, browser_warehouse: Path, latency: dict, lang: str) -> None:
    _start(dash_duo, browser_warehouse)
    suffix = "" if lang == "zh" else "&lang=en"
    timings = latency.setdefault(f"page_load_{lang}", {})
    for name, path in PAGES.items():
        seconds = visit(dash_duo, f"{path}?{RANGE}{suffix}")
        timings[name] = {"ready_s": round(seconds, 3), "lcp_s": lcp(dash_duo)}
        graphs = _graph_data(dash_duo)
        if name not in WITHOUT_GRAPHS:
            assert graphs, name
            assert all(n > 0 for _, n in graphs), (name, graphs)
        else:
            assert dash_duo.find_element(WITHOUT_GRAPHS[name])
        nav = dash_duo.find_element("#nav-overview").text
        assert nav == ("总览" if lang == "zh" else "Overview")
        shot(dash_duo, f"{name}_{lang}")
        assert console_errors(dash_duo) == [], name


def test_dash002_click_drills_down_to_rows(dash_duo: Any, browser_warehouse: Path, latency: dict) -> None:
    _start(dash_duo, browser_warehouse)
    visit(dash_duo, f"/violations?{RANGE}")
    t_town = _click_bar(dash_duo, "vi.towns", 0)
    assert "towns=371002001" in dash_duo.driver.current_url
    until(lambda: "环翠楼街道" in dash_duo.find_element("#breadcrumb").text)
    assert dash_duo.find_element("#towns").text.find("环翠楼街道") >= 0
    t_community = _click_bar(dash_duo, "vi.areas", 0)
    assert "community=" in dash_duo.driver.current_url
    shot(dash_duo, "drill_community_zh")
    t_rows = _click_bar(dash_duo, "vi.areas", 0)  # a grid: its rows
    until(lambda: dash_duo.driver.find_elements(By.CSS_SELECTOR, ".modal.show"))
    rows = until(lambda: dash_duo.driver.find_elements(By.CSS_SELECTOR, "#rows-grid .ag-center-cols-container .ag-row"))
    assert rows
    assert until(lambda: dash_duo.find_element("#rows-csv").text) == "导出 CSV"  # once the modal has faded in
    shot(dash_duo, "drill_rows_zh")
    latency["callbacks"] = {
        "drill_to_town_s": round(t_town, 3),
        "drill_to_community_s": round(t_community, 3),
        "rows_modal_s": round(t_rows, 3),
    }
    assert console_errors(dash_duo) == []


def test_dash003_tile_explains_itself(dash_duo: Any, browser_warehouse: Path, latency: dict) -> None:
    _start(dash_duo, browser_warehouse)
    visit(dash_duo, f"/?{RANGE}")
    start = time.perf_counter()
    dash_duo.find_element('[id=\'{"key":"dcm.on_time_due_rate","type":"tile"}\']').click()
    until(lambda: dash_duo.driver.find_elements(By.CSS_SELECTOR, ".modal.show"))
    until(lambda: dash_duo.driver.find_elements(By.CSS_SELECTOR, "#rows-grid .ag-row"))
    latency.setdefault("callbacks", {})["tile_explain_s"] = round(time.perf_counter() - start, 3)
    text = until(lambda: dash_duo.find_element("#rows-explain").text)  # shown once the modal has faded in
    assert "公式" in text and "应结案数" in text and "作废" in text
    shot(dash_duo, "tile_explain_zh")
    dash_duo.find_element("#rows-close").click()
    until(lambda: not dash_duo.driver.find_elements(By.CSS_SELECTOR, ".modal.show"))
    assert console_errors(dash_duo) == []


def test_dash004_language_switch(dash_duo: Any, browser_warehouse: Path, latency: dict) -> None:
    _start(dash_duo, browser_warehouse)
    visit(dash_duo, f"/violations?{RANGE}")
    assert dash_duo.find_element("#nav-violations").text == "违法案件"
    start = time.perf_counter()
    dash_duo.find_element("#lang-btn").click()
    until(lambda: dash_duo.find_element("#nav-violations").text == "Violations")
    until(lambda: "Violations" in dash_duo.find_element(".kpi-page-title").text)
    wait_ready(dash_duo)
    latency.setdefault("callbacks", {})["language_switch_s"] = round(time.perf_counter() - start, 3)
    assert "lang=en" in dash_duo.driver.current_url and "start=2023-01-01" in dash_duo.driver.current_url
    assert dash_duo.find_element("#lang-btn").text == "中文"
    dash_duo.find_element("#nav-demolitions").click()
    until(lambda: "/demolitions" in dash_duo.driver.current_url)
    wait_ready(dash_duo)
    assert "lang=en" in dash_duo.driver.current_url
    assert "Illegal construction" in dash_duo.find_element(".kpi-page-title").text
    dash_duo.find_element("#lang-btn").click()
    until(lambda: dash_duo.find_element("#nav-demolitions").text == "违法建设")
    until(lambda: "违法建设" in dash_duo.find_element(".kpi-page-title").text)
    wait_ready(dash_duo)
    assert console_errors(dash_duo) == []


def test_dash005_filters_live_in_the_url(dash_duo: Any, browser_warehouse: Path, latency: dict) -> None:
    _start(dash_duo, browser_warehouse)
    visit(dash_duo, f"/demolitions?{RANGE}&towns=371002100")
    assert "张村镇" in dash_duo.find_element("#towns").text
    assert "张村镇" in dash_duo.find_element(".kpi-page-sub").text
    start = time.perf_counter()
    dash_duo.find_element("#reset-btn").click()
    until(lambda: "towns=" not in dash_duo.driver.current_url)
    until(lambda: "全区" in dash_duo.find_element(".kpi-page-sub").text)
    wait_ready(dash_duo)
    latency.setdefault("callbacks", {})["filter_reset_s"] = round(time.perf_counter() - start, 3)
    visit(dash_duo, "/violations?start=2030-01-01&end=2030-03-31")
    assert "没有" in dash_duo.find_element(".kpi-message").text or "尚无" in dash_duo.find_element(".kpi-message").text
    assert not _graph_data(dash_duo)
    shot(dash_duo, "no_match_zh")
    assert console_errors(dash_duo) == []


def test_dash006_unknown_url_is_not_found(dash_duo: Any, browser_warehouse: Path) -> None:
    _start(dash_duo, browser_warehouse)
    visit(dash_duo, "/no-such-page?lang=en")
    assert dash_duo.find_element("#nf-title").text == "Page not found"
    assert dash_duo.find_element("#nf-path").text == "/no-such-page"
    shot(dash_duo, "not_found_en")
    # the document itself is answered with HTTP 404; nothing else may fail
    assert console_errors(dash_duo, allow=("/no-such-page",)) == []
    dash_duo.find_element("#nf-home").click()
    until(lambda: dash_duo.driver.current_url.rstrip("/").endswith(("?lang=en", "/?lang=en")))
    wait_ready(dash_duo)
    assert dash_duo.find_element("#nav-overview").text == "Overview"


def test_dash007_empty_warehouse_says_so(dash_duo: Any, browser_blank_warehouse: Path) -> None:
    _start(dash_duo, browser_blank_warehouse)
    for name, path in PAGES.items():
        visit(dash_duo, path)
        assert "仓库中还没有任何数据" in dash_duo.find_element(".kpi-message").text, name
        assert not _graph_data(dash_duo), name
        if name in ("overview", "report"):
            shot(dash_duo, f"empty_{name}_zh")
    assert "尚未装载数据" in dash_duo.find_element("#freshness").text
    assert console_errors(dash_duo) == []


def test_dash008_missing_warehouse_names_the_file(dash_duo: Any, tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "warehouse.duckdb"
    _start(dash_duo, missing)
    visit(dash_duo, "/")
    text = dash_duo.find_element("#wh-error").text
    assert str(missing) in text and "kpi load" in text
    assert dash_duo.find_element("#fresh-text").get_attribute("title").startswith("no warehouse at")
    shot(dash_duo, "missing_warehouse_zh")
    assert console_errors(dash_duo) == []


def test_dash009_new_generation_shows_without_reload(dash_duo: Any, tmp_path: Path, latency: dict) -> None:
    from tests.dashboard_data import load, write_exports, write_more_cases

    warehouse = load(write_exports(tmp_path / "x", cases=300), tmp_path / "wh" / "warehouse.duckdb")
    dash_duo.start_server(create_app(warehouse, refresh_s=1))
    viewport(dash_duo)
    visit(dash_duo, f"/violations?{RANGE}")
    first = dash_duo.find_element(".kpi-stat-value").text
    dash_duo.driver.execute_script("window.__kpiMarker = 42;")
    (tmp_path / "more").mkdir()
    load(write_more_cases(tmp_path / "more" / "cases.csv", 400), warehouse)
    start = time.perf_counter()
    until(lambda: dash_duo.find_element(".kpi-stat-value").text != first, timeout=20)
    wait_ready(dash_duo)
    latency.setdefault("callbacks", {})["new_generation_shown_s"] = round(time.perf_counter() - start, 3)
    assert dash_duo.driver.execute_script("return window.__kpiMarker") == 42  # same page, not reloaded
    assert console_errors(dash_duo) == []


def test_dash010_report_2022_is_the_work_report(dash_duo: Any, browser_warehouse: Path) -> None:
    from dashboard.format import report as fmt
    from warehouse.report import REPORT_FIGURES

    _start(dash_duo, browser_warehouse)
    visit(dash_duo, "/report?year=2022")
    figures = Warehouse(browser_warehouse).report(2022)
    shown = {
        fig.key: dash_duo.find_element(f'[id=\'{{"key":"{fig.key}","type":"report-value"}}\']').text
        for fig in REPORT_FIGURES
    }
    assert shown == {fig.key: fmt(fig, figures[fig.key], "zh") for fig in REPORT_FIGURES}
    if os.environ.get("KPI_BROWSER_SMALL") != "1":  # the demo: the bureau's own 2022 figures
        assert shown["demolition.stock_count"] == "91 处" and shown["demolition.stock_area_m2"] == "28,494 ㎡"
        assert shown["dcm.closed"] == "547 件" and shown["dcm.on_time_close_rate"] == "100%"
        assert shown["village.dispatched"] == "16,362 件" and shown["snow.personnel"] == "8,900 人"
        assert shown["penalty.fines_yuan"] == "42,320 元" and shown["refined.public_ads_replaced"] == "1,540 处"
    shot(dash_duo, "report_2022_zh")
    assert console_errors(dash_duo) == []
