"""The week's figures for the dispatch meeting (周调度会): one plain, JSON-serialisable structure.

``week_figures(wh, iso_week, towns=None)`` runs the queries of ``warehouse.queries.dispatch`` (and the KPI
mart's totals of ``warehouse.queries.overview``, the town league of ``warehouse.queries.rankings`` scored by
``warehouse.scoring``) through the ``Warehouse`` and returns::

    {"week": "2022-W48", "start": "2022-11-28", "end": "2022-12-04",          # ISO week, Monday..Sunday
     "prev_week": "2022-W47", "prev_start": "...", "prev_end": "...",
     "towns_filter": [],                # the town codes asked for ([] = the whole district)
     "generation": "gen-000012",        # the warehouse generation the figures were read from
     "indicators": [                    # KEY_INDICATORS, in order
        {"key": "dcm.on_time_due_rate", "kind": "rate", "direction": "higher",
         "district": FIG, "towns": [{"town_code": "371002001", "town_name": "环翠楼街道", **FIG}, ...]}],
     "league": [{"town_code", "town_name", "composite", "status", "rank", "prev_rank", "rank_change"}],
     "supervised": [{"item": "dcm:<case_no>", "case_no", "town_code", "town_name", "department",
                     "major_category", "minor_category", "community", "stage", "reported_at", "deadline_at",
                     "closed_at", "age_days", "days_overdue", "address"}],            # most overdue first
     "supervised_total": 123}          # the list's length before its limit

    FIG = {"value", "num", "den", "target", "status",                  # this week
           "prev_value", "prev_num", "prev_den", "prev_target", "prev_status"}   # last week

Values are fractions for rates (0.9 = 90 %), counts otherwise; ``den`` is None for counts; ``target`` is the
target as due over the week (``warehouse.rules.targets``: a year's count target pro rata), None without one;
``status`` is ``warehouse.rules.status.status_of`` (green/amber/red/grey, None without a target). The district's
figures include cases without a town; a town's league rank is /rankings' composite rank for the week (ties
share a rank; None when too little data). Timestamps are ISO text.

``week_span(iso_week)`` reads a week id (``2022-W48``, anything ``warehouse.rules.calendar.parse`` reads as a
week); ``last_complete_week(day)`` is the latest ISO week that ended on or before ``day``.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import pandas as pd

from dashboard.data import Warehouse
from dashboard.kpis import value_of
from warehouse import indicators, scoring
from warehouse.queries import dispatch as dq
from warehouse.queries import overview as ov
from warehouse.queries import rankings as rq
from warehouse.rules import calendar
from warehouse.rules import targets as target_rule
from warehouse.rules.status import status_of
from warehouse.sql import Filters

SUPERVISED_LIMIT = 2000


def week_span(iso_week: str) -> tuple[dt.date, dt.date]:
    """(Monday, Sunday) of an ISO week id such as ``2022-W48``; ValueError for anything else (a week outside the
    calendar's years too: ``9999-W52`` has no week after it)."""
    try:
        period = calendar.parse(iso_week)
    except (ValueError, OverflowError):  # ``²⁰²²-W01``, ``9999-W52`` (its Sunday is past the last date)
        period = None
    if period is None or period.type != "week" or not calendar.MIN_YEAR <= period.start.year <= calendar.MAX_YEAR:
        raise ValueError(f"not an ISO week: {iso_week!r} (expected e.g. 2022-W48)")
    return period.start, period.end


def last_complete_week(day: dt.date) -> str:
    """The id of the latest ISO week whose Sunday is on or before ``day``."""
    start, end = calendar.period_of("week", day)
    return calendar.week_id(start if end <= day else start - dt.timedelta(days=7))


def _plain(x: Any) -> Any:
    """A JSON-ready scalar: NaN/NA → None, numpy numbers → float/int, timestamps → ISO text."""
    if x is None or x is pd.NA or x is pd.NaT:
        return None
    if isinstance(x, pd.Timestamp | dt.datetime):
        return pd.Timestamp(x).isoformat()
    if isinstance(x, dt.date):
        return x.isoformat()
    if isinstance(x, bool):
        return x
    if isinstance(x, int | float) or hasattr(x, "item"):
        v = x.item() if hasattr(x, "item") else x
        if isinstance(v, float) and math.isnan(v):
            return None
        return v
    return x


def _figure(ind: indicators.Indicator, num: float | None, den: float | None, target: target_rule.Target | None
            ) -> dict[str, Any]:
    n = float(num or 0)
    d = None if den is None or pd.isna(den) else float(den)
    value = value_of(ind.kind, n, d)
    due = target.due if target is not None else None
    return {"value": value, "num": n, "den": d, "target": due,
            "status": status_of(value, due, ind.direction, d, ind.kind)}


def _with_prev(now: dict[str, Any], prev: dict[str, Any]) -> dict[str, Any]:
    return {**now, **{f"prev_{k}": v for k, v in prev.items()}}


def _totals(frame: pd.DataFrame) -> dict[str, tuple[float, float | None]]:
    return {r.indicator: (float(r.num or 0), None if pd.isna(r.den) else float(r.den)) for r in frame.itertuples()}


def _by_town(frame: pd.DataFrame) -> dict[tuple[str, str], tuple[float, float | None]]:
    rows = frame[frame["indicator"].notna()]
    return {(r.town_code, r.indicator): (float(r.num or 0), None if pd.isna(r.den) else float(r.den))
            for r in rows.itertuples()}


def _indicators(wh: Warehouse, f: Filters, pf: Filters, towns: pd.DataFrame) -> list[dict[str, Any]]:
    keys = list(dq.KEY_INDICATORS)
    codes = sorted({c for k in keys for c in indicators.get(k).target_keys})
    assert f.start and f.end and pf.start and pf.end
    rows = wh.frame(target_rule.rows_sql(codes, f.start, f.end)).to_dict("records")
    prev_rows = wh.frame(target_rule.rows_sql(codes, pf.start, pf.end)).to_dict("records")
    total, prev_total = _totals(wh.frame(ov.kpi_totals(f, keys))), _totals(wh.frame(ov.kpi_totals(pf, keys)))
    town, prev_town = _by_town(wh.frame(ov.kpi_by_town(f, keys))), _by_town(wh.frame(ov.kpi_by_town(pf, keys)))
    out = []
    for key in keys:
        ind = indicators.get(key)

        def target(rs: list[dict], span: Filters, code: str | None, ind: indicators.Indicator = ind
                   ) -> target_rule.Target | None:
            assert span.start and span.end
            return target_rule.pick(rs, start=span.start, end=span.end, town=code, kind=ind.kind,
                                    codes=ind.target_keys)

        district = _with_prev(_figure(ind, *total.get(key, (0.0, None)), target(rows, f, None)),
                              _figure(ind, *prev_total.get(key, (0.0, None)), target(prev_rows, pf, None)))
        per_town = [
            {"town_code": t.town_code, "town_name": t.town_name,
             **_with_prev(_figure(ind, *town.get((t.town_code, key), (0.0, None)), target(rows, f, t.town_code)),
                          _figure(ind, *prev_town.get((t.town_code, key), (0.0, None)),
                                  target(prev_rows, pf, t.town_code)))}
            for t in towns.itertuples()
        ]
        out.append({"key": key, "kind": ind.kind, "direction": ind.direction, "district": district,
                    "towns": per_town})
    return out


def _league(wh: Warehouse, start: dt.date, prev_start: dt.date, codes: set[str]) -> list[dict[str, Any]]:
    values = wh.frame(rq.town_values("week", prev_start, start))
    scored = scoring.score_indicators(values, wh.frame(rq.targets_for("week", prev_start, start)))
    table = scoring.composite(scored)
    week = table[pd.to_datetime(table["period_start"]).dt.date == start]
    cols = ["town_code", "town_name", "composite", "status", "rank", "prev_rank", "rank_change"]
    return [{c: _plain(r[c]) for c in cols} for r in week.to_dict("records") if r["town_code"] in codes]


def week_figures(wh: Warehouse, iso_week: str, towns: list[str] | tuple[str, ...] | None = None) -> dict[str, Any]:
    """The week's figures (see the module docstring); ``towns`` limits them to those town codes.

    Cached per warehouse generation (``Warehouse.memo``): the result is shared, so treat it as read-only."""
    start = week_span(iso_week)[0]
    chosen = tuple(towns or ())
    return wh.memo(("dispatch.week_figures", start, chosen), lambda: _compute(wh, start, chosen))


def _compute(wh: Warehouse, start: dt.date, chosen: tuple[str, ...]) -> dict[str, Any]:
    end = calendar.period_of("week", start)[1]
    prev_start, prev_end = calendar.previous("week", start)
    f, pf = Filters(start, end, chosen), Filters(prev_start, prev_end, chosen)
    town_frame = wh.frame(ov.towns())
    if chosen:
        town_frame = town_frame[town_frame["town_code"].isin(chosen)]
    supervised = wh.frame(dq.supervised(f, SUPERVISED_LIMIT))
    items = [{"item": f"dcm:{r['case_no']}", **{k: _plain(v) for k, v in r.items()}}
             for r in supervised.to_dict("records")]
    return {
        "week": calendar.week_id(start), "start": start.isoformat(), "end": end.isoformat(),
        "prev_week": calendar.week_id(prev_start), "prev_start": prev_start.isoformat(),
        "prev_end": prev_end.isoformat(), "towns_filter": list(chosen), "generation": wh.generation(),
        "indicators": _indicators(wh, f, pf, town_frame),
        "league": _league(wh, start, prev_start, set(town_frame["town_code"])),
        "supervised": items,
        "supervised_total": int(wh.frame(dq.supervised_count(f))["n"].iloc[0]),
    }
