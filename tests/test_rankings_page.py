"""/rankings as plain functions: its URL state, the control callback, both league modes, the id helper."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import dash
from dash import no_update

from dashboard.app import create_app
from dashboard.ids import decode, encode, parse_id, pattern_id
from pages.rankings.page import controls_to_url
from pages.rankings.state import RankView, latest_complete, search_with
from tests.dashboard_data import small_warehouse_fixture  # noqa: F401


def test_rkp001_view_from_params_never_trusts_the_url() -> None:
    assert RankView.from_params({"grain": ["day"], "mode": ["x"], "period": ["2023-13-01"], "w": ["1,2"]}) == (
        RankView("month", None, "ratio", ())
    )
    view = RankView.from_params({"grain": ["week"], "period": ["2023-05-03"], "w": ["2,1,1,1,1,1,0"]})
    assert view == RankView("week", dt.date(2023, 5, 3), "ratio", (2.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.0))
    assert RankView.from_params({"w": ["0,0,0,0,0,0,0"]}).weights == ()  # all zero: equal weights
    assert RankView.from_params({"w": ["11,1,1,1,1,1,1"]}).weights == ()  # above 10
    assert RankView(weights=(1.0,) * 7).weight_map() is None


def test_rkp002_search_keeps_the_shell_parameters() -> None:
    assert search_with("?lang=en&grain=week&towns=371002001", RankView(grain="quarter")) == (
        "?lang=en&towns=371002001&grain=quarter"
    )
    assert search_with("?grain=week", RankView()) == "?"


def test_rkp003_latest_complete_period() -> None:
    assert latest_complete("month", dt.date(2023, 6, 30)) == (dt.date(2023, 6, 1), dt.date(2023, 6, 30))
    assert latest_complete("month", dt.date(2023, 6, 29)) == (dt.date(2023, 5, 1), dt.date(2023, 5, 31))
    assert latest_complete("quarter", dt.date(2023, 6, 29)) == (dt.date(2023, 1, 1), dt.date(2023, 3, 31))


def test_rkp004_controls_write_the_url() -> None:
    end = dt.date(2023, 6, 29)
    args: dict[str, Any] = {"grain": "month", "period": None, "mode": "ratio", "apply": 0, "equal": 0,
                            "weights": [1] * 7, "search": "?lang=en", "data_end_day": end}
    assert controls_to_url("rk-mode", **{**args, "mode": "points"}) == "?lang=en&mode=points"
    assert controls_to_url("rk-grain", **{**args, "grain": "week"}) == "?lang=en&grain=week"
    # the default period picked again: the URL stays short
    assert controls_to_url("rk-period", **{**args, "period": "2023-05-01"}) is no_update
    assert controls_to_url("rk-period", **{**args, "period": "2023-04-01"}) == "?lang=en&period=2023-04-01"
    weights = [2, 1, 1, 1, 1, 1, ""]  # an emptied box counts as 1
    assert controls_to_url("rk-w-apply", **{**args, "apply": 1, "weights": weights}) == (
        "?lang=en&w=2%2C1%2C1%2C1%2C1%2C1%2C1"
    )
    assert controls_to_url("rk-w-equal", **{**args, "equal": 1, "search": "?w=2,1,1,1,1,1,1"}) == "?"
    assert controls_to_url("rk-mode", **args) is no_update  # nothing changed


def _ids(node: Any, out: list[str]) -> list[str]:
    if isinstance(node, list | tuple):
        for child in node:
            _ids(child, out)
    elif hasattr(node, "to_plotly_json"):
        if getattr(node, "id", None) is not None:
            out.append(json.dumps(node.id, sort_keys=True, ensure_ascii=False))
        for prop in ("children", "body"):
            _ids(getattr(node, prop, None), out)
    return out


def _render(warehouse: Path, **params: Any) -> Any:
    app = create_app(warehouse, warm=False)
    page = next(p for p in dash.page_registry.values() if p["path"] == "/rankings")
    with app.server.test_request_context():
        return page["layout"](**params)


def test_rkp005_league_in_both_modes_with_unique_ids(small_warehouse: Path) -> None:
    for mode in ("ratio", "points"):
        out = _render(small_warehouse, mode=mode, period="2023-05-01", lang="en")
        ids = _ids(out, [])
        assert len(ids) == len(set(ids)), mode
        rows = [i for i in ids if i.startswith('"rk-row-3710')]
        assert len(rows) % 9 == 0 and rows, mode  # the 9 towns, per table
        text = json.dumps(out.to_plotly_json(), ensure_ascii=False, default=str)
        assert ("Town points" if mode == "points" else "Town league table") in text


def test_rkp006_pattern_ids_carry_any_text() -> None:
    assert encode("vi.trend") == "vi.trend"
    assert encode("数字城管") == "~e695b0e5ad97e59f8ee7aea1"
    assert decode("~e695b0e5ad97e59f8ee7aea1") == "数字城管"
    made = pattern_id("rk-explain", town="371002001", subject="points:数字城管", src="table")
    assert made["town"] == "371002001" and made["subject"].startswith("~")
    assert parse_id(made) == {"type": "rk-explain", "town": "371002001", "subject": "points:数字城管", "src": "table"}
    assert parse_id("rows-close") is None
