"""/report explains itself: each figure's definition from the registry, the count of rows behind it (counted
here straight from the fact tables) and a link to those rows on the page that charts them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import dash

from dashboard.app import create_app
from tests.dashboard_data import small_warehouse_fixture  # noqa: F401
from warehouse import indicators, store


def _cells(warehouse: Path, year: int) -> dict[str, Any]:
    app = create_app(warehouse, warm=False)
    page = next(p for p in dash.page_registry.values() if p["path"] == "/report")
    with app.server.test_request_context():
        out = page["layout"](year=str(year))
    rows: dict[str, Any] = {}

    def walk(node: Any) -> None:
        key = getattr(node, "data-key", None) if hasattr(node, "to_plotly_json") else None
        if key:
            rows[key] = node.children[-1]  # the definition-and-rows cell
        children = getattr(node, "children", None)
        for child in children if isinstance(children, list | tuple) else [children]:
            if child is not None and hasattr(child, "to_plotly_json"):
                walk(child)

    walk(out)
    return rows


def test_rp001_definition_rows_and_link(small_warehouse: Path) -> None:
    con = store.connect_readonly(small_warehouse)
    try:
        closed = con.execute("SELECT count(*) FROM fact_dcm_case WHERE is_bureau AND stage = '结案' "
                             "AND year(closed_at) = 2022").fetchone()[0]
        penalty = con.execute("SELECT count(*) FROM fact_penalty_case WHERE year(filed_on) = 2022").fetchone()[0]
    finally:
        con.close()
    cells = _cells(small_warehouse, 2022)
    assert set(cells) == {f.key for f in indicators.REPORT_FIGURES}
    rate = cells["dcm.on_time_close_rate"].children
    assert rate[0].children == indicators.get("dcm.on_time_close_rate").formula_zh
    assert rate[1].children == f"{closed:,}条记录"  # the rate's rows: the bureau's cases closed in 2022
    assert rate[2].href == "/violations?start=2022-01-01&end=2022-12-31"
    fines = cells["penalty.fines_yuan"].children
    assert fines[1].children == f"{penalty:,}条记录" and len(fines) == 2  # no page charts penalty rows yet
