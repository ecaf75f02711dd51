"""Ratio mode (Boston CityScore style): score = value ÷ target, capped; composite per town; fairness views."""

from __future__ import annotations

import math
from collections.abc import Mapping
from fractions import Fraction

import pandas as pd

from warehouse.rules import status as status_rule
from warehouse.rules import targets as target_rule
from warehouse.scoring.common import (
    _EPS,
    DEFAULT_PARAMS,
    ScoringParams,
    _frac,
    _isnan,
    _round,
    indicator_meta,
)

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
