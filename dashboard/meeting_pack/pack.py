"""The meeting pack's model: one ISO week's figures as the meeting saw them.

A ``WeekPack`` holds, for the week and the week before, every key indicator of the district and of each town
(value, numerator, denominator, target, status), the supervised list (督办清单) and the commitments. It is
built from the frozen snapshot of the week when the meeting was held, else from the live warehouse
(``basis`` says which), and it is plain data: the brief, the XLSX, the PPTX and the PDF only read it.

Every number carries its ``Source`` (indicator key, ISO week, town), so a page can link it to the rows
behind it (``Source.href``: the indicator's page over that week, as a permalink).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from dashboard.meeting import movement
from dashboard.weekly import week_span
from warehouse import indicators
from warehouse.rules import calendar


def shift_week(week: str, weeks: int) -> str:
    """The ISO week ``weeks`` after ``week`` (before it when negative): ``shift_week("2022-W52", 1)`` is 2023-W01."""
    return calendar.week_id(week_span(week)[0] + dt.timedelta(days=7 * weeks))


@dataclass(frozen=True)
class Source:
    """Where a number comes from: an indicator over an ISO week, for the district (``town`` None) or a town."""

    indicator: str
    week: str
    town: str | None = None

    def href(self) -> str:
        """The indicator's page over that week (for that town), as the dashboard's permalink."""
        start, end = week_span(self.week)
        page = indicators.BY_KEY[self.indicator].page if self.indicator in indicators.BY_KEY else None
        query = f"?start={start.isoformat()}&end={end.isoformat()}"
        if self.town:
            query += f"&towns={self.town}"
        return (page or "/") + query


@dataclass(frozen=True)
class Value:
    """One indicator's value over a week: numerator and denominator (rates), the target as due, the status."""

    value: float | None
    num: float | None = None
    den: float | None = None
    target: float | None = None
    status: str | None = None


@dataclass(frozen=True)
class TownFigures:
    code: str
    name: str
    now: Value
    before: Value


@dataclass(frozen=True)
class IndicatorFigures:
    """An indicator this week and last week, district-wide and per town."""

    key: str
    now: Value
    before: Value
    towns: tuple[TownFigures, ...] = ()

    @property
    def indicator(self) -> indicators.Indicator:
        return indicators.get(self.key)


@dataclass(frozen=True)
class SupervisedItem:
    """One overdue, unresolved case of the supervised list (督办清单)."""

    town_code: str | None
    town: str
    item: str
    category: str
    department: str
    due: str
    days_overdue: int


@dataclass(frozen=True)
class Commitment:
    """An action item recorded at a meeting, with the indicator's value then (baseline) and in this week."""

    week: str
    town_code: str | None
    indicator: str
    owner: str
    due: str
    text: str
    status: str  # open / closed
    note: str = ""
    value_then: float | None = None
    value_now: float | None = None


@dataclass(frozen=True)
class WeekPack:
    week: str  # 2022-W48
    basis: str  # "snapshot" (frozen at the meeting) or "live"
    frozen_at: str | None  # when the snapshot was taken (ISO text), None when live
    indicators: tuple[IndicatorFigures, ...]
    supervised: tuple[SupervisedItem, ...] = ()
    supervised_total: int = 0
    commitments: tuple[Commitment, ...] = ()
    generation: str | None = None

    @property
    def start(self) -> dt.date:
        return week_span(self.week)[0]

    @property
    def end(self) -> dt.date:
        return week_span(self.week)[1]

    @property
    def previous_week(self) -> str:
        return shift_week(self.week, -1)

    def get(self, key: str) -> IndicatorFigures | None:
        return next((i for i in self.indicators if i.key == key), None)

    def source(self, key: str, town: str | None = None, previous: bool = False) -> Source:
        return Source(key, self.previous_week if previous else self.week, town)


def _value(fig: Mapping[str, Any], prefix: str = "") -> Value:
    return Value(fig.get(f"{prefix}value"), fig.get(f"{prefix}num"), fig.get(f"{prefix}den"),
                 fig.get(f"{prefix}target"), fig.get(f"{prefix}status"))


def _day(text: object) -> str:
    return "" if text is None else str(text)[:10]


def from_figures(figures: Mapping[str, Any], *, basis: str, frozen_at: str | None = None,
                 commitments: Iterable[Mapping[str, Any]] = (), live: Mapping[str, Any] | None = None) -> WeekPack:
    """A ``WeekPack`` from ``dashboard.weekly.week_figures``' structure (live, or as a snapshot stored it) and the
    appdb's commitment rows (``dashboard.appdb``); a commitment's ``value_now`` is its movement's current value
    (``dashboard.meeting.movement``) in ``live`` (this week's live figures, default ``figures``)."""
    inds = tuple(
        IndicatorFigures(
            key=ind["key"], now=_value(ind["district"]), before=_value(ind["district"], "prev_"),
            towns=tuple(TownFigures(tw["town_code"], tw["town_name"], _value(tw), _value(tw, "prev_"))
                        for tw in ind["towns"]),
        )
        for ind in figures["indicators"]
        if ind["key"] in indicators.BY_KEY
    )
    supervised = tuple(
        SupervisedItem(r.get("town_code"), r.get("town_name") or "", str(r.get("case_no") or r.get("item") or ""),
                       r.get("minor_category") or "", r.get("department") or "", _day(r.get("deadline_at")),
                       int(r.get("days_overdue") or 0))
        for r in figures.get("supervised", [])
    )
    pack = WeekPack(figures["week"], basis, frozen_at, inds, supervised,
                    int(figures.get("supervised_total", len(supervised))), (), figures.get("generation"))
    now = figures if live is None else live
    commits = tuple(
        Commitment(c["week"], c.get("town_code"), c["indicator"], c.get("owner") or "", _day(c.get("due_on")),
                   c.get("text") or "", c.get("status") or "open", c.get("closed_note") or "", c.get("baseline"),
                   movement(dict(c), dict(now))["current"])
        for c in commitments
    )
    return dataclasses.replace(pack, commitments=commits)
