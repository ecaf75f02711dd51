"""Charts, derived from the chart modules: each has one title in the catalogue and a drill spec, and every
chart or tile a page shows opens rows (never an empty table for want of a spec)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import dash
import pytest

from dashboard import charts, drill
from dashboard.app import create_app
from dashboard.data import Warehouse
from dashboard.i18n import CATALOGUE
from dashboard.ids import parse_id
from dashboard.state import ViewState
from tests.dashboard_data import small_warehouse_fixture  # noqa: F401
from warehouse import indicators

ROOT = Path(__file__).resolve().parents[1]


def test_dch001_every_chart_module_declares_a_chart_or_drills() -> None:
    files = sorted(
        ".".join(p.relative_to(ROOT).with_suffix("").parts)
        for p in (ROOT / "dashboard" / "charts").glob("*/*.py")
        if p.name != "__init__.py"
    )
    declared = sorted(m.__name__ for m in charts.modules() if hasattr(m, "CHART") or hasattr(m, "DRILLS"))
    assert declared == files
    assert len(charts.charts()) == len([f for f in files if not f.endswith(".tiles")])


def test_dch002_each_chart_has_one_title_in_the_catalogue_and_a_known_dimension() -> None:
    for chart in charts.charts():
        assert chart.key in CATALOGUE, chart.key
        assert chart.dim in charts.DIMS, chart.key
        assert chart.empty is None or chart.empty in CATALOGUE, chart.key
    for spec in drill.CHARTS.values():
        assert spec.key in CATALOGUE or spec.key in indicators.BY_KEY, spec.key


def test_dch003_drill_specs_are_the_chart_modules() -> None:
    tiles = [d.key for m in charts.modules() for d in getattr(m, "DRILLS", ())]
    assert sorted(drill.CHARTS) == sorted([c.key for c in charts.charts()] + tiles)
    with pytest.raises(TypeError):
        charts.Chart(key="vi.new", dim=None)  # type: ignore[call-arg]  # no rows: no chart


def _clickable(node: Any, out: set[tuple[str, str]]) -> set[tuple[str, str]]:
    if isinstance(node, list | tuple):
        for child in node:
            _clickable(child, out)
    elif hasattr(node, "to_plotly_json"):
        parsed = parse_id(getattr(node, "id", None))
        if parsed and parsed["type"] in ("chart", "rows-btn", "tile"):
            out.add((parsed["type"], parsed["key"]))
        for prop in ("children", "body"):
            _clickable(getattr(node, prop, None), out)
    return out


def test_dch004_every_chart_and_tile_on_every_page_opens_rows(small_warehouse: Path) -> None:
    app = create_app(small_warehouse, warm=False)
    params = {"start": "2022-01-01", "end": "2023-06-30"}
    found: set[tuple[str, str]] = set()
    with app.server.test_request_context():
        for page in dash.page_registry.values():
            if page["path"] != "/404":
                _clickable(page["layout"](**params), found)
    keys = {key for _, key in found}
    assert {c.key for c in charts.charts()} <= keys  # every chart module is on a page
    wh = Warehouse(small_warehouse)
    state = ViewState(start=dt.date(2022, 1, 1), end=dt.date(2023, 6, 30))
    for key in sorted(keys):
        action = drill.act(wh, state, key, None)
        assert action.rows is not None, key
        assert action.title == drill.title(key, "zh"), key
    assert json.dumps(sorted(keys - set(drill.CHARTS))) == "[]"


def test_dch005_every_chart_has_one_title_its_cards(small_warehouse: Path) -> None:
    """Figure builders draw no title of their own: the card shows the chart's key in the catalogue."""
    from dashboard.pagekit import context

    ctx = context({"start": "2022-01-01", "end": "2023-06-30"}, Warehouse(small_warehouse))
    titled = [c.key for c in charts.charts() if (fig := c.figure(ctx)) is not None and fig.layout.title.text]
    assert titled == []
