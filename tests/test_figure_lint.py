"""The figure linter on deliberately bad figures (one per rule, each failing for exactly that rule) and the
chart grammar that the shared theme applies (ticks from the unit, bars from zero, ids as text, partial
periods). Expected values are worked out by hand in the comments."""

from __future__ import annotations

import datetime as dt

import plotly.graph_objects as go
import pytest

from dashboard.figures import grammar, lint
from dashboard.figures.theme import STATUS_COLORS, empty_figure, new_figure


def rules(fig: go.Figure, width: float = 900, height: float = 340) -> list[str]:
    return sorted({p.rule for p in lint.lint(fig, width, height)})


def good_bars() -> go.Figure:
    fig = new_figure()
    fig.add_bar(x=["张村镇", "羊亭镇"], y=[3, 5], name="立案数", marker_color="#4c78a8")
    fig.update_layout(yaxis={"title": "件", "tickformat": ",", "dtick": 1, "range": [0, 6]})
    return fig


def test_figlint001_a_clean_figure_has_no_problems() -> None:
    assert lint.lint(good_bars()) == []
    assert lint.lint(empty_figure("zh")) == []  # a sentence, not axes


def test_figlint002_repeated_tick_labels() -> None:
    # the rework-rate axis of issue 13: 0.5% steps written with no decimal → 0%, 1%, 1%, 2%, 2%, 3%, 3%
    fig = good_bars()
    fig.update_layout(yaxis={"title": "返工率（局部放大）", "tickformat": ".0%", "dtick": 0.005, "range": [0, 0.03]})
    fig.data[0].y = (0.012, 0.027)
    problems = lint.lint(fig)
    assert [p.rule for p in problems] == ["ticks"] and "['1%', '2%', '3%']" in problems[0].detail
    fig.layout.yaxis.tickformat = ".1%"  # 0.0%, 0.5%, 1.0% … 3.0%: all different
    assert rules(fig) == []


def test_figlint003_ticks_computed_as_plotly_would_without_dtick() -> None:
    # no dtick: plotly's step over 0–0.0315 (data 0.03 + 5%) on a 248-px axis: 248/40 = 6.2 ticks + 1 → 0.0044
    # rounds up to 0.005, written ".0%" as 0%, 1%, 1%, 2%, 2%, 3%, 3%
    fig = good_bars()
    fig.data[0].y = (0.01, 0.03)
    fig.update_layout(yaxis={"title": "返工率", "tickformat": ".0%", "dtick": None, "range": None})
    assert lint.tick_labels(fig.layout.yaxis, 0, 0.0315, 248, True) == ["0%", "1%", "1%", "2%", "2%", "3%", "3%"]
    assert rules(fig) == ["ticks"]


def test_figlint004_bar_axis_not_from_zero() -> None:
    fig = good_bars()
    fig.layout.yaxis.range = [2, 6]  # the town on-time bars of issue 13 started near 80%
    assert rules(fig) == ["bar_zero"]
    fig.layout.yaxis.range = [-1, 6]
    assert rules(fig) == []


def test_figlint005_legend_entries_sharing_a_colour() -> None:
    # 存量·拆除 and 存量·未处置: one colour, the second only more transparent
    fig = new_figure()
    fig.add_bar(x=["张村镇"], y=[3], name="存量 · 拆除", marker={"color": "#4c78a8"})
    fig.add_bar(x=["张村镇"], y=[2], name="存量 · 未处置", marker={"color": "#4c78a8", "opacity": 0.45})
    fig.update_layout(yaxis={"title": "处", "tickformat": ",", "dtick": 1, "range": [0, 4]})
    assert rules(fig) == ["legend_colour"]
    fig.data[1].marker.pattern.shape = "x"  # a hatch tells them apart
    assert rules(fig) == []


def test_figlint006_ids_drawn_as_numbers() -> None:
    fig = good_bars()
    fig.data[0].x = ("371002001003004", "371002001003007")  # grid codes: plotly would plot 3.71e14
    assert rules(fig) == ["id_numeric"]
    fig.layout.xaxis.type = "category"
    assert rules(fig) == []


def test_figlint007_unnamed_series() -> None:
    fig = good_bars()
    fig.data[0].name = None
    assert rules(fig) == ["unnamed"]


def test_figlint008_axis_without_unit() -> None:
    fig = good_bars()
    fig.layout.yaxis.title.text = "数量"  # no unit
    assert rules(fig) == ["unit"]
    fig.layout.yaxis.ticksuffix = " 件"  # a unit in the tick suffix will do
    assert rules(fig) == []


def test_figlint009_text_overflow() -> None:
    # 15 CJK characters at 13 px = 195 px: more than 40% of a 400-px figure (160 px), less than of 900 px
    fig = new_figure()
    fig.add_bar(y=["区环境卫生服务中心清雪保障大队"], x=[3], orientation="h", name="人员")
    fig.update_layout(xaxis={"title": "人", "tickformat": ",", "dtick": 1, "range": [0, 4]})
    assert lint.text_width("区环境卫生服务中心清雪保障大队") == 15 * 13
    assert rules(fig, width=400) == ["overflow"]
    assert rules(fig, width=900) == []
    # 40 categories on a 300-px plot: 40 × 13 × 1.25 = 650 px of labels, plotly would drop some
    many = good_bars()
    many.data[0].x, many.data[0].y = [f"社区{i}" for i in range(40)], list(range(40))
    many.update_layout(yaxis={"dtick": 10, "range": [0, 40]})
    assert rules(many, width=380) == ["overflow"]


def test_figlint010_status_colours_only_for_status() -> None:
    fig = good_bars()
    fig.data[0].marker.color = STATUS_COLORS["red"]
    assert rules(fig) == ["status_colour"]
    fig.data[0].meta = "status"  # a bar coloured by its status may use it
    assert rules(fig) == []


def test_figlint011_one_hue_for_one_categorical_dimension() -> None:
    fig = good_bars()
    fig.data[0].marker.color = ["#4c78a8", "#f58518"]  # a rainbow of towns
    assert rules(fig) == ["one_hue"]


def test_figlint012_rate_axis_zoomed_without_saying_so() -> None:
    fig = good_bars()
    fig.data[0].y = (0.85, 0.95)
    fig.update_layout(yaxis={"title": "按期结案率", "tickformat": ".0%", "dtick": 0.05, "range": [0, 0.96]})
    assert rules(fig) == ["rate_zoom"]


@pytest.mark.parametrize(("spec", "value", "text"), [
    (".0%", 0.005, "1%"), (".0%", 0.025, "3%"), (".1%", 0.015, "1.5%"), (",", 12345, "12,345"), (",.2f", 1.5, "1.50"),
    ("d", 2.6, "3"), (".1~%", 0.5, "50%"),
])
def test_figlint013_d3_format(spec: str, value: float, text: str) -> None:
    assert lint.d3_format(value, spec) == text


# --- the grammar (what the theme does to a finished figure) -------------------------------------------------


def test_grammar001_rate_axis_ticks_from_the_unit() -> None:
    # rework rates 1.2% and 2.7% (< 50%): a zoomed axis; 2.7% / 5 = 0.54% rounds up to a 1% step (1, 2, 2.5, 5
    # × 10ⁿ: 0.5% is too small), so 0% … 4% (2.7% × 1.15 = 3.1% up to the next step) with no decimal, all distinct
    fig = new_figure()
    fig.add_bar(x=["张村镇", "羊亭镇"], y=[0.012, 0.027], name="返工率")
    fig.update_layout(yaxis={"tickformat": ".0%", "title": "返工率"})
    grammar.apply(fig, "zh")
    y = fig.layout.yaxis
    assert (y.dtick, y.tickformat, list(y.range)) == (0.01, ".0%", [0.0, 0.04])
    assert y.title.text == "返工率（局部放大）" and rules(fig) == []


def test_grammar002_rates_on_0_to_100_and_bars_from_zero() -> None:
    fig = new_figure()
    fig.add_bar(y=["张村镇", "羊亭镇"], x=[0.82, 0.97], orientation="h", name="按期结案率")
    fig.update_layout(xaxis={"tickformat": ".0%", "range": [0.72, 1.02], "title": "按期结案率"})
    grammar.apply(fig, "zh")
    assert list(fig.layout.xaxis.range) == [0.0, 1.02]  # an explicit range keeps its top, its bars start at 0
    fig2 = new_figure()
    fig2.add_bar(x=["张村镇"], y=[0.82], name="按期结案率")
    fig2.update_layout(yaxis={"tickformat": ".0%", "title": "按期结案率"})
    grammar.apply(fig2, "zh")
    assert (list(fig2.layout.yaxis.range), fig2.layout.yaxis.dtick) == ([0.0, 1.02], 0.2)


def test_grammar003_counts_get_whole_ticks() -> None:
    # 0–2 cases: 2 / 5 = 0.4 rounds up to a 0.5 step, which "," would write 0, 1, 1, 2, 2; counts step by 1
    fig = new_figure()
    fig.add_bar(x=["张村镇"], y=[2], name="立案数")
    fig.update_layout(yaxis_title="件")
    grammar.apply(fig, "zh")
    assert (fig.layout.yaxis.dtick, fig.layout.yaxis.tickformat) == (1, ",")
    assert rules(fig) == []


def test_grammar004_text_ids_become_categories() -> None:
    fig = new_figure()
    fig.add_bar(x=["371002001003004", "371002001003007"], y=[3, 4], name="立案数")
    fig.update_layout(yaxis_title="件")
    assert rules(fig) == ["id_numeric"]
    grammar.apply(fig, "zh")
    assert fig.layout.xaxis.type == "category" and rules(fig) == []


def test_grammar005_partial_last_month_hatched_and_dashed() -> None:
    # data ends 2026-12-03: December is partial, November is whole
    months = [dt.date(2026, 10, 1), dt.date(2026, 11, 1), dt.date(2026, 12, 1)]
    fig = new_figure(grain="month")
    fig.add_bar(x=months, y=[50, 48, 6], name="立案数", marker_color="#4c78a8")
    fig.add_scatter(x=months, y=[40, 45, 5], name="结案数", mode="lines+markers", line_color="#54a24b",
                    customdata=[["a"], ["b"], ["c"]])
    fig.update_layout(yaxis_title="件")
    grammar.apply(fig, "zh", dt.date(2026, 12, 3))
    assert list(fig.data[0].marker.pattern.shape) == ["", "", "/"]
    assert list(fig.data[1].x) == months[:2] and list(fig.data[1].customdata) == [["a"], ["b"]]
    dashed = fig.data[2]  # November to December, dashed, same colour, out of the legend
    assert (list(dashed.x), dashed.line.dash, dashed.line.color, dashed.showlegend) == (
        months[1:], "dash", "#54a24b", False)
    assert [a.text for a in fig.layout.annotations] == ["不完整"] and fig.layout.meta["partial"] == ["2026-12-01"]
    whole = new_figure(grain="month")
    whole.add_bar(x=months, y=[50, 48, 6], name="立案数")
    grammar.apply(whole, "en", dt.date(2026, 12, 31))  # the month's last day: whole
    assert whole.data[0].marker.pattern.shape is None and not whole.layout.annotations
    # a year's plan line runs to December: with data to 10-15 only October is partial, Nov and Dec are future
    plan = new_figure(grain="month")
    plan.add_scatter(x=months, y=[70, 75, 80], name="年度计划", mode="lines", line_color="#333333")
    grammar.apply(plan, "zh", dt.date(2026, 10, 15))
    assert plan.layout.meta["partial"] == ["2026-10-01"] and len(plan.layout.annotations) == 1


def test_grammar006_partial_week_boundary() -> None:
    # ISO week of Monday 2023-06-12 ends Sunday 06-18: data to the 18th is whole, to the 17th partial
    weeks = [dt.date(2023, 6, 5), dt.date(2023, 6, 12)]
    for last, shapes in ((dt.date(2023, 6, 18), None), (dt.date(2023, 6, 17), ["", "/"])):
        fig = new_figure(grain="week")
        fig.add_bar(x=weeks, y=[5, 6], name="立案数")
        grammar.apply(fig, "zh", last)
        got = fig.data[0].marker.pattern.shape
        assert (None if got is None else list(got)) == shapes
