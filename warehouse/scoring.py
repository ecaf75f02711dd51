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
    needed, allowance, on_track, sentence_zh, sentence_en.
``per_size`` → the values columns + volume, volume_per_10k, volume_per_100km.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from importlib import resources
from typing import Literal

import pandas as pd

from warehouse import indicators as _registry
from warehouse.rules import calendar
from warehouse.rules import status as status_rule
from warehouse.rules import targets as target_rule

Grain = Literal["week", "month", "quarter", "year"]
GRAINS: tuple[str, ...] = ("week", "month", "quarter", "year")
_EPS = 1e-9
EXCLUSION_COLUMNS = {"excl_void": "作废", "excl_deferred": "缓办", "excl_hung": "挂账"}


# --- the indicators that rank towns -------------------------------------------------------------------------


@dataclass(frozen=True)
class RankedIndicator:
    """An indicator of ``mart_town_indicator_day``: kind, default direction and the words that explain it."""

    key: str
    kind: Literal["rate", "count"]
    direction: Literal["higher", "lower"]
    label_zh: str
    label_en: str
    numerator_zh: str
    numerator_en: str
    denominator_zh: str = ""
    denominator_en: str = ""
    noun_zh: str = ""  # what one more unit of the numerator is, for "needs N more …"
    noun_en: str = ""
    unit_zh: str = "件"
    has_exclusions: bool = False  # 作废/缓办/挂账 are left out of the denominator

    def label(self, lang: str = "zh") -> str:
        return self.label_en if lang == "en" else self.label_zh


_DUE_ZH = "应结案数（处置截止时间在期内，不含作废、缓办、挂账）"
_DUE_EN = "cases due (deadline in the period), less 作废/缓办/挂账"
RANKED: dict[str, RankedIndicator] = {
    i.key: i
    for i in (
        RankedIndicator("dcm.on_time_close_rate", "rate", "higher", "按期结案率", "On-time closure rate",
                        "按期结案数", "cases closed by their deadline", _DUE_ZH, _DUE_EN,
                        "按期结案", "on-time closures", "件", True),
        RankedIndicator("dcm.close_rate", "rate", "higher", "结案率", "Closure rate",
                        "已结案数", "cases closed", _DUE_ZH, _DUE_EN, "结案", "closures", "件", True),
        RankedIndicator("dcm.rework_rate", "rate", "lower", "返工率", "Rework rate",
                        "返工案件数（返工次数>0）", "reworked cases (返工次数 > 0)", _DUE_ZH, _DUE_EN,
                        "返工案件", "reworked cases", "件", True),
        RankedIndicator("refined.rectified_rate", "rate", "higher", "不精致问题整改率", "Refined-city problems fixed",
                        "已整改问题数", "problems fixed (已整改)", "期内发现的问题数", "problems found in the period",
                        "整改", "fixes", "处"),
        RankedIndicator("demolition.new_found", "count", "lower", "新增违建", "New illegal construction",
                        "期内发现的新增违建数", "new illegal structures found in the period",
                        noun_zh="新增违建", noun_en="new illegal structures", unit_zh="处"),
        RankedIndicator("village.rectified_rate", "rate", "higher", "数字村居整改率", "Village work orders fixed",
                        "已整改工单数", "work orders fixed (已整改)", "期内派遣的工单数", "work orders dispatched",
                        "整改", "fixes"),
        RankedIndicator("video_ai.five_minute_rate", "rate", "higher", "视频AI五分钟处置率", "Video AI 5-minute rate",
                        "5分钟内到场且到场后5分钟内处置的事件数",
                        "events reached within 5 minutes and handled within 5 minutes of arrival",
                        "期内识别的事件数", "events detected in the period", "5分钟处置", "5-minute responses"),
    )
}


def indicator_meta(key: str) -> RankedIndicator:
    """The ranking indicator ``key``; else built from ``warehouse.indicators`` (else a higher-is-better rate)."""
    if key in RANKED:
        return RANKED[key]
    other = _registry.BY_KEY.get(key)
    if other is not None:
        kind: Literal["rate", "count"] = "rate" if other.kind == "rate" else "count"
        direction: Literal["higher", "lower"] = "lower" if other.direction == "lower" else "higher"
        return RankedIndicator(key, kind, direction, other.label_zh, other.label_en, other.numerator_zh or
                               other.formula_zh, other.numerator_en or other.formula_en, other.denominator_zh,
                               other.denominator_en, other.label_zh, other.label_en, other.unit_zh)
    return RankedIndicator(key, "rate", "higher", key, key, "分子", "numerator", "分母", "denominator")


# --- parameters ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScoringParams:
    """Knobs of ratio mode. ``weights`` maps indicator → weight; empty means every scored indicator weighs 1."""

    cap: float = 1.25
    amber_band: float = status_rule.AMBER_BAND
    min_denominator: int = status_rule.MIN_DENOMINATOR  # a rate with fewer cases is grey: shown, not ranked
    min_coverage: float = 0.5  # share of the weight a town's composite needs from certain scores to be ranked
    decimals: int = 3  # the displayed precision of scores and composites (ties are judged at it)
    weights: Mapping[str, float] = field(default_factory=dict)


DEFAULT_PARAMS = ScoringParams()


# --- periods -----------------------------------------------------------------------------------------------------


period_of = calendar.period_of
previous_period = calendar.previous


# --- exact arithmetic helpers ----------------------------------------------------------------------------------


def _frac(x: float | int | Fraction | Decimal) -> Fraction:
    if isinstance(x, Fraction):
        return x
    if isinstance(x, int | Decimal):
        return Fraction(x)
    return Fraction(repr(float(x)))  # the decimal the float prints as (0.9 → 9/10), not its binary expansion


def _round(x: Fraction, decimals: int) -> Decimal:
    """``x`` rounded half-up to ``decimals`` places, exactly."""
    q = 10**decimals
    n = math.floor(x * q + Fraction(1, 2))
    return Decimal(n).scaleb(-decimals).quantize(Decimal(1).scaleb(-decimals))


def allocate(parts: Sequence[Fraction], total: Decimal, decimals: int) -> list[Decimal]:
    """Round ``parts`` to ``decimals`` places so that they sum to ``total`` exactly (largest remainders).

    ``total`` must be the sum of the parts rounded to ``decimals`` places (then 0 ≤ units to hand out ≤ parts).
    """
    q = 10**decimals
    floors = [math.floor(p * q) for p in parts]
    left = int(total.scaleb(decimals)) - sum(floors)
    if not 0 <= left <= len(parts):
        raise ValueError(f"{total} is not the rounded sum of the parts")
    order = sorted(range(len(parts)), key=lambda i: (-(parts[i] * q - floors[i]), i))
    for i in order[:left]:
        floors[i] += 1
    unit = Decimal(1).scaleb(-decimals)
    return [(Decimal(n) * unit).quantize(unit) for n in floors]


def _isnan(x: object) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x)) or x is pd.NA


# --- ratio mode ----------------------------------------------------------------------------------------------


def indicator_score(value: float | None, target: float | None, direction: str, cap: float = 1.25) -> float:
    """value / target (target / value when lower is better), capped; NaN without value or target.

    Edge cases: lower is better and value 0 → ``cap`` (1.0 when the target is 0 too: exactly on target);
    lower is better, target 0 and value > 0 → 0; higher is better and target 0 → ``cap`` (1.0 when value 0).
    """
    if _isnan(value) or _isnan(target):
        return math.nan
    v, t = float(value), float(target)  # type: ignore[arg-type]
    if direction == "lower":
        if v <= 0:
            return 1.0 if t <= 0 else cap
        if t <= 0:
            return 0.0
        return min(t / v, cap)
    if t <= 0:
        return cap if v > 0 else 1.0
    return min(v / t, cap)


def indicator_status(value: float | None, target: float | None, direction: str, denominator: float | None,
                     kind: str, params: ScoringParams = DEFAULT_PARAMS) -> str | None:
    """green / amber / red / grey / None: ``warehouse.rules.status.status_of`` with the params' band and minimum."""
    return status_rule.status_of(value, target, direction, denominator, kind,
                                 min_denominator=params.min_denominator, amber_band=params.amber_band)


def resolve_targets(values: pd.DataFrame, targets: pd.DataFrame) -> pd.DataFrame:
    """One target per (town, period, indicator) of ``values``: the rule of ``warehouse.rules.targets``."""
    kinds = {k: indicator_meta(k).kind for k in values["indicator"].unique()}
    return target_rule.resolve(values, targets, kinds)


def _group_rank(df: pd.DataFrame, column: str, eligible: pd.Series, by: list[str], decimals: int) -> pd.DataFrame:
    """Add ``rank`` (Int64, 'min' ties, best first, NA when not eligible) and ``ranked_of`` within groups."""
    keys = [df[c] for c in by]
    scores = df[column].where(eligible).round(decimals)
    df["rank"] = scores.groupby(keys, sort=False).rank(method="min", ascending=False).astype("Int64")
    df["ranked_of"] = eligible.astype(int).groupby(keys, sort=False).transform("sum").astype(int)
    return df


def score_indicators(values: pd.DataFrame, targets: pd.DataFrame | None,
                     params: ScoringParams = DEFAULT_PARAMS) -> pd.DataFrame:
    """Each (town, period, indicator) with its target, score, status and rank among certain scores."""
    df = values.copy()
    df = df.drop(columns=[c for c in ("target", "direction", "basis") if c in df])
    resolved = resolve_targets(df, targets if targets is not None else pd.DataFrame())
    df = df.merge(resolved, on=["town_code", "period_start", "indicator"], how="left")
    meta = df["indicator"].map(indicator_meta)
    df["direction"] = df["direction"].where(df["direction"].notna(), meta.map(lambda m: m.direction))
    kinds = meta.map(lambda m: m.kind)
    df["target"] = pd.to_numeric(df["target"], errors="coerce").astype(float)
    df["target_prorated"] = df["target_prorated"].fillna(False).astype(bool)
    df["score"] = [
        indicator_score(v, t, d, params.cap) for v, t, d in zip(df["value"], df["target"], df["direction"], strict=True)
    ]
    df["status"] = [
        indicator_status(v, t, d, n, k, params)
        for v, t, d, n, k in zip(df["value"], df["target"], df["direction"], df["denominator"], kinds, strict=True)
    ]
    df["certain"] = df["status"].isin(["green", "amber", "red"])
    eligible = df["certain"] & df["score"].notna()
    return _group_rank(df, "score", eligible, ["indicator", "period_start"], params.decimals).reset_index(drop=True)


def _weights(scored: pd.DataFrame, weights: Mapping[str, float] | None, params: ScoringParams) -> dict[str, float]:
    w = dict(weights if weights is not None else params.weights)
    if not w:
        w = dict.fromkeys(scored["indicator"].unique(), 1.0)
    return {k: float(v) for k, v in w.items() if v and v > 0}


def _composite_parts(rows: list[dict], w: Mapping[str, float]) -> tuple[list[tuple[str, Fraction, Fraction]],
                                                                    Fraction, Fraction]:
    """(indicator, weight, score) of the certain scores, Σw over the targeted indicators, Σw over certain ones."""
    parts: list[tuple[str, Fraction, Fraction]] = []
    w_all = w_ok = Fraction(0)
    for r in rows:
        weight = w.get(r["indicator"])
        if not weight or _isnan(r["target"]):
            continue  # not weighted, or no target: not part of the composite
        wf = _frac(weight)
        w_all += wf
        if r["certain"] and not _isnan(r["score"]):
            w_ok += wf
            parts.append((r["indicator"], wf, _frac(float(r["score"]))))
    return parts, w_all, w_ok


def _composite_value(parts: list[tuple[str, Fraction, Fraction]], w_ok: Fraction) -> Fraction | None:
    if not parts or w_ok == 0:
        return None
    return sum((wf * s for _, wf, s in parts), Fraction(0)) / w_ok


def _status_of(x: float | None, params: ScoringParams) -> str:
    """A composite's status: the status rule with the composite against 1 (grey when there is none)."""
    return status_rule.status_of(x, 1.0, "higher", amber_band=params.amber_band) or "grey"


def _add_rank_change(df: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    periods = sorted(df["period_start"].dropna().unique())
    pairs = pd.DataFrame({"period_start": periods[1:], "_prev": periods[:-1]})
    pairs = pairs.astype({"period_start": df["period_start"].dtype, "_prev": df["period_start"].dtype})
    prev = df[[*keys, "period_start", "rank"]].rename(columns={"rank": "prev_rank", "period_start": "_prev"})
    df = df.merge(pairs, on="period_start", how="left").merge(prev, on=[*keys, "_prev"], how="left")
    df = df.drop(columns="_prev")
    df["prev_rank"] = df["prev_rank"].astype("Int64")
    df["rank_change"] = (df["prev_rank"] - df["rank"]).astype("Int64")
    return df


def composite(scored: pd.DataFrame, weights: Mapping[str, float] | None = None,
              params: ScoringParams = DEFAULT_PARAMS) -> pd.DataFrame:
    """Per town and period: the weighted mean of certain scores, its coverage, rank (ties 'min') and change.

    Indicators without a target are left out; grey ones count against coverage; a town whose coverage is below
    ``params.min_coverage`` gets status grey and no rank. ``composite`` is rounded to ``params.decimals`` and
    towns tie when their rounded composites are equal.
    """
    w = _weights(scored, weights, params)
    extra = [c for c in ("town_name", "town_sort") if c in scored]
    groups: dict[tuple, list[dict]] = {}
    cols_in = ["town_code", "period_start", "indicator", "target", "status", "certain", "score", *extra]
    records = scored[cols_in].to_dict("records")
    for r in records:
        groups.setdefault((r["town_code"], r["period_start"]), []).append(r)
    out = []
    for (town, start), rows in groups.items():
        parts, w_all, w_ok = _composite_parts(rows, w)
        exact = _composite_value(parts, w_ok)
        shown = float(_round(exact, params.decimals)) if exact is not None else math.nan
        coverage = float(w_ok / w_all) if w_all else 0.0
        weighted = [r for r in rows if r["indicator"] in w and not _isnan(r["target"])]
        rec = {"town_code": town, "period_start": start, **{c: rows[0][c] for c in extra},
               "composite": shown, "n_indicators": len(weighted), "n_scored": len(parts),
               "n_grey": sum(r["status"] == "grey" for r in weighted), "coverage": coverage,
               "provisional": bool(coverage < 1 - _EPS)}
        rec["status"] = "grey" if coverage < params.min_coverage - _EPS else _status_of(shown, params)
        out.append(rec)
    cols = ["town_code", "period_start", *extra, "composite", "n_indicators", "n_scored", "n_grey", "coverage",
            "provisional", "status", "rank", "ranked_of", "prev_rank", "rank_change"]
    if not out:
        return pd.DataFrame(columns=cols)
    df = pd.DataFrame(out)
    ok = (df["status"] != "grey") & df["composite"].notna()
    df = _group_rank(df, "composite", ok, ["period_start"], params.decimals)
    df = _add_rank_change(df, ["town_code"])
    sort = ["period_start", "rank", *(["town_sort"] if "town_sort" in df else []), "town_code"]
    return df.sort_values(sort, na_position="last", kind="stable").reset_index(drop=True)[cols]


# --- points mode ---------------------------------------------------------------------------------------------


def default_rules() -> pd.DataFrame:
    """The shipped demo rules of points mode (``warehouse/reference/assessment_rules.csv``)."""
    with resources.files("warehouse.reference").joinpath("assessment_rules.csv").open(encoding="utf-8") as f:
        return pd.read_csv(f, dtype={"indicator": "string", "measure": "string"})


def _dec(x: object) -> Decimal:
    return Decimal(repr(float(x))) if isinstance(x, float) else Decimal(str(x))  # type: ignore[arg-type]


def points_lines(values: pd.DataFrame, rules: pd.DataFrame | None = None,
                 params: ScoringParams = DEFAULT_PARAMS) -> pd.DataFrame:
    """Every town, period and assessment item as lines: full points, each deduction, a floor back to 0.

    Rule kinds: ``base`` (+points), ``per_point_below`` (−points per percentage point the indicator's value is
    below ``threshold``), ``per_point_above`` (the same above), ``per_unit_above`` (−points per unit of the
    measure above ``threshold``, e.g. per reworked case); each deduction is capped at ``max_points``.
    Amounts are rounded half-up to 0.01 point. A rate measured on fewer than ``min_denominator`` cases is not
    ``certain``; a missing value deducts nothing and is not certain.
    """
    rules = default_rules() if rules is None else rules
    hundredth = Decimal("0.01")
    idx = values.set_index(["town_code", "period_start", "indicator"])
    lines: list[dict[str, object]] = []
    towns = values[["town_code", "period_start"]].drop_duplicates().itertuples(index=False)
    for town, start in towns:
        for item, item_rules in rules.groupby("item", sort=False):
            total = Decimal(0)
            for r in item_rules.itertuples(index=False):
                line: dict[str, object] = {"town_code": town, "period_start": start, "item": item,
                                           "kind": "base" if r.kind == "base" else "deduction", "rule": r.rule,
                                           "rule_zh": r.rule_zh, "rule_en": r.rule_en,
                                           "indicator": None if _isnan(r.indicator) else r.indicator,
                                           "measured": math.nan, "denominator": math.nan, "certain": True}
                if r.kind == "base":
                    amount = _dec(r.points)
                else:
                    key = (town, start, r.indicator)
                    row = idx.loc[key] if key in idx.index else None
                    measure = "value" if _isnan(r.measure) else str(r.measure)
                    measured = math.nan if row is None else float(row[measure])
                    den = math.nan if row is None else float(row["denominator"])
                    line["measured"], line["denominator"] = measured, den
                    kind = indicator_meta(str(r.indicator)).kind
                    line["certain"] = not math.isnan(measured) and not (
                        kind == "rate" and (math.isnan(den) or den < params.min_denominator))
                    amount = Decimal(0)
                    if not math.isnan(measured):
                        m, thr = _dec(measured), _dec(r.threshold)
                        if r.kind == "per_point_below":
                            over = max(Decimal(0), (thr - m) * 100)
                        elif r.kind == "per_point_above":
                            over = max(Decimal(0), (m - thr) * 100)
                        elif r.kind == "per_unit_above":
                            over = max(Decimal(0), m - thr)
                        else:
                            raise ValueError(f"unknown rule kind {r.kind!r} in rule {r.rule!r}")
                        amount = over * _dec(r.points)
                        if not _isnan(r.max_points):
                            amount = min(amount, _dec(r.max_points))
                        amount = -amount.quantize(hundredth, ROUND_HALF_UP)
                line["amount"] = amount
                total += amount
                lines.append(line)
            if total < 0:
                lines.append({"town_code": town, "period_start": start, "item": item, "kind": "floor", "rule": "floor",
                              "rule_zh": "最低0分", "rule_en": "floor at 0", "indicator": None,
                              "measured": math.nan, "denominator": math.nan, "certain": True, "amount": -total})
    cols = ["town_code", "period_start", "item", "kind", "rule", "rule_zh", "rule_en", "indicator", "measured",
            "denominator", "amount", "certain"]
    df = pd.DataFrame(lines, columns=cols)
    df["amount"] = df["amount"].map(float) if len(df) else df["amount"]
    return df


def points_mode(values: pd.DataFrame, rules: pd.DataFrame | None = None,
                params: ScoringParams = DEFAULT_PARAMS) -> pd.DataFrame:
    """Per town, period and item: points, deductions and a rank (ties 'min'; provisional towns not ranked)."""
    lines = points_lines(values, rules, params)
    cols = ["town_code", "period_start", "item", "points", "full_points", "deducted", "provisional", "rank",
            "ranked_of", "prev_rank", "rank_change"]
    if lines.empty:
        return pd.DataFrame(columns=cols)
    keys = ["town_code", "period_start", "item"]

    def total(kind: str | None) -> pd.Series:
        sel = lines if kind is None else lines[lines["kind"] == kind]
        sums = sel.groupby(keys, sort=False)["amount"].apply(lambda a: float(sum((_dec(x) for x in a), Decimal(0))))
        return sums.rename(kind or "points")

    df = lines.groupby(keys, sort=False)["certain"].all().map(lambda c: not c).rename("provisional").to_frame()
    df = df.join(total(None)).join(total("base").rename("full_points")).join(total("deduction").rename("deducted"))
    df["deducted"] = 0.0 - df["deducted"].fillna(0.0) + 0.0  # no −0.0
    df = df.reset_index()
    df = _group_rank(df, "points", ~df["provisional"].astype(bool), ["period_start", "item"], 2)
    df = _add_rank_change(df, ["town_code", "item"])
    return df.sort_values(["period_start", "item", "rank"], na_position="last", kind="stable")[cols].reset_index(
        drop=True)


# --- explain my rank -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Contribution:
    """One bar of the waterfall: ``amount`` (exact, at the displayed precision) of the explained score."""

    key: str
    label_zh: str
    label_en: str
    amount: Decimal
    weight: float | None = None
    score: float | None = None
    status: str | None = None


@dataclass
class Explanation:
    """How one score came about; ``sum(c.amount for c in contributions) == value`` exactly."""

    town_code: str
    period_start: dt.date
    subject: str  # "composite", an indicator key, or "points:<item>"
    value: Decimal  # the displayed score
    formula_zh: str
    formula_en: str
    numerator: float | None = None
    denominator: float | None = None
    target: float | None = None
    direction: str | None = None
    status: str | None = None
    rank: int | None = None
    ranked_of: int | None = None
    exclusions: dict[str, int] = field(default_factory=dict)  # 作废/缓办/挂账 → cases left out
    contributions: list[Contribution] = field(default_factory=list)
    left_out: list[tuple[str, str]] = field(default_factory=list)  # (indicator, reason) not in the composite
    rows: pd.DataFrame | None = None

    def total(self) -> Decimal:
        return sum((c.amount for c in self.contributions), Decimal(0))

    def waterfall(self) -> pd.DataFrame:
        """key, label_zh, label_en, amount, start, end (cumulative), weight, score, status: one row per bar."""
        rows, run = [], Decimal(0)
        for c in self.contributions:
            rows.append({"key": c.key, "label_zh": c.label_zh, "label_en": c.label_en, "amount": float(c.amount),
                         "start": float(run), "end": float(run + c.amount), "weight": c.weight, "score": c.score,
                         "status": c.status})
            run += c.amount
        return pd.DataFrame(rows, columns=["key", "label_zh", "label_en", "amount", "start", "end", "weight", "score",
                                           "status"])


def _int_or_none(x: object) -> int | None:
    return None if _isnan(x) else int(x)  # type: ignore[call-overload]


def _exclusions(row: pd.Series | None) -> dict[str, int]:
    if row is None:
        return {}
    out = {}
    for col, label in EXCLUSION_COLUMNS.items():
        if col in row and not _isnan(row[col]):
            out[label] = int(row[col])
    return out


def _pick(df: pd.DataFrame, town: str, start: dt.date, **eq: object) -> pd.DataFrame:
    mask = (df["town_code"] == town) & (pd.to_datetime(df["period_start"]) == pd.Timestamp(start))
    for col, v in eq.items():
        mask &= df[col] == v
    return df[mask]


def explain(town_code: str, period_start: dt.date, scored: pd.DataFrame, composite_df: pd.DataFrame | None = None,
            *, indicator: str | None = None, weights: Mapping[str, float] | None = None,
            params: ScoringParams = DEFAULT_PARAMS, rows: pd.DataFrame | None = None) -> Explanation:
    """Explain a town's composite (``indicator`` None) or one indicator's score for a period.

    Composite: one contribution per certain indicator, weight × score ÷ Σweights, allocated so that they add up
    to the displayed composite. Indicator: the ratio value ÷ target (or target ÷ value), then the cap as a
    negative bar when it applies. ``rows`` (e.g. ``rankings.indicator_rows``) is attached as the rows behind it.
    """
    mine = _pick(scored, town_code, period_start)
    if mine.empty:
        raise KeyError(f"no scores for town {town_code} in the period starting {period_start}")
    if indicator is not None:
        return _explain_indicator(town_code, period_start, mine, indicator, params, rows)
    w = _weights(scored, weights, params)
    parts, _w_all, w_ok = _composite_parts(mine.to_dict("records"), w)
    exact = _composite_value(parts, w_ok)
    shown = _round(exact, params.decimals) if exact is not None else Decimal(0)
    amounts = allocate([wf * s / w_ok for _, wf, s in parts], shown, params.decimals) if parts else []
    by_key = mine.set_index("indicator")
    contributions = [
        Contribution(k, indicator_meta(k).label_zh, indicator_meta(k).label_en, a, float(wf), float(s),
                     by_key.loc[k, "status"])
        for (k, wf, s), a in zip(parts, amounts, strict=True)
    ]
    left_out = []
    for r in mine.itertuples(index=False):
        if r.indicator not in w:
            left_out.append((r.indicator, "no weight"))
        elif _isnan(r.target):
            left_out.append((r.indicator, "no target"))
        elif not r.certain:
            left_out.append((r.indicator, "too little data"))
    comp_row = None
    if composite_df is not None:
        c = _pick(composite_df, town_code, period_start)
        comp_row = c.iloc[0] if not c.empty else None
    dcm = mine[mine["indicator"].str.startswith("dcm.")]
    wsum = float(w_ok) if parts else None
    return Explanation(
        town_code, period_start, "composite", shown,
        "综合得分 = Σ(权重 × 指标得分) ÷ Σ权重；指标得分 = 实际值 ÷ 目标值（越低越好的指标取 目标值 ÷ 实际值），"
        f"封顶{params.cap:g}；数据不足（分母少于{params.min_denominator}）或无目标的指标不计入",
        "composite = Σ(weight × score) ÷ Σ weights; score = value ÷ target (target ÷ value where lower is better), "
        f"capped at {params.cap:g}; indicators with too little data (denominator < {params.min_denominator}) or "
        "no target are left out",
        numerator=float(sum((wf * s for _, wf, s in parts), Fraction(0))) if parts else None,
        denominator=wsum,
        status=None if comp_row is None else comp_row["status"],
        rank=None if comp_row is None else _int_or_none(comp_row["rank"]),
        ranked_of=None if comp_row is None else _int_or_none(comp_row["ranked_of"]),
        exclusions=_exclusions(dcm.iloc[0]) if not dcm.empty else {},
        contributions=contributions, left_out=left_out, rows=rows,
    )


def _explain_indicator(town: str, start: dt.date, mine: pd.DataFrame, indicator: str, params: ScoringParams,
                       rows: pd.DataFrame | None) -> Explanation:
    sel = mine[mine["indicator"] == indicator]
    if sel.empty:
        raise KeyError(f"no score of {indicator} for town {town} in the period starting {start}")
    r = sel.iloc[0]
    meta = indicator_meta(indicator)
    score = r["score"]
    shown = Decimal(0) if _isnan(score) else _round(_frac(float(score)), params.decimals)
    contributions: list[Contribution] = []
    if not _isnan(score):
        v, t = r["value"], r["target"]
        raw = _frac(float(score))
        capped = abs(float(score) - params.cap) < _EPS and not _isnan(v) and not _isnan(t) \
            and float(v) > 0 and float(t) > 0
        if capped:
            raw = _frac(float(v)) / _frac(float(t)) if r["direction"] != "lower" else _frac(float(t)) / _frac(float(v))
        if capped and raw > _frac(params.cap):
            parts = [raw, _frac(params.cap) - raw]
            a = allocate(parts, shown, params.decimals)
            contributions = [Contribution("ratio", "实际值÷目标值" if r["direction"] != "lower" else "目标值÷实际值",
                                          "value ÷ target" if r["direction"] != "lower" else "target ÷ value", a[0]),
                             Contribution("cap", f"封顶{params.cap:g}", f"cap at {params.cap:g}", a[1])]
        else:
            contributions = [Contribution(indicator, meta.label_zh, meta.label_en, shown, None, float(score),
                                          r["status"])]
    lower = r["direction"] == "lower"
    if meta.kind == "rate":
        f_zh = f"{meta.label_zh} = {meta.numerator_zh} ÷ {meta.denominator_zh}；"
        f_en = f"{meta.label_en} = {meta.numerator_en} ÷ {meta.denominator_en}; "
    else:
        f_zh, f_en = f"{meta.label_zh} = {meta.numerator_zh}；", f"{meta.label_en} = {meta.numerator_en}; "
    f_zh += ("得分 = 目标值 ÷ 实际值（越低越好）" if lower else "得分 = 实际值 ÷ 目标值") + f"，封顶{params.cap:g}"
    f_en += ("score = target ÷ value (lower is better)" if lower else "score = value ÷ target") + \
        f", capped at {params.cap:g}"
    return Explanation(
        town, start, indicator, shown, f_zh, f_en,
        numerator=None if _isnan(r["numerator"]) else float(r["numerator"]),
        denominator=None if _isnan(r["denominator"]) else float(r["denominator"]),
        target=None if _isnan(r["target"]) else float(r["target"]),
        direction=r["direction"], status=r["status"], rank=_int_or_none(r["rank"]),
        ranked_of=_int_or_none(r.get("ranked_of")),
        exclusions=_exclusions(r) if meta.has_exclusions else {}, contributions=contributions, rows=rows,
    )


def explain_points(town_code: str, period_start: dt.date, lines: pd.DataFrame, item: str,
                   totals: pd.DataFrame | None = None, values: pd.DataFrame | None = None,
                   rows: pd.DataFrame | None = None) -> Explanation:
    """Explain a points-mode score: full points, then each deduction (and the floor) as waterfall bars."""
    mine = _pick(lines, town_code, period_start, item=item)
    if mine.empty:
        raise KeyError(f"no points of {item} for town {town_code} in the period starting {period_start}")
    contributions = [
        Contribution(r.rule, r.rule_zh, r.rule_en, _dec(r.amount).quantize(Decimal("0.01")),
                     None, None if _isnan(r.measured) else float(r.measured))
        for r in mine.itertuples(index=False)
    ]
    total = sum((c.amount for c in contributions), Decimal(0))
    rank = ranked_of = None
    if totals is not None:
        t = _pick(totals, town_code, period_start, item=item)
        if not t.empty:
            rank, ranked_of = _int_or_none(t.iloc[0]["rank"]), _int_or_none(t.iloc[0]["ranked_of"])
    excl: dict[str, int] = {}
    if values is not None:
        v = _pick(values, town_code, period_start)
        dcm = v[v["indicator"].str.startswith("dcm.")]
        excl = _exclusions(dcm.iloc[0]) if not dcm.empty else {}
    return Explanation(
        town_code, period_start, f"points:{item}", total,
        "得分 = 基础分 − Σ扣分（按期结案率等每低于标准1个百分点扣分、每件返工案件扣分），最低0分",
        "points = full points − Σ deductions (per percentage point below each threshold, per reworked case), "
        "not below 0",
        status=None, rank=rank, ranked_of=ranked_of, exclusions=excl, contributions=contributions, rows=rows,
    )


# --- forecast to period end ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Forecast:
    """An indicator at the current pace to the period end, and what it takes to reach the target.

    Rates: the remaining volume (denominator) is expected at the pace so far; ``needed`` (higher is better) is
    the smallest number of further numerator units among it that brings the period's ratio to the target (0 if
    already assured, None if more than the expected volume); ``allowance`` (lower is better) the most further
    units that keep it within target (None if already out of reach). Counts: ``needed`` = target − count so
    far (≥ 0); ``allowance`` = target − count (None if already over).
    """

    indicator: str
    kind: str
    direction: str
    period_start: dt.date
    period_end: dt.date
    as_of: dt.date
    elapsed_days: int
    total_days: int
    numerator: float
    denominator: float | None
    value_now: float | None
    projected_numerator: float | None
    projected_denominator: float | None
    projected_value: float | None
    expected_remaining: int | None
    target: float | None
    needed: int | None
    allowance: int | None
    on_track: bool | None
    sentence_zh: str
    sentence_en: str


def _fmt_target(target: float, kind: str) -> str:
    if kind == "rate":
        return f"{float(_round(_frac(target) * 100, 2).normalize()):g}%"
    return f"{target:g}"


def forecast(numerator: float, denominator: float | None, target: float | None, *, period_start: dt.date,
             period_end: dt.date, as_of: dt.date, indicator: str = "", direction: str | None = None,
             kind: str | None = None, expected_remaining: int | None = None) -> Forecast:
    """Linear pace to the period end (``period_end`` and ``as_of`` inclusive); see ``Forecast``."""
    meta = indicator_meta(indicator)
    kind = kind or meta.kind
    direction = direction or meta.direction
    total = (period_end - period_start).days + 1
    elapsed = max(0, min(total, (as_of - period_start).days + 1))
    pace = Fraction(total, elapsed) if elapsed else None
    num = _frac(numerator)
    noun_zh, noun_en = meta.noun_zh or meta.label_zh, meta.noun_en or meta.label_en
    unit_zh = meta.unit_zh
    proj_num = float(num * pace) if pace is not None else None
    needed = allowance = None
    on_track: bool | None = None
    t = None if _isnan(target) else _frac(float(target))  # type: ignore[arg-type]
    tt = "" if t is None else _fmt_target(float(target), kind)  # type: ignore[arg-type]
    if kind == "rate":
        den = _frac(denominator or 0)
        value_now = float(num / den) if den else None
        proj_den = float(den * pace) if pace is not None else None
        remaining = expected_remaining
        if remaining is None and pace is not None:
            remaining = max(0, math.floor(den * pace + Fraction(1, 2)) - int(den))
        proj_value = value_now
        final_den = den + (remaining or 0)
        if t is not None and final_den:
            if direction == "lower":
                a = math.floor(t * final_den - num)
                allowance = None if a < 0 else min(a, remaining or 0)
                on_track = proj_value is not None and proj_value <= float(t) + _EPS
            else:
                n = max(0, math.ceil(t * final_den - num))
                needed = None if n > (remaining or 0) else n
                on_track = proj_value is not None and proj_value >= float(t) - _EPS
        r_txt_zh = f"（预计期末前还有约{remaining}{unit_zh}）" if remaining is not None else ""
        r_txt_en = f" (about {remaining} more expected by the period end)" if remaining is not None else ""
    else:
        den = None
        value_now = float(num)
        proj_den = None
        remaining = None
        proj_value = proj_num
        if t is not None:
            if direction == "lower":
                a = math.floor(t - num)
                allowance = None if a < 0 else a
                on_track = proj_value is not None and proj_value <= float(t) + _EPS
            else:
                needed = max(0, math.ceil(t - num))
                on_track = proj_value is not None and proj_value >= float(t) - _EPS
        r_txt_zh = r_txt_en = ""
    no_data = kind == "rate" and not (den or remaining)
    if t is None:
        zh, en = "未设目标", "no target set"
    elif no_data:
        zh, en = "本期尚无数据", "no data in this period yet"
    elif direction == "lower":
        if allowance is None:
            zh = f"已超出目标{tt}，本期无法回到目标内"
            en = f"already beyond the target of {tt}: out of reach this period"
        else:
            zh = f"最多还可有{allowance}{unit_zh}{noun_zh}，才能保持在{tt}以内{r_txt_zh}"
            en = f"at most {allowance} more {noun_en} to stay within {tt}{r_txt_en}"
    elif needed is None:
        zh = f"按当前节奏本期无法达到{tt}{r_txt_zh}"
        en = f"cannot reach {tt} this period at the current pace{r_txt_en}"
    elif needed == 0:
        zh, en = f"已确保达到{tt}", f"the target of {tt} is already secured"
    else:
        zh = f"还需{needed}{unit_zh}{noun_zh}才能达到{tt}{r_txt_zh}"
        en = f"needs {needed} more {noun_en} to reach {tt}{r_txt_en}"
    return Forecast(
        indicator, kind, direction, period_start, period_end, as_of, elapsed, total, float(num),
        None if den is None else float(den), value_now, proj_num, proj_den, proj_value, remaining,
        None if t is None else float(target), needed, allowance, on_track, zh, en,  # type: ignore[arg-type]
    )


def forecast_all(scored: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """``forecast`` of every row of ``score_indicators`` (which needs period_end) whose period contains ``as_of``.

    Columns: town_code, period_start, indicator, value_now, projected_value, expected_remaining, target,
    needed, allowance, on_track, sentence_zh, sentence_en.
    """
    cols = ["town_code", "period_start", "indicator", "value_now", "projected_value", "expected_remaining", "target",
            "needed", "allowance", "on_track", "sentence_zh", "sentence_en"]
    out = []
    for r in scored.to_dict("records"):
        start, end = pd.Timestamp(r["period_start"]).date(), pd.Timestamp(r["period_end"]).date()
        if not start <= as_of <= end:
            continue
        meta = indicator_meta(r["indicator"])
        f = forecast(r["numerator"], None if _isnan(r["denominator"]) else r["denominator"],
                     None if _isnan(r["target"]) else r["target"], period_start=start, period_end=end, as_of=as_of,
                     indicator=r["indicator"], direction=r["direction"], kind=meta.kind)
        out.append({"town_code": r["town_code"], "period_start": r["period_start"], "indicator": r["indicator"],
                    **{c: getattr(f, c) for c in cols[3:]}})
    df = pd.DataFrame(out, columns=cols)
    for c in ("expected_remaining", "needed", "allowance"):
        df[c] = df[c].astype("Int64")
    return df


# --- fairness ----------------------------------------------------------------------------------------------


def per_size(values: pd.DataFrame, towns: pd.DataFrame | None = None) -> pd.DataFrame:
    """Volumes beside town size: the count (or a rate's denominator) per 10,000 residents and per 100 road-km.

    ``towns`` (town_code, population, road_km) is needed unless ``values`` already carries those columns.
    """
    df = values.copy()
    if towns is not None:
        df = df.drop(columns=[c for c in ("population", "road_km") if c in df]).merge(
            towns[["town_code", "population", "road_km"]], on="town_code", how="left")
    kinds = df["indicator"].map(lambda k: indicator_meta(k).kind)
    df["volume"] = df["value"].where(kinds == "count", df["denominator"]).astype(float)
    pop = pd.to_numeric(df["population"], errors="coerce").astype(float)
    km = pd.to_numeric(df["road_km"], errors="coerce").astype(float)
    df["volume_per_10k"] = df["volume"] / pop.where(pop > 0) * 10_000
    df["volume_per_100km"] = df["volume"] / km.where(km > 0) * 100
    return df
