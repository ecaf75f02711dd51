"""Figure builders: traces hold the data, hovers carry exact values and units, customdata carries the
drill-down key, an empty input gives words instead of axes, and labels follow the language."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import plotly.io as pio
import pytest

from dashboard.figures import demolitions as fd
from dashboard.figures import is_empty_figure, theme
from dashboard.figures import snow as fs
from dashboard.figures import violations as fv

HLL, JY, ZD = "371002001", "371002002", "371002003"


def _months(*ms: int) -> list[pd.Timestamp]:
    return [pd.Timestamp(2023, m, 1) for m in ms]


TREND = pd.DataFrame({"period": _months(2, 3), "reported": [1, 7], "filed": [1, 6], "closed": [1, 3],
                      "void_count": [0, 1]})
PERF = pd.DataFrame({
    "town_code": [HLL, JY, ZD], "town_name": ["环翠楼街道", "鲸园街道", "竹岛街道"], "due": [20, 2, 10],
    "closed_due": [19, 2, 10], "on_time": [17, 1, 10], "reworked": [1, 0, 0], "on_time_rate": [0.85, 0.5, 1.0],
    "close_rate": [0.95, 1.0, 1.0], "rework_rate": [0.05, 0.0, 0.0], "target_on_time_rate": [0.9, 0.9, 0.95],
    "target_close_rate": [math.nan] * 3, "target_rework_rate": [0.0] * 3,
    "on_time_status": ["amber", "grey", "green"], "close_status": [None] * 3, "rework_status": ["red", "grey", "green"],
})
FUNNEL = pd.DataFrame({"stage_order": range(1, 7), "stage": ["上报", "立案", "派遣", "处置", "核查", "结案"],
                       "cases": [7, 6, 5, 3, 3, 3], "median_hours": [math.nan, 0.5, 0.6667, 6.0, math.nan, 12.0],
                       "mean_hours": [math.nan, 0.5, 0.7, 6.3, math.nan, 11.0], "n_timed": [0, 6, 5, 3, 0, 3]})
CUM = pd.DataFrame({"month": _months(*range(1, 13)), "demolished": [0, 1, 1] + [0] * 9,
                    "demolished_m2": [0.0, 80.0, 50.0] + [0.0] * 9, "cum_count": [0, 1, 2, 2, 2, 2] + [None] * 6,
                    "cum_m2": [0.0, 80.0, 130.0, 130.0, 130.0, 130.0] + [None] * 6, "plan_count": [10.0] * 12,
                    "plan_m2": [1000.0] * 12, "plan_to_date_count": [10 * m / 12 for m in range(1, 13)],
                    "plan_to_date_m2": [1000 * m / 12 for m in range(1, 13)]})
ROSTER = pd.DataFrame({
    "as_of": [pd.Timestamp(2023, 1, 15)] * 3, "unit_key": [HLL, "371002100", "区环境卫生服务中心"],
    "unit_name": ["环翠楼街道", "张村镇", "区环境卫生服务中心"],
    "unit_pinyin": ["Huancuilou", "Zhangcun", "区环境卫生服务中心"],
    "unit_sort": [0, 5, 100], "town_code": [HLL, "371002100", None], "is_town": [True, True, False],
    "personnel": [120, 90, 210], "machines": [10, 4, 12], "machine_types": [2, 2, 1], "deicer_t": [25.0, 12.0, 50.0],
    "road_km": [62.0, None, 100.0], "road_km_ref": [62.0, 96.0, 100.0],
    "machines_per_100km": [1000 / 62, 400 / 96, 12.0], "personnel_per_100km": [12000 / 62, 9000 / 96, 210.0],
})
EVENTS = pd.DataFrame({"period": [pd.Timestamp(2023, 1, 10), pd.Timestamp(2023, 1, 20)], "events": [2, 1],
                       "towns": [2, 1], "person_times": [240, 60], "machine_times": [28, 10], "deicer_t": [5.0, 1.0],
                       "swept_area_m2": [420000.0, 50000.0], "max_snowfall_mm": [8.0, 3.0],
                       "median_reopen_hours": [5.0, 2.0], "max_reopen_hours": [6.0, 2.0]})


def _hovers(fig) -> str:
    return " ".join(t.hovertemplate or "" for t in fig.data)


def test_fig001_theme_template_fonts_and_town_colours() -> None:
    assert "kpi" in pio.templates and "kpi_dark" in pio.templates
    family = pio.templates["kpi"].layout.font.family
    assert family.startswith('"Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC"') and family.endswith("sans-serif")
    towns = theme.towns()
    assert len(towns) == 9 and len({theme.town_color(c) for c in towns}) == 9
    # the palette in reference-data order: 环翠楼街道 first, 鲸园街道 second; the same code, the same colour
    assert (theme.town_color(HLL), theme.town_color(JY), theme.town_color("371002001")) == (
        "#4c78a8", "#f58518", "#4c78a8")
    assert theme.town_label(HLL, "x", "en") == "Huancuilou" and theme.town_label(HLL, "x", "zh") == "环翠楼街道"
    assert theme.town_label(None, "区环境卫生服务中心", "en") == "Sanitation Centre"  # its short label
    assert theme.town_label(None, "区环境卫生服务中心", "zh") == "区环境卫生服务中心"
    assert theme.town_label(None, "某某服务队", "en") == "某某服务队"  # no English label: its own name
    assert set(theme.STATUS_COLORS) == {"green", "amber", "red", "grey"}


@pytest.mark.parametrize("builder", [
    fv.volume_trend, fv.category_pareto, fv.town_category_heatmap, fv.channel_mix, fv.lifecycle_funnel,
    fv.town_performance, fv.area_breakdown, fd.monthly, fd.by_area, fd.cumulative_vs_plan, fd.new_vs_zero,
    fd.time_to_demolish, fd.campaigns, fs.roster_by_unit, fs.machines_by_type, fs.readiness, fs.reserves,
    fs.event_trend, fs.events_by_town,
])
@pytest.mark.parametrize(("lang", "words"), [("zh", "暂无数据"), ("en", "No data")])
def test_fig002_empty_input_says_so_in_words(builder, lang: str, words: str) -> None:
    fig = builder(pd.DataFrame(), lang=lang)
    assert is_empty_figure(fig) and not fig.data
    assert words in fig.layout.annotations[0].text
    assert fig.layout.xaxis.visible is False and fig.layout.yaxis.visible is False


def test_fig003_volume_trend_data_units_drill_and_language() -> None:
    fig = fv.volume_trend(TREND, grain="month")
    bar = fig.data[0]
    assert bar.type == "bar" and list(bar.y) == [1, 6] and bar.name == "立案数"
    assert [c[0] for c in bar.customdata] == ["2023-02-01", "2023-03-01"]
    assert bar.customdata[1][1] == "2023年3月" and "件" in bar.hovertemplate and "%{y:,}" in bar.hovertemplate
    assert {t.name for t in fig.data} == {"立案数", "上报数", "结案数", "作废数"}
    assert fig.layout.meta["drill"] == "period" and fig.layout.template.layout.font.family.startswith('"Noto')
    en = fv.volume_trend(TREND, lang="en", grain="week")
    assert {t.name for t in en.data} == {"Filed", "Reported", "Closed", "Voided"}
    assert "cases" in _hovers(en) and en.data[0].customdata[0][1] == "Week 5, 2023 (01-30–02-05)"


def test_fig004_town_performance_status_colours_targets_and_counts() -> None:
    fig = fv.town_performance(PERF)
    bar, target = fig.data
    assert list(bar.y) == [0.85, 0.5, 1.0]
    assert list(bar.marker.color) == [theme.STATUS_COLORS[s] for s in ("amber", "grey", "green")]
    assert [c[0] for c in bar.customdata] == [HLL, JY, ZD]
    assert bar.customdata[0][1:5] == ["85.0%", 17, 20, "90.0%"] and bar.customdata[1][5] == "样本过少"
    assert "件" in bar.hovertemplate and list(target.y) == [0.9, 0.9, 0.95]
    no_target = fv.town_performance(PERF, metric="close_rate", lang="en")
    assert len(no_target.data) == 1 and no_target.data[0].x[0] == "Huancuilou"
    assert no_target.layout.title.text is None  # one title per chart: its card's (dashboard/charts)
    with pytest.raises(ValueError):
        fv.town_performance(PERF, metric="bogus")


def test_fig005_funnel_hours_with_units_and_gaps() -> None:
    fig = fv.lifecycle_funnel(FUNNEL)
    trace = fig.data[0]
    assert list(trace.x) == [7, 6, 5, 3, 3, 3] and trace.y[0] == "上报"
    assert trace.customdata[3][1] == "6.0 小时" and trace.customdata[0][1] == "—"
    assert trace.text[5] == "3 件 · 12.0 小时" and "件" in trace.hovertemplate
    en = fv.lifecycle_funnel(FUNNEL, lang="en")
    assert list(en.data[0].y) == ["Reported", "Filed", "Dispatched", "Handled", "Verified", "Closed"]
    assert en.data[0].customdata[3][1] == "6.0 h"


def test_fig006_pareto_heatmap_channels() -> None:
    pareto = pd.DataFrame({"major_category": ["市容环境", "街面秩序"], "minor_category": ["乱堆物堆料", "占道经营"],
                           "cases": [2, 1], "share": [2 / 3, 1 / 3], "cum_share": [2 / 3, 1.0]})
    fig = fv.category_pareto(pareto)
    assert list(fig.data[0].y) == [2, 1] and fig.data[0].customdata[0][0] == "乱堆物堆料"
    assert list(fig.data[1].y) == [2 / 3, 1.0] and fig.data[1].yaxis == "y2"
    assert list(fig.data[0].x) == ["乱堆物堆料", "占道经营"]
    en = fv.category_pareto(pareto, lang="en")  # short English labels (none set: the full one); drill keeps the value
    assert list(en.data[0].x) == ["Piled materials", "Trading on the road"]
    assert en.data[0].customdata[1][0] == "占道经营"
    heat = pd.DataFrame({"area_key": [HLL, HLL, JY], "area_name": ["环翠楼街道", "环翠楼街道", "鲸园街道"],
                         "area_sort": [0, 0, 1], "category": ["市容环境", "街面秩序", "宣传广告"], "cases": [2, 1, 1]})
    hm = fv.town_category_heatmap(heat).data[0]
    assert list(hm.x) == ["宣传广告", "市容环境", "街面秩序"] and list(hm.y) == ["环翠楼街道", "鲸园街道"]
    assert hm.z.tolist() == [[0, 2, 1], [1, 0, 0]]
    assert list(hm.customdata[1][0]) == [JY, "宣传广告"] and "件" in hm.hovertemplate
    mix = pd.DataFrame({"channel": ["监督员上报", "视频AI"], "channel_order": [1, 4], "reported": [3, 1],
                        "filed": [3, 0], "void_count": [0, 1], "share": [0.75, 0.25]})
    pie = fv.channel_mix(mix, lang="en").data[0]
    assert list(pie.values) == [3, 1] and list(pie.labels) == ["Inspectors", "Video AI"]
    assert pie.customdata[1][0] == "视频AI" and pie.marker.colors[1] == "#b279a2"  # dashboard/value_labels.csv


def test_fig007_cumulative_plan_line_only_with_a_target() -> None:
    fig = fd.cumulative_vs_plan(CUM)
    assert [t.name for t in fig.data] == ["累计拆除", "年度计划", "计划进度（按月均分）"]
    assert list(fig.data[0].y)[:6] == [0, 1, 2, 2, 2, 2] and "处" in fig.data[0].hovertemplate
    assert fig.data[0].customdata[1][0] == "2023-02-01" and fig.data[0].customdata[1][2] == "1 处"
    area = fd.cumulative_vs_plan(CUM, measure="area", lang="en")
    assert "m²" in area.data[0].hovertemplate and area.data[1].y[0] == 1000.0
    no_plan = fd.cumulative_vs_plan(CUM.assign(plan_count=None, plan_to_date_count=None))
    assert len(no_plan.data) == 1


def test_fig008_new_violations_against_dynamic_zero_and_monthly() -> None:
    zero = pd.DataFrame({"town_code": [HLL, ZD], "town_name": ["环翠楼街道", "竹岛街道"], "town_pinyin": ["", ""],
                         "town_sort": [0, 2], "new_found": [0, 2], "new_found_m2": [0.0, 35.0], "new_resolved": [0, 1],
                         "new_open": [0, 1], "new_open_m2": [0.0, 20.0], "status": ["green", "red"]})
    bar = fd.new_vs_zero(zero).data[0]
    assert list(bar.y) == [0, 1]
    assert list(bar.marker.color) == [theme.STATUS_COLORS["green"], theme.STATUS_COLORS["red"]]
    assert bar.customdata[1][0] == ZD and bar.customdata[1][3] == "20 ㎡" and "处" in bar.hovertemplate
    monthly = pd.DataFrame({"month": _months(2, 4), "kind": ["存量", "新增"], "found": [0, 1], "found_m2": [0.0, 30.0],
                            "demolished": [1, 1], "demolished_m2": [80.0, 30.0]})
    fig = fd.monthly(monthly, measure="area")
    assert [t.name for t in fig.data] == ["存量", "新增"] and list(fig.data[0].y) == [80.0]
    assert fig.data[1].customdata[0][:2] == ["2023-04-01", "新增"] and "㎡" in fig.data[0].hovertemplate


def test_fig009_snow_units_and_drill_keys() -> None:
    force = fs.roster_by_unit(ROSTER)
    assert force.layout.title.text is None  # the card says 清雪力量 and the roster's date
    # two panels (人 | 台) on the same units, the first unit on top: never two axes of one panel
    assert list(force.data[0].x) == [210, 90, 120] and list(force.data[1].x) == [12, 4, 10]
    assert [(t.xaxis, t.yaxis) for t in force.data] == [("x", "y"), ("x2", "y2")]
    assert force.layout.yaxis2.matches == "y" and force.layout.yaxis2.overlaying is None
    assert "人" in force.data[0].hovertemplate and "台" in force.data[0].hovertemplate
    assert [c[0] for c in force.data[0].customdata] == ["区环境卫生服务中心", "371002100", HLL]
    ready = fs.readiness(ROSTER, lang="en")
    assert ready.data[0].x[0] == "Huancuilou" and ready.data[0].y[2] == 12.0
    assert "machines / 100 km" in ready.data[0].hovertemplate
    assert "吨" in fs.reserves(ROSTER).data[0].hovertemplate
    ev = fs.event_trend(EVENTS)
    assert list(ev.data[0].y) == [240, 60] and "人次" in ev.data[0].hovertemplate
    assert list(ev.data[0].x) == ["2023年1月10日", "2023年1月20日"] and ev.layout.xaxis.type == "category"
    assert len(ev.data) == 2 and "yaxis2" not in ev.layout.to_plotly_json()  # the reopen time: in the hover
    assert "小时" in ev.data[0].text[0] and ev.data[0].customdata[0][4] == "42.0 万㎡"
    types = pd.DataFrame({"as_of": [dt.date(2023, 1, 15)] * 2, "unit_key": [HLL, HLL], "unit_name": ["环翠楼街道"] * 2,
                          "unit_sort": [0, 0], "machine_type": ["推雪铲", "滚雪刷"], "machines": [6, 4]})
    mt = fs.machines_by_type(types, lang="en")
    assert {t.name for t in mt.data} == {"Snow plough", "Snow brush"} and "machines" in _hovers(mt)


def test_fig010_every_figure_serialises() -> None:
    figs = [fv.volume_trend(TREND), fv.town_performance(PERF), fv.lifecycle_funnel(FUNNEL), fd.cumulative_vs_plan(CUM),
            fs.roster_by_unit(ROSTER), fs.readiness(ROSTER), fs.event_trend(EVENTS), theme.empty_figure("en", "x")]
    for fig in figs:
        assert fig.to_json()
