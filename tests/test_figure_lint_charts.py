"""The figure linter over every figure every chart module makes from the demo warehouse (the registry of
``dashboard/charts``, not a hand-kept list), in both languages, at every drill level (district, town,
community) and with a range that ends mid-month (a partial last period), drawn as the chart cards draw
them: the grammar applied, at each chart's width of a 1920-px screen and its height."""

from __future__ import annotations

from typing import Any

import pytest

from dashboard import charts
from dashboard.components import date_axis, untitled
from dashboard.data import Warehouse
from dashboard.figures import lint
from dashboard.figures import rankings as fr
from dashboard.pagekit import context
from tests.demo_warehouse import demo_warehouse

pytestmark = pytest.mark.slow

SCREEN = 1920
GUTTER = 40  # a card's padding and the grid's gutter
TOWN = "371002001"  # 环翠楼街道: the demo's densest town
VIEWS: dict[str, dict[str, str]] = {
    "district": {},
    "town": {"towns": TOWN},
    "community": {"towns": TOWN, "community": "北门外社区"},
    "mid_month": {"start": "2023-01-01", "end": "2023-06-15"},
}


@pytest.fixture(scope="module")
def wh() -> Warehouse:
    return Warehouse(demo_warehouse())


def drawn(chart: charts.Chart, ctx: Any) -> Any:
    fig = chart.draw(ctx)
    return None if fig is None else date_axis(untitled(fig), ctx.lang)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("view", sorted(VIEWS))
def test_figlint100_every_chart_passes_the_linter(wh: Warehouse, view: str, lang: str) -> None:
    ctx = context({**VIEWS[view], "lang": lang}, wh)
    problems = []
    drawn_count = 0
    for chart in charts.charts():
        fig = drawn(chart, ctx)
        if fig is None:
            continue
        drawn_count += 1
        width = SCREEN * chart.width / 12 - GUTTER
        problems.extend(f"{chart.key}: {p}" for p in lint.lint(fig, width, chart.height))
    assert drawn_count == len(charts.charts())
    assert problems == []


def test_figlint101_the_registry_is_every_chart_module() -> None:
    # 9 on /demolitions, 3 on /, 6 on /snow, 8 on /violations
    by_page: dict[str, int] = {}
    for chart in charts.charts():
        page = chart.key.split(".")[0]
        by_page[page] = by_page.get(page, 0) + 1
    assert by_page == {"de": 9, "ov": 3, "sn": 6, "vi": 8}


def test_figlint102_grid_codes_are_text_at_community_level(wh: Warehouse) -> None:
    ctx = context({**VIEWS["community"], "lang": "zh"}, wh)
    areas = drawn(next(c for c in charts.charts("violations") if c.key == "vi.areas"), ctx)
    names = list(areas.data[0].y)
    assert all(n.isdigit() and len(n) == 15 for n in names)  # grid codes, e.g. 371002001003004
    assert areas.layout.yaxis.type == "category"


def test_figlint103_a_mid_month_end_draws_june_as_partial(wh: Warehouse) -> None:
    ctx = context({**VIEWS["mid_month"], "lang": "zh"}, wh)
    trend = drawn(next(c for c in charts.charts("overview") if c.key == "ov.trend_chart"), ctx)
    assert trend.layout.meta["partial"] == ["2023-06-01"]
    assert [a.text for a in trend.layout.annotations] == ["不完整"]
    full = drawn(next(c for c in charts.charts("overview") if c.key == "ov.trend_chart"),
                 context({"lang": "zh"}, wh))
    assert "partial" not in full.layout.meta  # the demo's data end on 2023-06-30: June is whole


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_figlint104_the_rankings_figures_pass_the_linter(wh: Warehouse, lang: str) -> None:
    # /rankings draws its figures outside the chart registry: the bump chart of city ranks and the per-size bars
    from pages.rankings.page import RankView, board, city_frames, fair_default
    from warehouse import scoring

    ctx = context({"lang": lang}, wh)
    b = board(wh, RankView.from_params({}), ctx.data_end)
    _, history = city_frames(wh, b.end)
    values = scoring.per_size(b.now(b.values))
    figs = {
        "bump": fr.bump_chart(history, item=str(history["item"].iloc[0]), lang=lang),
        "fair": fr.per_size_bars(values, indicator=fair_default(values), lang=lang),
        "fair_highlight": fr.per_size_bars(values, indicator=fair_default(values), lang=lang, highlight=(TOWN,)),
    }
    problems = [f"{name}: {p}" for name, fig in figs.items() for p in lint.lint(fig, SCREEN / 2 - GUTTER, 400)]
    assert problems == []


def _graphs(node: Any, out: list[tuple[Any, Any]]) -> list[tuple[Any, Any]]:
    """Every dcc.Graph of a rendered layout: (its id, its figure)."""
    if isinstance(node, list | tuple):
        for child in node:
            _graphs(child, out)
    elif hasattr(node, "to_plotly_json"):
        if type(node).__name__ == "Graph" and getattr(node, "figure", None) is not None:
            out.append((getattr(node, "id", None), node.figure))
        for prop in ("children", "body"):
            _graphs(getattr(node, prop, None), out)
    return out


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_figlint105_every_figure_of_every_rendered_page(wh: Warehouse, lang: str) -> None:
    # the pages as Dash renders them (charts, the rankings figures, anything a page draws itself); the width of
    # a registry chart is its own, any other figure is given half the screen
    import dash
    import plotly.graph_objects as go

    from dashboard.app import create_app
    from dashboard.ids import parse_id

    app = create_app(wh.path, warm=False)
    widths = {c.key: (SCREEN * c.width / 12 - GUTTER, c.height) for c in charts.charts()}
    problems, seen = [], 0
    with app.server.test_request_context():
        for page in dash.page_registry.values():
            if page["path"] == "/404":
                continue
            for gid, figure in _graphs(page["layout"](lang=lang), []):
                parsed = parse_id(gid) or {}
                width, height = widths.get(parsed.get("key"), (SCREEN / 2 - GUTTER, 400))
                fig = figure if isinstance(figure, go.Figure) else go.Figure(figure)
                seen += 1
                problems.extend(f"{page['path']} {gid}: {p}" for p in lint.lint(fig, width, height))
    assert seen >= len(charts.charts())
    assert problems == []
