"""The explorer's state in the URL, and links into it from other pages.

``/explore?src=dcm_cases&m=dcm.on_time_due_rate&by=town_code,channel&grain=month&cmp=yoy&f.channel=视频AI,公众举报``
plus the shell's own ``start``, ``end``, ``towns``, ``community`` and ``lang``: the whole view, so a permalink
reproduces it. Every key is checked against the whitelist (``warehouse.queries.explore.SOURCES``); a parameter
that is unknown or whose value is not allowed is dropped and named in ``notes`` (the page shows them), never
an error. Filter values are free text but only ever become bound parameters.

``explore_href(source, **filters)`` builds such a link (drill-through from any page); ``drill_href`` is the
one the rows modal offers for a chart or tile and its clicked value.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from dashboard.state import TOWN_CODES, ViewState, first_param
from warehouse import indicators
from warehouse.queries import explore as qe
from warehouse.rules import calendar

PATH = "/explore"
SHELL_PARAMS = ("start", "end", "towns", "community", "lang", "year", "gen")  # gen: the routing input
COMPARES = ("yoy", "mom")
FILTER_PREFIX = "f."
SEP = ","
MAX_VALUES = 50  # values per filter
MAX_TEXT = 200  # characters per value
DEFAULT_SOURCE = "dcm_cases"
CHART_SOURCES = {"vi.": "dcm_cases", "de.": "illegal_construction", "sn.": "snow_events"}
DIM_COLUMNS = {"category": "minor_category", "channel": "channel"}  # a chart's click dimension → a filter column


@dataclass(frozen=True)
class ExploreState:
    source: str = DEFAULT_SOURCE
    measure: str = "count"
    by: tuple[str, ...] = ()
    grain: str | None = None
    compare: str | None = None
    where: tuple[tuple[str, tuple[str, ...]], ...] = ()

    @property
    def src(self) -> qe.Source:
        return qe.SOURCES[self.source]

    def params(self) -> dict[str, str]:
        """The explorer's own query parameters ('' and defaults left out)."""
        out: dict[str, str] = {"src": self.source}
        if self.measure != "count":
            out["m"] = self.measure
        if self.by:
            out["by"] = SEP.join(self.by)
        if self.grain:
            out["grain"] = self.grain
        if self.compare:
            out["cmp"] = self.compare
        for dim, allowed in self.where:
            if allowed:
                out[FILTER_PREFIX + dim] = SEP.join(allowed)
        return out

    def query(self, view: ViewState, data_end: dt.date | None) -> qe.Query:
        return qe.Query(self.source, view.filters(data_end), self.where, self.by, self.grain, self.measure,
                        view.community if view.town else None)


def _values(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v.strip()[:MAX_TEXT] for v in text.split(SEP) if v.strip()))[:MAX_VALUES]


def parse(params: Mapping[str, Any]) -> tuple[ExploreState, list[str]]:
    """The state in ``params`` (as Dash pages passes them, or ``parse_qs`` output) and the names of the
    parameters ignored (unknown, or a value the whitelist does not allow)."""
    notes: list[str] = []
    get = {str(k): first_param(v) for k, v in params.items()}
    source = get.pop("src", None) or DEFAULT_SOURCE
    if source not in qe.SOURCES:
        notes.append("src")
        source = DEFAULT_SOURCE
    src = qe.SOURCES[source]
    measure = get.pop("m", None) or "count"
    if measure not in {m.key for m in src.measures}:
        notes.append("m")
        measure = "count"
    by_text = get.pop("by", None) or ""
    by = tuple(dict.fromkeys(d for d in by_text.split(SEP) if d))
    if any(d not in src.dims for d in by) or len(by) > 2:
        notes.append("by")
        by = tuple(d for d in by if d in src.dims)[:2]
    grain = get.pop("grain", None)
    if grain is not None and grain not in qe.GRAINS:
        notes.append("grain")
        grain = None
    compare = get.pop("cmp", None)
    if compare is not None and compare not in COMPARES:
        notes.append("cmp")
        compare = None
    where = []
    for name in sorted(get):
        value = get[name]
        if name in SHELL_PARAMS:
            continue
        dim = name[len(FILTER_PREFIX):] if name.startswith(FILTER_PREFIX) else None
        if dim in src.dims and dim != src.town and value:
            where.append((dim, _values(value)))
        else:
            notes.append(name[:MAX_TEXT])
    return ExploreState(source, measure, by, grain, compare, tuple(where)), notes


def search(view: ViewState, state: ExploreState) -> str:
    """The full query string of a view: the shell's parameters and the explorer's."""
    return view.with_(year=None, extra=tuple(sorted(state.params().items()))).to_search()


def _seq(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return _values(value)
    return tuple(str(v) for v in value if v is not None)


def explore_href(source: str, **filters: Any) -> str:
    """A link to /explore on ``source`` narrowed by ``filters``: ``start``/``end`` (dates), ``towns``,
    ``community``, ``lang``, ``measure``, ``by``, ``grain``, ``compare``, and any dimension of the source
    (a value or a sequence of values). Keys the whitelist does not know raise ``KeyError``."""
    src = qe.SOURCES[source]
    shell = {k: filters.pop(k) for k in list(filters) if k in ("start", "end", "towns", "community", "lang")}
    towns = tuple(c for c in _seq(shell.get("towns")) if c in TOWN_CODES)
    view = ViewState(start=shell.get("start"), end=shell.get("end"), towns=towns,
                     community=shell.get("community") if len(towns) == 1 else None, lang=shell.get("lang") or "zh")
    measure = filters.pop("measure", "count")
    src.measure(measure)
    by = _seq(filters.pop("by", ()))
    grain, compare = filters.pop("grain", None), filters.pop("compare", None)
    where = []
    for dim, value in filters.items():
        if dim not in src.dims:
            raise KeyError(dim)
        where.append((dim, _seq(value)))
    state = ExploreState(source, measure, by, grain, compare, tuple(where))
    qe.Query(source, view.filters(None), state.where, by, grain, measure).checked()
    return PATH + search(view, state)


def drill_source(key: str) -> str | None:
    """The explorer source behind a chart or tile key (None when the explorer has none)."""
    ind = indicators.BY_KEY.get(key)
    if ind is not None:
        return next((s for s in ind.sources if s in qe.SOURCES), None)
    return next((src for prefix, src in CHART_SOURCES.items() if key.startswith(prefix)), None)


def drill_href(key: str, dim: str | None, value: Any, view: ViewState, start: dt.date, end: dt.date) -> str | None:
    """The /explore link for the rows behind chart or tile ``key`` (clicked ``value`` of dimension ``dim``, or
    None) under the page's range and towns; None when no source of the explorer holds them."""
    source = drill_source(key)
    if source is None:
        return None
    src = qe.SOURCES[source]
    filters: dict[str, Any] = {"start": start, "end": end, "towns": view.towns, "community": view.community,
                               "lang": view.lang}
    measure = key if key in {m.key for m in src.measures} else "count"
    filters["measure"] = measure
    if value is not None and dim == "period":
        day = _date(value)
        if day is not None:
            month_start, month_end = calendar.month_range(day)
            filters["start"], filters["end"] = max(month_start, start), min(month_end, end)
    elif value is not None and dim in ("town", "area") and str(value) in TOWN_CODES and not view.town:
        filters["towns"] = (str(value),)
    elif value is not None and dim == "area" and view.town and not view.community and src.community:
        filters["community"] = str(value)
    elif value is not None and dim == "area" and view.community and "grid_code" in src.dims:
        filters["grid_code"] = str(value)
    elif value is not None and DIM_COLUMNS.get(dim or "") in src.dims:
        filters[DIM_COLUMNS[dim or ""]] = str(value)
    return explore_href(source, **filters)


def _date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def with_source(state: ExploreState, source: str) -> ExploreState:
    """Another source: its measure, group-by and filters start over (they belong to the old source)."""
    return state if source == state.source else replace(ExploreState(source=source), compare=state.compare)
