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

from warehouse import indicators
from warehouse.rules import calendar


def week_span(week: str) -> tuple[dt.date, dt.date]:
    """Monday and Sunday of ``2022-W48`` (any spelling ``warehouse.rules.calendar.parse`` takes)."""
    p = calendar.parse(week)
    if p is None or p.type != "week":
        raise ValueError(f"not an ISO week: {week!r} (write it as 2022-W48)")
    return p.start, p.end


def shift_week(week: str, weeks: int) -> str:
    """The ISO week ``weeks`` after ``week`` (before it when negative): ``shift_week("2022-W52", 1)`` is 2023-W01."""
    day = week_span(week)[0] + dt.timedelta(days=7 * weeks)
    return f"{day.isocalendar().year}-W{day.isocalendar().week:02d}"  # MERGE: calendar.week_id


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

    def value(self, key: str, town: str | None = None) -> float | None:
        """This week's value of an indicator, district-wide or for a town (None when the pack lacks it)."""
        fig = self.get(key)
        if fig is None:
            return None
        if town is None:
            return fig.now.value
        return next((tw.now.value for tw in fig.towns if tw.code == town), None)


def _value(fig: Mapping[str, Any], prefix: str = "") -> Value:
    return Value(fig.get(f"{prefix}value"), fig.get(f"{prefix}num"), fig.get(f"{prefix}den"),
                 fig.get(f"{prefix}target"), fig.get(f"{prefix}status"))


def _day(text: object) -> str:
    return "" if text is None else str(text)[:10]


def from_figures(figures: Mapping[str, Any], *, basis: str, frozen_at: str | None = None,
                 commitments: Iterable[Mapping[str, Any]] = (), live: Mapping[str, Any] | None = None) -> WeekPack:
    """A ``WeekPack`` from ``dashboard.weekly.week_figures``' structure (live, or as a snapshot stored it) and the
    appdb's commitment rows (``dashboard.appdb``); a commitment's ``value_now`` is read from ``live`` (this
    week's live figures, default ``figures``), for its town or the district."""
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
    now = pack if live is None else from_figures(live, basis="live")
    commits = tuple(
        Commitment(c["week"], c.get("town_code"), c["indicator"], c.get("owner") or "", _day(c.get("due_on")),
                   c.get("text") or "", c.get("status") or "open", c.get("closed_note") or "", c.get("baseline"),
                   now.value(c["indicator"], c.get("town_code")))
        for c in commitments
    )
    return dataclasses.replace(pack, commitments=commits)
