"""The /rankings figure builders: pure frames in, figures out (no warehouse needed)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pandas as pd
import pytest

from dashboard import format as fmt
from dashboard.figures import rankings as fr
from dashboard.figures.theme import STATUS_COLORS, is_empty_figure
from warehouse import scoring

TOWNS = ("371002001", "371002002", "371002003")
COUNT = next(k for k, m in scoring.RANKED.items() if m.kind == "count")  # new illegal construction


def _history() -> pd.DataFrame:
    rows = []
    months = pd.to_datetime(["2023-03-01", "2023-04-01", "2023-05-01"])
    ranks = {"HC": (2, 1, 3), "RC": (1, 2, 1), "WD": (3, 3, 2)}
    for item in ("数字城管", "精致道路"):
        for code, rs in ranks.items():
            for month, rank in zip(months, rs, strict=True):
                rows.append({"period_start": month, "label": f"{month.year}年{month.month}月", "item": item,
                             "unit_code": code, "unit_name": {"HC": "环翠区", "RC": "荣成市", "WD": "文登区"}[code],
                             "is_district": code == "HC", "score": 100.0 - rank, "rank": rank, "units": 3})
    return pd.DataFrame(rows)


def _values() -> pd.DataFrame:
    """Three towns, one month, an on-time rate and a count."""
    rows = []
    for i, town in enumerate(TOWNS):
        base = {"grain": "month", "period_start": pd.Timestamp("2023-05-01"), "period_end": pd.Timestamp("2023-05-31"),
                "town_code": town, "town_name": f"镇{i}", "town_sort": i, "population": 50_000 * (i + 1),
                "road_km": 40.0 * (i + 1)}
        rows.append({**base, "indicator": "dcm.on_time_due_rate", "numerator": 18.0 + i, "denominator": 20.0,
                     "value": (18.0 + i) / 20, "excl_void": 1, "excl_deferred": 0, "excl_hung": 2})
        rows.append({**base, "indicator": COUNT, "numerator": float(3 - i), "denominator": None,
                     "value": float(3 - i), "excl_void": None, "excl_deferred": None, "excl_hung": None})
    return pd.DataFrame(rows)


def _targets() -> pd.DataFrame:
    return pd.DataFrame([
        {"indicator": "dcm.on_time_due_rate", "town_code": None, "target": 0.95, "direction": "higher"},
        {"indicator": COUNT, "town_code": None, "target": 1.0, "direction": "lower"},
    ])


# --- words --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("grain", "zh", "en"),
    [
        ("week", "2023年第22周（05-29—06-04）", "Week 22, 2023 (05-29–06-04)"),
        ("month", "2023年5月", "May 2023"),
        ("quarter", "2023年第二季度", "Q2 2023"),
        ("year", "2023年", "2023"),
    ],
)
def test_rkf001_period_names(grain: str, zh: str, en: str) -> None:
    start = scoring.period_of(grain, dt.date(2023, 5, 31))[0] if grain != "week" else dt.date(2023, 5, 29)
    assert fmt.period(grain, start, "zh", span=True) == zh
    assert fmt.period(grain, pd.Timestamp(start), "en", span=True) == en


def test_rkf002_period_names_reject_unknown_grain() -> None:
    with pytest.raises(ValueError, match="grain"):
        fmt.period("decade", dt.date(2023, 1, 1))


def test_rkf003_values_changes_and_status_classes() -> None:
    assert fmt.by_kind(0.9312, "rate") == "93.1%"
    assert fmt.by_kind(3.0, "count", "zh", "处") == "3 处"
    assert fmt.by_kind(3.0, "count", "en", "处") == "3"
    assert fmt.by_kind(float("nan"), "rate") == "—" and fmt.by_kind(pd.NA, "count") == "—"
    assert fmt.score(1.0344) == "1.034" and fmt.score(None) == "—"
    assert fr.rank_change(2, 5) == ("▲2", "up")
    assert fr.rank_change(-1, 3) == ("▼1", "down")
    assert fr.rank_change(0, 3, "zh") == ("持平", "flat")
    assert fr.rank_change(pd.NA, pd.NA) == ("·", "none")
    assert fr.rank_change(pd.NA, 4) == ("—", "none")  # ranked before, not now
    assert fr.status_class("amber") == "rk-st-amber"
    assert fr.status_class(None) == fr.status_class("bogus") == "rk-st-none"


# --- bump chart -----------------------------------------------------------------------------------------------


def test_rkf004_bump_chart_puts_rank_one_on_top_and_bands_the_goal() -> None:
    fig = fr.bump_chart(_history(), item="精致道路", lang="zh", target_rank=2)
    assert fig.layout.meta["item"] == "精致道路"
    lo, hi = fig.layout.yaxis.range
    assert lo > hi and hi == 0.5 and lo == 3.5  # reversed: 1 on top
    band = fig.layout.shapes[0]
    assert (band.y0, band.y1) == (0.5, 2.5)
    assert any("争一保二" in a.text for a in fig.layout.annotations)
    assert len(fig.data) == 3
    district = [tr for tr in fig.data if tr.name == "环翠区"]
    assert len(district) == 1 and fig.data[-1].name == "环翠区"  # drawn last, on top
    assert district[0].line.width > max(tr.line.width for tr in fig.data if tr.name != "环翠区")
    assert list(district[0].y) == [2, 1, 3]
    assert district[0].customdata[0][0] == "HC"


def test_rkf005_bump_chart_defaults_and_empty() -> None:
    fig = fr.bump_chart(_history(), item="no such item", lang="en")
    assert fig.layout.meta["item"] == "数字城管"  # falls back to the first item
    assert any("top 2" in a.text for a in fig.layout.annotations)
    assert is_empty_figure(fr.bump_chart(_history().iloc[0:0]))


# --- waterfall ------------------------------------------------------------------------------------------------


def test_rkf006_waterfall_of_a_composite_adds_up_exactly() -> None:
    values = _values()
    scored = scoring.score_indicators(values, _targets())
    table = scoring.composite(scored)
    town = TOWNS[0]
    ex = scoring.explain(town, dt.date(2023, 5, 1), scored, table)
    assert ex.total() == ex.value
    fig = fr.waterfall(ex.waterfall(), total=ex.value, lang="zh")
    bars = fig.data[0]
    assert list(bars.measure) == ["relative"] * len(ex.contributions) + ["total"]
    assert sum(Decimal(t) for t in bars.text[:-1]) == Decimal(bars.text[-1]) == ex.value
    assert bars.x[-1] == "合计"
    assert bars.x[0] in ("按期结案率", "新增违建")
    shown = table[table["town_code"] == town]["composite"].iloc[0]
    assert Decimal(bars.text[-1]) == Decimal(f"{shown:.3f}")


def test_rkf007_waterfall_points_and_empty() -> None:
    wf = pd.DataFrame({"key": ["base", "on_time"], "label_zh": ["基础分", "按期扣分"], "label_en": ["Full", "On time"],
                       "amount": [100.0, -2.5], "start": [0.0, 100.0], "end": [100.0, 97.5],
                       "weight": [None, None], "score": [None, None], "status": [None, None]})
    fig = fr.waterfall(wf, total=Decimal("97.50"), lang="en", decimals=2, total_label="Points")
    assert list(fig.data[0].text) == ["+100.00", "-2.50", "97.50"]
    assert list(fig.data[0].x) == ["Full", "On time", "Points"]
    assert fig.data[0].decreasing.marker.color == STATUS_COLORS["red"]
    assert is_empty_figure(fr.waterfall(wf.iloc[0:0], total=0, lang="zh"))


# --- fairness -------------------------------------------------------------------------------------------------


def test_rkf008_per_size_bars_show_raw_and_per_size_side_by_side() -> None:
    fair = scoring.per_size(_values())
    fig = fr.per_size_bars(fair, indicator="dcm.on_time_due_rate", lang="zh", unit="件")
    assert [tr.type for tr in fig.data] == ["bar"] * 3
    assert all(list(tr.y) == list(fig.data[0].y) for tr in fig.data)  # same town order in all three
    raw = dict(zip(fig.data[0].y, fig.data[0].x, strict=True))
    per_10k = dict(zip(fig.data[1].y, fig.data[1].x, strict=True))
    per_km = dict(zip(fig.data[2].y, fig.data[2].x, strict=True))
    assert raw["环翠楼街道"] == 20 and per_10k["环翠楼街道"] == pytest.approx(4.0)
    assert per_km["鲸园街道"] == pytest.approx(25.0)  # 20 due on 80 road-km
    titles = [a.text for a in fig.layout.annotations]
    assert titles == ["总量", "每万人", "每百公里道路"]


def test_rkf009_per_size_bars_highlight_and_empty() -> None:
    fair = scoring.per_size(_values())
    fig = fr.per_size_bars(fair, indicator=COUNT, lang="en", highlight=(TOWNS[1],))
    colors = dict(zip(fig.data[0].customdata, fig.data[0].marker.color, strict=True))
    assert colors[TOWNS[0]] == fr.OTHER_UNIT_COLOR != colors[TOWNS[1]]
    assert "Huancuilou" in fig.data[0].y
    zero = fair.assign(volume=0.0)
    assert is_empty_figure(fr.per_size_bars(zero, indicator=COUNT))
    assert is_empty_figure(fr.per_size_bars(fair, indicator="village.rectified_rate"))


def test_rkf010_long_labels_wrap() -> None:
    assert fr.wrap("短标签", 6) == "短标签"
    assert fr.wrap("按期结案率低于90%每低1个百分点扣2分", 8).count("<br>") == 2
    wrapped = fr.wrap("-2 per percentage point of on-time closure", 16)
    assert wrapped == "-2 per<br>percentage point<br>of on-time<br>closure"
