"""The shell's callbacks and parts as plain functions: filters ⇄ URL, breadcrumb, navigation, drill values,
cards. A warehouse that cannot be read keeps the URL's own dates (no data end to default to)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import plotly.graph_objects as go
import pytest
from dash import dcc, no_update

from dashboard import drill
from dashboard.callbacks import _nav_search, breadcrumb, sync_filters
from dashboard.components import chart_card
from dashboard.data import Warehouse
from dashboard.figures.theme import empty_figure
from dashboard.state import ViewState

HLL, JY = "371002001", "371002002"


@pytest.fixture
def no_warehouse(tmp_path: Path) -> Warehouse:
    return Warehouse(tmp_path / "none" / "warehouse.duckdb")


def test_dcb001_language_button_toggles_the_url(no_warehouse: Warehouse) -> None:
    out = sync_filters(no_warehouse, f"?towns={HLL}", None, None, [HLL], 1, 0, "lang-btn")
    assert out == (f"?towns={HLL}&lang=en", no_update, no_update, [HLL])
    back = sync_filters(no_warehouse, f"?towns={HLL}&lang=en", None, None, [HLL], 2, 0, "lang-btn")
    assert back == (f"?towns={HLL}", no_update, no_update, [HLL])


def test_dcb002_towns_drop_the_community_and_an_echo_changes_nothing(no_warehouse: Warehouse) -> None:
    search = f"?towns={HLL}&community=环翠东社区&lang=en"
    out = sync_filters(no_warehouse, search, None, None, [JY, HLL], 0, 0, "towns")
    assert out == (f"?towns={JY}%2C{HLL}&lang=en", no_update, no_update, [JY, HLL])
    assert sync_filters(no_warehouse, search, None, None, [HLL], 0, 0, "towns") == (no_update,) * 4


def test_dcb003_url_change_shows_the_url_in_the_controls(no_warehouse: Warehouse) -> None:
    out = sync_filters(no_warehouse, f"?start=2023-01-01&end=2023-03-31&towns={HLL}", None, None, None, 0, 0, None)
    assert out == (no_update, dt.date(2023, 1, 1), dt.date(2023, 3, 31), [HLL])


def test_dcb004_dates_and_reset(no_warehouse: Warehouse) -> None:
    out = sync_filters(no_warehouse, "", "2023-02-01", "2023-02-28T00:00:00", None, 0, 0, "date-range")
    assert out == ("?start=2023-02-01&end=2023-02-28", dt.date(2023, 2, 1), dt.date(2023, 2, 28), [])
    reset = sync_filters(no_warehouse, f"?start=2023-01-01&towns={HLL}&lang=en", None, None, [HLL], 0, 1, "reset-btn")
    assert reset == ("?lang=en", no_update, no_update, [])
    assert sync_filters(no_warehouse, "?lang=en", None, None, [], 0, 2, "reset-btn") == (no_update,) * 4


def test_dcb005_breadcrumb_and_navigation_keep_the_right_parameters() -> None:
    state = ViewState(towns=(HLL,), community="环翠东社区", lang="en", year=2022, extra=(("grain", "week"),))
    assert _nav_search(state) == f"?towns={HLL}&lang=en"
    crumbs = breadcrumb(state, {HLL: "Huancuilou"})
    assert [getattr(c, "children", None) for c in crumbs] == [
        "District", "›", "Huancuilou", "›", "环翠东社区",
        "Click a town or community to drill down; click any other mark for its rows",
    ]
    assert crumbs[0].href == "?year=2022&lang=en&grain=week"
    assert crumbs[2].href == f"?towns={HLL}&year=2022&lang=en&grain=week"


def test_dcb006_clicked_values_and_cards() -> None:
    assert drill.first_custom({"customdata": [HLL, 3]}) == HLL
    assert drill.first_custom({"customdata": "暴露垃圾"}) == "暴露垃圾"
    assert drill.first_custom({"customdata": []}) is None and drill.first_custom(None) is None
    empty = chart_card("vi.trend", "案件量趋势", empty_figure("zh"), "zh", "没有数据。")
    sentence = empty.children[1].children  # a sentence, not empty axes
    assert sentence.className == "kpi-message text-secondary" and sentence.children[1].children == "没有数据。"
    drawn = chart_card("vi.trend", "案件量趋势", go.Figure(go.Bar(x=["a"], y=[1])), "zh")
    graph = drawn.children[1].children
    assert isinstance(graph, dcc.Graph) and graph.id == {"type": "chart", "key": "vi.trend"}
    assert graph.figure.layout.title.text is None and graph.figure.layout.margin.t == 44
