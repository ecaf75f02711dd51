"""The analyst explorer's whitelist and its queries (/explore).

``SOURCES`` is data: per source, the mart or fact table it reads, its time column, the dimensions an analyst may
filter and group by, the measures (count, sums, medians and the registry's indicators) and the columns of its
rows. Nothing else can reach SQL: the page passes keys, every key is looked up here (an unknown one raises
``KeyError``), and every value is a bound parameter.

Indicator measures carry the registry key (``warehouse.indicators``: label, unit, kind, direction) and the flags
of the subject mart that ``mart_kpi_daily`` (warehouse/marts/50_kpi.sql) sums for that key, at row level so any
dimension can split them; ``tests/test_explore_query.py`` checks each against ``mart_kpi_daily`` town by town.

Query results (SQLAlchemy selects, run with ``Warehouse.frame``):

``aggregate(q, limit)`` — ``period`` (with a grain), ``d0``/``d1`` (the group-by dimensions, as text), ``num``,
    ``den`` (rates; NULL otherwise), ``value`` (the measure), ``n_rows`` (rows behind the group).
``rows(q, sort, grid_filter, offset, limit)`` — the row columns of the source, the rows behind the view.
``row_count(q, grid_filter)`` — how many.
``values(source, dim, q)`` — the values of a dimension under the other filters, most rows first.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import sqlalchemy as sa

from warehouse import indicators
from warehouse.queries.violations import period_expr
from warehouse.sql import Filters, view

Agg = Literal["count", "sum", "median", "rate", "flag_count", "flag_sum"]
ColKind = Literal["text", "number", "date", "bool"]
GRAINS = ("day", "week", "month", "quarter", "year")
MAX_GROUPS = 5000
MAX_VALUES = 500


@dataclass(frozen=True)
class Measure:
    """``agg`` over a source's rows: ``count``; ``sum``/``median`` of ``column``; a registry indicator as
    ``rate`` (rows meeting ``num`` ÷ rows meeting ``den``), ``flag_count`` (rows meeting ``num``) or ``flag_sum``
    (``column`` summed over rows meeting ``num``). ``time`` replaces the source's time column (an indicator
    counts by its own date: 应结案 by 处置截止时间). Conditions are column names (true flags), ``col=value``
    (equal to a constant) or ``col!`` (not null)."""

    key: str
    agg: Agg
    column: str | None = None
    num: tuple[str, ...] = ()
    den: tuple[str, ...] = ()
    time: str | None = None

    @property
    def indicator(self) -> indicators.Indicator | None:
        return indicators.BY_KEY.get(self.key)

    @property
    def is_rate(self) -> bool:
        return self.agg == "rate"

    @property
    def direction(self) -> str:
        ind = self.indicator
        return ind.direction if ind is not None else "none"

    @property
    def additive(self) -> bool:
        """Groups add up: a total is the sum of ``num`` (÷ the sum of ``den`` for a rate); a median does not."""
        return self.agg != "median"

    @property
    def basis(self) -> tuple[str, ...]:
        """The conditions a row meets to be behind this measure (a rate's denominator, a count's numerator)."""
        return self.den if self.agg == "rate" else self.num


@dataclass(frozen=True)
class Source:
    key: str
    table: str
    time: str  # the date the range applies to (rows, counts and sums)
    dims: tuple[str, ...]  # dimensions: filter and group by (text); the town is the shell's town filter
    measures: tuple[Measure, ...]
    columns: tuple[tuple[str, ColKind], ...]  # the rows' columns, in order
    sort: str = ""  # default row order (newest first)
    community: str | None = "community"  # the column the shell's community filter applies to
    town: str = "town_code"
    extra_columns: tuple[str, ...] = field(default=())  # flags the measures read that the rows do not show

    @functools.cached_property
    def handle(self) -> sa.TableClause:
        names = [c for c, _ in self.columns] + [c for c in self.extra_columns if c not in dict(self.columns)]
        return view(self.table, *names)

    def measure(self, key: str) -> Measure:
        for m in self.measures:
            if m.key == key:
                return m
        raise KeyError(key)

    def kind(self, column: str) -> ColKind:
        return dict(self.columns)[column]


_COUNT = Measure("count", "count")
_DCM_FLAGS = ("is_due_basis", "is_on_time", "is_closed", "is_reworked", "is_filed", "filed_ts")

SOURCES: dict[str, Source] = {
    s.key: s
    for s in (
        Source(
            "dcm_cases", "mart_dcm_case", "reported_at",
            dims=("town_code", "community", "grid_code", "major_category", "minor_category", "channel", "stage",
                  "department", "is_bureau"),
            measures=(
                _COUNT,
                Measure("dcm.on_time_due_rate", "rate", num=("is_due_basis", "is_on_time"), den=("is_due_basis",),
                        time="deadline_at"),
                Measure("dcm.close_rate", "rate", num=("is_due_basis", "is_closed"), den=("is_due_basis",),
                        time="deadline_at"),
                Measure("dcm.rework_rate", "rate", num=("is_due_basis", "is_reworked"), den=("is_due_basis",),
                        time="deadline_at"),
                Measure("dcm.filed", "flag_count", num=("is_filed",), time="filed_ts"),
                Measure("dcm.closed_all", "flag_count", num=("is_closed", "closed_at!"), time="closed_at"),
                Measure("median.h_report_to_dispatch", "median", "h_report_to_dispatch"),
                Measure("median.h_dispatch_to_close", "median", "h_dispatch_to_close"),
                Measure("median.h_report_to_close", "median", "h_report_to_close"),
            ),
            columns=(
                ("case_no", "text"), ("reported_at", "date"), ("channel", "text"), ("major_category", "text"),
                ("minor_category", "text"), ("town_code", "text"), ("town_name", "text"), ("community", "text"),
                ("grid_code", "text"), ("department", "text"), ("is_bureau", "bool"), ("stage", "text"),
                ("filed_at", "date"), ("dispatched_at", "date"), ("deadline_at", "date"), ("handled_at", "date"),
                ("closed_at", "date"), ("rework_count", "number"), ("h_report_to_dispatch", "number"),
                ("h_dispatch_to_close", "number"), ("h_report_to_close", "number"), ("address", "text"),
                ("description", "text"),
            ),
            sort="reported_at", extra_columns=_DCM_FLAGS,
        ),
        Source(
            "illegal_construction", "mart_illegal_construction", "found_on",
            dims=("town_code", "community", "kind", "structure", "usage", "found_by", "campaign", "disposal",
                  "status"),
            measures=(
                _COUNT,
                Measure("sum.area_m2", "sum", "area_m2"),
                Measure("sum.demolished_area_eff_m2", "sum", "demolished_area_eff_m2", time="demolished_on"),
                Measure("demolition.stock_count", "flag_count", num=("is_demolished", "is_stock"),
                        time="demolished_on"),
                Measure("demolition.stock_area_m2", "flag_sum", "demolished_area_eff_m2",
                        num=("is_demolished", "is_stock"), time="demolished_on"),
                Measure("demolition.new_found", "flag_count", num=("is_new",)),
                Measure("median.days_to_demolish", "median", "days_to_demolish", time="demolished_on"),
            ),
            columns=(
                ("case_no", "text"), ("found_on", "date"), ("town_code", "text"), ("town_name", "text"),
                ("community", "text"), ("address", "text"), ("party", "text"), ("kind", "text"),
                ("structure", "text"), ("usage", "text"), ("area_m2", "number"), ("found_by", "text"),
                ("campaign", "text"), ("disposal", "text"), ("demolished_on", "date"),
                ("demolished_area_eff_m2", "number"), ("days_to_demolish", "number"), ("status", "text"),
            ),
            sort="found_on", extra_columns=("is_demolished", "is_stock", "is_new"),
        ),
        Source(
            "refined_city_issues", "fact_refined_issue", "found_on",
            dims=("town_code", "channel", "batch", "category", "road", "status", "recheck", "city_reported"),
            measures=(
                _COUNT,
                Measure("refined.rectified_rate", "rate", num=("status=已整改",), den=()),
                Measure("refined.rectified", "flag_count", num=("status=已整改", "rectified_on!"),
                        time="rectified_on"),
            ),
            columns=(
                ("issue_no", "text"), ("found_on", "date"), ("channel", "text"), ("batch", "text"),
                ("town_code", "text"), ("road", "text"), ("category", "text"), ("due_on", "date"),
                ("rectified_on", "date"), ("status", "text"), ("recheck", "text"), ("city_reported", "bool"),
            ),
            sort="found_on", community=None,
        ),
        Source(
            "penalty_cases", "fact_penalty_case", "filed_on",
            dims=("town_code", "cause", "party_type", "squad", "online", "enforcement", "double_publicity"),
            measures=(
                _COUNT,
                Measure("sum.fine_yuan", "sum", "fine_yuan"),
                Measure("sum.confiscated_yuan", "sum", "confiscated_yuan"),
            ),
            columns=(
                ("case_no", "text"), ("filed_on", "date"), ("cause", "text"), ("party", "text"),
                ("party_type", "text"), ("town_code", "text"), ("squad", "text"), ("decided_on", "date"),
                ("fine_yuan", "number"), ("confiscated_yuan", "number"), ("online", "bool"), ("closed_on", "date"),
                ("enforcement", "text"), ("enforcement_result", "text"), ("double_publicity", "bool"),
                ("address", "text"),
            ),
            sort="filed_on", community=None,
        ),
        Source(
            "village_cases", "fact_village_case", "dispatched_at",
            dims=("town_code", "village", "category", "rectify_status"),
            measures=(
                _COUNT,
                Measure("village.rectified_rate", "rate", num=("rectify_status=已整改",), den=()),
            ),
            columns=(
                ("order_no", "text"), ("dispatched_at", "date"), ("town_code", "text"), ("village", "text"),
                ("category", "text"), ("description", "text"), ("rectify_status", "text"),
                ("rectified_at", "date"),
            ),
            sort="dispatched_at", community=None,
        ),
        Source(
            "snow_events", "mart_snow_event", "event_on",
            dims=("town_code",),
            measures=(
                _COUNT,
                Measure("sum.person_times", "sum", "person_times"),
                Measure("sum.machine_times", "sum", "machine_times"),
                Measure("sum.deicer_t", "sum", "deicer_t"),
                Measure("sum.swept_area_m2", "sum", "swept_area_m2"),
                Measure("median.reopen_hours", "median", "reopen_hours"),
            ),
            columns=(
                ("event_no", "text"), ("event_on", "date"), ("town_code", "text"), ("town_name", "text"),
                ("snowfall_mm", "number"), ("person_times", "number"), ("machine_times", "number"),
                ("deicer_t", "number"), ("swept_area_m2", "number"), ("reopen_hours", "number"),
            ),
            sort="event_on", community=None,
        ),
    )
}


@dataclass(frozen=True)
class Query:
    """What the explorer asks: a source, the shell's filters (range, towns, community), the dimension filters
    (``where``: dimension → allowed values), the group-by dimensions (at most two), a time grain and a measure.
    Build it from keys the whitelist knows (``Query.checked``)."""

    source: str
    filters: Filters
    where: tuple[tuple[str, tuple[str, ...]], ...] = ()
    by: tuple[str, ...] = ()
    grain: str | None = None
    measure: str = "count"
    community: str | None = None

    @property
    def src(self) -> Source:
        return SOURCES[self.source]

    @property
    def m(self) -> Measure:
        return self.src.measure(self.measure)

    def checked(self) -> Query:
        """The query itself, or ``KeyError``/``ValueError`` naming the first key the whitelist lacks."""
        src, _ = self.src, self.m
        for dim in (*self.by, *(d for d, _ in self.where)):
            if dim not in src.dims:
                raise KeyError(dim)
        if len(self.by) > 2:
            raise ValueError("at most two group-by dimensions")
        if self.grain is not None and self.grain not in GRAINS:
            raise ValueError(f"grain must be one of {GRAINS}")
        return self

    def with_range(self, start: dt.date, end: dt.date) -> Query:
        return replace(self, filters=Filters(start, end, self.filters.towns))


def _cond(t: sa.TableClause, spec: str) -> sa.ColumnElement[bool]:
    """One condition of a measure (trusted data of ``SOURCES``, never user text)."""
    if spec.endswith("!"):
        return t.c[spec[:-1]].is_not(None)
    if "=" in spec:
        column, value = spec.split("=", 1)
        return t.c[column] == sa.literal(value)
    return t.c[spec].is_(True)


def _all(t: sa.TableClause, specs: Sequence[str]) -> sa.ColumnElement[bool]:
    return sa.and_(sa.true(), *(_cond(t, s) for s in specs))


def _text(column: sa.ColumnElement) -> sa.ColumnElement:
    return sa.cast(column, sa.String)


def _where(q: Query, t: sa.TableClause, time: str, basis: Sequence[str] = ()) -> list[sa.ColumnElement[bool]]:
    src = q.src
    clauses = [q.filters.date_clause(t.c[time]), q.filters.town_clause(t.c[src.town]), *(_cond(t, s) for s in basis)]
    if q.community is not None and src.community is not None:
        clauses.append(t.c[src.community] == q.community)
    for dim, allowed in q.where:
        if allowed:
            clauses.append(_text(t.c[dim]).in_(list(allowed)))
    return clauses


def _measure_columns(m: Measure, t: sa.TableClause) -> tuple[sa.ColumnElement, sa.ColumnElement, sa.ColumnElement]:
    """(num, den, value) of a measure over the grouped rows."""
    null = sa.cast(sa.null(), sa.Double)
    if m.agg == "count":
        n = sa.cast(sa.func.count(), sa.Double)
        return n, null, n
    if m.agg == "sum":
        s = sa.cast(sa.func.sum(t.c[m.column]), sa.Double)
        return s, null, s
    if m.agg == "median":
        return sa.cast(sa.func.count(t.c[m.column]), sa.Double), null, sa.cast(
            sa.func.median(t.c[m.column]), sa.Double)
    if m.agg == "flag_count":
        n = sa.cast(sa.func.count().filter(_all(t, m.num)), sa.Double)
        return n, null, n
    if m.agg == "flag_sum":
        s = sa.cast(sa.func.coalesce(sa.func.sum(t.c[m.column]).filter(_all(t, m.num)), 0), sa.Double)
        return s, null, s
    num = sa.cast(sa.func.count().filter(_all(t, m.num)), sa.Double)
    den = sa.cast(sa.func.count().filter(_all(t, m.den)), sa.Double)
    return num, den, num / sa.func.nullif(den, 0)


def aggregate(q: Query, limit: int = MAX_GROUPS) -> sa.Select:
    """The measure per group (period × up to two dimensions), largest first (periods in order)."""
    q = q.checked()
    t, m = q.src.handle, q.m
    time = m.time or q.src.time
    groups: list[sa.ColumnElement] = []
    if q.grain:
        groups.append(period_expr(t.c[time], q.grain).label("period"))
    groups += [_text(t.c[d]).label(f"d{i}") for i, d in enumerate(q.by)]
    num, den, value = _measure_columns(m, t)
    stmt = (
        sa.select(*groups, num.label("num"), den.label("den"), value.label("value"),
                  sa.func.count().label("n_rows"))
        .select_from(t)
        .where(*_where(q, t, time))
    )
    if groups:
        stmt = stmt.group_by(*(sa.literal_column(g.name) for g in groups))
    order = [sa.literal_column("period")] if q.grain else []
    order += [sa.literal_column("value").desc().nulls_last(), *(sa.literal_column(f"d{i}") for i in range(len(q.by)))]
    return stmt.order_by(*order).limit(limit)


# --- rows: the AG Grid's infinite row model (sort and filter on the server) ------------------------------------

_TEXT_OPS = ("contains", "notContains", "equals", "notEqual", "startsWith", "endsWith", "blank", "notBlank")
_NUMBER_OPS = ("equals", "notEqual", "greaterThan", "greaterThanOrEqual", "lessThan", "lessThanOrEqual", "inRange",
               "blank", "notBlank")


def _number(value: Any) -> float | None:
    try:
        x = float(value)
    except (TypeError, ValueError):
        return None
    return x if x == x and abs(x) != float("inf") else None


def _day(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _one_filter(col: sa.ColumnElement, kind: ColKind, spec: Mapping[str, Any]) -> sa.ColumnElement[bool] | None:
    """One AG Grid filter condition as a bound clause; None when the condition is not one we know."""
    op = spec.get("type")
    if op == "blank":
        return col.is_(None)
    if op == "notBlank":
        return col.is_not(None)
    if kind == "date":
        a, b = _day(spec.get("dateFrom")), _day(spec.get("dateTo"))
        if a is None:
            return None
        day = sa.cast(col, sa.Date)
        return {"equals": day == a, "notEqual": day != a, "greaterThan": day > a, "lessThan": day < a,
                "inRange": sa.and_(day >= a, day <= (b or a))}.get(str(op))
    if kind == "number":
        x, y = _number(spec.get("filter")), _number(spec.get("filterTo"))
        if x is None or op not in _NUMBER_OPS:
            return None
        return {"equals": col == x, "notEqual": col != x, "greaterThan": col > x, "greaterThanOrEqual": col >= x,
                "lessThan": col < x, "lessThanOrEqual": col <= x,
                "inRange": sa.and_(col >= x, col <= (y if y is not None else x))}.get(str(op))
    text = spec.get("filter")
    if not isinstance(text, str | int | float) or op not in _TEXT_OPS:
        return None
    s, value = sa.func.lower(_text(col)), str(text).lower()
    return {"contains": s.contains(value, autoescape=True), "notContains": ~s.contains(value, autoescape=True),
            "equals": s == value, "notEqual": s != value, "startsWith": s.startswith(value, autoescape=True),
            "endsWith": s.endswith(value, autoescape=True)}.get(str(op))


def grid_clauses(src: Source, model: Mapping[str, Any] | None) -> list[sa.ColumnElement[bool]]:
    """AG Grid's ``filterModel`` as bound clauses; columns outside the source's row columns are ignored."""
    t, out = src.handle, []
    kinds = dict(src.columns)
    for column, spec in (model or {}).items() if isinstance(model, Mapping) else ():
        if column not in kinds or not isinstance(spec, Mapping):
            continue
        parts = spec.get("conditions") if isinstance(spec.get("conditions"), list) else [spec]
        clauses = [c for p in parts if isinstance(p, Mapping) if (c := _one_filter(t.c[column], kinds[column], p))
                   is not None]
        if clauses:
            out.append(sa.or_(*clauses) if spec.get("operator") == "OR" else sa.and_(*clauses))
    return out


def _rows_base(q: Query, grid_filter: Mapping[str, Any] | None) -> tuple[sa.TableClause, list[Any]]:
    q = q.checked()
    t, m = q.src.handle, q.m
    return t, [*_where(q, t, m.time or q.src.time, m.basis), *grid_clauses(q.src, grid_filter)]


def rows(q: Query, sort: Sequence[Mapping[str, Any]] | None = None, grid_filter: Mapping[str, Any] | None = None,
         offset: int = 0, limit: int = 100) -> sa.Select:
    """The rows behind the view (its measure's basis: a rate's denominator, a count's numerator), sorted by AG
    Grid's ``sortModel`` (unknown columns ignored), then the source's default order and every column (stable)."""
    t, where = _rows_base(q, grid_filter)
    src = q.src
    kinds = dict(src.columns)
    order: list[sa.ColumnElement] = []
    for item in sort or ():
        if isinstance(item, Mapping) and item.get("colId") in kinds:
            col = t.c[str(item["colId"])]
            order.append(col.desc().nulls_last() if item.get("sort") == "desc" else col.asc().nulls_last())
    order += [t.c[src.sort].desc().nulls_last(), t.c[src.columns[0][0]].asc()]
    stmt = sa.select(*(t.c[c] for c, _ in src.columns)).where(*where).order_by(*order)
    return stmt.offset(max(0, int(offset))).limit(max(0, int(limit)))


def row_count(q: Query, grid_filter: Mapping[str, Any] | None = None) -> sa.Select:
    t, where = _rows_base(q, grid_filter)
    return sa.select(sa.func.count().label("n")).select_from(t).where(*where)


def values(q: Query, dim: str) -> sa.Select:
    """The values of ``dim`` under the range, towns and the other dimensions' filters (most rows first)."""
    q = q.checked()
    if dim not in q.src.dims:
        raise KeyError(dim)
    t = q.src.handle
    others = replace(q, where=tuple((d, v) for d, v in q.where if d != dim))
    value = _text(t.c[dim]).label("value")
    return (sa.select(value, sa.func.count().label("n")).select_from(t)
            .where(*_where(others, t, q.src.time), t.c[dim].is_not(None))
            .group_by(sa.literal_column("value")).order_by(sa.literal_column("n").desc(), sa.literal_column("value"))
            .limit(MAX_VALUES))
