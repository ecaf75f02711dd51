"""Every page renders from URL parameters alone, and says so in words when there is nothing to show."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import dash
import pytest
from dash import dcc

from dashboard import drill, freshness
from dashboard.app import create_app, with_ids
from dashboard.data import Warehouse
from dashboard.state import ViewState
from tests.dashboard_data import (
    blank_warehouse_fixture,  # noqa: F401
    small_warehouse_fixture,  # noqa: F401
)
from tests.dashboard_expect import exports_of, report_2022, rows, ts
from warehouse.queries import overview as qo

PAGES = ("/", "/violations", "/demolitions", "/snow", "/report")


def _render(warehouse: Path, path: str, **params: Any) -> Any:
    app = create_app(warehouse, warm=False)
    page = next(p for p in dash.page_registry.values() if p["path"] == path)
    with app.server.test_request_context():
        return page["layout"](**params)


def _text(component: Any) -> str:
    return json.dumps(component.to_plotly_json(), ensure_ascii=False, default=str)


def _graphs(component: Any) -> list[dcc.Graph]:
    found = []

    def walk(node: Any) -> None:
        if isinstance(node, dcc.Graph):
            found.append(node)
        children = getattr(node, "children", None)
        for child in children if isinstance(children, list | tuple) else [children]:
            if child is not None and hasattr(child, "to_plotly_json"):
                walk(child)

    walk(component)
    return found


TITLES = {  # each page's heading, as the leaders read it (zh, en)
    "/": ("总览", "Overview"),
    "/violations": ("违法案件", "Violations"),
    "/demolitions": ("违法建设治理", "Illegal construction"),
    "/snow": ("清雪保障", "Snow clearing"),
    "/report": ("年度工作总结数据", "Annual work-report figures"),
}


def _headings(component: Any) -> list[str]:
    found: list[str] = []

    def walk(node: Any) -> None:
        if type(node).__name__ in ("H1", "H2", "H3") and isinstance(node.children, str):
            found.append(node.children)
        children = getattr(node, "children", None)
        for child in children if isinstance(children, list | tuple) else [children]:
            if child is not None and hasattr(child, "to_plotly_json"):
                walk(child)

    walk(component)
    return found


def _points(trace: Any) -> int:
    for name in ("x", "values", "z"):
        value = getattr(trace, name, None)
        if value is not None and len(value):
            return len(value)
    return 0


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_dpage001_pages_render_with_data(small_warehouse: Path, path: str, lang: str) -> None:
    out = _render(small_warehouse, path, lang=lang, start="2022-01-01", end="2023-06-30")
    text = _text(out)
    assert "wh-error" not in text
    if path != "/report":
        graphs = [g for g in _graphs(out) if getattr(g, "id", None)]  # sparklines have no id
        assert graphs, path
        for g in graphs:
            assert any(_points(trace) for trace in g.figure.data), g.id
    assert _headings(out)[0] == TITLES[path][lang == "en"]


@pytest.mark.parametrize("path", PAGES[:4])
def test_dpage002_filter_matching_nothing_says_so(small_warehouse: Path, path: str) -> None:
    text = _text(_render(small_warehouse, path, start="2030-01-01", end="2030-03-31"))
    assert "没有数据" in text or "尚无" in text or "没有降雪" in text, path
    assert "wh-error" not in text


@pytest.mark.parametrize("path", PAGES)
def test_dpage003_empty_warehouse_says_so(blank_warehouse: Path, path: str) -> None:
    out = _render(blank_warehouse, path, lang="en")
    text = _text(out)
    assert "wh-error" not in text
    assert "The warehouse holds no data yet" in text and "kpi load" in text, path
    assert not [g for g in _graphs(out) if getattr(g, "id", None)], path


@pytest.mark.parametrize("path", PAGES)
def test_dpage004_missing_warehouse_names_the_file(tmp_path: Path, path: str) -> None:
    text = _text(_render(tmp_path / "none" / "warehouse.duckdb", path))
    assert "wh-error" in text and "none/warehouse.duckdb" in text and "kpi load" in text


def _a_grid(exports: Path, town: str, community: str, state: ViewState) -> tuple[str, list[str]]:
    """The first grid code of a community in the exports, and its cases reported in the state's range."""
    cases = [r for r in rows(exports, "dcm.csv") if r["所属街道"] == town and r["所属社区"] == community
             and state.start <= ts(r["上报时间"]).date() <= state.end]  # type: ignore[union-attr, operator]
    code = cases[0]["单元网格"]
    return code, sorted(r["任务号"] for r in cases if r["单元网格"] == code)


def test_dpage005_drill_down_and_rows(small_warehouse: Path) -> None:
    wh = Warehouse(small_warehouse)
    state = ViewState(start=dt.date(2023, 1, 1), end=dt.date(2023, 6, 30))
    town = drill.act(wh, state, "vi.towns", {"customdata": ["371002001", 1]})
    assert town.search and "towns=371002001" in town.search
    inside = ViewState.from_search(town.search)
    community = drill.act(wh, inside, "vi.areas", {"customdata": ["环翠东社区"]})
    assert community.search and "community=" in community.search
    grid_code, expected = _a_grid(exports_of(small_warehouse), "环翠楼街道", "环翠东社区", state)
    grid = drill.act(wh, ViewState.from_search(community.search), "vi.areas", {"customdata": [grid_code]})
    assert grid.search is None
    assert sorted(grid.rows["case_no"]) == expected  # that grid's cases, no other
    rows = drill.act(wh, state, "vi.pareto", {"customdata": ["暴露垃圾"]})
    assert rows.rows is not None and not rows.rows.empty and set(rows.rows["minor_category"]) == {"暴露垃圾"}
    tile = drill.act(wh, state, "dcm.on_time_due_rate", None)
    assert tile.rows is not None and len(tile.rows) > 0 and tile.title == "按期结案率"
    for key in drill.CHARTS:
        assert drill.act(wh, state, key, None).rows is not None, key


def test_dpage006_freshness_flags_stale_and_missing_sources(small_warehouse: Path) -> None:
    frame = Warehouse(small_warehouse).frame(qo.freshness())
    now = frame["last_load_at"].max().to_pydatetime()
    st = freshness.status(frame, now + dt.timedelta(days=2)).set_index("source")["status"]
    assert st["dcm_cases"] == "stale" and st["illegal_construction"] == "fresh" and st["penalty_cases"] == "none"
    header = json.dumps(
        [c.to_plotly_json() for c in freshness.header(frame, "zh", now + dt.timedelta(days=2))],
        ensure_ascii=False,
        default=str,
    )
    assert "数字城管案件 已 2 天未更新" in header


def test_dpage007_report_shows_the_warehouse_figures(small_warehouse: Path) -> None:
    from dashboard.format import report as fmt
    from warehouse.report import REPORT_FIGURES

    out = _render(small_warehouse, "/report", year="2022")
    figures = Warehouse(small_warehouse).report(2022)
    cells = {}

    def walk(node: Any) -> None:
        if isinstance(getattr(node, "id", None), dict) and node.id.get("type") == "report-value":
            cells[node.id["key"]] = node.children
        children = getattr(node, "children", None)
        for child in children if isinstance(children, list | tuple) else [children]:
            if child is not None and hasattr(child, "to_plotly_json"):
                walk(child)

    walk(out)
    assert set(cells) == {f.key for f in REPORT_FIGURES}
    for fig in REPORT_FIGURES:
        assert cells[fig.key] == fmt(fig, figures[fig.key], "zh"), fig.key
    # … and the figures themselves, computed from the export files without the warehouse
    want = report_2022(exports_of(small_warehouse))
    assert {k: cells[k] for k in want} == {
        "dcm.closed": f"{want['dcm.closed']:,} 件",
        "dcm.on_time_close_rate": f"{100 * want['dcm.on_time_close_rate']:.1f}%",
        "dcm.rework_cases": f"{want['dcm.rework_cases']:,} 件",
        "demolition.stock_count": f"{want['demolition.stock_count']:,} 处",
        "demolition.stock_area_m2": f"{want['demolition.stock_area_m2']:,.2f} ㎡",
        "snow.personnel": f"{want['snow.personnel']:,} 人",
        "snow.machines": f"{want['snow.machines']:,} 台",
    }
    assert (cells["penalty.filed"], cells["penalty.online_rate"]) == ("0 件", "—")  # no such export: 0, no rate


def test_dpage008_every_chart_is_a_trace_type_the_plotly_bundle_holds(small_warehouse: Path) -> None:
    """The browser draws with the partial plotly.js bundle (tools/plotly_bundle/entry.js): every trace of every
    page, in both languages, must be of a type it registers (the core holds scatter)."""
    import re

    entry = (Path(__file__).parents[1] / "tools" / "plotly_bundle" / "entry.js").read_text(encoding="utf-8")
    bundled = {"scatter", *re.findall(r"require\('plotly\.js/lib/(\w+)'\)", entry)}
    create_app(small_warehouse, warm=False)
    paths = [p["path"] for p in dash.page_registry.values() if p["path"] != "/404"]
    drawn: dict[str, set[str]] = {}
    for path in paths:
        for lang in ("zh", "en"):
            for graph in _graphs(_render(small_warehouse, path, lang=lang, start="2022-01-01", end="2023-06-30")):
                figure = getattr(graph, "figure", None)  # a go.Figure or its dict
                for trace in figure["data"] if figure else []:
                    drawn.setdefault(trace["type"] or "scatter", set()).add(path)
    assert {"bar", "scatter", "heatmap", "funnel"} <= set(drawn)  # the pages were really drawn
    assert {k: v for k, v in drawn.items() if k not in bundled} == {}


def test_dpage009_charts_drawn_two_at_a_time_match_one_by_one(small_warehouse: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """Cards are drawn by two threads, each in a copy of the request's context: the page is the one drawn one chart
    at a time, in the same order, and a chart's figure sees the request."""
    import dataclasses

    import flask

    from dashboard import charts
    from dashboard.charts.violations import funnel
    from dashboard.ids import pattern_id

    seen: list[str] = []

    def figure(ctx: Any) -> Any:
        seen.append(flask.request.args.get("probe", ""))
        return funnel.figure(ctx)

    monkeypatch.setattr(funnel, "CHART", dataclasses.replace(funnel.CHART, figure=figure))
    app = create_app(small_warehouse, warm=False)
    page = next(p for p in dash.page_registry.values() if p["path"] == "/violations")
    texts, cards = {}, []
    for threads in (2, 1):
        monkeypatch.setattr(charts, "CARD_THREADS", threads)
        with app.server.test_request_context("/violations?probe=yes"):
            out = page["layout"](start="2022-01-01", end="2023-06-30")
        texts[threads] = _text(out)
        if threads == 2:
            cards = [c.id["key"] for c in with_ids(out) if isinstance(c.id, dict) and c.id["type"] == "rows-btn"]
    assert texts[2] == texts[1]
    assert cards == [pattern_id("rows-btn", key=c.key)["key"] for c in charts.charts("violations")]  # in order
    assert seen == ["yes", "yes"]
