"""Drill-down changes the numbers: a community narrows every tile of /violations and /demolitions; pages that do
not drill to communities drop one from the URL; a reversed range is said, not swapped silently; the shell shows
only the filters a page applies.

Expected values are counted here in plain Python over the small export files (tests/dashboard_data.py), by
the contract's definitions, never through the warehouse or its queries.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import dash
import pytest

from dashboard.app import create_app
from dashboard.callbacks import breadcrumb, range_note, tab_title
from dashboard.shell import page_of
from dashboard.state import ViewState
from tests.dashboard_data import small_warehouse_fixture  # noqa: F401
from tests.dashboard_expect import day, exports_of, rows, ts

START, END = dt.date(2023, 1, 1), dt.date(2023, 6, 30)
ZHANGCUN, ZHANGCUN_NAME = "371002100", "张村镇"


def _render(warehouse: Path, path: str, **params: Any) -> Any:
    app = create_app(warehouse, warm=False)
    page = next(p for p in dash.page_registry.values() if p["path"] == path)
    with app.server.test_request_context():
        return page["layout"](**params)


def _stats(component: Any) -> dict[str, str]:
    """label → value of every headline figure (``kpi-stat``) of a rendered page."""
    found: dict[str, str] = {}

    def text(node: Any) -> str:
        if isinstance(node, str):
            return node
        children = getattr(node, "children", None)
        parts = children if isinstance(children, list | tuple) else [children]
        return "".join(text(c) for c in parts if c is not None)

    def walk(node: Any) -> None:
        if getattr(node, "className", None) == "kpi-stat":
            label, value = node.children[0], node.children[1]
            found[text(label)] = text(value)
            return
        children = getattr(node, "children", None)
        for child in children if isinstance(children, list | tuple) else [children]:
            if child is not None and hasattr(child, "to_plotly_json"):
                walk(child)

    walk(component)
    return found


def _cases(exports: Path, town: str | None, community: str | None) -> list[dict[str, str]]:
    return [
        r
        for r in rows(exports, "dcm.csv")
        if (town is None or r["所属街道"] == town) and (community is None or r["所属社区"] == community)
    ]


def _filed(cases: list[dict[str, str]]) -> int:
    """立案数: not 作废, 立案时间 (else 上报时间) in the range."""
    return sum(
        r["当前阶段名称"] != "作废" and START <= (ts(r["立案时间"]) or ts(r["上报时间"])).date() <= END  # type: ignore[union-attr]
        for r in cases
    )


def _due(cases: list[dict[str, str]]) -> int:
    """应结案数: 处置截止时间 in the range, not 作废 (the small exports have no 缓办 or 挂账)."""
    return sum(
        r["当前阶段名称"] != "作废" and r["处置截止时间"] != "" and START <= ts(r["处置截止时间"]).date() <= END  # type: ignore[union-attr]
        for r in cases
    )


@pytest.mark.parametrize(
    ("towns", "community", "name"),
    [(None, None, None), (ZHANGCUN, None, ZHANGCUN_NAME), (ZHANGCUN, "张村东社区", ZHANGCUN_NAME)],
)
def test_drill001_violations_tiles_follow_every_level(
    small_warehouse: Path, towns: str | None, community: str | None, name: str | None
) -> None:
    params = {"start": START.isoformat(), "end": END.isoformat()}
    if towns:
        params["towns"] = towns
    if community:
        params["community"] = community
    stats = _stats(_render(small_warehouse, "/violations", **params))
    cases = _cases(exports_of(small_warehouse), name, community)
    assert stats["立案数"] == f"{_filed(cases):,} 件"
    assert stats["应结案数"] == f"{_due(cases):,}"


def test_drill002_community_numbers_differ_from_the_town(small_warehouse: Path) -> None:
    exports = exports_of(small_warehouse)
    town = _filed(_cases(exports, ZHANGCUN_NAME, None))
    east = _filed(_cases(exports, ZHANGCUN_NAME, "张村东社区"))
    assert 0 < east < town  # the fixture is what makes the drill visible: four communities per town
    base = {"start": START.isoformat(), "end": END.isoformat(), "towns": ZHANGCUN}
    at_town = _stats(_render(small_warehouse, "/violations", **base))["立案数"]
    at_community = _stats(_render(small_warehouse, "/violations", **base, community="张村东社区"))["立案数"]
    assert (at_town, at_community) == (f"{town:,} 件", f"{east:,} 件")


@pytest.mark.parametrize("community", [None, "东社区"])
def test_drill003_demolitions_tiles_follow_the_community(small_warehouse: Path, community: str | None) -> None:
    ledger = [
        r
        for r in rows(exports_of(small_warehouse), "ic.csv")
        if r["镇街"] == ZHANGCUN_NAME and (community is None or r["社区/村居"] == community)
    ]
    new_found = sum(r["违建类型"] == "新增" and START <= day(r["发现日期"]) <= END for r in ledger)  # type: ignore[operator]
    demolished = [r for r in ledger if r["拆除日期"] and START <= day(r["拆除日期"]) <= END]  # type: ignore[operator]
    campaign = sum(r["专项行动"] == "违法建设专项整治" for r in demolished)
    params = {"start": START.isoformat(), "end": END.isoformat(), "towns": ZHANGCUN}
    if community:
        params["community"] = community
    stats = _stats(_render(small_warehouse, "/demolitions", **params))
    assert stats["新增违建"] == f"{new_found} 处"
    assert stats["专项行动拆除"] == f"{campaign} 处"


def test_drill004_a_page_without_communities_drops_one_from_the_url(small_warehouse: Path) -> None:
    base = {"start": START.isoformat(), "end": END.isoformat(), "towns": ZHANGCUN}
    plain = _stats(_render(small_warehouse, "/snow", **base))
    with_community = _stats(_render(small_warehouse, "/snow", **base, community="张村东社区"))
    assert with_community == plain
    state = ViewState.from_params({**base, "community": "张村东社区"})
    assert len(breadcrumb(state, {ZHANGCUN: ZHANGCUN_NAME}, page_of("/snow"))) == 4  # 全区 › 张村镇 + the hint
    assert len(breadcrumb(state, {ZHANGCUN: ZHANGCUN_NAME}, page_of("/violations"))) == 6  # … › 张村东社区


def test_drill005_reversed_range_is_said(small_warehouse: Path) -> None:
    create_app(small_warehouse, warm=False)
    state = ViewState.from_params({"start": "2023-05-01", "end": "2023-01-01"})
    assert (state.start, state.end, state.reversed) == (dt.date(2023, 1, 1), dt.date(2023, 5, 1), True)
    assert range_note(state) == "起止日期颠倒：已按 2023-01-01 至 2023-05-01 显示"
    assert range_note(state.with_(lang="en")) == "Start and end were reversed: showing 2023-01-01 to 2023-05-01"
    same_day = ViewState.from_params({"start": "2023-05-01", "end": "2023-05-01"})
    assert (same_day.reversed, range_note(same_day)) == (False, None)


def test_drill006_shell_shows_only_the_filters_a_page_applies(small_warehouse: Path) -> None:
    create_app(small_warehouse, warm=False)
    assert page_of("/report")["filters"] == ()
    assert page_of("/rankings")["filters"] == ("towns",)
    assert page_of("/violations/")["filters"] == ("range", "towns")
    assert breadcrumb(ViewState(towns=(ZHANGCUN,)), {}, page_of("/report")) == []
    assert tab_title(page_of("/violations"), "en") == (
        "Violations · Huancui District Comprehensive Administrative Law Enforcement Bureau"
    )
    assert tab_title(page_of("/violations"), "zh") == "违法案件 · 环翠区综合行政执法局"


def _card_subtitle(component: Any, card_id: str) -> str:
    found: list[str] = []

    def walk(node: Any) -> None:
        if getattr(node, "id", None) == card_id:
            found.append(json.dumps(node.to_plotly_json(), ensure_ascii=False, default=str))
            return
        children = getattr(node, "children", None)
        for child in children if isinstance(children, list | tuple) else [children]:
            if child is not None and hasattr(child, "to_plotly_json"):
                walk(child)

    walk(component)
    return found[0]


@pytest.mark.parametrize(("towns", "name"), [(None, None), (ZHANGCUN, ZHANGCUN_NAME)])
def test_drill007_overview_overdue_list_follows_the_town(
    small_warehouse: Path, towns: str | None, name: str | None
) -> None:
    end_moment = dt.datetime(2023, 7, 1)
    overdue = [
        r
        for r in _cases(exports_of(small_warehouse), name, None)
        if r["当前阶段名称"] not in ("结案", "作废", "缓办", "挂账")
        and ts(r["上报时间"]) < end_moment  # type: ignore[operator]
        and r["处置截止时间"]
        and ts(r["处置截止时间"]) < end_moment  # type: ignore[operator]
    ]
    params = {"start": START.isoformat(), "end": END.isoformat(), **({"towns": towns} if towns else {})}
    card = _card_subtitle(_render(small_warehouse, "/", **params), "card-ov-overdue")
    assert f"截至期末超期 {len(overdue)} 件" in card
