"""The view state kept in the URL: date range, towns, drill level, language, report year.

``?start=2023-01-01&end=2023-06-30&towns=371002001&community=古北社区&lang=en`` — every view is a
permalink. Parsing never trusts the text: dates must parse, towns must be known codes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from urllib.parse import parse_qs, urlencode

from dashboard.i18n import norm_lang
from warehouse import store
from warehouse.rules import calendar
from warehouse.sql import Filters

TOWN_CODES = store.town_codes()  # from warehouse/reference/towns.csv: towns are data

_KNOWN = ("start", "end", "towns", "community", "lang", "year")


def _date(text: object) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(text)[:10]) if text else None
    except ValueError:
        return None


def town_scope() -> str | None:
    """The town the signed-in account is limited to (None: the whole district, or outside a request)."""
    from dashboard import auth  # the request's account; loaded on first use

    return auth.town_scope()


def first_param(value: object) -> str | None:
    """The first value of a query parameter ('' and missing are None)."""
    if isinstance(value, list | tuple):
        value = value[0] if value else None
    return None if value in (None, "") else str(value)


@dataclass(frozen=True)
class ViewState:
    start: dt.date | None = None
    end: dt.date | None = None
    towns: tuple[str, ...] = ()
    community: str | None = None
    lang: str = "zh"
    year: int | None = None
    extra: tuple[tuple[str, str], ...] = ()  # a page's own parameters (e.g. /rankings' grain), kept as they are
    reversed: bool = False  # the URL's start was after its end: the range is read end → start, and the shell says so

    @classmethod
    def from_params(cls, params: dict[str, object]) -> ViewState:
        """From the query parameters Dash passes to a page layout (or ``parse_qs`` output)."""
        towns_text = first_param(params.get("towns")) or ""
        towns = tuple(dict.fromkeys(c for c in towns_text.split(",") if c in TOWN_CODES))
        scope = town_scope()
        if scope is not None and towns != (scope,):  # a town-scoped account sees its own town, and says so
            towns = (scope,)
        year_text = first_param(params.get("year"))
        start, end = _date(first_param(params.get("start"))), _date(first_param(params.get("end")))
        flipped = bool(start and end and start > end)
        if flipped:
            start, end = end, start
        return cls(
            start=start,
            end=end,
            reversed=flipped,
            towns=towns,
            community=(first_param(params.get("community")) or None) if len(towns) == 1 else None,
            lang=norm_lang(first_param(params.get("lang"))),
            year=int(year_text) if year_text and year_text.isdigit() else None,
            extra=tuple(sorted((k, v) for k in params if k not in _KNOWN if (v := first_param(params[k])) is not None)),
        )

    @classmethod
    def from_search(cls, search: str | None) -> ViewState:
        return cls.from_params(parse_qs((search or "").lstrip("?")))

    def to_search(self) -> str:
        """The query string ('' when everything is default)."""
        params: dict[str, str] = {}
        if self.start:
            params["start"] = self.start.isoformat()
        if self.end:
            params["end"] = self.end.isoformat()
        if self.towns:
            params["towns"] = ",".join(self.towns)
        if self.community and len(self.towns) == 1:
            params["community"] = self.community
        if self.year:
            params["year"] = str(self.year)
        if self.lang != "zh":
            params["lang"] = self.lang
        params.update(self.extra)
        return "?" + urlencode(params) if params else ""

    def with_(self, **changes: object) -> ViewState:
        return replace(self, **changes)  # type: ignore[arg-type]

    @property
    def town(self) -> str | None:
        """The one town drilled into, if exactly one is selected."""
        return self.towns[0] if len(self.towns) == 1 else None

    def resolved(self, data_end: dt.date | None) -> tuple[dt.date, dt.date]:
        """The effective range: the URL's, else the year to date of the data's last day."""
        end = self.end or data_end or dt.date.today()
        start = self.start or calendar.period_of("year", end)[0]
        return start, end

    def filters(self, data_end: dt.date | None) -> Filters:
        """The query filters of this view; a town-scoped account's (``dashboard.auth.town_scope``) are always
        its own town's, whatever the URL says (its community kept only inside that town)."""
        start, end = self.resolved(data_end)
        scope = town_scope()
        if scope is not None:
            community = self.community if self.town == scope else None
            return Filters(start=start, end=end, towns=(scope,), community=community)
        return Filters(start=start, end=end, towns=self.towns, community=self.community if self.town else None)
