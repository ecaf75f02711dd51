"""Forecast to the period end: an indicator at the current pace, and what it takes to reach the target."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from fractions import Fraction

import pandas as pd

from warehouse.scoring.common import _EPS, _frac, _isnan, indicator_meta

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
    message: str  # what to say: an i18n key under forecast.* (rendered by dashboard.scoring_text)


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
    proj_num = float(num * pace) if pace is not None else None
    needed = allowance = None
    on_track: bool | None = None
    t = None if _isnan(target) else _frac(float(target))  # type: ignore[arg-type]
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
    no_data = kind == "rate" and not (den or remaining)
    if t is None:
        message = "forecast.no_target"
    elif no_data:
        message = "forecast.no_data"
    elif direction == "lower":
        message = "forecast.beyond" if allowance is None else "forecast.allowance"
    elif needed is None:
        message = "forecast.cannot"
    else:
        message = "forecast.secured" if needed == 0 else "forecast.needed"
    return Forecast(
        indicator, kind, direction, period_start, period_end, as_of, elapsed, total, float(num),
        None if den is None else float(den), value_now, proj_num, proj_den, proj_value, remaining,
        None if t is None else float(target), needed, allowance, on_track, message,  # type: ignore[arg-type]
    )


def forecast_all(scored: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """``forecast`` of every row of ``score_indicators`` (which needs period_end) whose period contains ``as_of``.

    Columns: town_code, period_start, indicator, value_now, projected_value, expected_remaining, target,
    needed, allowance, on_track, message, kind.
    """
    cols = ["town_code", "period_start", "indicator", "value_now", "projected_value", "expected_remaining", "target",
            "needed", "allowance", "on_track", "message", "kind"]
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


