"""Data tests of warehouse/marts/60_town_indicators.sql and warehouse.queries.rankings: hand-written exports
through the real loader, every query compiled and run on a read-only connection, then scored."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pandas as pd
import pytest

from tests.fixtures.exports import write_csv
from tests.fixtures.warehouse import query_runner
from warehouse import scoring as s
from warehouse.queries import rankings as q

HLL, JY, ZD = "371002001", "371002002", "371002003"
MAR = dt.date(2023, 3, 1)
ON = "dcm.on_time_due_rate"

DCM = [
    ["任务号", "上报时间", "问题来源", "小类名称", "所属街道", "处置部门", "处置截止时间", "处置完成时间", "结案时间",
     "当前阶段名称", "返工次数"],
    # 环翠楼, March: C1 on time; C2 late and reworked; C3 缓办; C4 [作废]; C5 open; C6 挂账. C7: due in February.
    ["C1", "2023-03-01 08:00", "监督员上报", "乱堆杂物", "环翠楼", "区综合执法局", "2023-03-02 10:00",
     "2023-03-01 20:00", "2023-03-02 08:00", "结案", "0"],
    ["C2", "2023-03-05 08:00", "12345", "占道经营", "环翠楼街道", "区综合执法局", "2023-03-05 13:00",
     "2023-03-05 15:00", "2023-03-05 16:00", "结案", "1"],
    ["C3", "2023-03-10 08:00", "公众举报", "暴露垃圾", "环翠楼", "区环境卫生服务中心", "2023-03-10 17:00", "", "",
     "缓办", ""],
    ["C4", "2023-03-12 10:00", "视频AI", "暴露垃圾", "环翠楼", "区环境卫生服务中心", "2023-03-13 10:00", "", "",
     "[作废]", ""],
    ["C5", "2023-03-20 08:00", "领导交办", "非法小广告", "环翠楼", "区综合执法局", "2023-03-21 09:00", "", "", "处置",
     "0"],
    ["C6", "2023-03-30 08:00", "监督员上报", "乱堆物堆料", "环翠楼", "区综合执法局", "2023-03-30 20:00", "", "",
     "挂账", ""],
    ["C7", "2023-02-19 08:00", "监督员上报", "乱堆物堆料", "环翠楼", "区综合执法局", "2023-02-20 10:00",
     "2023-02-19 12:00", "2023-02-19 13:00", "结案", "0"],
    # 竹岛, March: both on time (C8 handled before its deadline, closed after it)
    ["C8", "2023-03-25 08:00", "监督员上报", "占道经营", "竹岛", "区综合执法局", "2023-03-25 13:00",
     "2023-03-25 12:00", "2023-03-26 09:00", "结案", ""],
    ["C9", "2023-03-28 08:00", "监督员上报", "占道经营", "竹岛", "区综合执法局", "2023-03-28 10:00",
     "2023-03-28 09:00", "2023-03-28 09:30", "结案", "0"],
]
REFINED = [
    ["问题编号", "问题来源", "镇街", "问题类别", "发现日期", "整改完成日期", "状态"],
    ["R1", "区级督导", "环翠楼", "乱堆乱放", "2023-03-03", "2023-03-05", "已整改"],
    ["R2", "区级督导", "环翠楼", "乱扯乱挂", "2023-03-10", "", "整改中"],
    ["R3", "镇街自查", "鲸园", "垃圾死角", "2023-03-15", "2023-03-16", "已整改"],
]
CONSTRUCTION = [
    ["违建编号", "镇街", "违建类型", "违建面积(㎡)", "发现日期", "状态"],
    ["W1", "环翠楼", "新增", "20", "2023-03-08", "待处置"],
    ["W2", "环翠楼", "存量", "50", "2023-03-09", "待处置"],
    ["W3", "鲸园", "新建", "15", "2023-04-02", "待处置"],
]
VILLAGE = [
    ["工单编号", "派遣时间", "镇街", "整改状态"],
    ["V1", "2023-03-01 10:00", "环翠楼", "已整改"],
    ["V2", "2023-03-02 10:00", "环翠楼", "未整改"],
    ["V3", "2023-03-03 10:00", "环翠楼", "已整改"],
]
VIDEO = [
    ["事件编号", "通道编号", "识别时间", "事件类型", "镇街", "到场时间", "处置完成时间"],
    ["E1", "CH1", "2023-03-01 10:00:00", "暴露垃圾", "环翠楼", "2023-03-01 10:04:00", "2023-03-01 10:08:00"],  # yes
    ["E2", "CH1", "2023-03-02 10:00:00", "暴露垃圾", "环翠楼", "2023-03-02 10:06:00", "2023-03-02 10:08:00"],  # late
    ["E3", "CH2", "2023-03-03 10:00:00", "游商小贩", "环翠楼", "2023-03-03 10:03:00", "2023-03-03 10:09:00"],  # slow
    ["E4", "CH2", "2023-03-04 10:00:00", "游商小贩", "环翠楼", "", ""],  # nobody came
]
TARGETS = [
    ["指标编码", "范围", "周期类型", "周期", "目标值", "方向", "依据"],
    [ON, "环翠区", "年", "2023", "90%", "越高越好", "演示"],
    [ON, "竹岛街道", "月", "2023-03", "95", "越高越好", "演示"],
    ["dcm.rework_rate", "环翠区", "年", "2023", "0.05", "越低越好", "演示"],
    ["demolition.new_found", "环翠区", "年", "2023", "0", "越低越好", "演示"],
    ["assessment.rank", "环翠区", "年", "2022", "2", "越低越好", "演示"],
]
ASSESS_RANKED = [  # 名次 given
    ["考核期", "考核项目", "区市", "得分", "名次"],
    ["2022年3月", "数字城管", "环翠区", "97.5", "2"],
    ["2022年3月", "数字城管", "文登区", "98.1", "1"],
    ["2022年3月", "数字城管", "荣成市", "96.0", "3"],
]
ASSESS_SCORES = [  # no 名次: ranks from 得分, ties share
    ["考核期", "考核项目", "区市", "得分"],
    ["2022-03", "精致道路", "环翠区", "95.0"],
    ["2022-03", "精致道路", "高新区", "95.0"],
    ["2022-03", "精致道路", "乳山市", "96.5"],
    ["2022-03", "精致道路", "经区", "90.0"],
    ["2022年第一季度", "城乡环卫一体化", "环翠区", "99.0"],
    ["2022年第一季度", "城乡环卫一体化", "荣成市", "98.0"],
]


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("rankings")
    wh = tmp / "wh" / "warehouse.duckdb"
    files = [
        write_csv(tmp / "cases.csv", DCM), write_csv(tmp / "refined.csv", REFINED),
        write_csv(tmp / "construction.csv", CONSTRUCTION),
        write_csv(tmp / "village.csv", VILLAGE), write_csv(tmp / "video.csv", VIDEO, "utf-8"),
        write_csv(tmp / "targets.csv", TARGETS, "utf-8"), write_csv(tmp / "assess1.csv", ASSESS_RANKED),
        write_csv(tmp / "assess2.csv", ASSESS_SCORES),
    ]
    with query_runner(wh, files) as execute:
        yield execute


def _get(df: pd.DataFrame, town: str, indicator: str, start: dt.date = MAR) -> pd.Series:
    sel = df[(df.town_code == town) & (df.indicator == indicator) & (df.period_start == pd.Timestamp(start))]
    assert len(sel) == 1, sel
    return sel.iloc[0]


def test_rank101_month_values_due_excludes_void_deferred_hung(run) -> None:
    v = run(q.town_values("month", dt.date(2023, 3, 15)))
    assert len(v) == 9 * len(s.RANKED) and set(v.grain) == {"month"}
    on = _get(v, HLL, ON)
    assert (on.numerator, on.denominator) == (1, 3)  # C1 of C1, C2, C5
    assert (on.excl_void, on.excl_deferred, on.excl_hung) == (1, 1, 1)
    assert on.period_end == pd.Timestamp(2023, 3, 31) and on.population == 86000 and on.road_km == 62
    assert _get(v, HLL, "dcm.close_rate").numerator == 2
    assert _get(v, HLL, "dcm.rework_rate").value == pytest.approx(1 / 3)
    assert (_get(v, ZD, ON).numerator, _get(v, ZD, ON).denominator) == (2, 2)
    empty = _get(v, JY, ON)  # no cases: zero-filled, no value
    assert empty.denominator == 0 and pd.isna(empty.value) and empty.excl_void == 0
    assert pd.isna(_get(v, HLL, "refined.rectified_rate").excl_void)  # exclusions only for dcm


def test_rank102_other_indicators(run) -> None:
    v = run(q.town_values("month", MAR))
    assert _get(v, HLL, "refined.rectified_rate").value == pytest.approx(0.5)
    assert _get(v, JY, "refined.rectified_rate").value == 1.0
    new = _get(v, HLL, "demolition.new_found")
    assert new.value == 1 and pd.isna(new.denominator)  # W1; W2 is 存量
    assert _get(v, JY, "demolition.new_found").value == 0  # W3 (新建 = 新增) was found in April
    assert _get(v, HLL, "village.rectified_rate").value == pytest.approx(2 / 3)
    video = _get(v, HLL, "video_ai.five_minute_rate")
    assert (video.numerator, video.denominator) == (1, 4)


def test_rank103_month_view_matches_the_query(run) -> None:
    m = run("SELECT * FROM mart_town_indicator_month WHERE town_code = '371002001' ORDER BY month, indicator")
    on = m[(m.indicator == ON)].set_index("month")
    assert on.loc[pd.Timestamp(2023, 2, 1), "value"] == 1.0
    assert (on.loc[pd.Timestamp(2023, 3, 1), "numerator"], on.loc[pd.Timestamp(2023, 3, 1), "denominator"]) == (1, 3)
    assert on.loc[pd.Timestamp(2023, 3, 1), "excl_hung"] == 1
    new = m[m.indicator == "demolition.new_found"].iloc[0]
    assert new.value == 1 and pd.isna(new.denominator)


def test_rank104_quarter_and_week_sum_numerators_never_average_ratios(run) -> None:
    qtr = _get(run(q.town_values("quarter", MAR, indicators=[ON])), HLL, ON, dt.date(2023, 1, 1))
    assert (qtr.numerator, qtr.denominator, qtr.value) == (2, 4, 0.5)  # not (1.0 + 1/3) / 2
    assert qtr.period_end == pd.Timestamp(2023, 3, 31)
    weeks = run(q.town_values("week", dt.date(2023, 2, 27), dt.date(2023, 3, 12), indicators=[ON]))
    assert sorted(weeks.period_start.unique()) == [pd.Timestamp(2023, 2, 27), pd.Timestamp(2023, 3, 6)]
    wk = _get(weeks, HLL, ON, dt.date(2023, 2, 27))  # C1 (Thu 2 Mar) and C2 (Sun 5 Mar)
    assert (wk.numerator, wk.denominator) == (1, 2)
    assert run(q.town_values("year", MAR, indicators=[ON])).query(f"town_code == '{HLL}'").denominator.iloc[0] == 4
    with pytest.raises(ValueError):
        q.town_values("day", MAR)


def test_rank105_targets_then_scores_composite_and_explain(run) -> None:
    v = run(q.town_values("month", MAR, indicators=[ON, "dcm.rework_rate", "demolition.new_found"]))
    t = run(q.targets_for("month", MAR, indicators=[ON, "dcm.rework_rate", "demolition.new_found"]))
    assert set(t.indicator) == {ON, "dcm.rework_rate", "demolition.new_found"}
    params = s.ScoringParams(min_denominator=2)
    scored = s.score_indicators(v, t, params)
    zd, hll = _get(scored, ZD, ON), _get(scored, HLL, ON)
    assert (zd.target, zd.target_scope, zd.score) == (0.95, "town", pytest.approx(1 / 0.95))
    assert (hll.target, hll.target_scope, hll.status) == (0.9, "district", "red")
    assert hll.score == pytest.approx((1 / 3) / 0.9)
    assert _get(scored, JY, ON).status == "grey"  # no cases due
    new = _get(scored, HLL, "demolition.new_found")
    assert (new.target, new.score, new.status) == (0.0, 0.0, "red")  # 动态清零 missed
    comp = s.composite(scored, params=params)
    assert comp.set_index("town_code").loc[ZD, "rank"] == 1
    rows = run(q.indicator_rows(ON, HLL, "month", MAR))
    ex = s.explain(HLL, MAR, scored, comp, params=params, rows=rows)
    assert ex.total() == ex.value and ex.exclusions == {"作废": 1, "缓办": 1, "挂账": 1}
    assert ex.value == Decimal(str(comp.set_index("town_code").loc[HLL, "composite"])).quantize(Decimal("0.001"))
    assert len(ex.rows) == 6


def test_rank106_indicator_rows_and_exclusion_counts(run) -> None:
    rows = run(q.indicator_rows(ON, HLL, "month", MAR))
    assert sorted(rows.row_key) == ["C1", "C2", "C3", "C4", "C5", "C6"]
    by = rows.set_index("row_key")
    assert by.loc[["C3", "C4", "C6"], "excluded_reason"].tolist() == ["缓办", "作废", "挂账"]
    assert not by.loc[["C3", "C4", "C6"], "in_denominator"].any() and by.loc[["C1", "C2", "C5"], "in_denominator"].all()
    assert by.in_numerator.sum() == 1 and by.loc["C1", "in_numerator"]
    assert rows.row_key.tolist() == ["C2", "C5", "C3", "C4", "C6", "C1"]  # against the town, excluded, the rest
    assert len(run(q.indicator_rows(ON, HLL, "month", MAR, limit=2))) == 2
    ex = run(q.exclusion_counts(HLL, "month", MAR)).iloc[0]
    assert (ex.due, ex.excl_void, ex.excl_deferred, ex.excl_hung) == (3, 1, 1, 1)
    rework = run(q.indicator_rows("dcm.rework_rate", HLL, "month", MAR))
    assert rework.row_key.iloc[0] == "C2"  # lower is better: the reworked case first
    assert len(run(q.indicator_rows("refined.rectified_rate", HLL, "month", MAR))) == 2
    assert run(q.indicator_rows("demolition.new_found", HLL, "month", MAR)).row_key.tolist() == ["W1"]
    assert run(q.indicator_rows("village.rectified_rate", HLL, "month", MAR)).in_numerator.sum() == 2
    video = run(q.indicator_rows("video_ai.five_minute_rate", HLL, "month", MAR)).set_index("row_key")
    assert video.in_numerator.to_dict() == {"E1": True, "E2": False, "E3": False, "E4": False}
    assert video.loc["E2", "minutes_to_arrive"] == 6
    with pytest.raises(ValueError):
        q.indicator_rows("nothing", HLL, "month", MAR)


def test_rank107_assessment_periods_parsed_from_every_spelling(run) -> None:
    a = run("SELECT * FROM mart_city_assessment ORDER BY period_start, item, rank")
    march = a[a.period_text.isin(["2022年3月", "2022-03"])]
    assert set(march.period_type) == {"month"} and set(march.period_start) == {pd.Timestamp(2022, 3, 1)}
    assert set(march.label) == {"2022年3月"} and set(march.period_end) == {pd.Timestamp(2022, 3, 31)}
    qtr = a[a.period_text == "2022年第一季度"]
    assert set(qtr.period_type) == {"quarter"} and set(qtr.period_start) == {pd.Timestamp(2022, 1, 1)}
    assert set(qtr.label) == {"2022年第一季度"} and set(qtr.period_end) == {pd.Timestamp(2022, 3, 31)}


def test_rank108_rank_from_score_when_missing_ties_share(run) -> None:
    roads = run(q.city_rank_history(dt.date(2022, 3, 1), dt.date(2022, 3, 31), item="精致道路"))
    assert roads.set_index("unit_code")["rank"].to_dict() == {"RS": 1, "HC": 2, "GQ": 2, "JQ": 4}
    assert set(roads.units) == {4} and roads.is_district.sum() == 1
    dcm = run(q.city_rank_history(dt.date(2022, 3, 1), dt.date(2022, 3, 31), item="数字城管"))
    assert dcm.set_index("unit_code")["rank"].to_dict() == {"WD": 1, "HC": 2, "RC": 3}  # 名次 as exported


def test_rank109_district_ranks_gaps_and_target(run) -> None:
    r = run(q.district_city_ranks(dt.date(2022, 3, 1), dt.date(2022, 3, 31))).set_index("item")
    assert list(r.index) == ["数字城管", "精致道路"]
    d = r.loc["数字城管"]
    assert (d["rank"], d.rank_computed, d.units) == (2, False, 3)
    assert d.gap_to_first == pytest.approx(0.6) and d.gap_to_below == pytest.approx(1.5)
    assert (d.target_rank, d.meets_target, d.is_first) == (2, True, False)
    roads = r.loc["精致道路"]
    assert (roads["rank"], roads.rank_computed) == (2, True)
    assert roads.gap_to_first == pytest.approx(1.5) and roads.gap_to_above == pytest.approx(1.5)
    assert roads.score_below == 90.0 and roads.gap_to_below == pytest.approx(5.0)
    qtr = run(q.district_city_ranks(dt.date(2022, 1, 1), dt.date(2022, 12, 31), period_type="quarter")).iloc[0]
    assert (qtr["item"], qtr["rank"], qtr.is_first, qtr.gap_to_first, qtr.label) == (
        "城乡环卫一体化", 1, True, 0.0, "2022年第一季度")
    assert pd.isna(qtr.gap_to_above)
