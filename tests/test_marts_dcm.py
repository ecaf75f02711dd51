"""Data tests of mart_dcm_case and warehouse.queries.violations: hand-written exports through the real
loader, then every query compiled and run on a read-only connection against hand-computed values."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from tests.fixtures.exports import write_csv
from tests.fixtures.warehouse import query_runner
from warehouse.queries import violations as q
from warehouse.sql import Filters, compile_query

HEADER = ["任务号", "上报时间", "问题来源", "小类名称", "所属街道", "所属社区", "单元网格", "立案时间", "派遣时间",
          "处置部门", "处置截止时间", "处置完成时间", "结案时间", "当前阶段名称", "返工次数"]
HLL, JY, ZD = "371002001", "371002002", "371002003"
ROWS = [
    # A1 on time; A2 late and reworked; A3 缓办; A4 [作废]; A5 open and overdue; A6 handled before the deadline,
    # closed after it (on time); A7 reported in February, due in March; A8 挂账 due in March.
    ["A1", "2023-03-01 08:00", "其他问题上报", "乱堆杂物", "环翠楼", "古北社区", "371002001001001",
     "2023-03-01 09:00", "2023-03-01 10:00", "区综合执法局", "2023-03-02 10:00", "2023-03-01 20:00",
     "2023-03-02 08:00", "结案", "0"],
    ["A2", "2023-03-05 08:00", "12345", "占道经营", "环翠楼街道", "古北社区", "371002001001002",
     "2023-03-05 08:30", "2023-03-05 09:00", "环翠区综合行政执法局", "2023-03-05 13:00", "2023-03-05 15:00",
     "2023-03-05 16:00", "结案", "1"],
    ["A3", "2023-03-10 08:00", "公众举报", "暴露垃圾", "鲸园", "海埠社区", "", "2023-03-10 08:10",
     "2023-03-10 09:00", "区环境卫生服务中心", "2023-03-10 17:00", "", "", "缓办", ""],
    ["A4", "2023-03-12 10:00", "视频AI", "暴露垃圾", "鲸园", "海埠社区", "", "", "", "区环境卫生服务中心",
     "2023-03-13 10:00", "", "", "[作废]", ""],
    ["A5", "2023-03-20 08:00", "领导交办", "非法小广告", "鲸园街道办事处", "光明社区", "", "2023-03-20 08:30",
     "2023-03-20 09:00", "区综合执法局", "2023-03-21 09:00", "", "", "处置", "0"],
    ["A6", "2023-03-25 08:00", "监督员上报", "占道经营", "竹岛", "竹岛社区", "", "2023-03-25 08:20",
     "2023-03-25 09:00", "区综合执法局", "2023-03-25 13:00", "2023-03-25 12:00", "2023-03-26 09:00", "结案", ""],
    ["A7", "2023-02-27 08:00", "12345", "占道经营", "竹岛", "竹岛社区", "", "2023-02-27 09:00",
     "2023-02-27 10:00", "区综合执法局", "2023-03-01 10:00", "2023-02-28 10:00", "2023-02-28 12:00", "结案", "0"],
    ["A8", "2023-03-30 08:00", "监督员上报", "乱堆物堆料", "环翠楼", "海港社区", "", "2023-03-30 08:30", "",
     "区综合执法局", "2023-03-30 20:00", "", "", "挂账", ""],
]
TARGETS = [
    ["指标编码", "范围", "周期类型", "周期", "目标值", "方向"],
    ["dcm.on_time_due_rate", "环翠区", "年", "2023", "90%", "越高越好"],
    ["dcm.on_time_due_rate", "竹岛街道", "年", "2023", "95", "越高越好"],
    ["dcm.rework_rate", "环翠区", "年", "2023", "0", "越低越好"],
    ["dcm.on_time_due_rate", "环翠楼", "月", "2023-04", "80%", "越高越好"],
    ["dcm.close_rate", "环翠区", "周", "2023-W05", "99", "越高越好"],
    ["dcm.close_rate", "环翠区", "季度", "2023年第一季度", "97", "越高越好"],
]
MARCH = Filters(dt.date(2023, 3, 1), dt.date(2023, 3, 31))




@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("dcm")
    wh = tmp / "wh" / "warehouse.duckdb"
    files = [write_csv(tmp / "cases.csv", [HEADER, *ROWS]), write_csv(tmp / "targets.csv", TARGETS, "utf-8")]
    with query_runner(wh, files) as execute:
        yield execute


def test_dcm001_kpis_due_excludes_void_and_suspended(run) -> None:
    k = run(q.kpis(MARCH)).iloc[0]
    assert (k.reported, k.filed, k.void_count) == (7, 6, 1)
    assert (k.due, k.due_excluded_suspended, k.due_excluded_void) == (5, 2, 1)
    assert (k.closed_due, k.on_time, k.reworked) == (4, 3, 1)
    assert k.on_time_rate == pytest.approx(0.6)
    assert k.close_rate == pytest.approx(0.8)
    assert k.rework_rate == pytest.approx(0.2)
    assert k.mean_h_report_dispatch == pytest.approx(6 / 5)
    assert k.mean_h_dispatch_close == pytest.approx((22 + 7 + 24) / 3)
    assert (k.open_count, k.overdue_count) == (1, 1)


def test_dcm002_kpis_town_and_bureau_only(run) -> None:
    k = run(q.kpis(MARCH, town=ZD)).iloc[0]
    assert (k.due, k.on_time, k.on_time_rate) == (2, 2, 1.0)
    b = run(q.kpis(MARCH, bureau_only=True)).iloc[0]
    assert (b.reported, b.due) == (5, 5)  # A3 and A4 belong to the sanitation centre
    assert run(q.kpis(Filters(MARCH.start, MARCH.end, (JY,)))).iloc[0].due == 1


def test_dcm003_empty_range_gives_null_rates(run) -> None:
    k = run(q.kpis(Filters(dt.date(2030, 1, 1), dt.date(2030, 1, 31)))).iloc[0]
    assert k.due == 0 and pd.isna(k.on_time_rate) and pd.isna(k.mean_h_report_dispatch)


def test_dcm004_volume_trend_counts_each_by_its_own_timestamp(run) -> None:
    df = run(q.volume_trend(Filters(dt.date(2023, 2, 1), dt.date(2023, 3, 31)), grain="month"))
    assert [pd.Timestamp(p).date() for p in df.period] == [dt.date(2023, 2, 1), dt.date(2023, 3, 1)]
    assert df[["reported", "filed", "closed", "void_count"]].values.tolist() == [[1, 1, 1, 0], [7, 6, 3, 1]]
    weeks = run(q.volume_trend(MARCH, grain="week"))
    assert weeks.reported.sum() == 7 and pd.Timestamp(weeks.period.iloc[0]).weekday() == 0
    with pytest.raises(ValueError):
        q.volume_trend(MARCH, grain="hour")  # type: ignore[arg-type]


def test_dcm014_closed_matches_the_annual_report(run) -> None:
    import sqlalchemy as sa

    year = run(q.volume_trend(Filters(dt.date(2023, 1, 1), dt.date(2023, 12, 31)), grain="year", bureau_only=True))
    report = run(sa.text("SELECT value FROM mart_report WHERE year = 2023 AND key = 'dcm.closed'"))
    assert year.closed.tolist() == [4] == report.value.tolist()  # A1, A2, A6 and A7 (closed in February)


def test_dcm005_pareto_and_heatmap(run) -> None:
    df = run(q.category_pareto(MARCH))
    assert df.minor_category.tolist() == ["乱堆物堆料", "占道经营", "暴露垃圾", "非法小广告"]
    assert df.cases.tolist() == [2, 2, 1, 1]
    assert df.cum_share.tolist() == pytest.approx([2 / 6, 4 / 6, 5 / 6, 1.0])
    assert run(q.category_pareto(MARCH, limit=1)).share.tolist() == pytest.approx([2 / 6])
    # the categories past the limit folded into one last row: 占道经营 2 + 暴露垃圾 1 + 非法小广告 1 = 4 cases in 3
    folded = run(q.category_pareto(MARCH, limit=1, others=True))
    assert folded.minor_category.isna().tolist() == [False, True] and folded.minor_category.iloc[0] == "乱堆物堆料"
    assert folded.cases.tolist() == [2, 4] and folded.categories.tolist() == [1, 3]
    assert folded.cum_share.tolist() == pytest.approx([2 / 6, 1.0])
    # as many categories as the limit: nothing to fold
    assert run(q.category_pareto(MARCH, limit=4, others=True)).categories.tolist() == [1, 1, 1, 1]
    hm = run(q.town_category_heatmap(MARCH))
    got = {(r.area_key, r.category): r.cases for r in hm.itertuples()}
    assert got == {(HLL, "市容环境"): 2, (HLL, "街面秩序"): 1, (JY, "市容环境"): 1, (JY, "宣传广告"): 1,
                   (ZD, "街面秩序"): 1}
    inner = run(q.town_category_heatmap(MARCH, level="minor", town=HLL))
    assert set(zip(inner.area_key, inner.category, inner.cases, strict=True)) == {
        ("古北社区", "乱堆物堆料", 1), ("古北社区", "占道经营", 1), ("海港社区", "乱堆物堆料", 1)}


def test_dcm006_channel_mix_resolves_aliases(run) -> None:
    df = run(q.channel_mix(MARCH))
    assert df.channel.tolist() == ["监督员上报", "公众举报", "12345热线", "视频AI", "领导交办"]
    assert df.reported.tolist() == [3, 1, 1, 1, 1]
    assert df.void_count.tolist() == [0, 0, 0, 1, 0]
    assert df.share.sum() == pytest.approx(1.0)


def test_dcm007_lifecycle_funnel_counts_and_medians(run) -> None:
    df = run(q.lifecycle_funnel(MARCH))
    assert df.stage.tolist() == ["上报", "立案", "派遣", "处置", "核查", "结案"]
    assert df.cases.tolist() == [7, 6, 5, 3, 3, 3]
    md = df.median_hours.tolist()
    assert pd.isna(md[0]) and pd.isna(md[4])
    assert md[1] == pytest.approx(0.5)
    assert md[2] == pytest.approx(40 / 60)
    assert md[3] == pytest.approx(6.0)
    assert md[5] == pytest.approx(12.0)


def test_dcm008_town_performance_against_targets(run) -> None:
    df = run(q.town_performance(MARCH, min_due=1)).set_index("town_code")
    assert len(df) == 9
    assert df.loc[HLL, ["due", "on_time", "reworked"]].tolist() == [2, 1, 1]
    assert df.loc[HLL, "on_time_rate"] == pytest.approx(0.5)
    assert df.loc[HLL, "target_on_time_rate"] == pytest.approx(0.9)
    assert df.loc[ZD, "target_on_time_rate"] == pytest.approx(0.95)  # the town's own target wins
    assert df.loc[HLL, "on_time_status"] == "red" and df.loc[ZD, "on_time_status"] == "green"
    assert df.loc[ZD, "rework_status"] == "green" and df.loc[HLL, "rework_status"] == "red"
    assert df.loc["371002100", "on_time_status"] == "grey" and df.loc["371002100", "due"] == 0
    assert df.target_close_rate.tolist() == pytest.approx([0.97] * 9)  # the quarter's, covering March
    no_target_year = run(q.town_performance(Filters(dt.date(2024, 3, 1), dt.date(2024, 3, 31))))
    assert no_target_year.target_on_time_rate.isna().all()


def test_dcm013_target_of_the_shortest_period_covering_the_range(run) -> None:
    import sqlalchemy as sa

    sql = "SELECT period, period_start, period_end FROM mart_target WHERE indicator = 'dcm.close_rate'"
    periods = run(sa.text(sql))
    got = {p: (pd.Timestamp(a).date(), pd.Timestamp(b).date()) for p, a, b in periods.itertuples(index=False)}
    assert got == {"2023-W05": (dt.date(2023, 1, 30), dt.date(2023, 2, 5)),
                   "2023年第一季度": (dt.date(2023, 1, 1), dt.date(2023, 3, 31))}
    april = run(q.town_performance(Filters(dt.date(2023, 4, 1), dt.date(2023, 4, 30)))).set_index("town_code")
    assert april.loc[HLL, "target_on_time_rate"] == pytest.approx(0.8)  # the town's month target
    assert april.loc[JY, "target_on_time_rate"] == pytest.approx(0.9)  # the district's year target
    assert april.target_close_rate.isna().all()  # Q1 and week 5 do not cover April
    q2 = run(q.town_performance(Filters(dt.date(2023, 3, 1), dt.date(2023, 4, 30)))).set_index("town_code")
    assert q2.loc[HLL, "target_on_time_rate"] == pytest.approx(0.9)  # across months: the year's
    march = run(q.town_performance(MARCH)).set_index("town_code")
    assert march.target_close_rate.tolist() == pytest.approx([0.97] * 9)


def test_dcm009_drill_down_levels(run) -> None:
    towns = run(q.area_breakdown(MARCH))
    assert towns.level.unique().tolist() == ["town"] and towns.reported.sum() == 7
    comm = run(q.area_breakdown(MARCH, town=HLL))
    assert dict(zip(comm.area_key, comm.reported, strict=True)) == {"古北社区": 2, "海港社区": 1}
    grid = run(q.area_breakdown(MARCH, town=HLL, community="古北社区"))
    assert sorted(grid.area_key) == ["371002001001001", "371002001001002"]


def test_dcm010_open_and_overdue_list(run) -> None:
    df = run(q.open_cases(MARCH))
    assert df.case_no.tolist() == ["A5"]
    assert df.hours_overdue.iloc[0] == pytest.approx(10 * 24 + 15)
    assert bool(df.is_overdue.iloc[0])
    assert run(q.open_cases(Filters(end=dt.date(2023, 3, 20)), overdue_only=True)).empty  # due 03-21 09:00
    not_due = run(q.open_cases(Filters(end=dt.date(2023, 3, 20))))
    assert not_due.case_no.tolist() == ["A5"]
    # 9 hours before its deadline: not overdue, so no hours overdue (never -9)
    assert not_due.hours_overdue.isna().tolist() == [True] and not_due.is_overdue.tolist() == [False]


def test_dcm011_rows_behind(run) -> None:
    due = run(q.case_rows(MARCH, date_basis="deadline"))
    assert sorted(due.case_no) == ["A1", "A2", "A5", "A6", "A7"]
    assert run(q.case_rows(MARCH, town=HLL, minor="乱堆物堆料")).case_no.tolist() == ["A8", "A1"]
    assert len(run(q.case_rows(MARCH, limit=2))) == 2
    assert run(q.case_rows(MARCH, channel="视频AI")).is_void.tolist() == [True]


def test_dcm012_user_text_is_bound_not_inlined() -> None:
    evil = "x' OR 1=1 --"
    sql, params = compile_query(q.case_rows(Filters(towns=(evil,)), community=evil))
    assert evil not in sql and params.count(evil) == 2
