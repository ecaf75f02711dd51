"""The materialised marts (warehouse/store.py ``MATERIALISED``) are caches of their row-level definitions.

Each such mart is a table built at publish time from its view in warehouse/marts/*.sql, kept as ``<name>_def``.
Here every cached table must hold exactly the rows of its definition (both ways, duplicates counted), on the
demo warehouse, on the small export set, on a warehouse with no data, and on tiny exports at the KPI mart's
edges (a 结案 case without 结案时间, a void case reworked, a case with 结案时间 back at 处置, a case without a
deadline, a category no reference knows). A load that changes the facts rebuilds the caches in the same generation.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from etl.load import load_files
from tests.dashboard_data import blank_warehouse_fixture, small_warehouse_fixture  # noqa: F401
from tests.fixtures.exports import write_csv
from tests.test_marts_kpi_edges import DCM, REFINED
from warehouse import store

EDGE_DCM = [
    DCM[0],
    ["K4", "2023-05-05 23:59:59", "监督员上报", "乱堆杂物", "环翠楼", "区综合执法局", "", "", "", "派遣",
     "0"],  # no deadline
    ["K5", "2023-05-06 00:00:00", "监督员上报", "无此小类", "环翠楼", "区综合执法局", "2023-05-07 00:00:00",
     "2023-05-07 00:00:00", "2023-05-07 00:00:00", "结案", "2"],  # a category no reference knows; done on the deadline
]


def _differences(wh: Path) -> dict[str, tuple[int, int, int]]:
    """Per materialised mart: (rows in the cache only, rows in the definition only, rows in the cache)."""
    con = store.connect_readonly(wh)
    try:
        out = {}
        for name in store.MATERIALISED:
            definition = name + store.DEFINITION_SUFFIX
            only_cache = con.execute(f"SELECT count(*) FROM (FROM {name} EXCEPT ALL FROM {definition})").fetchone()
            only_def = con.execute(f"SELECT count(*) FROM (FROM {definition} EXCEPT ALL FROM {name})").fetchone()
            rows = con.execute(f"SELECT count(*) FROM {name}").fetchone()
            out[name] = (only_cache[0], only_def[0], rows[0])
        return out
    finally:
        con.close()


def _kinds(wh: Path) -> dict[str, str]:
    con = store.connect_readonly(wh)
    try:
        return dict(con.execute("SELECT table_name, table_type FROM information_schema.tables "
                                "WHERE table_schema = 'main'").fetchall())
    finally:
        con.close()


@pytest.fixture(scope="module")
def edge_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("matedges")
    wh = tmp / "wh" / "warehouse.duckdb"
    assert load_files(wh, [write_csv(tmp / "cases.csv", DCM), write_csv(tmp / "refined.csv", REFINED)]).ok
    return wh


def test_mat001_cache_is_a_table_and_definition_a_view(small_warehouse: Path) -> None:
    kinds = _kinds(small_warehouse)
    for name in store.MATERIALISED:
        assert kinds[name] == "BASE TABLE"
        assert kinds[name + "_def"] == "VIEW"
    assert kinds["mart_town_indicator_month"] == "VIEW"  # small marts stay views over the caches


def test_mat002_cache_equals_definition_on_small_exports(small_warehouse: Path) -> None:
    diffs = _differences(small_warehouse)
    assert {n: d[:2] for n, d in diffs.items()} == {n: (0, 0) for n in store.MATERIALISED}
    assert diffs["mart_dcm_case"][2] == 1500  # the small export set's cases, every one cached


def test_mat003_cache_equals_definition_with_no_data(blank_warehouse: Path) -> None:
    diffs = _differences(blank_warehouse)
    assert {n: d[:2] for n, d in diffs.items()} == {n: (0, 0) for n in store.MATERIALISED}
    assert diffs["mart_dcm_case"][2] == 0 and diffs["mart_kpi_daily"][2] == 0 and diffs["mart_report"][2] == 0
    assert diffs["mart_source_freshness"][2] == 16  # one row per source, loaded or not


def test_mat004_cache_equals_definition_at_the_edges_and_after_a_second_load(
        edge_warehouse: Path, tmp_path: Path) -> None:
    diffs = _differences(edge_warehouse)
    assert {n: d[:2] for n, d in diffs.items()} == {n: (0, 0) for n in store.MATERIALISED}
    assert diffs["mart_dcm_case"][2] == 3
    # K1 due on 2 May, K3 due on 4 May (K2 void: excluded, but still a row with excl_void = 1 on 2 May)
    con = store.connect_readonly(edge_warehouse)
    try:
        due = con.execute("SELECT CAST(day AS VARCHAR), den, excl_void FROM mart_kpi_daily "
                          "WHERE indicator = 'dcm.on_time_due_rate' ORDER BY day").fetchall()
    finally:
        con.close()
    assert due == [("2023-05-02", 1.0, 1), ("2023-05-04", 1.0, 0)]
    # a second load: new cases and a new town code come into the next generation's caches
    assert load_files(edge_warehouse, [write_csv(tmp_path / "more.csv", EDGE_DCM)]).ok
    diffs = _differences(edge_warehouse)
    assert {n: d[:2] for n, d in diffs.items()} == {n: (0, 0) for n in store.MATERIALISED}
    assert diffs["mart_dcm_case"][2] == 5


@pytest.mark.slow
def test_mat005_cache_equals_definition_on_the_demo_warehouse() -> None:
    from tests.demo_warehouse import demo_warehouse

    diffs = _differences(demo_warehouse())
    assert {n: d[:2] for n, d in diffs.items()} == {n: (0, 0) for n in store.MATERIALISED}
    assert diffs["mart_report"][2] > 0
