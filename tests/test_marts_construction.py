"""Data tests of mart_illegal_construction and warehouse.queries.demolitions (hand-written ledger)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from tests.fixtures.exports import write_csv
from tests.fixtures.warehouse import query_runner
from warehouse.queries import demolitions as q
from warehouse.sql import Filters

HEADER = ["违建编号", "镇街", "社区/村居", "违建类型", "违建面积(㎡)", "发现日期", "专项行动", "拆除日期",
          "拆除面积(㎡)", "状态"]
CAMPAIGN = "违法建设专项整治"
ROWS = [
    ["C1", "环翠楼", "古北社区", "存量", "100", "2022-05-01", CAMPAIGN, "2023-02-10", "80", "已拆除"],
    ["C2", "环翠楼街道", "海港社区", "存量", "50", "2022年6月1日", "", "2023.3.15", "", "已拆除"],
    ["C3", "鲸园", "海埠社区", "存量", "200", "2021-01-01", CAMPAIGN, "", "", "限拆阶段"],
    ["C4", "鲸园", "海埠社区", "新建", "30", "2023-04-01", "", "2023-04-05", "30", "已拆除"],
    ["C5", "竹岛", "竹岛社区", "新增", "20", "2023-05-10", "", "", "", "待处置"],
    ["C6", "竹岛", "竹岛社区", "新增", "15", "2023-06-01", "", "", "", "已整改"],
    ["C7", "环翠楼", "古北社区", "存量", "40", "2022-01-01", "", "2023-07-20", "40", "已拆除"],
    ["C8", "张村", "张村社区", "存量", "60", "2022-03-01", "", "2022-11-01", "60", "已拆除"],
]
TARGETS = [
    ["指标编码", "范围", "周期类型", "周期", "目标值", "方向"],
    ["demolition.stock_count", "环翠区", "year", "2023", "10", "higher"],
    ["demolition.stock_area_m2", "环翠区", "year", "2023", "1000", "higher"],
    ["demolition.stock_count", "环翠楼街道", "year", "2023", "4", "higher"],
]
H1 = Filters(dt.date(2023, 1, 1), dt.date(2023, 6, 30))
HLL, JY, ZD = "371002001", "371002002", "371002003"
DAYS_C1 = (dt.date(2023, 2, 10) - dt.date(2022, 5, 1)).days
DAYS_C2 = (dt.date(2023, 3, 15) - dt.date(2022, 6, 1)).days




@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("ic")
    wh = tmp / "wh" / "warehouse.duckdb"
    files = [write_csv(tmp / "ledger.csv", [HEADER, *ROWS]), write_csv(tmp / "targets.csv", TARGETS)]
    with query_runner(wh, files) as execute:
        yield execute


def test_con001_kpis_stock_new_and_dynamic_zero(run) -> None:
    k = run(q.kpis(H1)).iloc[0]
    assert (k.stock_demolished, k.stock_demolished_m2) == (2, 130.0)  # C2 has no 拆除面积: 违建面积 counts
    assert (k.new_found, k.new_found_m2) == (3, 65.0)  # 新建 is loaded as 新增
    assert (k.new_demolished, k.new_demolished_m2) == (1, 30.0)
    assert k.new_open == 1  # C5; C6 is 已整改
    assert (k.stock_open, k.stock_open_m2) == (2, 240.0)  # C3, and C7 demolished only after the range
    assert (k.campaign_demolished, k.campaign_demolished_m2) == (1, 80.0)
    assert k.median_days_to_demolish == pytest.approx(DAYS_C1)  # median of 4, DAYS_C1, DAYS_C2
    assert (k.plan_stock_count, k.plan_stock_area_m2, k.plan_year) == (10, 1000, 2023)


def test_con002_matches_the_annual_report_definition(run) -> None:
    k = run(q.kpis(Filters(dt.date(2023, 1, 1), dt.date(2023, 12, 31)))).iloc[0]
    sql = "SELECT key, value FROM mart_report WHERE year = 2023 AND key LIKE 'demolition.%'"
    report = dict(run_sql(run, sql))
    assert report["demolition.stock_count"] == k.stock_demolished == 3
    assert report["demolition.stock_area_m2"] == k.stock_demolished_m2 == 170
    assert report["demolition.new_count"] == k.new_demolished


def run_sql(run, sql: str) -> list[tuple]:
    import sqlalchemy as sa

    return list(run(sa.text(sql)).itertuples(index=False, name=None))


def test_con003_monthly_by_own_dates(run) -> None:
    df = run(q.monthly(H1))
    got = {(pd.Timestamp(r.month).month, r.kind): (r.found, r.demolished, r.demolished_m2) for r in df.itertuples()}
    assert got == {(2, "存量"): (0, 1, 80.0), (3, "存量"): (0, 1, 50.0), (4, "新增"): (1, 1, 30.0),
                   (5, "新增"): (1, 0, 0.0), (6, "新增"): (1, 0, 0.0)}


def test_con004_cumulative_against_plan(run) -> None:
    df = run(q.cumulative_vs_plan(H1, 2023))
    assert len(df) == 12
    assert df.cum_count.iloc[:6].tolist() == [0, 1, 2, 2, 2, 2]
    assert df.cum_m2.iloc[5] == 130.0 and df.cum_count.iloc[6:].isna().all()
    assert df.plan_count.unique().tolist() == [10] and df.plan_to_date_count.iloc[5] == pytest.approx(5)
    no_plan = run(q.cumulative_vs_plan(Filters(dt.date(2024, 1, 1), dt.date(2024, 12, 31)), 2024))
    assert no_plan.plan_count.isna().all() and no_plan.cum_count.iloc[-1] == 0
    town = run(q.cumulative_vs_plan(H1, 2023, town=HLL))
    assert town.plan_count.unique().tolist() == [4] and town.plan_m2.isna().all()  # never the district's plan
    assert run(q.kpis(Filters(H1.start, H1.end, (HLL, JY)))).plan_stock_count.isna().all()  # 鲸园 has no plan
    assert run(q.kpis(H1, town=HLL)).plan_stock_count.tolist() == [4]
    new = run(q.cumulative_vs_plan(H1, 2023, kind="新增", town=JY))
    assert new.cum_count.iloc[5] == 1 and new.plan_count.isna().all()


def test_con005_by_area_and_drill(run) -> None:
    df = run(q.by_area(H1)).set_index(["area_key", "kind"])
    assert df.loc[(HLL, "存量"), ["found", "demolished", "open_count"]].tolist() == [0, 2, 1]
    assert df.loc[(HLL, "存量"), "demolished_m2"] == 130.0
    assert ("371002100", "存量") not in df.index  # C8 went in 2022
    comm = run(q.by_area(H1, town=HLL))
    assert set(zip(comm.area_key, comm.demolished, strict=True)) == {("古北社区", 1), ("海港社区", 1)}


def test_con006_new_against_dynamic_zero(run) -> None:
    df = run(q.new_vs_zero(H1)).set_index("town_code")
    assert len(df) == 9
    assert df.loc[ZD, ["new_found", "new_resolved", "new_open"]].tolist() == [2, 1, 1]
    assert df.loc[ZD, "status"] == "red" and df.loc[JY, "status"] == "green"
    assert df.loc[HLL, "new_found"] == 0 and df.loc[HLL, "status"] == "green"


def test_con007_time_to_demolish_and_campaigns(run) -> None:
    t = run(q.time_to_demolish(H1)).set_index(["town_code", "kind"])
    assert t.loc[(JY, "新增"), "median_days"] == 4
    assert t.loc[(HLL, "存量"), "n"] == 2
    assert t.loc[(HLL, "存量"), "median_days"] == pytest.approx((DAYS_C1 + DAYS_C2) / 2)
    c = run(q.campaigns(H1)).iloc[0]
    assert (c.campaign, c.total, c.demolished, c.open_count, c.progress) == (CAMPAIGN, 2, 1, 1, 0.5)
    assert (c.demolished_in_range, c.demolished_in_range_m2, c.total_m2) == (1, 80.0, 300.0)


def test_con008_ledger_rows(run) -> None:
    assert run(q.ledger_rows(H1)).case_no.tolist() == ["C4", "C2", "C1"]  # newest demolition first
    assert sorted(run(q.ledger_rows(H1, open_only=True, date_basis="none")).case_no) == ["C3", "C5", "C7"]
    assert run(q.ledger_rows(H1, kind="新增", date_basis="found", limit=1)).case_no.tolist() == ["C6"]
    with pytest.raises(ValueError):
        q.ledger_rows(H1, date_basis="bogus")  # type: ignore[arg-type]
