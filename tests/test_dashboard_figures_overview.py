"""The overview's figure builders: DataFrame in, figure (or SVG text) out — no browser, no warehouse."""

from __future__ import annotations

import pandas as pd

from dashboard.figures import overview as fig
from dashboard.figures.theme import STATUS_COLORS, is_empty_figure


def _towns(values: list[float | None]) -> pd.DataFrame:
    codes = ["371002001", "371002002", "371002003"]
    return pd.DataFrame(
        {
            "town_code": codes,
            "town_name": ["环翠楼街道", "鲸园街道", "竹岛街道"],
            "value": values,
            "target": [0.95] * 3,
            "status": ["green", "amber", None],
            "n": [40, 30, 2],
        }
    )


def test_dfig001_town_bars_carry_drill_keys_status_colours_and_target() -> None:
    f = fig.town_rate_bars(_towns([0.97, 0.9, None]), "zh", "按期结案率")
    bar = f.data[0]
    assert f.layout.meta["drill"] == "town"
    assert [c[0] for c in bar.customdata] == ["371002003", "371002002", "371002001"]  # first town on top
    assert list(bar.y) == ["竹岛街道", "鲸园街道", "环翠楼街道"]
    assert bar.marker.color[-1] == STATUS_COLORS["green"] and bar.marker.color[1] == STATUS_COLORS["amber"]
    assert "%{x:.1%}" in bar.hovertemplate and "目标" in bar.hovertemplate
    assert any(s.x0 == 0.95 for s in f.layout.shapes)
    en = fig.town_rate_bars(_towns([0.97, 0.9, 0.5]), "en", "On-time closure rate")
    assert list(en.data[0].y) == ["Zhudao", "Jingyuan", "Huancuilou"]


def test_dfig002_empty_input_gives_a_sentence_not_axes() -> None:
    assert is_empty_figure(fig.town_rate_bars(_towns([None, None, None]), "zh", "x"))
    empty = pd.DataFrame(columns=["period", "indicator", "value"])
    f = fig.filed_closed_trend(empty, "en", {"dcm.filed": "Filed"})
    assert is_empty_figure(f) and f.layout.xaxis.visible is False
    assert is_empty_figure(fig.assessment_ranks(pd.DataFrame(columns=["period_start", "item", "rank"]), "zh"))


def test_dfig003_trend_lines_and_ranks() -> None:
    df = pd.DataFrame(
        {
            "period": pd.to_datetime(["2023-01-01", "2023-02-01"] * 2),
            "indicator": ["dcm.filed"] * 2 + ["dcm.closed"] * 2,
            "value": [10, 12, 9, 11],
        }
    )
    f = fig.filed_closed_trend(df, "zh", {"dcm.filed": "立案数", "dcm.closed": "结案数"})
    assert [t.name for t in f.data] == ["立案数", "结案数"] and f.data[0].customdata[0][0] == "2023-01-01"
    assert "件" in f.data[0].hovertemplate
    ranks = pd.DataFrame(
        {"period_start": pd.to_datetime(["2023-01-01", "2023-02-01"]), "item": ["数字城管"] * 2, "rank": [1, 3]}
    )
    r = fig.assessment_ranks(ranks, "zh")
    assert r.layout.yaxis.autorange == "reversed" and "第%{y}名" in r.data[0].hovertemplate


def test_dfig004_sparkline_svg() -> None:
    svg = fig.sparkline_svg(pd.DataFrame({"period": [1, 2, 3], "value": [1.0, None, 3.0]}))
    assert svg.startswith("<svg") and svg.count("polyline") == 1
    assert fig.sparkline_svg(pd.DataFrame({"period": [1], "value": [1.0]})) == ""
    assert len(fig.sparkline(pd.DataFrame({"period": [1, 2], "value": [1, 2]})).data) == 1
