"""Unit tests of warehouse.scoring with hand-computed expectations: scores, statuses, ties, composites, points
mode, explanations that add up exactly, and forecasts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.scoring_text import forecast_sentence, formula_text
from warehouse import scoring as s

MAR = dt.date(2023, 3, 1)
APR = dt.date(2023, 4, 1)
ON, CLOSE, REWORK, NEW = "dcm.on_time_due_rate", "dcm.close_rate", "dcm.rework_rate", "demolition.new_found"


def _row(town: str, ind: str, num: float, den: float | None, start: dt.date = MAR, **extra: object) -> dict:
    value = num if den is None else (num / den if den else float("nan"))
    return {"town_code": town, "period_start": pd.Timestamp(start), "indicator": ind, "numerator": float(num),
            "denominator": float("nan") if den is None else float(den), "value": value, **extra}


def _values(*rows: dict) -> pd.DataFrame:
    return pd.DataFrame(list(rows))


def _targets(*rows: tuple[str, str | None, float, str]) -> pd.DataFrame:
    return pd.DataFrame([{"indicator": i, "town_code": t, "target": v, "direction": d} for i, t, v, d in rows])


TARGETS = _targets((ON, None, 0.9, "higher"), (REWORK, None, 0.05, "lower"), (NEW, None, 0.0, "lower"))
LOOSE = s.ScoringParams(min_denominator=1)


def _one(df: pd.DataFrame, town: str, ind: str, start: dt.date = MAR) -> pd.Series:
    return df[(df.town_code == town) & (df.indicator == ind) & (df.period_start == pd.Timestamp(start))].iloc[0]


# --- single scores -----------------------------------------------------------------------------------------


def test_rank001_score_is_ratio_inverted_when_lower_and_capped() -> None:
    assert s.indicator_score(0.9, 0.95, "higher") == pytest.approx(0.9 / 0.95)
    assert s.indicator_score(0.04, 0.02, "lower") == pytest.approx(0.5)  # target ÷ value
    assert s.indicator_score(0.01, 0.02, "lower") == 1.25  # 2.0, capped
    assert s.indicator_score(1.5, 1.0, "higher") == 1.25
    assert s.indicator_score(1.5, 1.0, "higher", cap=2.0) == 1.5
    assert s.indicator_score(0.0, 0.02, "lower") == 1.25  # none at all beats any positive target
    assert s.indicator_score(0.0, 0.0, "lower") == 1.0  # 动态清零 met exactly
    assert s.indicator_score(2.0, 0.0, "lower") == 0.0
    assert s.indicator_score(0.0, 0.9, "higher") == 0.0
    assert pd.isna(s.indicator_score(float("nan"), 0.9, "higher"))
    assert pd.isna(s.indicator_score(0.9, None, "higher"))


def test_rank002_status_bands_green_amber_red_grey() -> None:
    p = s.ScoringParams()
    assert s.indicator_status(0.9, 0.9, "higher", 10, "rate", p) == "green"  # meets exactly
    assert s.indicator_status(0.81, 0.9, "higher", 10, "rate", p) == "amber"  # 0.9 × 0.9 = 0.81: within 10%
    assert s.indicator_status(0.8, 0.9, "higher", 10, "rate", p) == "red"
    assert s.indicator_status(0.022, 0.02, "lower", 10, "rate", p) == "amber"  # 0.02 × 1.1
    assert s.indicator_status(0.023, 0.02, "lower", 10, "rate", p) == "red"
    assert s.indicator_status(1.0, 0.9, "higher", 4, "rate", p) == "grey"  # 4 < min_denominator 5
    assert s.indicator_status(None, 0.9, "higher", 0, "rate", p) == "grey"
    assert s.indicator_status(3, 0, "lower", None, "count", p) == "red"  # counts need no denominator
    assert s.indicator_status(0.95, None, "higher", 10, "rate", p) is None  # no target


# --- score_indicators and ranks --------------------------------------------------------------------------------


def test_rank003_ties_share_the_best_rank_and_grey_is_not_ranked() -> None:
    v = _values(
        _row("A", ON, 18, 20), _row("B", ON, 27, 30), _row("C", ON, 8, 10),  # 0.9, 0.9, 0.8
        _row("D", ON, 3, 3),  # 100% of 3 cases: tiny denominator
        _row("E", ON, 0, 0),  # no cases due
    )
    df = s.score_indicators(v, TARGETS)
    got = {t: _one(df, t, ON) for t in "ABCDE"}
    assert [got[t].score for t in "ABC"] == pytest.approx([1.0, 1.0, 0.8 / 0.9])
    assert [got[t]["rank"] for t in "ABC"] == [1, 1, 3]
    assert [got[t].status for t in "ABC"] == ["green", "green", "red"]  # 0.8 < 0.9 × 0.9
    d = got["D"]
    assert d.status == "grey" and not d.certain and pd.isna(d["rank"])
    assert d.score == pytest.approx(1 / 0.9)  # shown for information, never ranked as if certain
    e = got["E"]
    assert e.status == "grey" and pd.isna(e.value) and pd.isna(e.score) and pd.isna(e["rank"])
    assert got["A"].ranked_of == 3


def test_rank004_lower_is_better_ranks_the_smallest_first() -> None:
    v = _values(_row("A", REWORK, 1, 50), _row("B", REWORK, 4, 40), _row("C", REWORK, 0, 10),
                _row("A", NEW, 0, None), _row("B", NEW, 2, None))
    df = s.score_indicators(v, TARGETS)
    a, b, c = (_one(df, t, REWORK) for t in "ABC")
    assert (a.value, a.score) == (pytest.approx(0.02), 1.25)  # target ÷ value = 0.05 ÷ 0.02 = 2.5, capped at 1.25
    assert (a.score, b.score, c.score) == (1.25, pytest.approx(0.5), 1.25)
    assert (a["rank"], c["rank"], b["rank"]) == (1, 1, 3)
    assert (a.status, b.status) == ("green", "red")
    assert _one(df, "A", NEW).score == 1.0 and _one(df, "A", NEW).status == "green"
    assert _one(df, "B", NEW).score == 0.0 and _one(df, "B", NEW).status == "red"


def test_rank005_missing_target_gives_no_score_and_no_status() -> None:
    v = _values(_row("A", ON, 9, 10), _row("A", "village.rectified_rate", 9, 10),
                _row("A", "refined.rectified_rate", 1, 2))  # no target and too few: still not against coverage
    df = s.score_indicators(v, TARGETS)
    r = _one(df, "A", "village.rectified_rate")
    assert pd.isna(r.target) and pd.isna(r.score) and pd.isna(r.status) and pd.isna(r["rank"])
    assert r.direction == "higher"  # the registry's default
    comp = s.composite(df)
    assert comp.iloc[0].composite == 1.0 and comp.iloc[0].n_scored == 1 and comp.iloc[0].coverage == 1.0
    assert comp.iloc[0].n_indicators == 1 and not comp.iloc[0].provisional
    ex = s.explain("A", MAR, df, comp)
    assert ("village.rectified_rate", "no target") in ex.left_out


def test_rank006_targets_town_before_district_shortest_period_and_prorated_counts() -> None:
    targets = pd.DataFrame([
        {"indicator": ON, "town_code": None, "period_type": "year", "period": "2023", "target": 0.9,
         "direction": "higher", "period_start": dt.date(2023, 1, 1), "period_end": dt.date(2023, 12, 31)},
        {"indicator": ON, "town_code": None, "period_type": "month", "period": "2023-03", "target": 0.92,
         "direction": "higher", "period_start": MAR, "period_end": dt.date(2023, 3, 31)},
        {"indicator": ON, "town_code": "B", "period_type": "year", "period": "2023", "target": 0.95,
         "direction": "higher", "period_start": dt.date(2023, 1, 1), "period_end": dt.date(2023, 12, 31)},
        {"indicator": "demolition.stock_count", "town_code": None, "period_type": "year", "period": "2023",
         "target": 73.0, "direction": "higher", "period_start": dt.date(2023, 1, 1),
         "period_end": dt.date(2023, 12, 31)},
    ])
    end = {"period_end": pd.Timestamp(2023, 3, 31)}
    v = _values(_row("A", ON, 9, 10, **end), _row("B", ON, 9, 10, **end),
                _row("A", "demolition.stock_count", 5, None, **end))
    df = s.score_indicators(v, targets)
    a, b = _one(df, "A", ON), _one(df, "B", ON)
    assert (a.target, a.target_scope, a.target_period) == (0.92, "district", "2023-03")  # the month's
    assert (b.target, b.target_scope) == (0.95, "town")  # the town's own, even for a longer period
    stock = _one(df, "A", "demolition.stock_count")
    assert stock.target == pytest.approx(73 * 31 / 365) and stock.target_prorated  # a count: pro-rated by days
    assert not a.target_prorated  # a rate never is


# --- composite ---------------------------------------------------------------------------------------------


def _two_indicator_scores(params: s.ScoringParams = LOOSE) -> pd.DataFrame:
    # X: on-time 9/10 (score 1.0), rework 1/10 = 0.1 vs 0.05 (score 0.5); Y: 8/10 (0.888…), 0/10 (1.25)
    v = _values(_row("X", ON, 9, 10), _row("X", REWORK, 1, 10), _row("Y", ON, 8, 10), _row("Y", REWORK, 0, 10))
    return s.score_indicators(v, TARGETS, params)


def test_rank007_composite_equal_and_configured_weights() -> None:
    scored = _two_indicator_scores()
    comp = s.composite(scored, params=LOOSE).set_index("town_code")
    assert comp.loc["X", "composite"] == 0.75  # (1.0 + 0.5) / 2
    assert comp.loc["Y", "composite"] == round((8 / 9 + 1.25) / 2, 3)  # 1.069
    assert (comp.loc["Y", "rank"], comp.loc["X", "rank"]) == (1, 2)
    assert (comp.loc["X", "status"], comp.loc["Y", "status"]) == ("red", "green")
    weighted = s.composite(scored, weights={ON: 3, REWORK: 1}, params=LOOSE).set_index("town_code")
    assert weighted.loc["X", "composite"] == 0.875  # (3 × 1.0 + 1 × 0.5) / 4
    only = s.composite(scored, weights={ON: 1}, params=LOOSE).set_index("town_code")
    assert only.loc["X", "composite"] == 1.0 and only.loc["X", "n_indicators"] == 1


def test_rank008_composite_grey_lowers_coverage_and_can_drop_the_rank() -> None:
    v = _values(_row("X", ON, 9, 10), _row("X", REWORK, 0, 2), _row("Y", ON, 10, 10), _row("Y", REWORK, 0, 10))
    scored = s.score_indicators(v, TARGETS)  # X's rework: 2 cases < 5 → grey
    comp = s.composite(scored).set_index("town_code")
    x = comp.loc["X"]
    assert (x.composite, x.coverage, x.provisional, x.n_grey) == (1.0, 0.5, True, 1)
    assert x["rank"] == 2 and comp.loc["Y", "rank"] == 1  # Y: (1.111 + 1.25)/2
    strict = s.composite(scored, params=s.ScoringParams(min_coverage=0.75)).set_index("town_code")
    assert strict.loc["X", "status"] == "grey" and pd.isna(strict.loc["X", "rank"])
    assert strict.loc["Y", "ranked_of"] == 1


def test_rank009_composite_ties_and_rank_change_against_the_previous_period() -> None:
    v = _values(
        _row("A", ON, 9, 10), _row("B", ON, 18, 20), _row("C", ON, 7, 10),
        _row("A", ON, 7, 10, APR), _row("B", ON, 9, 10, APR), _row("C", ON, 10, 10, APR),
    )
    comp = s.composite(s.score_indicators(v, TARGETS, LOOSE), params=LOOSE)
    mar = comp[comp.period_start == pd.Timestamp(MAR)].set_index("town_code")
    apr = comp[comp.period_start == pd.Timestamp(APR)].set_index("town_code")
    assert mar["rank"].to_dict() == {"A": 1, "B": 1, "C": 3}
    assert mar["rank_change"].isna().all()
    assert apr["rank"].to_dict() == {"C": 1, "B": 2, "A": 3}
    assert apr["prev_rank"].to_dict() == {"C": 3, "B": 1, "A": 1}
    assert apr["rank_change"].to_dict() == {"C": 2, "B": -1, "A": -2}


# --- points mode -------------------------------------------------------------------------------------------


def _dcm_values(town: str, due: int, on_time: int, closed: int, reworked: int) -> list[dict]:
    return [_row(town, ON, on_time, due), _row(town, CLOSE, closed, due), _row(town, REWORK, reworked, due)]


def test_rank010_points_mode_deductions_caps_and_ranks() -> None:
    v = _values(*_dcm_values("A", 20, 17, 18, 3),  # 85%: −10; 90% closed: −5; 3 reworked: −3 → 82
                *_dcm_values("B", 20, 20, 20, 0),  # 100
                *_dcm_values("C", 20, 10, 10, 30),  # −60 (cap; 80), −20 (cap; 45), −20 (cap; 30) → 0
                *_dcm_values("D", 4, 4, 4, 0))  # 100 but on 4 cases: provisional, not ranked
    totals = s.points_mode(v).set_index("town_code")
    assert totals.loc["A", "points"] == 82.0 and totals.loc["A", "deducted"] == 18.0
    assert totals.loc["B", "points"] == 100.0 and totals.loc["C", "points"] == 0.0
    assert totals.loc["C", "full_points"] == 100.0 and totals.loc["C", "deducted"] == 100.0
    assert totals.loc[["B", "A", "C"], "rank"].tolist() == [1, 2, 3] and pd.isna(totals.loc["D", "rank"])
    assert bool(totals.loc["D", "provisional"]) and totals.loc["B", "ranked_of"] == 3
    lines = s.points_lines(v)
    a = lines[lines.town_code == "A"].set_index("rule")["amount"].to_dict()
    assert a == {"base": 100.0, "on_time": -10.0, "close": -5.0, "rework": -3.0}


def test_rank011_points_rules_are_data_and_floor_at_zero() -> None:
    rules = pd.DataFrame([
        {"item": "演示", "rule": "base", "rule_zh": "基础分", "rule_en": "base", "indicator": None, "measure": None,
         "kind": "base", "threshold": None, "points": 10, "max_points": None},
        {"item": "演示", "rule": "rework", "rule_zh": "返工", "rule_en": "rework", "indicator": REWORK,
         "measure": "numerator", "kind": "per_unit_above", "threshold": 0, "points": 1, "max_points": None},
        {"item": "演示", "rule": "rate", "rule_zh": "返工率", "rule_en": "rework rate", "indicator": REWORK,
         "measure": "value", "kind": "per_point_above", "threshold": 0.1, "points": 0.5, "max_points": None},
    ])
    v = _values(_row("A", REWORK, 15, 50), _row("B", REWORK, 2, 40))  # A: 30% → −10 −15 = −15 → floor +15
    lines = s.points_lines(v, rules)
    a = lines[lines.town_code == "A"].set_index("rule")["amount"].to_dict()
    assert a == {"base": 10.0, "rework": -15.0, "rate": -10.0, "floor": 15.0}
    totals = s.points_mode(v, rules)
    by_town = totals.set_index("town_code")
    assert by_town.loc["A", "points"] == 0.0 and by_town.loc["B", "points"] == 8.0
    ex = s.explain_points("A", MAR, lines, "演示", totals)
    assert ex.total() == ex.value == Decimal("0.00") and ex.rank == 2
    assert s.default_rules().query("kind == 'base'").points.iloc[0] == 100


# --- explain -------------------------------------------------------------------------------------------------


def test_rank012_explain_composite_contributions_sum_exactly() -> None:
    scored = _two_indicator_scores()
    comp = s.composite(scored, params=LOOSE)
    ex = s.explain("X", MAR, scored, comp, params=LOOSE)
    assert ex.value == Decimal("0.750") and ex.rank == 2 and ex.ranked_of == 2
    assert [(c.key, c.amount) for c in ex.contributions] == [(ON, Decimal("0.500")), (REWORK, Decimal("0.250"))]
    assert ex.total() == ex.value
    y = s.explain("Y", MAR, scored, comp, params=LOOSE)  # 8/9/2 = 0.4444…, 1.25/2 = 0.625 → 1.069
    assert y.total() == y.value == Decimal("1.069")
    assert [c.amount for c in y.contributions] == [Decimal("0.444"), Decimal("0.625")]
    wf = y.waterfall()
    assert wf["end"].iloc[-1] == pytest.approx(1.069) and wf["start"].iloc[1] == pytest.approx(0.444)


def test_rank013_explain_indicator_formula_exclusions_and_cap() -> None:
    v = _values(_row("X", REWORK, 1, 100, excl_void=2, excl_deferred=1, excl_hung=3),
                _row("X", ON, 95, 100, excl_void=2, excl_deferred=1, excl_hung=3))
    scored = s.score_indicators(v, TARGETS)
    ex = s.explain("X", MAR, scored, indicator=REWORK)
    assert (ex.numerator, ex.denominator, ex.target, ex.direction) == (1.0, 100.0, 0.05, "lower")
    assert ex.exclusions == {"作废": 2, "缓办": 1, "挂账": 3}
    assert "返工率" in formula_text(ex, "zh") and "target ÷ value" in formula_text(ex, "en")
    # 0.05 / 0.01 = 5, capped at 1.25: a 5.000 bar and a −3.750 cap bar
    assert [(c.key, c.amount) for c in ex.contributions] == [("ratio", Decimal("5.000")), ("cap", Decimal("-3.750"))]
    assert ex.total() == ex.value == Decimal("1.250")
    on = s.explain("X", MAR, scored, indicator=ON)
    assert on.value == Decimal("1.056") and on.total() == on.value  # 0.95 / 0.9
    comp_ex = s.explain("X", MAR, scored)
    assert comp_ex.exclusions == {"作废": 2, "缓办": 1, "挂账": 3}
    with pytest.raises(KeyError):
        s.explain("nobody", MAR, scored)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 60), st.integers(1, 60), st.integers(1, 5)), min_size=1, max_size=7),
       st.integers(1, 5))
def test_rank014_explain_sums_exactly_for_any_scores_and_weights(parts: list[tuple[int, int, int]],
                                                                 decimals: int) -> None:
    keys = [f"k{i}.rate" for i in range(len(parts))]
    v = _values(*(_row("T", k, min(n, d), d) for k, (n, d, _) in zip(keys, parts, strict=True)))
    targets = _targets(*((k, None, 0.7, "higher") for k in keys))
    params = s.ScoringParams(min_denominator=1, decimals=decimals)
    weights = {k: w for k, (_, _, w) in zip(keys, parts, strict=True)}
    scored = s.score_indicators(v, targets, params)
    comp = s.composite(scored, weights, params)
    ex = s.explain("T", MAR, scored, comp, weights=weights, params=params)
    assert ex.total() == ex.value
    assert ex.value == Decimal(str(comp.iloc[0].composite)).quantize(Decimal(1).scaleb(-decimals))


def test_rank015_allocate_hands_remainders_to_the_largest() -> None:
    from fractions import Fraction

    thirds = [Fraction(1, 3)] * 3
    assert s.allocate(thirds, Decimal("1.00"), 2) == [Decimal("0.34"), Decimal("0.33"), Decimal("0.33")]
    with pytest.raises(ValueError):
        s.allocate(thirds, Decimal("2.00"), 2)


# --- forecast ------------------------------------------------------------------------------------------------

JUNE = {"period_start": dt.date(2023, 6, 1), "period_end": dt.date(2023, 6, 30)}


def test_rank016_forecast_needs_14_more_on_time_closures() -> None:
    # 40 of 40 due cases closed on time by day 20 of 30: 20 more expected; 90% of 60 = 54 → 14 more
    f = s.forecast(40, 40, 0.9, as_of=dt.date(2023, 6, 20), indicator=ON, **JUNE)
    assert (f.elapsed_days, f.total_days, f.expected_remaining) == (20, 30, 20)
    assert f.projected_denominator == 60 and f.projected_numerator == 60 and f.value_now == 1.0
    assert f.needed == 14 and f.allowance is None and f.on_track
    assert forecast_sentence(f, "en").startswith("needs 14 more on-time closures to reach 90%")
    assert forecast_sentence(f, "zh").startswith("还需14件按期结案才能达到90%")


def test_rank017_forecast_secured_unreachable_and_lower_is_better() -> None:
    done = s.forecast(58, 60, 0.9, as_of=dt.date(2023, 6, 30), indicator=ON, **JUNE)
    assert done.needed == 0 and done.expected_remaining == 0 and "secured" in forecast_sentence(done, "en")
    lost = s.forecast(20, 40, 0.9, as_of=dt.date(2023, 6, 20), indicator=ON, **JUNE)
    assert lost.needed is None and not lost.on_track and forecast_sentence(lost, "en").startswith("cannot reach 90%")
    # rework: 1 of 40 so far, 20 more expected: 5% of 60 = 3 → at most 2 more
    rw = s.forecast(1, 40, 0.05, as_of=dt.date(2023, 6, 20), indicator=REWORK, **JUNE)
    assert rw.allowance == 2 and rw.needed is None
    assert forecast_sentence(rw, "en").startswith("at most 2 more reworked cases")
    over = s.forecast(4, 40, 0.05, as_of=dt.date(2023, 6, 20), indicator=REWORK, **JUNE)
    assert over.allowance is None and forecast_sentence(over, "en").startswith("already beyond")
    empty = s.forecast(0, 0, 0.9, as_of=dt.date(2023, 6, 20), indicator=ON, **JUNE)
    assert empty.needed is None and forecast_sentence(empty, "en") == "no data in this period yet"
    given = s.forecast(40, 40, 0.9, as_of=dt.date(2023, 6, 20), indicator=ON, expected_remaining=10, **JUNE)
    assert given.needed == 5  # 0.9 × 50 − 40


def test_rank018_forecast_counts() -> None:
    year = {"period_start": dt.date(2023, 1, 1), "period_end": dt.date(2023, 12, 31)}
    f = s.forecast(30, None, 80, as_of=dt.date(2023, 5, 31), indicator="demolition.stock_count", direction="higher",
                   kind="count", **year)
    assert f.elapsed_days == 151 and f.projected_value == pytest.approx(30 * 365 / 151)
    assert f.needed == 50 and f.on_track is False and "50" in forecast_sentence(f, "en")
    zero = s.forecast(0, None, 0, as_of=dt.date(2023, 5, 31), indicator=NEW, **year)
    assert zero.allowance == 0 and zero.on_track
    assert forecast_sentence(zero, "en").startswith("at most 0 more new illegal")
    broke = s.forecast(1, None, 0, as_of=dt.date(2023, 5, 31), indicator=NEW, **year)
    assert broke.allowance is None and forecast_sentence(broke, "zh").startswith("已超出目标0")


def test_rank021_forecast_all_rows_of_the_current_period() -> None:
    end = {"period_end": pd.Timestamp(2023, 6, 30)}
    v = _values(_row("A", ON, 40, 40, dt.date(2023, 6, 1), **end), _row("A", NEW, 1, None, dt.date(2023, 6, 1), **end),
                _row("A", ON, 9, 10, MAR, period_end=pd.Timestamp(2023, 3, 31)))
    scored = s.score_indicators(v, TARGETS)
    f = s.forecast_all(scored, dt.date(2023, 6, 20)).set_index("indicator")
    assert list(f.index) == [ON, NEW]  # March is over: not forecast
    assert f.loc[ON, "needed"] == 14 and f.loc[ON, "expected_remaining"] == 20
    assert pd.isna(f.loc[NEW, "allowance"])
    assert forecast_sentence(f.loc[NEW].to_dict() | {"indicator": NEW}, "en").startswith("already beyond")


# --- periods and fairness ------------------------------------------------------------------------------------


def test_rank019_periods() -> None:
    d = dt.date(2023, 5, 3)
    assert s.period_of("week", d) == (dt.date(2023, 5, 1), dt.date(2023, 5, 7))
    assert s.period_of("month", d) == (dt.date(2023, 5, 1), dt.date(2023, 5, 31))
    assert s.period_of("quarter", d) == (dt.date(2023, 4, 1), dt.date(2023, 6, 30))
    assert s.period_of("year", d) == (dt.date(2023, 1, 1), dt.date(2023, 12, 31))
    assert s.previous_period("month", dt.date(2023, 1, 15)) == (dt.date(2022, 12, 1), dt.date(2022, 12, 31))
    assert s.previous_period("quarter", d) == (dt.date(2023, 1, 1), dt.date(2023, 3, 31))
    with pytest.raises(ValueError):
        s.period_of("fortnight", d)


def test_rank020_per_size_beside_raw_counts() -> None:
    v = _values(_row("A", NEW, 3, None), _row("A", ON, 9, 10))
    towns = pd.DataFrame([{"town_code": "A", "population": 30000, "road_km": 60.0}])
    df = s.per_size(v, towns).set_index("indicator")
    assert df.loc[NEW, "volume"] == 3 and df.loc[NEW, "volume_per_10k"] == pytest.approx(1.0)
    assert df.loc[NEW, "volume_per_100km"] == pytest.approx(5.0)
    assert df.loc[ON, "volume"] == 10  # a rate's size is its denominator
