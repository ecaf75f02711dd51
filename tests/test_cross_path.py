"""Cross-path agreement: one indicator, one period, one town — one number, whichever path asks.

For several keys, periods and towns: the overview tile (dashboard.kpis.additive, as the overview calls it), the
rankings cell (the query and scoring the rankings board runs), the /report row (Warehouse.report, as the page
calls it), `kpi report --json` and a direct SQL query written here from the fact tables (not from the marts)
must give the same number."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest

from dashboard import kpis
from dashboard.data import Warehouse
from tests.conftest import run_kpi
from tests.dashboard_data import small_warehouse_fixture  # noqa: F401
from warehouse import scoring, store
from warehouse.queries import rankings as rq
from warehouse.rules import calendar
from warehouse.sql import Filters

TOWNS = store.town_codes()[:3]
MONTHS = [dt.date(2022, 3, 1), dt.date(2022, 11, 1), dt.date(2023, 2, 1)]

# direct SQL from the fact tables: (numerator, denominator) for a town (or NULL = all) and a date range
DIRECT = {
    "dcm.on_time_due_rate": """
        SELECT count(*) FILTER (stage = '结案' AND coalesce(handled_at, closed_at) <= deadline_at), count(*)
        FROM fact_dcm_case WHERE stage NOT IN ('作废', '缓办', '挂账') AND deadline_at IS NOT NULL
          AND CAST(deadline_at AS DATE) BETWEEN $start AND $end AND ($town IS NULL OR town_code = $town)""",
    "dcm.rework_rate": """
        SELECT count(*) FILTER (coalesce(rework_count, 0) > 0), count(*)
        FROM fact_dcm_case WHERE stage NOT IN ('作废', '缓办', '挂账') AND deadline_at IS NOT NULL
          AND CAST(deadline_at AS DATE) BETWEEN $start AND $end AND ($town IS NULL OR town_code = $town)""",
    "demolition.new_found": """
        SELECT count(*), NULL FROM fact_illegal_construction
        WHERE kind = '新增' AND found_on BETWEEN $start AND $end AND ($town IS NULL OR town_code = $town)""",
    "demolition.stock_count": """
        SELECT count(*), NULL FROM fact_illegal_construction
        WHERE kind = '存量' AND demolished_on BETWEEN $start AND $end AND ($town IS NULL OR town_code = $town)""",
    "demolition.stock_area_m2": """
        SELECT sum(coalesce(demolished_area_m2, area_m2)), NULL FROM fact_illegal_construction
        WHERE kind = '存量' AND demolished_on BETWEEN $start AND $end AND ($town IS NULL OR town_code = $town)""",
    "dcm.on_time_close_rate": """
        SELECT count(*) FILTER (coalesce(handled_at, closed_at) <= deadline_at), count(*) FROM fact_dcm_case
        WHERE is_bureau AND stage = '结案' AND closed_at IS NOT NULL AND closed_at >= $start
          AND closed_at < $end + INTERVAL 1 DAY AND $town IS NULL""",
}


def _direct(path: Path, key: str, start: dt.date, end: dt.date, town: str | None) -> float | None:
    con = store.connect_readonly(path)
    try:
        num, den = con.execute(DIRECT[key], {"start": start, "end": end, "town": town}).fetchone()
    finally:
        con.close()
    if den is None:
        return float(num or 0)
    return None if den == 0 else num / den


def _tile(wh: Warehouse, key: str, start: dt.date, end: dt.date, town: str | None) -> float | None:
    return kpis.additive(wh, Filters(start, end, (town,) if town else ()), [key])[key].value


def _cell(wh: Warehouse, key: str, start: dt.date, town: str) -> float | None:
    prev, _ = calendar.previous("month", start)
    values = wh.frame(rq.town_values("month", prev, start))
    scored = scoring.score_indicators(values, wh.frame(rq.targets_for("month", prev, start)))
    row = scored[(scored["town_code"] == town) & (scored["indicator"] == key)
                 & (pd.to_datetime(scored["period_start"]) == pd.Timestamp(start))]
    assert len(row) == 1
    v = row.iloc[0]["value"]
    return None if pd.isna(v) else float(v)


@pytest.mark.parametrize("key", ["dcm.on_time_due_rate", "dcm.rework_rate", "demolition.new_found"])
@pytest.mark.parametrize("month", MONTHS)
def test_xp001_tile_rankings_cell_and_sql_agree_per_town_and_month(small_warehouse: Path, key: str,
                                                                   month: dt.date) -> None:
    wh = Warehouse(small_warehouse)
    start, end = calendar.period_of("month", month)
    for town in TOWNS:
        direct = _direct(small_warehouse, key, start, end, town)
        assert _tile(wh, key, start, end, town) == pytest.approx(direct), (key, town)
        assert _cell(wh, key, start, town) == pytest.approx(direct), (key, town)
    assert _tile(wh, key, start, end, None) == pytest.approx(_direct(small_warehouse, key, start, end, None))


@pytest.fixture(scope="module")
def cli_2022(small_warehouse: Path) -> dict[str, float]:
    out = run_kpi("report", "--year", "2022", "--json", "--warehouse", str(small_warehouse))
    return json.loads(out.stdout)


@pytest.mark.parametrize("key", ["demolition.stock_count", "demolition.stock_area_m2", "dcm.on_time_close_rate"])
def test_xp002_report_row_cli_tile_and_sql_agree_for_the_year(small_warehouse: Path, cli_2022: dict[str, float],
                                                             key: str) -> None:
    wh = Warehouse(small_warehouse)
    start, end = calendar.period_of("year", dt.date(2022, 6, 1))
    direct = _direct(small_warehouse, key, start, end, None)
    assert direct is not None and direct > 0
    assert wh.report(2022)[key] == pytest.approx(direct)
    assert cli_2022[key] == pytest.approx(direct)
    if key != "dcm.on_time_close_rate":  # the report's own share of closed cases is no tile
        assert _tile(wh, key, start, end, None) == pytest.approx(direct)
