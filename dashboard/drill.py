"""Click to drill down, or see the rows behind a chart.

Every chart and tile has a key; ``CHARTS`` says what the first ``customdata`` value of its points is
(``dim``) and which query lists its rows. A click on a town narrows the URL to that town, on a
community to that community (district → town → community); any other click — a month, a category,
a grid — and the rows button open the rows behind it, under the page's filters.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd
import sqlalchemy as sa

from dashboard.data import Warehouse
from dashboard.i18n import t
from dashboard.kpis import last_week
from dashboard.pagekit import data_end
from dashboard.state import TOWN_CODES, ViewState
from warehouse import indicators
from warehouse.queries import demolitions as qd
from warehouse.queries import overview as qo
from warehouse.queries import snow as qs
from warehouse.queries import violations as qv
from warehouse.rules import calendar
from warehouse.sql import Filters

ROW_LIMIT = 500
Rows = Callable[[Filters, ViewState, Any], sa.Select]


@dataclass(frozen=True)
class ChartSpec:
    title: str  # i18n key (or an indicator key)
    dim: str | None  # what customdata[0] holds: town, area, period, category, channel, stage, ...
    rows: Rows


@dataclass
class Action:
    search: str | None = None  # a new query string (drill-down)
    rows: pd.DataFrame | None = None
    title: str = ""
    limited: bool = False


def _month(f: Filters, value: Any) -> Filters:
    """The filters narrowed to the month starting at ``value`` (an ISO date)."""
    try:
        start = dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return f
    start, end = calendar.period_of("month", start)
    return Filters(max(start, f.start) if f.start else start, min(end, f.end) if f.end else end, f.towns)


def _cases(**kw: Any) -> Rows:
    def rows(f: Filters, s: ViewState, v: Any) -> sa.Select:
        return qv.case_rows(f, community=s.community, limit=ROW_LIMIT, **kw)

    return rows


def _cases_by(field: str, date_basis: str = "filed") -> Rows:
    def rows(f: Filters, s: ViewState, v: Any) -> sa.Select:
        return qv.case_rows(
            f,
            community=s.community,
            date_basis=date_basis,
            limit=ROW_LIMIT,  # type: ignore[arg-type]
            **({field: v} if v is not None else {}),
        )

    return rows


def _cases_month(date_basis: str) -> Rows:
    def rows(f: Filters, s: ViewState, v: Any) -> sa.Select:
        return qv.case_rows(
            _month(f, v) if v else f,
            community=s.community,
            date_basis=date_basis,  # type: ignore[arg-type]
            limit=ROW_LIMIT,
        )

    return rows


def _cases_area(date_basis: str = "filed") -> Rows:
    def rows(f: Filters, s: ViewState, v: Any) -> sa.Select:
        if s.community is not None:  # grid level: v is a grid code
            return qv.case_rows(
                f,
                community=s.community,
                grid=v,
                date_basis=date_basis,  # type: ignore[arg-type]
                limit=ROW_LIMIT,
            )
        return qv.case_rows(
            f,
            town=v if s.town is None else None,
            community=v if s.town else None,
            date_basis=date_basis,
            limit=ROW_LIMIT,
        )  # type: ignore[arg-type]

    return rows


def _ledger(**kw: Any) -> Rows:
    def rows(f: Filters, s: ViewState, v: Any) -> sa.Select:
        return qd.ledger_rows(f, community=s.community, limit=ROW_LIMIT, **kw)

    return rows


def _ledger_month(**kw: Any) -> Rows:
    def rows(f: Filters, s: ViewState, v: Any) -> sa.Select:
        return qd.ledger_rows(_month(f, v) if v else f, community=s.community, limit=ROW_LIMIT, **kw)

    return rows


def _ledger_area(**kw: Any) -> Rows:
    def rows(f: Filters, s: ViewState, v: Any) -> sa.Select:
        if s.town is None and v is not None:
            return qd.ledger_rows(f, town=v, limit=ROW_LIMIT, **kw)
        return qd.ledger_rows(f, community=v if v is not None else s.community, limit=ROW_LIMIT, **kw)

    return rows


def _campaign(f: Filters, s: ViewState, v: Any) -> sa.Select:
    return qd.ledger_rows(f, campaign=v, date_basis="none", limit=ROW_LIMIT)


def _week(f: Filters, s: ViewState, v: Any) -> sa.Select:
    return qv.case_rows(last_week(f), community=s.community, date_basis="filed", limit=ROW_LIMIT)


def _roster(f: Filters, s: ViewState, v: Any) -> sa.Select:
    return qs.roster_rows(f, town=v if v and str(v).isdigit() else None, limit=ROW_LIMIT)


def _events(f: Filters, s: ViewState, v: Any) -> sa.Select:
    return qs.event_rows(f, limit=ROW_LIMIT)


CHARTS: dict[str, ChartSpec] = {
    # overview tiles (keys of warehouse.indicators) and charts
    "dcm.on_time_due_rate": ChartSpec("dcm.on_time_due_rate", None, _cases(date_basis="deadline")),
    "dcm.filed": ChartSpec("dcm.filed", None, _week),
    "demolition.stock_count": ChartSpec("demolition.stock_count", None, _ledger(kind="存量")),
    "demolition.new_found": ChartSpec("demolition.new_found", None, _ledger(kind="新增", date_basis="found")),
    "refined.rectified": ChartSpec("refined.rectified", None, lambda f, s, v: qo.refined_rows(f, ROW_LIMIT)),
    "snow.personnel": ChartSpec("snow.personnel", None, _roster),
    "assessment.rank": ChartSpec("assessment.rank", None, lambda f, s, v: qo.assessment_rows(f, limit=ROW_LIMIT)),
    "ov.towns_chart": ChartSpec("ov.towns_chart", "town", _cases_by("town", "deadline")),
    "ov.trend_chart": ChartSpec("ov.trend_chart", "period", _cases_month("filed")),
    "ov.ranks": ChartSpec("ov.ranks", None, lambda f, s, v: qo.assessment_rows(f, limit=ROW_LIMIT)),
    # violations
    "vi.trend": ChartSpec("vi.trend", "period", _cases_month("reported")),
    "vi.pareto": ChartSpec("vi.pareto", "category", _cases_by("minor")),
    "vi.heatmap": ChartSpec("vi.heatmap", "area", _cases_area()),
    "vi.channels": ChartSpec("vi.channels", "channel", _cases_by("channel", "reported")),
    "vi.funnel": ChartSpec("vi.funnel", "stage", _cases(date_basis="reported")),
    "vi.towns": ChartSpec("vi.towns", "town", _cases_by("town", "deadline")),
    "vi.rework": ChartSpec("vi.rework", "town", _cases_by("town", "deadline")),
    "vi.areas": ChartSpec("vi.areas", "area", _cases_area()),
    "vi.open": ChartSpec("vi.open", None, lambda f, s, v: qv.open_cases(f, limit=ROW_LIMIT)),
    # demolitions
    "de.stock_new": ChartSpec("de.stock_new", "period", _ledger_month(date_basis="demolished")),
    "de.monthly_area": ChartSpec("de.monthly_area", "period", _ledger_month(date_basis="demolished")),
    "de.by_town": ChartSpec("de.by_town", "area", _ledger_area(date_basis="demolished")),
    "de.by_town_area": ChartSpec("de.by_town_area", "area", _ledger_area(date_basis="demolished")),
    "de.cumulative_area": ChartSpec(
        "de.cumulative_area", "period", _ledger_month(kind="存量", date_basis="demolished")
    ),
    "de.cumulative": ChartSpec("de.cumulative", "period", _ledger_month(kind="存量", date_basis="demolished")),
    "de.new_zero": ChartSpec("de.new_zero", "town", _ledger(kind="新增", date_basis="none", open_only=True)),
    "de.lead_time": ChartSpec("de.lead_time", None, _ledger(date_basis="demolished")),
    "de.campaigns": ChartSpec("de.campaigns", None, _campaign),
    # snow
    "sn.force": ChartSpec("sn.force", "town", _roster),
    "sn.machines": ChartSpec("sn.machines", None, _roster),
    "sn.readiness": ChartSpec("sn.readiness", "town", _roster),
    "sn.reserves": ChartSpec("sn.reserves", "town", _roster),
    "sn.events": ChartSpec("sn.events", None, _events),
    "sn.reopen": ChartSpec("sn.reopen", None, _events),
}


def title(key: str, lang: str) -> str:
    spec = CHARTS.get(key)
    name = spec.title if spec else key
    if name in indicators.BY_KEY:
        return indicators.get(name).label(lang)
    try:
        return t(name, lang)
    except KeyError:
        return name


def first_custom(point: dict[str, Any] | None) -> Any:
    """customdata[0] of a clicked point (plotly sends a scalar or a list)."""
    if not point:
        return None
    custom = point.get("customdata")
    if isinstance(custom, list | tuple):
        return custom[0] if custom else None
    return custom


def act(wh: Warehouse, state: ViewState, key: str, point: dict[str, Any] | None) -> Action:
    """What a click on chart ``key`` (``point`` None: its rows button or tile) does."""
    spec = CHARTS.get(key)
    if spec is None:
        return Action()
    value = first_custom(point)
    if point is not None and value is not None:
        if spec.dim in ("town", "area") and state.town is None and str(value) in TOWN_CODES:
            return Action(search=state.with_(towns=(str(value),), community=None).to_search())
        if spec.dim == "area" and state.town is not None and state.community is None:
            return Action(search=state.with_(community=str(value)).to_search())
    f = state.filters(data_end(wh))
    frame = wh.frame(spec.rows(f, state, value if point is not None else None))
    name = title(key, state.lang)
    if point is not None and value is not None:
        name = f"{name} · {value}"
    return Action(rows=frame, title=name, limited=len(frame) >= ROW_LIMIT)
