"""The security headers in a real browser: every page runs under the Content-Security-Policy with an empty console,
and only the wall screen can be framed (by a page of the same origin)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import flask
import pytest

from dashboard.app import create_app
from tests.browser.conftest import console_errors, visit, wait_ready

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")]

PAGES = ("/", "/violations", "/demolitions", "/snow", "/report", "/rankings", "/dispatch", "/explore")
SPLICE = """<!DOCTYPE html><html><body>
<iframe id="wall" src="/wall" width="960" height="540"></iframe>
<iframe id="other" src="/violations" width="960" height="540"></iframe>
</body></html>"""


def _start(duo: Any, warehouse: Path) -> None:
    app = create_app(warehouse, warm=False)

    @app.server.route("/_splice-test")
    def splice() -> flask.Response:  # a same-origin page that frames two of the app's pages
        return flask.Response(SPLICE, mimetype="text/html")

    duo.start_server(app)


def test_sbrow001_every_page_runs_under_the_csp_with_an_empty_console(dash_duo: Any, browser_warehouse: Path
                                                                       ) -> None:
    _start(dash_duo, browser_warehouse)
    for path in PAGES:
        visit(dash_duo, f"{path}?start=2023-01-01&end=2023-06-30")
        assert console_errors(dash_duo) == [], path  # a blocked script or style would be logged here
    dash_duo.driver.get(dash_duo.server_url + "/wall")
    time.sleep(3)
    assert dash_duo.driver.find_elements("css selector", ".wall-panel")
    assert console_errors(dash_duo) == []


def test_sbrow002_only_the_wall_may_be_framed(dash_duo: Any, browser_warehouse: Path) -> None:
    _start(dash_duo, browser_warehouse)
    driver = dash_duo.driver
    driver.get(dash_duo.server_url + "/_splice-test")
    time.sleep(4)
    driver.switch_to.frame("wall")
    try:
        wait_ready(dash_duo)
        assert driver.find_elements("css selector", ".wall-panel")
    finally:
        driver.switch_to.default_content()
    driver.switch_to.frame("other")
    try:
        assert driver.find_elements("css selector", "#_pages_content") == []  # refused: frame-ancestors 'none'
    finally:
        driver.switch_to.default_content()
    messages = [e["message"] for e in console_errors(dash_duo, allow=("/favicon.ico",))]  # the test page has none
    assert len(messages) == 1 and "violates the following Content Security Policy directive: " \
        "\"frame-ancestors 'none'\". The request has been blocked." in messages[0], messages
