"""``mart_city_assessment`` (warehouse/marts/45_assessment.sql) at its edges.

- The same month written two ways is one period: the later row wins (one row per unit).
- The next better and next lower scores are looked up within one period type, one period start and one item:
  a quarter starting on the same day, the next month and another item all sit in between the unit's own
  neighbours here, so any key dropped from the lookup moves them. Ties are not neighbours (strictly above/below).
- A given 名次 wins over the rank computed from 得分 (it may differ); a unit without a score (无数据) has no
  rank, is not ranked, and is not counted in ``units``.

Headers are the circular's (考核期, 考核项目, 区市, 得分, 名次 as in tests/test_marts_rankings.py); rows invented.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from tests.fixtures.exports import write_csv
from tests.fixtures.warehouse import query_runner

SCORES = [
    ["考核期", "考核项目", "区市", "得分"],
    ["2022-01", "数字城管", "环翠区", "90"],
    ["2022-01", "数字城管", "文登区", "95"],
    ["2022-01", "数字城管", "荣成市", ""],  # 无数据
    ["2022年1月", "数字城管", "环翠区", "92"],  # the same month, later: wins over 90
    ["2022Q1", "数字城管", "环翠区", "93"],  # a quarter starting the same day
    ["2022Q1", "数字城管", "文登区", "91"],
    ["2022-02", "数字城管", "环翠区", "94"],  # the next month
    ["2022-02", "数字城管", "文登区", "93.5"],
    ["2022-01", "精致道路", "环翠区", "92.5"],  # another item
]
RANKED = [
    ["考核期", "考核项目", "区市", "得分", "名次"],
    ["2022-03", "城乡环卫一体化", "环翠区", "80", "1"],  # the circular ranks it first on other grounds
    ["2022-03", "城乡环卫一体化", "文登区", "85", "2"],
]
COLS = ["score", "rank", "rank_computed", "units", "score_above", "gap_to_above", "score_below", "gap_to_below"]


@pytest.fixture(scope="module")
def mart(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    tmp = tmp_path_factory.mktemp("assessedges")
    files = [write_csv(tmp / "考核成绩1.csv", SCORES), write_csv(tmp / "考核成绩2.csv", RANKED)]
    with query_runner(tmp / "wh" / "warehouse.duckdb", files) as run:
        return run("SELECT period_type, period_start, period_end, item, unit_name, " + ", ".join(COLS)
                   + " FROM mart_city_assessment")


def _row(mart: pd.DataFrame, period_type: str, start: dt.date, item: str, unit: str) -> tuple:
    sel = mart[(mart.period_type == period_type) & (mart.period_start == pd.Timestamp(start))
               & (mart.item == item) & (mart.unit_name == unit)]
    assert len(sel) == 1, sel
    return tuple(None if pd.isna(v) else v for v in sel.iloc[0][COLS])


JAN = dt.date(2022, 1, 1)


def test_assess_edge001_one_row_per_unit_the_later_spelling_wins(mart: pd.DataFrame) -> None:
    jan = mart[(mart.period_type == "month") & (mart.period_start == pd.Timestamp(JAN)) & (mart.item == "数字城管")]
    assert sorted(jan.unit_name) == ["文登区", "环翠区", "荣成市"]
    assert jan.period_end.tolist() == [pd.Timestamp(2022, 1, 31)] * 3


def test_assess_edge002_neighbours_within_period_type_start_and_item(mart: pd.DataFrame) -> None:
    # score, rank, rank_computed, units, score_above, gap_to_above, score_below, gap_to_below
    assert _row(mart, "month", JAN, "数字城管", "环翠区") == (92.0, 2, True, 2, 95.0, 3.0, None, None)
    assert _row(mart, "month", JAN, "数字城管", "文登区") == (95.0, 1, True, 2, None, None, 92.0, 3.0)
    assert _row(mart, "quarter", JAN, "数字城管", "环翠区") == (93.0, 1, True, 2, None, None, 91.0, 2.0)


def test_assess_edge003_no_score_no_rank(mart: pd.DataFrame) -> None:
    assert _row(mart, "month", JAN, "数字城管", "荣成市") == (None, None, False, 2, None, None, None, None)


def test_assess_edge004_given_rank_wins(mart: pd.DataFrame) -> None:
    mar = dt.date(2022, 3, 1)
    assert _row(mart, "month", mar, "城乡环卫一体化", "环翠区")[:4] == (80.0, 1, False, 2)
    assert _row(mart, "month", mar, "城乡环卫一体化", "文登区")[:4] == (85.0, 2, False, 2)
