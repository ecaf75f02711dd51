"""What every scoring mode shares: parameters, the registry's ranked view, exact arithmetic helpers."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Literal

import pandas as pd

from warehouse import indicators as _registry
from warehouse.rules import calendar
from warehouse.rules import status as status_rule

Grain = Literal["week", "month", "quarter", "year"]
GRAINS: tuple[str, ...] = ("week", "month", "quarter", "year")
_EPS = 1e-9
EXCLUSION_COLUMNS = {"excl_void": "作废", "excl_deferred": "缓办", "excl_hung": "挂账"}


# --- the indicators that rank towns: views of the registry (warehouse/indicators.py) ----------------------------

RankedIndicator = _registry.Indicator
RANKED = _registry.RANKED
indicator_meta = _registry.ranking_view


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


def _dec(x: object) -> Decimal:
    return Decimal(repr(float(x))) if isinstance(x, float) else Decimal(str(x))  # type: ignore[arg-type]


def _int_or_none(x: object) -> int | None:
    return None if _isnan(x) else int(x)  # type: ignore[call-overload]


def _pick(df: pd.DataFrame, town: str, start: dt.date, **eq: object) -> pd.DataFrame:
    mask = (df["town_code"] == town) & (pd.to_datetime(df["period_start"]) == pd.Timestamp(start))
    for col, v in eq.items():
        mask &= df[col] == v
    return df[mask]


