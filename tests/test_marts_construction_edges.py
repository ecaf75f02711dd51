"""``mart_illegal_construction`` (warehouse/marts/30_construction.sql) at its edges: days to demolish on the very
day found (0), the day after (1), a demolition dated before its finding (NULL, not negative); resolved and open
by 拆除日期 or by 状态 (已拆除 / 已整改) alone.

The header is the project's 违法建设台账 header (tests/fixtures/exports.py ``IC_HEADER``); rows invented,
expected values by hand.
"""

from __future__ import annotations

import pandas as pd
import pytest

from tests.fixtures.exports import IC_HEADER, write_csv
from tests.fixtures.warehouse import query_runner


def _row(no: str, found: str, demolished: str, status: str) -> list[str]:
    return [no, "张村镇", "", "", "", "存量", "砖混", "", "50", found, "巡查", "", "拆除" if demolished else "",
            demolished, "", status]


IC = [
    IC_HEADER,
    _row("WJ1", "2023-04-02", "2023-04-02", "已拆除"),  # the same day: 0 days
    _row("WJ2", "2023-04-02", "2023-04-03", "已拆除"),  # the next day: 1
    _row("WJ3", "2023-04-02", "2023-04-01", "已拆除"),  # dated before found: NULL
    _row("WJ4", "2023-04-02", "", "已整改"),  # resolved by status alone (e.g. 补办手续)
    _row("WJ5", "2023-04-02", "", "待处置"),  # open
]


@pytest.fixture(scope="module")
def rows(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple]:
    tmp = tmp_path_factory.mktemp("icedges")
    with query_runner(tmp / "wh" / "warehouse.duckdb", [write_csv(tmp / "违建台账.csv", IC)]) as run:
        df = run("SELECT case_no, days_to_demolish, is_demolished, is_resolved, is_open, demolished_area_eff_m2 "
                 "FROM mart_illegal_construction ORDER BY case_no")
    return {r.case_no: tuple(None if pd.isna(v) else v for v in r[2:]) for r in df.itertuples()}


def test_ic_edge001_days_to_demolish_from_the_same_day(rows: dict[str, tuple]) -> None:
    assert rows["WJ1"][0] == 0
    assert rows["WJ2"][0] == 1
    assert rows["WJ3"][0] is None


def test_ic_edge002_resolved_and_open(rows: dict[str, tuple]) -> None:
    # (is_demolished, is_resolved, is_open, demolished_area_eff_m2); area: 拆除面积 blank → 违建面积 50
    assert [rows[k][1:] for k in ("WJ1", "WJ4", "WJ5")] == [
        (True, True, False, 50.0), (False, True, False, None), (False, False, True, None)]
