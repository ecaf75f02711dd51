"""/wall without a browser: the snow season, the alert rule, the playlist, the view-only hook, the 5-minute
breakdown, the headline values against the overview's, and the refresh's partial updates."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import dash
import duckdb
import pytest
from dash import no_update

from dashboard.app import create_app
from dashboard.data import Warehouse
from dashboard.ids import pattern_id
from pages.wall import access, page
from pages.wall.playlist import PANELS, Playlist, invalid_params
from tests.dashboard_data import small_warehouse_fixture  # noqa: F401
from warehouse.queries import wall as qw
from warehouse.rules import calendar
from warehouse.rules.alerts import Alert, CityLook, Look, TownLook, alerts
from warehouse.sql import Filters, compile_query

# --- the snow season (warehouse.rules.calendar) ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2023, 11, 14), False),
        (dt.date(2023, 11, 15), True),
        (dt.date(2023, 12, 31), True),
        (dt.date(2024, 1, 1), True),
        (dt.date(2024, 2, 29), True),
        (dt.date(2024, 3, 15), True),
        (dt.date(2024, 3, 16), False),
        (dt.date(2023, 7, 1), False),
    ],
)
def test_wall001_snow_season_runs_15_november_to_15_march(day: dt.date, expected: bool) -> None:
    assert calendar.in_snow_season(day) is expected


# --- the alert rule (warehouse.rules.alerts) ---------------------------------------------------------------------


def _town(status: str | None, rank: int | None, prev_status: str | None = None, prev_rank: int | None = None,
          of: int = 9) -> TownLook:
    return TownLook(status, rank, of, prev_status, prev_rank)


def test_wall002_first_look_compares_with_the_previous_period() -> None:
    now = Look(
        kpi={"a": "red", "b": "amber", "c": None},
        towns={
            "T1": _town("red", 1, "green", 1),  # turned red, top of the table
            "T2": _town("red", 2, "red", 2),  # red already: nothing
            "T3": _town("green", 7, "green", 6),  # 6 → 7 of 9: into the bottom three
            "T4": _town("green", 6, "green", 9),  # 6 of 9 is not the bottom three
            "T5": _town("amber", 9, "amber", 8),  # bottom three already
            "T6": _town("amber", 8, None, None),  # not ranked before: entered
        },
        city={"X": CityLook(3, 2, 2), "Y": CityLook(3, 2, 3), "Z": CityLook(2, 2, 1), "W": CityLook(3, 2, None)},
    )
    assert alerts(now, None) == [
        Alert("kpi_red", "a"),
        Alert("town_red", "T1"),
        Alert("town_bottom", "T3", 7, 9),
        Alert("town_bottom", "T6", 8, 9),
        Alert("city_rank", "X", 3),
        Alert("city_rank", "W", 3),
    ]


def test_wall003_later_looks_compare_with_the_previous_refresh() -> None:
    before = Look(
        kpi={"a": "red", "b": "amber"},
        towns={"T1": _town("green", 5, "red", 9), "T2": _town("red", 7, "green", 1)},
        city={"X": CityLook(2, 2, 5)},
    )
    now = Look(
        kpi={"a": "red", "b": "red"},  # a was red already; b turned
        towns={"T1": _town("red", 7, "red", 9), "T2": _town("red", 8, "green", 1), "T3": _town("green", 9)},
        city={"X": CityLook(3, 2, 5), "Y": CityLook(4, 2, 1)},
    )
    # T1: green → red and 5 → 7 (the previous period's red and 9 no longer count); T2 was red and 7th already;
    # T3 was not on the table before; Y has no earlier look, so it counts as not below target before
    assert alerts(now, before) == [
        Alert("kpi_red", "b"),
        Alert("town_red", "T1"),
        Alert("town_bottom", "T1", 7, 9),
        Alert("town_bottom", "T3", 9, 9),
        Alert("city_rank", "X", 3),
        Alert("city_rank", "Y", 4),
    ]
    assert alerts(now, now) == []
    assert Look.from_json(now.to_json()) == now


def test_wall004_bottom_three_needs_more_than_three_ranked() -> None:
    now = Look(towns={"T1": _town("green", 3, "green", 1, of=3), "T2": _town("green", 2, "green", 1, of=4)})
    assert alerts(now, None) == [Alert("town_bottom", "T2", 2, 4)]


# --- the playlist --------------------------------------------------------------------------------------------------

CONF = {"default": {"panels": ["kpis", "city"], "seconds": 15, "refresh": 30},
        "playlists": {"night": {"panels": ["league"], "seconds": 40, "refresh": 300}}}


def test_wall005_playlist_from_url_over_config() -> None:
    assert Playlist.from_params({}, CONF) == Playlist(("kpis", "city"), 15, 30)
    assert Playlist.from_params({}, {}) == Playlist(("kpis", "city", "league", "week", "video"), 20, 60)
    assert Playlist.from_params({"playlist": "night"}, CONF) == Playlist(("league",), 40, 300)
    assert Playlist.from_params({"playlist": "nope"}, CONF) == Playlist(("kpis", "city"), 15, 30)
    url = {"panels": "kpis,bogus,city,league,city", "seconds": "20", "refresh": "1"}
    assert Playlist.from_params(url, CONF) == Playlist(("kpis", "city", "league"), 20, 1)
    assert Playlist.from_params({"seconds": "1", "refresh": "0.05"}, CONF) == Playlist(("kpis", "city"), 3, 0.2)
    assert Playlist.from_params({"seconds": "99999", "refresh": "x"}, CONF) == Playlist(("kpis", "city"), 3600, 30)
    assert Playlist.from_params({"seconds": "nan"}, CONF).seconds == 15
    assert Playlist.from_params({"panel": "league", "panels": "kpis"}, CONF) == \
        Playlist(("league",), 15, 30, fixed=True)
    assert Playlist.from_params({"panel": "bogus"}, CONF) == Playlist(("kpis", "city"), 15, 30)


def test_wall006_screens_share_the_panels() -> None:
    five = {"panels": "kpis,city,league,week,video"}
    assert Playlist.from_params({**five, "screen": "1", "of": "2"}, CONF).panels == ("kpis", "league", "video")
    assert Playlist.from_params({**five, "screen": "2", "of": "2"}, CONF).panels == ("city", "week")
    assert Playlist.from_params({**five, "screen": "9", "of": "2"}, CONF).panels == ("city", "week")  # last screen
    assert Playlist.from_params({**five, "screen": "3", "of": "3"}, CONF).panels == ("league",)
    # more screens than panels: a screen without a share shows the first panel
    assert Playlist.from_params({"panels": "kpis", "screen": "2", "of": "2"}, CONF).panels == ("kpis",)


def test_wall007_snow_takes_the_stage() -> None:
    p = Playlist(("kpis", "snow", "city"), 20, 60)
    assert p.on_stage(season=False, event=False) == p
    assert p.on_stage(season=True, event=False).panels == ("snow", "kpis", "city")
    assert p.on_stage(season=True, event=True) == Playlist(("snow",), 20, 60, fixed=True)
    assert p.on_stage(season=False, event=True) == Playlist(("snow",), 20, 60, fixed=True)
    fixed = Playlist(("league",), 20, 60, fixed=True)
    assert fixed.on_stage(season=True, event=True) == fixed


# --- the view-only hook -------------------------------------------------------------------------------------------


def test_wall008_view_only_access() -> None:
    """The hook asks the access policy for this request (dashboard.auth): a plain call outside a guarded request
    is open; inside one, a server on another address with no one signed in may not see the wall, the demo may."""
    import flask

    from dashboard.auth import Gate

    assert access.allowed(None, "10.0.0.8") is True  # no guarded request: the plain-function tests
    app = flask.Flask("t")
    for host, expected in (("0.0.0.0", False), ("10.0.0.8", False), ("127.0.0.1", True), ("::1", True)):
        with app.test_request_context("/wall"):
            flask.g.kpi_gate = Gate(None, host, open_flag=False)
            assert access.allowed(None, None) is expected, host
    with app.test_request_context("/wall"):
        flask.g.kpi_gate = Gate(None, "0.0.0.0", open_flag=True)
        assert access.allowed(None, None) is True  # kpi serve --open


# --- the 5-minute breakdown ----------------------------------------------------------------------------------------


def test_wall009_video_five_minute_counts_each_step() -> None:
    con = duckdb.connect()
    con.execute("CREATE TABLE fact_video_ai_event (event_no VARCHAR, detected_at TIMESTAMP, town_code VARCHAR, "
                "arrived_at TIMESTAMP, handled_at TIMESTAMP)")
    rows = [
        ("E1", "2023-06-01 10:00:00", "A", "2023-06-01 10:05:00", "2023-06-01 10:10:00"),  # both exactly 5:00
        ("E2", "2023-06-01 10:00:00", "A", "2023-06-01 10:05:01", "2023-06-01 10:06:00"),  # late on site
        ("E3", "2023-06-01 10:00:00", "B", "2023-06-01 10:01:00", "2023-06-01 10:06:01"),  # handled 5:01 after
        ("E4", "2023-06-02 23:59:59", "B", None, None),  # never reached
        ("E5", "2023-06-03 00:00:00", "B", "2023-06-03 00:01:00", "2023-06-03 00:02:00"),  # outside the range
    ]
    con.executemany("INSERT INTO fact_video_ai_event VALUES (?, ?, ?, ?, ?)", rows)
    sql, params = compile_query(qw.video_five_minute(Filters(dt.date(2023, 6, 1), dt.date(2023, 6, 2))))
    assert con.execute(sql, params).fetchall() == [(4, 2, 2, 1)]
    sql, params = compile_query(qw.video_five_minute(Filters(dt.date(2023, 6, 1), dt.date(2023, 6, 2), ("B",))))
    assert con.execute(sql, params).fetchall() == [(2, 1, 0, 0)]


# --- against a loaded warehouse -------------------------------------------------------------------------------------


def _find(node: Any, component_id: Any) -> Any:
    if getattr(node, "id", None) == component_id:
        return node
    children = getattr(node, "children", None)
    for child in children if isinstance(children, list | tuple) else [children]:
        if child is not None and hasattr(child, "to_plotly_json"):
            found = _find(child, component_id)
            if found is not None:
                return found
    return None


def _text(node: Any) -> str:
    children = getattr(node, "children", node)
    if isinstance(children, str):
        return children
    if isinstance(children, list | tuple):
        return "".join(_text(c) for c in children if c is not None)
    return "" if children is None else _text(children)


def _render(warehouse: Path, path: str, **params: Any) -> Any:
    app = create_app(warehouse, warm=False)
    layout = next(p for p in dash.page_registry.values() if p["path"] == path)["layout"]
    with app.server.test_request_context():
        return layout(**params)


def _tile_value(overview: Any, key: str) -> str:
    tile = _find(overview, pattern_id("tile", key=key))
    assert tile is not None, key
    value = next(c for c in tile.children.children if getattr(c, "className", "").startswith("kpi-tile-value"))
    return _text(value)


def test_wall010_headline_values_equal_the_overviews(small_warehouse: Path) -> None:
    overview, wall = _render(small_warehouse, "/"), _render(small_warehouse, "/wall")
    pairs = {
        "dcm.on_time_due_rate": "wall-val-dcm-on_time_due_rate",
        "demolition.new_found": "wall-val-demolition-new_found",
        "refined.rectified": "wall-val-refined-rectified",
        "dcm.filed": "wall-val-week-dcm-filed",  # the overview's "cases this week" tile
    }
    for key, wall_id in pairs.items():
        shown = _find(wall, wall_id)
        assert shown is not None, wall_id
        assert _text(shown) == _tile_value(overview, key), key
    assert _find(wall, "wall-root") is not None
    assert "kpi-chromeless" in wall.className


VIDEO_HEADER = ["事件编号", "通道编号", "识别时间", "事件类型", "镇街", "到场时间", "处置完成时间"]


def test_wall011_video_breakdown_agrees_with_the_registry(tmp_path: Path) -> None:
    """The wall's steps and the KPI mart's numerator and denominator, loaded by the real loader, by hand."""
    import csv

    from dashboard import kpis
    from tests.dashboard_data import load

    rows = [
        ["E1", "C1", "2023-06-01 10:00:00", "暴露垃圾", "鲸园街道", "2023-06-01 10:05:00", "2023-06-01 10:10:00"],
        ["E2", "C1", "2023-06-01 10:00:00", "暴露垃圾", "鲸园街道", "2023-06-01 10:05:01", "2023-06-01 10:06:00"],
        ["E3", "C2", "2023-06-01 10:00:00", "占道经营", "竹岛街道", "2023-06-01 10:01:00", "2023-06-01 10:06:01"],
        ["E4", "C2", "2023-06-02 23:59:59", "占道经营", "竹岛街道", "", ""],
        ["E5", "C2", "2023-06-03 00:00:00", "占道经营", "竹岛街道", "2023-06-03 00:01:00", "2023-06-03 00:02:00"],
    ]
    (tmp_path / "in").mkdir()
    with open(tmp_path / "in" / "video.csv", "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([VIDEO_HEADER, *rows])
    wh = Warehouse(load(tmp_path / "in", tmp_path / "wh" / "warehouse.duckdb"))
    f = Filters(dt.date(2023, 6, 1), dt.date(2023, 6, 2))
    steps = wh.frame(qw.video_five_minute(f)).iloc[0]
    assert [int(steps[c]) for c in ("events", "on_site", "handled", "both")] == [4, 2, 2, 1]
    rate = kpis.additive(wh, f, ["video_ai.five_minute_rate"])["video_ai.five_minute_rate"]
    assert (rate.num, rate.den) == (1.0, 4.0)


def test_wall012_refresh_sends_only_what_changed(small_warehouse: Path) -> None:
    wh = Warehouse(small_warehouse)
    n = len(PANELS)
    first = page.refresh(wh, "?panels=kpis,league", {}, "127.0.0.1")
    assert len(first) == n + 6
    bodies = dict(zip(PANELS, first[:n], strict=True))
    assert bodies["kpis"] != [] and bodies["league"] != [] and bodies["city"] == []
    state = first[-1]
    assert state["gen"] == wh.generation()
    again = page.refresh(wh, "?panels=kpis,league", state, "127.0.0.1")
    # same generation, same data: no panel, ticker, playlist or alert is sent again
    assert list(again[:n]) == [no_update] * n
    assert again[n] is no_update and again[n + 2] is no_update and again[n + 4] is no_update
    # a new generation (here: a state from another one) recomputes the alerts against the last look
    moved = page.refresh(wh, "?panels=kpis,league", {**state, "gen": "gen-000000"}, "127.0.0.1")
    assert moved[n + 2] == [] and moved[n + 3] == "wall-alerts"


def test_wall013_no_remote_assets(small_warehouse: Path) -> None:
    css = (Path(__file__).resolve().parents[1] / "assets" / "wall.css").read_text(encoding="utf-8")
    assert "http" not in css and "@import" not in css and "url(" not in css
    wall = _render(small_warehouse, "/wall")
    text = str(wall.to_plotly_json())
    assert "http://" not in text and "https://" not in text
    app = create_app(small_warehouse, warm=False)
    assert all(str(s).startswith("/") for s in app.config.external_stylesheets)
    assert app.config.external_scripts == []


def test_wall014_stale_sources_and_alert_sentences() -> None:
    import pandas as pd

    from pages.wall import panels
    from pages.wall.data import WallData

    now = dt.datetime(2023, 7, 3, 12, 0)
    frame = pd.DataFrame({
        "source": ["dcm_cases", "illegal_construction", "video_ai_events"],
        "last_load_at": [now - dt.timedelta(days=1, minutes=1), now - dt.timedelta(days=31), now],
        "rows_loaded": [10, 10, 10], "rows_now": [10, 10, 10],
        "data_through": [dt.date(2023, 7, 1), dt.date(2023, 6, 2), dt.date(2023, 7, 3)],
    })
    d = WallData.__new__(WallData)
    d.freshness = frame
    parts = [p for p in panels.fresh(d, "zh", now) if p is not None]
    # cadence 1 day: a day and a minute is late; the ledger's 31 days is not (its cadence is 31)
    assert [p.children for p in parts] == ["数据截至", "数字城管案件 2023-07-01", "违法建设台账 2023-06-02",
                                            "视频AI事件 2023-07-03", "数据逾期未更新：数字城管案件"]
    found = [Alert("kpi_red", "dcm.on_time_due_rate"), Alert("town_red", "371002102"),
             Alert("town_bottom", "371002109", 8, 9), Alert("city_rank", "数字城管", 3)]
    assert [s.children for s in panels.alert_items(found, d, "zh")] == [
        "按期结案率 转为未达标", "温泉镇 转为未达标", "桥头镇 跌入后三名（第8/9名）",
        "数字城管 市级考核名次降至第3名（低于第二名）"]
    assert [s.children for s in panels.alert_items(found, d, "en")] == [
        "On-time closure rate turned red", "Wenquan turned red", "Qiaotou dropped into the bottom three (8 of 9)",
        "数字城管: city rank fell to #3 (below second)"]


def test_wall015_a_refresh_without_new_data_builds_nothing_again(small_warehouse: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """The soak's flatness: what depends only on the data is built once per generation, not per refresh."""
    from pages.wall import panels

    built: list[str] = []

    def counting(name: str, build: Any) -> Any:
        def wrapped(*args: Any) -> Any:
            built.append(name)
            return build(*args)
        return wrapped

    for name, build in list(panels.PANEL_BODIES.items()):
        monkeypatch.setitem(panels.PANEL_BODIES, name, counting(name, build))
    monkeypatch.setattr(panels, "ticker", counting("ticker", panels.ticker))
    wh = Warehouse(small_warehouse)
    state: dict[str, Any] = {}
    for _ in range(5):
        state = page.refresh(wh, "?panels=kpis,league", state, "127.0.0.1")[-1]
    assert sorted(built) == ["kpis", "league", "ticker"]
    page.refresh(wh, "?panels=city", state, "127.0.0.1")  # another playlist is another view: built once
    assert sorted(built) == ["city", "kpis", "league", "ticker", "ticker"]


def test_wall016_freshness_strip_follows_the_clock(small_warehouse: Path) -> None:
    """The strip is rebuilt when a source's status against the clock changes, and only then."""
    wh = Warehouse(small_warehouse)
    d = page._data(wh, "zh")
    loaded = max(d.freshness.loc[d.freshness["source"] == "dcm_cases", "last_load_at"])
    on_time, _ = page._fresh(wh, d, "zh", loaded + dt.timedelta(hours=23))
    same, _ = page._fresh(wh, d, "zh", loaded + dt.timedelta(hours=23, minutes=59))
    late, _ = page._fresh(wh, d, "zh", loaded + dt.timedelta(days=1, minutes=1))  # cadence 1 day
    assert same is on_time
    assert "wall-stale" not in str(on_time) and "数据逾期未更新：数字城管案件" in str(late)


def test_wall017_link_parameters_not_used_as_written_are_named(small_warehouse: Path) -> None:
    """A wall link with a bad value shows the default and says which parameter (never a 500): ``²`` is a digit to
    ``str.isdigit`` but not to ``int``."""
    assert invalid_params({}, CONF) == ()
    good = {"panel": "league", "seconds": "3", "refresh": "0.2", "screen": "2", "of": "2", "playlist": "night"}
    assert invalid_params(good, CONF) == ()
    assert invalid_params({"panels": "kpis,city"}, CONF) == ()
    assert invalid_params({"panels": "kpis,bogus"}, CONF) == ("panels",)
    assert invalid_params({"panel": "kpis,city"}, CONF) == ("panel",)
    assert invalid_params({"seconds": "2.99", "refresh": "3600.1"}, CONF) == ("seconds", "refresh")  # clamped
    assert invalid_params({"seconds": "nan", "refresh": "x"}, CONF) == ("seconds", "refresh")
    assert invalid_params({"screen": "3", "of": "2"}, CONF) == ("screen",)
    assert invalid_params({"screen": "²", "of": "9"}, CONF) == ("of", "screen")
    assert invalid_params({"of": "٣"}, CONF) == ("of",)
    assert invalid_params({"playlist": "nope"}, CONF) == ("playlist",)
    assert Playlist.from_params({"screen": "²", "of": "²"}, CONF) == Playlist(("kpis", "city"), 15, 30)
    wall = _render(small_warehouse, "/wall", of="²", panels="kpis", lang="en")
    assert _text(_find(wall, "wall-note")) == "Link parameter(s) of not usable, defaults shown"
    assert _find(_render(small_warehouse, "/wall", panels="kpis"), "wall-note") is None
