"""Numbers as the dashboard writes them, one formatter per unit; an em dash for a missing value.

* ``number(value, unit, digits)`` — counts and amounts: ``1,234 件``, ``12.5 小时``;
* ``percent(value, digits)`` — rates (0..1): ``93.1%``;
* ``score(value, decimals)`` — scores of the league table: ``1.034``;
* ``exact(value)`` — a numerator or denominator as it is: ``1,540`` or ``12.5``;
* ``by_kind(value, kind, lang, unit_zh)`` — an indicator value by its kind (rate → percent, else number; the
  unit in Chinese only, 件 by default).

Indicator values with their registry units use ``warehouse.indicators.Indicator.format``.
"""

from __future__ import annotations

import math

import pandas as pd

from dashboard.i18n import t

MISSING = "—"


def is_missing(value: object) -> bool:
    """None, NaN or pandas' NA."""
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def number(value: object, unit: str = "", digits: int = 0) -> str:
    """``1,234 件`` / ``12.5 小时``."""
    if is_missing(value):
        return MISSING
    x = float(value)  # type: ignore[arg-type]
    text = f"{x:,.{digits}f}" if digits else f"{round(x):,}"
    return f"{text} {unit}".strip()


def percent(value: object, digits: int = 1) -> str:
    """A rate (0..1) as ``93.1%``."""
    return MISSING if is_missing(value) else f"{float(value) * 100:.{digits}f}%"  # type: ignore[arg-type]


def score(value: object, decimals: int = 3) -> str:
    return MISSING if is_missing(value) else f"{float(value):.{decimals}f}"  # type: ignore[arg-type]


def signed(value: object, decimals: int = 2) -> str:
    """A change of points: ``+2.00`` / ``-0.50``; ``0`` for none."""
    if is_missing(value):
        return MISSING
    x = float(value)  # type: ignore[arg-type]
    return f"{x:+.{decimals}f}" if x else "0"


def exact(value: object) -> str:
    """Whole numbers with separators, others with up to four decimals."""
    if is_missing(value):
        return MISSING
    x = float(value)  # type: ignore[arg-type]
    return f"{x:,.0f}" if x == round(x) else f"{x:,.4f}".rstrip("0")


def by_kind(value: object, kind: str, lang: str = "zh", unit_zh: str | None = None) -> str:
    """A rate as 93.1%, a count as ``3 处`` (Chinese) / ``3`` (English); two decimals when not whole."""
    if is_missing(value):
        return MISSING
    if kind == "rate":
        return percent(value)
    x = float(value)  # type: ignore[arg-type]
    unit = (unit_zh if unit_zh is not None else t("fig.common.cases", "zh")) if lang == "zh" else ""
    return number(x, unit, 0 if x == round(x) else 2)
