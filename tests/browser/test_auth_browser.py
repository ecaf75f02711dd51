"""Sign-in in headless Chromium: a protected server sends the browser to the sign-in page; an analyst signs in,
sees the overview drawn (every callback passing the CSRF header check), the navigation lists the analyst's pages
and hides the data desk; signing out ends the session."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from selenium.webdriver.common.by import By

from dashboard.app import create_app
from dashboard.appdb import AppDB
from dashboard.auth import store
from tests.browser.conftest import console_errors, shot, viewport, wait_ready

# the threaded test server leaves some static files' handles to the garbage collector since responses are
# compressed (dashboard/serving.py): reported as unraisable ResourceWarnings at teardown, not failures of sign-in
pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"),
              pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")]

ANALYST_PAGES = ["/", "/violations", "/demolitions", "/snow", "/report", "/rankings", "/dispatch", "/explore"]
NAV_JS = """return [...document.querySelectorAll('.kpi-nav a')]
    .filter(a => a.offsetParent !== null).map(a => a.getAttribute('href').split('?')[0]);"""
HIDDEN_JS = """return [...document.querySelectorAll('.kpi-nav a')]
    .filter(a => a.offsetParent === null).map(a => a.getAttribute('href').split('?')[0]);"""


def test_auth101_analyst_signs_in_and_the_nav_hides_the_data_desk(dash_duo: Any, browser_warehouse: Path,
                                                                   tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'app.sqlite'}"
    db = AppDB(url)
    store.add_user(db, "analyst", "analyst-pass-1", "analyst")
    store.add_user(db, "admin", "admin-pass-12", "admin")  # users configured: loopback needs sign-in too
    dash_duo.start_server(create_app(browser_warehouse, app_db=url), navigate=False)  # "/" needs a sign-in
    viewport(dash_duo)
    base = dash_duo.server.url.rstrip("/")
    driver = dash_duo.driver
    driver.get(base + "/")
    dash_duo.wait_for_element("#login-form", timeout=20)
    assert driver.current_url == base + "/login?next=/"
    shot(dash_duo, "auth_login_zh")
    driver.find_element(By.ID, "username").send_keys("analyst")
    driver.find_element(By.ID, "password").send_keys("analyst-pass-1")
    driver.find_element(By.ID, "login-btn").click()
    dash_duo.wait_for_element("#user-name", timeout=30)
    wait_ready(dash_duo)
    assert driver.current_url == base + "/"
    assert dash_duo.find_element("#user-name").text == "analyst"
    assert driver.execute_script(NAV_JS) == ANALYST_PAGES
    assert "/data" not in driver.execute_script(NAV_JS)
    assert driver.find_elements(By.CSS_SELECTOR, ".kpi-tile, .kpi-card")  # the overview is drawn
    shot(dash_duo, "auth_analyst_overview")
    assert console_errors(dash_duo) == []
    assert dash_duo.find_element("#sign-out").text == "退出登录"
    dash_duo.find_element("#lang-btn").click()  # the user menu follows the language
    dash_duo.wait_for_text_to_equal("#sign-out", "Sign out", timeout=20)
    assert dash_duo.find_element("#user-name").text == "analyst"
    dash_duo.find_element("#lang-btn").click()
    dash_duo.wait_for_text_to_equal("#sign-out", "退出登录", timeout=20)
    dash_duo.find_element("#sign-out").click()
    dash_duo.wait_for_element("#auth-msg", timeout=20)
    assert dash_duo.find_element("#auth-msg").text == "已退出登录。"
    driver.get(base + "/explore")
    dash_duo.wait_for_element("#login-form", timeout=20)
    db.dispose()
