"""/rankings in headless Chromium: the league table, the city panel, the explain drawer, both languages."""

from __future__ import annotations

import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.common.by import By

from dashboard.app import create_app
from dashboard.ids import encode
from tests.browser.conftest import console_errors, lcp, shot, viewport, visit, wait_ready

# dash_duo stops its server thread by raising SystemExit in it; a request still in flight then dies with it.
pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")]

TOWN = "371002001"


def _start(duo: Any, warehouse: Path) -> None:
    duo.start_server(create_app(warehouse))
    viewport(duo)


def _wait(cond: Any, timeout: float = 15.0) -> Any:
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        try:
            value = cond()
        except (StaleElementReferenceException, NoSuchElementException):  # the page is re-rendering
            value = None
        if value:
            return value
        time.sleep(0.05)
    raise TimeoutError("condition not met")


def _league_rows(duo: Any, what: str) -> list[Any]:
    """The league table's rows once all 9 are drawn (the page text in the failure message otherwise)."""
    try:
        return _wait(lambda: (rows := duo.driver.find_elements(By.CSS_SELECTOR, "#rk-league tbody tr"))
                     and len(rows) == 9 and rows)
    except TimeoutError:
        text = duo.driver.find_element(By.ID, "_pages_content").text[:500]
        raise AssertionError(f"{what}: no league table of 9 towns; the page says: {text}") from None


def _explain_button(duo: Any, town: str, subject: str, src: str = "table") -> Any:
    return duo.driver.find_element(
        By.CSS_SELECTOR, f'[id=\'{{"src":"{src}","subject":"{subject}","town":"{town}","type":"rk-explain"}}\']'
    )


def _drawer_open(duo: Any) -> bool:
    return bool(duo.driver.find_elements(By.CSS_SELECTOR, "#rk-drawer.show #rk-ex"))


def _open_drawer(duo: Any, town: str, subject: str) -> float:
    """Click a score; seconds until the drawer shows its explanation and the rows behind it."""
    button = _explain_button(duo, town, subject)
    duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", button)
    start = time.perf_counter()
    button.click()
    _wait(lambda: _drawer_open(duo))
    _wait(lambda: duo.driver.find_elements(By.CSS_SELECTOR, ".rk-rows-grid .ag-row"))
    _wait(lambda: duo.driver.find_elements(By.CSS_SELECTOR, "#rk-ex-waterfall .main-svg"))
    return time.perf_counter() - start


def _close_drawer(duo: Any) -> None:
    duo.driver.find_element(By.CSS_SELECTOR, "#rk-drawer .btn-close").click()
    _wait(lambda: not duo.driver.find_elements(By.CSS_SELECTOR, "#rk-drawer.show"))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_rank001_page_shows_towns_and_city_panel(
    dash_duo: Any, browser_warehouse: Path, latency: dict, lang: str
) -> None:
    _start(dash_duo, browser_warehouse)
    suffix = "" if lang == "zh" else "?lang=en"
    first = visit(dash_duo, f"/rankings{suffix}")  # a fresh server: cold caches, scripts loading
    seconds = visit(dash_duo, f"/rankings{suffix}")
    latency.setdefault("rankings", {})[f"page_load_{lang}"] = {
        "first_visit_s": round(first, 3), "ready_s": round(seconds, 3), "lcp_s": lcp(dash_duo)}
    rows = dash_duo.driver.find_elements(By.CSS_SELECTOR, "#rk-league tbody tr")
    assert len(rows) == 9
    ranks = [r.find_element(By.CSS_SELECTOR, ".rk-rank").text for r in rows]
    assert ranks[0] == "1" and all(x.isdigit() or x == "—" for x in ranks)
    city = dash_duo.find_element("#rk-city").text
    assert ("第" in city and "名" in city) if lang == "zh" else "#" in city
    assert len(dash_duo.driver.find_elements(By.CSS_SELECTOR, "#rk-city .rk-city-badge")) >= 1
    assert dash_duo.find_element("#nav-rankings").text == ("镇街排名" if lang == "zh" else "Rankings")
    assert dash_duo.driver.find_elements(By.CSS_SELECTOR, "#rk-bump-graph .main-svg")
    assert dash_duo.driver.find_elements(By.CSS_SELECTOR, "#rk-fair-graph .main-svg")
    shot(dash_duo, f"rankings_{lang}")
    assert console_errors(dash_duo) == []


def test_rank002_explain_drawer_adds_up(dash_duo: Any, browser_warehouse: Path, latency: dict) -> None:
    _start(dash_duo, browser_warehouse)
    visit(dash_duo, "/rankings")
    shown = _explain_button(dash_duo, TOWN, "composite").find_element(By.CSS_SELECTOR, ".rk-cell-main").text
    seconds = _open_drawer(dash_duo, TOWN, "composite")
    latency.setdefault("rankings", {})["explain_drawer_s"] = round(seconds, 3)
    amounts = [Decimal(e.text) for e in dash_duo.driver.find_elements(By.CSS_SELECTOR, "#rk-ex .rk-contrib-amount")]
    total = Decimal(dash_duo.find_element("#rk-ex .rk-contrib-total").text)
    assert amounts and sum(amounts) == total == Decimal(shown.rstrip("*"))
    assert dash_duo.find_element("#rk-ex-value").text == shown.rstrip("*")
    text = dash_duo.find_element("#rk-ex").text
    assert "公式" in text and "分子" in text and "分母" in text and "作废" in text
    shot(dash_duo, "rankings_explain_zh")
    # from the composite to one of its indicators: formula, numerator, denominator, exclusions, rows
    _explain_button(dash_duo, TOWN, "dcm.on_time_due_rate", "drawer").click()
    _wait(lambda: "按期结案率 =" in dash_duo.find_element("#rk-ex").text)
    _wait(lambda: dash_duo.driver.find_elements(By.CSS_SELECTOR, ".rk-rows-grid .ag-row"))
    text = dash_duo.find_element("#rk-ex").text
    assert "应结案数" in text and "缓办" in text
    _close_drawer(dash_duo)
    # the district's city rank explains itself too
    badge = dash_duo.driver.find_elements(By.CSS_SELECTOR, "#rk-city .rk-city-badge")[0]
    badge.click()
    _wait(lambda: _drawer_open(dash_duo))
    _wait(lambda: len(dash_duo.driver.find_elements(By.CSS_SELECTOR, ".rk-rows-grid .ag-row")) >= 2)
    # the grid's rows can be in before the drawer has finished opening (its text reads '' while it slides in)
    _wait(lambda: "第一名得分" in dash_duo.find_element("#rk-ex").text)
    _close_drawer(dash_duo)
    assert console_errors(dash_duo) == []


def test_rank003_period_mode_and_weights(dash_duo: Any, browser_warehouse: Path, latency: dict) -> None:
    _start(dash_duo, browser_warehouse)
    visit(dash_duo, "/rankings?lang=en&towns=371002100")
    assert "rk-row-hl" in dash_duo.find_element("#rk-row-371002100").get_attribute("class")
    # another grain: the period falls back to that grain's latest complete period
    start = time.perf_counter()
    dash_duo.driver.find_element(By.XPATH, "//*[@id='rk-grain']//label[normalize-space()='Quarter']").click()
    _wait(lambda: "grain=quarter" in dash_duo.driver.current_url)
    _wait(lambda: "Q2 2023" in dash_duo.find_element(".kpi-page-sub").text)
    wait_ready(dash_duo)
    latency.setdefault("rankings", {})["grain_switch_s"] = round(time.perf_counter() - start, 3)
    assert len(dash_duo.driver.find_elements(By.CSS_SELECTOR, "#rk-league tbody tr")) == 9
    assert "towns=371002100" in dash_duo.driver.current_url and "lang=en" in dash_duo.driver.current_url
    # points mode: a points table whose scores explain themselves as deductions
    dash_duo.driver.find_element(By.XPATH, "//*[@id='rk-mode']//label[contains(., 'Points')]").click()
    _wait(lambda: "mode=points" in dash_duo.driver.current_url)
    _wait(lambda: "Town points" in dash_duo.find_element("#card-rk-league").text)
    wait_ready(dash_duo)
    assert len(dash_duo.driver.find_elements(By.CSS_SELECTOR, "#rk-league tbody tr")) == 9
    subject = encode("points:数字城管")  # dashboard.ids: pattern ids carry any text
    shown = _explain_button(dash_duo, TOWN, subject).find_element(By.CSS_SELECTOR, ".rk-cell-main").text
    _open_drawer(dash_duo, TOWN, subject)
    amounts = [Decimal(e.text) for e in dash_duo.driver.find_elements(By.CSS_SELECTOR, "#rk-ex .rk-contrib-amount")]
    assert sum(amounts) == Decimal(shown.rstrip("*"))
    shot(dash_duo, "rankings_points_en")
    _close_drawer(dash_duo)
    # weights: every indicator but the on-time rate at 0 → the composite is that indicator's score
    visit(dash_duo, "/rankings?w=1,0,0,0,0,0,0")
    composite = _explain_button(dash_duo, TOWN, "composite").find_element(By.CSS_SELECTOR, ".rk-cell-main").text
    score = _explain_button(dash_duo, TOWN, "dcm.on_time_due_rate").find_element(By.CSS_SELECTOR, ".rk-cell-main")
    assert composite.rstrip("*") == score.text
    assert "自定义权重" in dash_duo.find_element(".kpi-page-sub").text
    assert console_errors(dash_duo) == []


def test_rank004_every_month_of_the_demo_ranks(dash_duo: Any, browser_warehouse: Path) -> None:
    """Any month of the demo data shows 9 ranked towns and the city panel (spot-checked at the ends)."""
    _start(dash_duo, browser_warehouse)
    for month in ("2021-01-01", "2022-07-01", "2023-06-01"):
        visit(dash_duo, f"/rankings?period={month}")
        _league_rows(dash_duo, month)
        assert dash_duo.driver.find_elements(By.CSS_SELECTOR, "#rk-city .rk-city-badge"), month
    visit(dash_duo, "/rankings?grain=week&period=2023-06-26")  # the week still in progress: a forecast
    assert "进行中" in dash_duo.find_element(".kpi-page-sub").text
    _open_drawer(dash_duo, TOWN, "composite")
    assert dash_duo.driver.find_elements(By.CSS_SELECTOR, "#rk-ex .rk-forecast li")
    shot(dash_duo, "rankings_forecast_zh")
    assert console_errors(dash_duo) == []
