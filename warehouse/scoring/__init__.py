"""Town scoring for the rankings page (issue 5): pure pandas and exact arithmetic, no database.

Two scoring modes over the values of ``warehouse.queries.rankings.town_values`` (one row per town, period and
indicator: numerator, denominator, value):

* **ratio mode** (Boston CityScore style): ``score_indicators`` gives each indicator's score = value / target
  (target / value where lower is better), capped at ``ScoringParams.cap``, and a status — green (meets),
  amber (within ``amber_band`` of the target), red, grey (too little data: a rate whose denominator is below
  ``min_denominator``; scored for information but neither ranked nor counted in the composite), or None (no
  target). ``composite`` combines them per town with weights (equal by default) over the certain scores,
  ranks towns with ties ('min' method, judged at the displayed precision) and gives the rank change against
  the previous period. A composite missing some grey indicators is ranked but ``provisional`` (show it as
  such); one with less than ``min_coverage`` of the weight is grey and not ranked.
* **points mode** (the city's digital urban management assessment style): ``points_lines`` / ``points_mode``
  start from full points and deduct per percentage point below a threshold rate and per counted case; the
  rules are data (``warehouse/reference/assessment_rules.csv``, demo parameters, not an official document).

``explain`` / ``explain_points`` say how a score came about: formula, numerator, denominator, exclusions
(作废/缓办/挂账) and contributions that add up to the displayed score *exactly* (``Decimal``; rounding
remainders go to the largest remainders). ``forecast`` (``forecast_all`` for a scored frame) projects an
indicator to the period end at the current pace and says what it takes to reach the target. ``per_size`` puts
volumes beside population and road length.

DataFrame columns
-----------------
values (input): town_code, period_start, indicator, numerator, denominator (NaN for counts), value; optional
    grain, period_end (inclusive), town_name, town_sort, population, road_km, excl_void, excl_deferred, excl_hung.
targets (input): indicator, town_code (NaN/None = the whole district), target, direction ('higher'/'lower');
    optional basis, period_type, period, period_start, period_end (inclusive; with them, a target applies to
    the values periods it covers: the town's own before the district's, the shortest period first; a count
    target of a longer period is pro-rated by days).
``score_indicators`` → the values columns + target, direction, basis, target_scope ('town'/'district'),
    target_period, target_prorated, score, status, certain, rank (Int64; among certain scores of the
    indicator and period, ties share the best rank), ranked_of.
``composite`` → town_code, period_start, [town_name, town_sort], composite, n_indicators (weighted, with a
    target), n_scored (certain, in the composite), n_grey, coverage (certain share of the weight), provisional,
    status, rank (Int64), ranked_of, prev_rank (Int64), rank_change (Int64, > 0 = up).
``points_lines`` → town_code, period_start, item, kind (base/deduction/floor), rule, rule_zh, rule_en,
    indicator, measured, denominator, amount (points: + full points, − deductions, + floor back to 0), certain.
``points_mode`` → town_code, period_start, item, points, full_points, deducted, provisional, rank (Int64),
    ranked_of, prev_rank, rank_change.
``forecast_all`` → town_code, period_start, indicator, value_now, projected_value, expected_remaining, target,
    needed, allowance, on_track, message, kind (words and numbers as text: dashboard.scoring_text).
``per_size`` → the values columns + volume, volume_per_10k, volume_per_100km.
"""

from warehouse.scoring.common import (
    _EPS,
    DEFAULT_PARAMS,
    EXCLUSION_COLUMNS,
    GRAINS,
    RANKED,
    Grain,
    RankedIndicator,
    ScoringParams,
    allocate,
    indicator_meta,
    period_of,
    previous_period,
)
from warehouse.scoring.explain import Contribution, Explanation, explain, explain_points
from warehouse.scoring.forecast import Forecast, forecast, forecast_all
from warehouse.scoring.points import default_rules, points_lines, points_mode
from warehouse.scoring.ratio import (
    composite,
    indicator_score,
    indicator_status,
    per_size,
    resolve_targets,
    score_indicators,
)

__all__ = [
    "DEFAULT_PARAMS",
    "EXCLUSION_COLUMNS",
    "GRAINS",
    "RANKED",
    "_EPS",
    "Contribution",
    "Explanation",
    "Forecast",
    "Grain",
    "RankedIndicator",
    "ScoringParams",
    "allocate",
    "composite",
    "default_rules",
    "explain",
    "explain_points",
    "forecast",
    "forecast_all",
    "indicator_meta",
    "indicator_score",
    "indicator_status",
    "per_size",
    "period_of",
    "points_lines",
    "points_mode",
    "previous_period",
    "resolve_targets",
    "score_indicators",
]
