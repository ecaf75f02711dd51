"""Hostile requests against the real app (Flask test client): no query string, callback payload or malformed
callback request gives HTTP 500; bad URL values are dropped for their defaults with a visible note."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import quote

import dash
import pytest

from dashboard import callback_guard
from dashboard.app import create_app
from dashboard.callbacks import range_note
from dashboard.state import ViewState, parse_date, parse_year
from dashboard.weekly import week_span
from pages.rankings.state import RankView
from tests import hostile_web as hw
from tests.dashboard_data import small_warehouse_fixture  # noqa: F401

# The queries every page gets (the examples); the others go to the page whose parameter they carry, and
# the rest round-robin over the pages, so every query reaches at least one page's renderer.
CORE = ("year=" + quote("²"), "end=9999-12-31", "start=0001-01-01", "start=0001-01-01&end=9999-12-31",
        "year=99999999999999999999")
OWNER = {"period=": "/rankings", "grain=": "/rankings", "w=": "/rankings", "week=": "/dispatch",
         "panel": "/wall", "seconds=": "/wall", "screen=": "/wall", "playlist=": "/wall", "token=": "/wall",
         "src=": "/explore"}


@pytest.fixture(scope="module")
def app(small_warehouse: Path) -> dash.Dash:
    app = create_app(small_warehouse, warm=False)
    app.server.test_client().get("/")  # the first request completes the validation layout
    return app


def _renders(paths: list[str]) -> list[tuple[str, str]]:
    plan = [(path, q) for path in paths for q in CORE]
    rest = [q for q in hw.QUERIES if q not in CORE]
    i = 0
    for q in rest:
        owner = next((p for prefix, p in OWNER.items() if q.startswith(prefix)), None)
        if owner is None:
            owner = paths[i % len(paths)]
            i += 1
        plan.append((owner, q))
    return plan


def _server_errors(client: Any, requests: list[tuple[str, Any]]) -> list[str]:
    return [label for label, send in requests if send(client).status_code >= 500]


def test_shost001_the_corpus_is_large_enough() -> None:
    assert len(hw.QUERIES) == 48
    assert len(hw.VALUES) == 12 and len(hw.CLICKS) == 10


@pytest.mark.slow
def test_shost002_no_page_answers_a_hostile_query_with_500(app: dash.Dash) -> None:
    client = app.server.test_client()
    paths = hw.page_paths()
    routing = hw.routing_callback(app)
    plan = _renders(paths)
    assert len(plan) == len(paths) * len(CORE) + len(hw.QUERIES) - len(CORE)
    failed = []
    for path in paths:  # the HTML of every page for every query (cheap: the shell only)
        for q in hw.QUERIES:
            if client.get(f"{path}?{q}").status_code >= 500:
                failed.append(f"GET {path}?{q[:60]}")
    for path, q in plan:  # the page's content, as the routing callback renders it
        response = hw.post(client, hw.body(routing, {}, search="?" + q, pathname=path))
        if response.status_code != 200:
            failed.append(f"render {path}?{q[:60]} → {response.status_code}")
    assert failed == []


@pytest.mark.slow
def test_shost003_no_callback_answers_junk_with_500(app: dash.Dash) -> None:
    client = app.server.test_client()
    statuses: Counter[int] = Counter()
    failed = []
    for label, body in hw.callback_requests(app):
        status = hw.post(client, body).status_code
        statuses[status // 100] += 1
        if status >= 500:
            failed.append(label)
    assert failed == []
    assert statuses[2] > 1000  # most junk is answered normally (a default and a note); the rest is 400


def test_shost004_malformed_callback_requests_get_400_with_a_json_error(app: dash.Dash) -> None:
    client = app.server.test_client()
    for label, payload in hw.malformed_bodies(app):
        response = hw.post(client, payload)
        assert (label, response.status_code) == (label, 400)
        assert set(json.loads(response.data)) == {"error"}
    not_json = client.post("/_dash-update-component", data=b"\xff\x00", content_type="application/json")
    assert not_json.status_code == 400


def test_shost005_a_clientside_callback_cannot_be_posted(app: dash.Dash) -> None:
    clientside = [cb for cb in app._callback_list if "callback" not in app.callback_map.get(cb["output"], {})]
    assert len(clientside) >= 5
    client = app.server.test_client()
    assert {hw.post(client, hw.body(cb, {})).status_code for cb in clientside} == {400}


def test_shost006_the_guard_checks_shape_and_types(app: dash.Dash) -> None:
    routing = hw.routing_callback(app)
    good = hw.body(routing, {}, pathname="/violations")
    callback_guard.check(app, good)  # what the renderer sends passes
    for bad_path in ("", "violations", 7, ["/"]):
        with pytest.raises(callback_guard.Malformed):
            callback_guard.check(app, hw.body(routing, {0: bad_path}))
    with pytest.raises(callback_guard.Malformed):
        callback_guard.check(app, hw.body(routing, {1: True}))  # search must be text
    chart = next(cb for cb in hw.server_callbacks(app) if any(d["property"] == "clickData" for d in cb["inputs"]))
    callback_guard.check(app, hw.body(chart, {0: {"points": []}}))  # a click of the right type passes the guard
    with pytest.raises(callback_guard.Malformed):
        callback_guard.check(app, hw.body(chart, {0: "click"}))
    with pytest.raises(callback_guard.Malformed):
        callback_guard.check(app, hw.body(chart, {1: True}))  # n_clicks: true is not a count


def test_shost007_crafted_chart_clicks_open_nothing_and_never_fail(app: dash.Dash) -> None:
    client = app.server.test_client()
    chart = next(cb for cb in hw.server_callbacks(app) if any(d["property"] == "clickData" for d in cb["inputs"]))
    for click in hw.CLICKS:
        response = hw.post(client, hw.body(chart, {0: click}, search="?year=2022", pathname="/violations"))
        assert response.status_code in (200, 204), click


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2023-06-30", "2023-06-30"),
        ("2023-06-30T08:00:00", "2023-06-30"),
        ("2000-01-01", "2000-01-01"),
        ("2100-12-31", "2100-12-31"),
        ("1999-12-31", None),
        ("2101-01-01", None),
        ("0001-01-01", None),
        ("9999-12-31", None),
        ("2023-02-29", None),
        ("2024-02-29", "2024-02-29"),
        ("٢٠٢٣-٠١-٠١", None),
        ("２０２３-01-01", None),
        ("2023/01/01", None),
        ("", None),
        (None, None),
    ],
)
def test_shost008_url_dates_are_read_in_one_place(text: str | None, expected: str | None) -> None:
    day = parse_date(text)
    assert (day.isoformat() if day else None) == expected
    rank = RankView.from_params({"period": [text]} if text else {})
    assert (rank.period.isoformat() if rank.period else None) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2022", 2022), ("2000", 2000), ("2100", 2100), ("1999", None), ("2101", None), ("²", None), ("１２", None),
     ("２０２２", None), ("2022.0", None), ("99999999999999999999", None), ("-2022", None), (" 2022", None)],
)
def test_shost009_url_years(text: str, expected: int | None) -> None:
    assert parse_year(text) == expected


def test_shost010_bad_values_fall_back_with_a_note_naming_them() -> None:
    state = ViewState.from_search("?year=%C2%B2&start=0001-01-01&end=2023-06-30&towns=371002001,999&lang=xx")
    assert (state.year, state.start, state.end, state.towns, state.lang) == (
        None, None, dt.date(2023, 6, 30), ("371002001",), "zh")
    assert state.invalid == ("start", "towns", "lang", "year")
    assert range_note(state) == "网址中这些参数的值无法识别，已改用默认值：start, towns, lang, year"
    en = state.with_(lang="en")
    assert range_note(en) == (
        "These URL parameters had unusable values and were replaced by their defaults: start, towns, lang, year")
    assert ViewState.from_search("?start=2023-01-01&year=2022&towns=371002001&community=古北社区").invalid == ()
    long = ViewState.from_search("?towns=371002001&community=" + "x" * 101)
    assert (long.community, long.invalid) == (None, ("community",))
    reversed_and_bad = ViewState.from_search("?start=2023-07-01&end=2023-01-01&year=abc")
    assert range_note(reversed_and_bad) == (
        "起止日期颠倒：已按 2023-01-01 至 2023-07-01 显示 · 网址中这些参数的值无法识别，已改用默认值：year")
    assert range_note(reversed_and_bad, with_range=False) == "网址中这些参数的值无法识别，已改用默认值：year"


def test_shost011_the_shell_shows_the_note_on_the_page(app: dash.Dash) -> None:
    labels = next(cb for cb in hw.server_callbacks(app) if "range-note.children" in cb["output"])
    client = app.server.test_client()
    response = hw.post(client, hw.body(labels, {}, search="?year=%C2%B2", pathname="/report"))
    assert response.status_code == 200
    shown = json.loads(response.data)["response"]["range-note"]["children"]
    assert shown == "网址中这些参数的值无法识别，已改用默认值：year"


@pytest.mark.parametrize("week", ["9999-W52", "0001-W01", "²⁰²²-W01", "2022-W99", "1999-W52", "2101-W01"])
def test_shost012_weeks_off_the_calendar_are_not_weeks(week: str) -> None:
    with pytest.raises(ValueError, match="not an ISO week"):
        week_span(week)

