"""The /report table as data: one row per work-report figure with its values, changes, plan and status, shared by
the page, the XLSX export and the PDF print view (so the three never disagree).

The change is written in one unit per row: ``change`` in the figure's own unit (percentage points for a rate,
``+50 处`` for a count) and ``change_pct`` the relative change of a count (``—`` for a rate, or when the
previous year is 0); a year the data covers only in part shows no change (half a year is no collapse against a
whole one). The status compares the year's value with the year's plan where one is set, by the one target
rule (``warehouse.rules.targets`` through ``dashboard.kpis.targets``, counts pro rata to the data's last day in
an unfinished year) and the one status rule (``warehouse.rules.status``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from dashboard import format as fmt
from dashboard.data import Warehouse
from dashboard.i18n import t
from dashboard.kpis import targets
from warehouse.report import AREAS, AREAS_EN, AREAS_ZH, REPORT_FIGURES, ReportFigure
from warehouse.rules import status as status_rule
from warehouse.rules.targets import Target
from warehouse.sql import Filters


@dataclass(frozen=True)
class ReportRow:
    area: str  # the area's heading, e.g. （一）市容市貌精细化管理
    key: str
    label: str
    unit: str
    kind: str  # the indicator's kind (rate, count, amount …)
    value: str
    previous: str
    value_num: float | None  # the numbers themselves, for the workbook
    previous_num: float | None
    change: str  # in the figure's unit (pp for a rate)
    change_pct: str  # a count's relative change; — for a rate or from 0
    target: str  # the year's plan as set, '' without one
    status: str | None  # green / amber / red / grey against the plan; None without one
    status_name: str
    definition: str
    rows: int | None


def span(year: int, data_end: dt.date | None) -> tuple[dt.date, dt.date]:
    """The part of ``year`` the data covers: the whole year, or 1 January to the data's last day."""
    last = dt.date(year, 12, 31)
    return dt.date(year, 1, 1), min(last, data_end) if data_end and data_end.year == year else last


def change_in_unit(fig: ReportFigure, now: float | None, before: float | None, lang: str) -> str:
    """The change in the figure's own unit: ``+3.2 pp`` for a rate, ``+50 处`` / ``-1,200 ㎡`` for a count."""
    if fmt.is_missing(now) or fmt.is_missing(before):
        return fmt.MISSING
    if fig.kind == "rate":
        return fmt.change(now, before, "rate")[0]
    d = float(now) - float(before)  # type: ignore[arg-type]
    return ("+" if d >= 0 else "") + fmt.number(d, fig.unit(lang), 0 if d.is_integer() else 2)


def change_pct(fig: ReportFigure, now: float | None, before: float | None) -> str:
    """A count's relative change (``+12.5%``); ``—`` for a rate, a missing value or a previous year of 0."""
    if fig.kind == "rate" or fmt.is_missing(before) or float(before) == 0:  # type: ignore[arg-type]
        return fmt.MISSING
    return fmt.change(now, before, fig.kind)[0]


def against_plan(fig: ReportFigure, value: float | None, plan: Target | None, n: int | None) -> str | None:
    """The status rule's colour of ``value`` against the plan as due over the span (None without a plan)."""
    if plan is None:
        return None
    return status_rule.status_of(value, plan.due, plan.direction or fig.direction, n, fig.kind)


def rows(
    wh: Warehouse,
    year: int,
    now: dict[str, float | None],
    before: dict[str, float | None],
    n_rows: dict[str, int] | None,
    data_end: dt.date | None,
    lang: str,
) -> list[ReportRow]:
    """Every figure of the report for ``year`` (``now``) beside ``before``, with ``n_rows`` behind each."""
    start, end = span(year, data_end)
    partial = end < dt.date(year, 12, 31)  # part of a year is never compared with a whole one
    plans = targets(wh, [f.key for f in REPORT_FIGURES], Filters(start, end))
    out = []
    for fig in REPORT_FIGURES:
        area = AREAS[fig.area - 1]  # type: ignore[operator]
        name = AREAS_EN[fig.area] if lang == "en" else AREAS_ZH[fig.area]  # type: ignore[index]
        plan = plans.get(fig.key)
        value = now.get(fig.key)
        n = (n_rows or {}).get(fig.key)
        status = against_plan(fig, value, plan, n)
        out.append(
            ReportRow(
                area=t("rp.area", lang, numeral=area["numeral"], name=name),
                key=fig.key,
                label=fig.label(lang),
                unit=fig.unit(lang) or ("%" if fig.kind == "rate" else ""),
                kind=fig.kind,
                value=fmt.report(fig, value, lang),
                previous=fmt.report(fig, before.get(fig.key), lang),
                value_num=None if fmt.is_missing(value) else float(value),  # type: ignore[arg-type]
                previous_num=None if fmt.is_missing(before.get(fig.key)) else float(before[fig.key]),  # type: ignore
                change=fmt.MISSING if partial else change_in_unit(fig, value, before.get(fig.key), lang),
                change_pct=fmt.MISSING if partial else change_pct(fig, value, before.get(fig.key)),
                target=fmt.report(fig, plan.value, lang) if plan is not None else "",
                status=status,
                status_name=status_rule.name(status, lang) if plan is not None else "",
                definition=fig.text("formula", lang),
                rows=n,
            )
        )
    return out
