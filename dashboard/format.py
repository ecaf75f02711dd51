"""Numbers as the dashboard writes them, one formatter per unit; an em dash for a missing value.

* ``number(value, unit, digits)`` — counts and amounts: ``1,234 件``, ``12.5 小时``;
* ``percent(value, digits)`` — rates (0..1): ``93.1%``;
* ``score(value, decimals)`` — scores of the league table: ``1.034``;
* ``exact(value)`` — a numerator or denominator as it is: ``1,540`` or ``12.5``;
* ``by_kind(value, kind, lang, unit_zh)`` — an indicator value by its kind (rate → percent, else number; the
  unit in Chinese only, 件 by default);
* ``rank(value, lang)`` — a place in a ranking: ``第2名`` / ``#2``;
* ``indicator(ind, value, lang)`` — a registry indicator's value as leaders read it: ``92.7%``, ``1,540 处``,
  ``第2名``;
* ``report(fig, value, lang)`` — a work-report figure as the report writes it: ``100%`` / ``92.7%``,
  ``1,540 处`` / ``12.50 万元``;
* ``change(now, before, kind)`` — a change against an earlier value: ``+3.2 pp`` (rates), ``+12.5%`` (counts);
* ``period(grain, start, lang, span)`` — a period's name: ``2022年第一季度`` / ``Q1 2022``, ``2023年第22周``
  (with ``span``: ``（05-29—06-04）``); the calendar decides the period, the catalogue holds the words;
* ``target(value, kind)`` — a target in a sentence: ``90%`` / ``92.5%`` / ``12``.

The warehouse returns numbers; every number the dashboard shows as text is written here.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

import pandas as pd

from dashboard.i18n import t
from warehouse.rules import calendar

if TYPE_CHECKING:
    from warehouse.indicators import Indicator

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


def _whole(x: float) -> bool:
    return abs(x - round(x)) < 1e-9


def rank(value: object, lang: str = "zh") -> str:
    """A place in a ranking: ``第2名`` / ``#2``."""
    return MISSING if is_missing(value) else t("common.rank", lang, n=int(value))  # type: ignore[arg-type]


def indicator(ind: Indicator, value: float | None, lang: str = "zh", with_unit: bool = True) -> str:
    """A registry indicator's value: rates ``92.7%``, ranks ``第2名`` / ``#2``, counts with separators and the
    registry's unit (amounts under 100 with one decimal)."""
    if is_missing(value):
        return MISSING
    x = float(value)  # type: ignore[arg-type]
    if ind.kind == "rate":
        return percent(x)
    if ind.kind == "rank":
        return rank(x, lang)
    return number(x, ind.unit(lang) if with_unit else "", 1 if ind.kind == "amount" and abs(x) < 100 else 0)


def report(fig: Indicator, value: float | None, lang: str = "zh", with_unit: bool = True) -> str:
    """A work-report figure as the report writes it: ``100%`` / ``92.7%``, ``1,540 处`` / ``12.50 万元``
    (/report and ``kpi report``)."""
    if is_missing(value):
        return MISSING
    x = float(value)  # type: ignore[arg-type]
    if fig.kind == "rate":
        return percent(x, 0 if _whole(x * 100) else 1)
    return number(x, fig.unit(lang) if with_unit else "", 0 if x.is_integer() else 2)


def change(now: float | None, before: float | None, kind: str) -> tuple[str, float | None]:
    """The change from ``before`` to ``now`` and its size: ``+3.2 pp`` for rates (points), ``+12.5%`` for
    counts, the difference itself (``+12``, ``+0``) when ``before`` is 0; ``—`` and None when either is missing."""
    if is_missing(now) or is_missing(before):
        return MISSING, None
    a, b = float(now), float(before)  # type: ignore[arg-type]
    if kind == "rate":
        d = (a - b) * 100
        return f"{d:+.1f} pp", d
    if b == 0:
        return f"{a - b:+,.0f}", a - b
    d = (a - b) / b
    return f"{d:+.1%}", d


def target(value: float | None, kind: str) -> str:
    """A target as a sentence writes it: a rate as a percent with at most two decimals (``90%``, ``92.5%``),
    a count as it is (``12``); empty when there is none."""
    if is_missing(value):
        return ""
    if kind == "rate":
        pct = (Decimal(repr(float(value))) * 100).quantize(Decimal("0.01"), ROUND_HALF_UP)  # type: ignore[arg-type]
        return f"{float(pct.normalize()):g}%"
    return f"{float(value):g}"  # type: ignore[arg-type]


def _nth(key: str, n: int, lang: str) -> str:
    """The n-th (1-based) of a catalogue list: period.quarters → 一 / 1."""
    return t(key, lang).split(",")[n - 1]


def period(grain: str, start: object, lang: str = "zh", span: bool = False) -> str:
    """The name of the ``grain`` period holding ``start``: 2022年 / 2022年上半年 / 2022年第一季度 / 2022年3月 /
    2023年第5周 / 2022年3月5日 (English: 2022 / 2022 H1 / Q1 2022 / Mar 2022 / Week 5, 2023 / 3/5/2022); a week
    with ``span`` adds its days: 2023年第22周（05-29—06-04）. The Chinese is what SQL ``cal_label`` writes."""
    s, e = calendar.period_of(grain, pd.Timestamp(start).date())  # type: ignore[arg-type]
    if grain == "year":
        return t("period.year", lang, y=s.year)
    if grain == "half":
        return t("period.half", lang, y=s.year, h=_nth("period.halves", 1 if s.month == 1 else 2, lang))
    if grain == "quarter":
        return t("period.quarter", lang, y=s.year, q=_nth("period.quarters", (s.month - 1) // 3 + 1, lang))
    if grain == "month":
        return t("period.month", lang, y=s.year, m=_nth("period.months", s.month, lang))
    if grain == "week":
        iso = s.isocalendar()
        text = t("period.week", lang, y=iso.year, w=iso.week)
        return text + t("period.week_span", lang, a=s.strftime("%m-%d"), b=e.strftime("%m-%d")) if span else text
    return t("period.day", lang, y=s.year, m=s.month, d=s.day)
