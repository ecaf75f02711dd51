"""Points mode (the city's digital urban management assessment style): full points less deductions."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from importlib import resources

import pandas as pd

from warehouse.scoring.common import DEFAULT_PARAMS, ScoringParams, _dec, _isnan, indicator_meta
from warehouse.scoring.ratio import _add_rank_change, _group_rank

# --- points mode ---------------------------------------------------------------------------------------------


def default_rules() -> pd.DataFrame:
    """The shipped demo rules of points mode (``warehouse/reference/assessment_rules.csv``)."""
    with resources.files("warehouse.reference").joinpath("assessment_rules.csv").open(encoding="utf-8") as f:
        return pd.read_csv(f, dtype={"indicator": "string", "measure": "string"})


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


