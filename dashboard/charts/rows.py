"""The rows behind a click, as drill specs share them: case, ledger, roster and event rows narrowed by the
clicked value (``v``) under the page's filters (``f``) and view (``s``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

from dashboard.charts import Rows
from dashboard.state import ViewState
from warehouse.queries import demolitions as qd
from warehouse.queries import snow as qs
from warehouse.queries import violations as qv
from warehouse.rules import calendar
from warehouse.sql import Filters

ROW_LIMIT = 500


def month_of(f: Filters, value: Any) -> Filters:
    """The filters narrowed to the month of ``value`` (an ISO date)."""
    try:
        day = dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return f
    start, end = calendar.month_range(day)
    return f.span(max(start, f.start) if f.start else start, min(end, f.end) if f.end else end)


def cases(**kw: Any) -> Rows:
    def rows(f: Filters, s: ViewState, v: Any) -> sa.Select:
        return qv.case_rows(f, community=s.community, limit=ROW_LIMIT, **kw)

    return rows


def cases_by(field: str, date_basis: str = "filed") -> Rows:
    def rows(f: Filters, s: ViewState, v: Any) -> sa.Select:
        narrowed = {field: v} if v is not None else {}
        return qv.case_rows(f, community=s.community, date_basis=date_basis, limit=ROW_LIMIT, **narrowed)  # type: ignore[arg-type]

    return rows


def cases_month(date_basis: str) -> Rows:
    def rows(f: Filters, s: ViewState, v: Any) -> sa.Select:
        return qv.case_rows(
            month_of(f, v) if v else f,
            community=s.community,
            date_basis=date_basis,  # type: ignore[arg-type]
            limit=ROW_LIMIT,
        )

    return rows


def cases_area(date_basis: str = "filed") -> Rows:
    def rows(f: Filters, s: ViewState, v: Any) -> sa.Select:
        if s.community is not None:  # grid level: v is a grid code
            return qv.case_rows(f, community=s.community, grid=v, date_basis=date_basis, limit=ROW_LIMIT)  # type: ignore[arg-type]
        return qv.case_rows(
            f,
            town=v if s.town is None else None,
            community=v if s.town else None,
            date_basis=date_basis,
            limit=ROW_LIMIT,
        )  # type: ignore[arg-type]

    return rows


def ledger(**kw: Any) -> Rows:
    def rows(f: Filters, s: ViewState, v: Any) -> sa.Select:
        return qd.ledger_rows(f, community=s.community, limit=ROW_LIMIT, **kw)

    return rows


def ledger_month(**kw: Any) -> Rows:
    def rows(f: Filters, s: ViewState, v: Any) -> sa.Select:
        return qd.ledger_rows(month_of(f, v) if v else f, community=s.community, limit=ROW_LIMIT, **kw)

    return rows


def ledger_area(**kw: Any) -> Rows:
    def rows(f: Filters, s: ViewState, v: Any) -> sa.Select:
        if s.town is None and v is not None:
            return qd.ledger_rows(f, town=v, limit=ROW_LIMIT, **kw)
        return qd.ledger_rows(f, community=v if v is not None else s.community, limit=ROW_LIMIT, **kw)

    return rows


def campaign(f: Filters, s: ViewState, v: Any) -> sa.Select:
    return qd.ledger_rows(f, campaign=v, date_basis="none", limit=ROW_LIMIT)


def roster(f: Filters, s: ViewState, v: Any) -> sa.Select:
    return qs.roster_rows(f, town=v if v and str(v).isdigit() else None, limit=ROW_LIMIT)


def events(f: Filters, s: ViewState, v: Any) -> sa.Select:
    return qs.event_rows(f, limit=ROW_LIMIT)
