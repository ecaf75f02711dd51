"""Indicator values for tiles: value over the range, 环比 and 同比 deltas, sparkline series, target status.

Additive indicators (``warehouse.indicators``, ``mart_kpi_daily``) are computed from sums of numerator
and denominator, so every tile, town chart and delta reads the same definition.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

import pandas as pd

from dashboard.data import Warehouse
from warehouse import indicators
from warehouse.queries import overview as q
from warehouse.rules import calendar
from warehouse.rules import targets as target_rule
from warehouse.rules.status import status_of
from warehouse.sql import Filters

Tone = Literal["good", "bad", "flat"]


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


def previous(f: Filters) -> Filters:
    """The period of equal length just before ``f`` (环比)."""
    assert f.start and f.end
    return f.span(*calendar.same_length_before(f.start, f.end))


def year_before(f: Filters) -> Filters:
    """The same dates a year earlier (同比)."""
    assert f.start and f.end
    return f.span(*calendar.year_before(f.start, f.end))


def last_week(f: Filters) -> Filters:
    """The seven days ending on the range's end."""
    assert f.end
    return f.span(f.end - dt.timedelta(days=6), f.end)


def value_of(kind: str, num: float | None, den: float | None) -> float | None:
    """An indicator's value from its sums: num ÷ den for a rate (None when den is 0 or missing), else num."""
    if kind == "rate":
        return None if not den else float(num or 0) / float(den)
    return float(num or 0)


def _totals(wh: Warehouse, f: Filters, keys: list[str]) -> dict[str, tuple[float, float | None]]:
    frame = wh.frame(q.kpi_totals(f, keys))
    return {r.indicator: (float(r.num or 0), None if pd.isna(r.den) else float(r.den)) for r in frame.itertuples()}


def tone(delta: float | None, direction: str) -> Tone:
    if delta is None or abs(delta) < 1e-12 or direction == "none":
        return "flat"
    return "good" if (delta > 0) == (direction == "higher") else "bad"


def targets(wh: Warehouse, keys: list[str], f: Filters) -> dict[str, target_rule.Target]:
    """The district's target of each indicator over ``f`` (the rule of ``warehouse.rules.targets``)."""
    assert f.start and f.end
    codes = {code: key for key in keys for code in _target_keys(key)}
    rows = wh.frame(target_rule.rows_sql(list(codes), f.start, f.end)).to_dict("records")
    out: dict[str, target_rule.Target] = {}
    for key in keys:
        ind = indicators.BY_KEY.get(key)
        found = target_rule.pick(rows, start=f.start, end=f.end, kind=ind.kind if ind else "rate",
                                 codes=_target_keys(key))
        if found is not None:
            out[key] = found
    return out


def goals(wh: Warehouse, keys: list[str], f: Filters) -> dict[str, float]:
    """What each indicator is compared with over ``f`` (its target's ``due``); absent without a target."""
    return {k: t.due for k, t in targets(wh, keys, f).items()}


def _target_keys(key: str) -> tuple[str, ...]:
    ind = indicators.BY_KEY.get(key)
    return ind.target_keys if ind else (key,)


def additive(
    wh: Warehouse, f: Filters, keys: list[str], grain: str = "month", periods: int = 12
) -> dict[str, KpiValue]:
    """Value, deltas, series and status of additive indicators over ``f``.

    ``target`` is the target as set (e.g. the year's plan); the status compares the value with it as due over
    ``f`` (a count's year plan pro rata: ``warehouse.rules.targets``).
    """
    assert f.start and f.end
    now, prev, yoy = _totals(wh, f, keys), _totals(wh, previous(f), keys), _totals(wh, year_before(f), keys)
    if grain == "week":
        series_start = f.end - dt.timedelta(days=7 * periods - 1)
    else:
        series_start = calendar.months_back(f.end, periods - 1)
    series = wh.frame(q.kpi_series(f.span(series_start, f.end), keys, grain))
    goal = targets(wh, keys, f)
    out: dict[str, KpiValue] = {}
    for key in keys:
        ind = indicators.get(key)
        num, den = now.get(key, (0.0, None))
        value = value_of(ind.kind, num, den)
        part = series[series["indicator"] == key]
        values = [value_of(ind.kind, n, d) for n, d in zip(part["num"], part["den"], strict=True)]
        kv = KpiValue(
            key,
            value,
            num,
            den,
            prev=value_of(ind.kind, *prev.get(key, (0.0, None))),
            yoy=value_of(ind.kind, *yoy.get(key, (0.0, None))),
            series=pd.DataFrame({"period": list(part["period"]), "value": values}),
            target=goal[key].value if key in goal else None,
        )
        kv.status = status_of(value, goal[key].due if key in goal else None, ind.direction, den, ind.kind)
        out[key] = kv
    return out

