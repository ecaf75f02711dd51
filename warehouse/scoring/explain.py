"""Explain my rank: how a score came about, as contributions that add up to the displayed score exactly."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

import pandas as pd

from warehouse.scoring.common import (
    _EPS,
    DEFAULT_PARAMS,
    EXCLUSION_COLUMNS,
    ScoringParams,
    _dec,
    _frac,
    _int_or_none,
    _isnan,
    _pick,
    _round,
    allocate,
    indicator_meta,
)
from warehouse.scoring.ratio import _composite_parts, _composite_value, _weights

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
    formula: str  # how it is computed: an i18n key under scoring.formula.* (rendered by dashboard.scoring_text)
    formula_args: dict[str, object]  # its parameters: cap, min_denominator, indicator, lower
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


def _exclusions(row: pd.Series | None) -> dict[str, int]:
    if row is None:
        return {}
    out = {}
    for col, label in EXCLUSION_COLUMNS.items():
        if col in row and not _isnan(row[col]):
            out[label] = int(row[col])
    return out


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
        town_code, period_start, "composite", shown, "scoring.formula.composite",
        {"cap": params.cap, "min_denominator": params.min_denominator},
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
    return Explanation(
        town, start, indicator, shown, f"scoring.formula.{meta.kind}",
        {"indicator": indicator, "lower": lower, "cap": params.cap},
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
        town_code, period_start, f"points:{item}", total, "scoring.formula.points", {},
        status=None, rank=rank, ranked_of=ranked_of, exclusions=excl, contributions=contributions, rows=rows,
    )


