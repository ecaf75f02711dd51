"""Indicator values for tiles: value over the range, 环比 and 同比 deltas, sparkline series, target status.

Additive indicators (``warehouse.indicators``, ``mart_kpi_daily``) are computed from sums of numerator
and denominator, so every tile, town chart and delta reads the same definition.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Literal

import pandas as pd

from dashboard.data import Warehouse
from warehouse import indicators
from warehouse.queries import overview as q
from warehouse.sql import Filters

Tone = Literal["good", "bad", "flat"]
MIN_DENOMINATOR = 5  # fewer cases than this: grey (too little data)


@dataclass
class KpiValue:
    key: str
    value: float | None
    num: float = 0.0
    den: float | None = None
    prev: float | None = None  # 环比: the period of equal length just before
    yoy: float | None = None  # 同比: the same period a year earlier
    series: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["period", "value"]))
    target: float | None = None
    status: str | None = None


def shift_year(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def previous(f: Filters) -> Filters:
    """The period of equal length just before ``f`` (环比)."""
    assert f.start and f.end
    days = (f.end - f.start).days + 1
    return Filters(f.start - dt.timedelta(days=days), f.start - dt.timedelta(days=1), f.towns)


def year_before(f: Filters) -> Filters:
    """The same dates a year earlier (同比)."""
    assert f.start and f.end
    return Filters(shift_year(f.start, -1), shift_year(f.end, -1), f.towns)


def last_week(f: Filters) -> Filters:
    """The seven days ending on the range's end."""
    assert f.end
    return Filters(f.end - dt.timedelta(days=6), f.end, f.towns)


def _value(kind: str, num: float | None, den: float | None) -> float | None:
    if kind == "rate":
        return None if not den else float(num or 0) / float(den)
    return float(num or 0)


def _totals(wh: Warehouse, f: Filters, keys: list[str]) -> dict[str, tuple[float, float | None]]:
    frame = wh.frame(q.kpi_totals(f, keys))
    return {r.indicator: (float(r.num or 0), None if pd.isna(r.den) else float(r.den)) for r in frame.itertuples()}


def status(
    value: float | None,
    target: float | None,
    direction: str,
    den: float | None = None,
    kind: str = "count",
    pro_rata: float | None = None,
) -> str | None:
    """green / amber (within 10%) / red against the target, grey with too little data, None without target."""
    if value is None or (kind == "rate" and den is not None and den < MIN_DENOMINATOR):
        return "grey"
    if target is None or math.isnan(target):
        return None
    if pro_rata is not None:  # an annual plan: compare with the share of the year gone
        target = target * pro_rata
    if direction == "lower":
        if value <= target:
            return "green"
        return "amber" if target > 0 and value <= target * 1.1 else "red"
    if value >= target:
        return "green"
    return "amber" if value >= target * 0.9 else "red"


def tone(delta: float | None, direction: str) -> Tone:
    if delta is None or abs(delta) < 1e-12 or direction == "none":
        return "flat"
    return "good" if (delta > 0) == (direction == "higher") else "bad"


def targets(wh: Warehouse, keys: list[str], year: int) -> dict[str, float]:
    """The district's year target of each indicator (under its key or a target alias)."""
    codes = {code: key for key in keys for code in reversed(_target_keys(key))}
    frame = wh.frame(q.targets(list(codes), year))
    found = {r.indicator: float(r.target) for r in frame.itertuples() if not pd.isna(r.target)}
    return {key: found[code] for key in keys for code in reversed(_target_keys(key)) if code in found}


def _target_keys(key: str) -> tuple[str, ...]:
    ind = indicators.BY_KEY.get(key)
    return ind.target_keys if ind else (key,)


def additive(
    wh: Warehouse, f: Filters, keys: list[str], grain: str = "month", periods: int = 12, plan_keys: tuple[str, ...] = ()
) -> dict[str, KpiValue]:
    """Value, deltas, series and status of additive indicators over ``f``.

    ``plan_keys`` are compared with their annual target pro rata (the share of the year gone by ``f.end``).
    """
    assert f.start and f.end
    now, prev, yoy = _totals(wh, f, keys), _totals(wh, previous(f), keys), _totals(wh, year_before(f), keys)
    if grain == "week":
        series_start = f.end - dt.timedelta(days=7 * periods - 1)
    else:
        first = pd.Timestamp(f.end).to_period("M") - (periods - 1)
        series_start = first.to_timestamp().date()
    series = wh.frame(q.kpi_series(Filters(series_start, f.end, f.towns), keys, grain))
    goal = targets(wh, keys, f.end.year)
    year_share = (f.end - dt.date(f.end.year, 1, 1)).days / (
        dt.date(f.end.year, 12, 31) - dt.date(f.end.year, 1, 1)
    ).days
    out: dict[str, KpiValue] = {}
    for key in keys:
        ind = indicators.get(key)
        num, den = now.get(key, (0.0, None))
        value = _value(ind.kind, num, den)
        part = series[series["indicator"] == key]
        values = [_value(ind.kind, n, d) for n, d in zip(part["num"], part["den"], strict=True)]
        kv = KpiValue(
            key,
            value,
            num,
            den,
            prev=_value(ind.kind, *prev.get(key, (0.0, None))),
            yoy=_value(ind.kind, *yoy.get(key, (0.0, None))),
            series=pd.DataFrame({"period": list(part["period"]), "value": values}),
            target=goal.get(key),
        )
        kv.status = status(
            value, kv.target, ind.direction, den, ind.kind, pro_rata=year_share if key in plan_keys else None
        )
        out[key] = kv
    return out


def delta_text(now: float | None, before: float | None, kind: str) -> tuple[str, float | None]:
    """'+3.2 pp' for rates, '+12.5%' for counts; '—' when there is nothing to compare."""
    if now is None or before is None:
        return "—", None
    if kind == "rate":
        d = (now - before) * 100
        return f"{d:+.1f} pp", d
    if before == 0:
        return f"{now - before:+,.0f}", (now - before)
    d = (now - before) / before
    return f"{d:+.1%}", d
