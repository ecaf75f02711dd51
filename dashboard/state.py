"""The view state kept in the URL: date range, towns, drill level, language, report year.

``?start=2023-01-01&end=2023-06-30&towns=371002001&community=古北社区&lang=en`` — every view is a
permalink. Parsing never trusts the text: dates must be ASCII ``YYYY-MM-DD`` within the calendar's years
(``calendar.MIN_YEAR``–``MAX_YEAR``), a year four ASCII digits within them, towns known codes, the language one we
speak. A value that fails is dropped (the default stands) and its parameter named in ``ViewState.invalid``, which
the shell shows as a note. ``parse_date``/``parse_year`` are the one place URL dates and years are read
(/rankings' ``period`` uses them too).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace
from urllib.parse import parse_qs, urlencode

from dashboard.i18n import LANGS, norm_lang
from warehouse import store
from warehouse.rules import calendar
from warehouse.sql import Filters

TOWN_CODES = store.town_codes()  # from warehouse/reference/towns.csv: towns are data

_KNOWN = ("start", "end", "towns", "community", "lang", "year")
MAX_COMMUNITY_CHARS = 100  # community names are a few characters; a longer value is not one
_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
_YEAR_RE = re.compile(r"\d{4}", re.ASCII)


def parse_date(text: object) -> dt.date | None:
    """A URL date: ``YYYY-MM-DD`` (anything after the tenth character, such as a time, is ignored) within the
    calendar's years; None for anything else (``²``, ``0001-01-01``, ``9999-12-31``, ``2023-02-30``)."""
    head = str(text)[:10] if text else ""
    if not _DATE_RE.fullmatch(head):
        return None
    try:
        day = dt.date.fromisoformat(head)
    except ValueError:
        return None
    return day if calendar.MIN_YEAR <= day.year <= calendar.MAX_YEAR else None


def parse_year(text: object) -> int | None:
    """A URL year: four ASCII digits within the calendar's years, else None (``²``, ``１２``, ``99999…``)."""
    if not text or not _YEAR_RE.fullmatch(str(text)):
        return None
    year = int(str(text))
    return year if calendar.MIN_YEAR <= year <= calendar.MAX_YEAR else None



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
    invalid: tuple[str, ...] = ()  # parameters with an unusable value (dropped for the default); the shell says so

    @classmethod
    def from_params(cls, params: dict[str, object]) -> ViewState:
        """From the query parameters Dash passes to a page layout (or ``parse_qs`` output)."""
        text = {key: first_param(params.get(key)) for key in _KNOWN}
        codes = (text["towns"] or "").split(",")
        towns = tuple(dict.fromkeys(c for c in codes if c in TOWN_CODES))
        start, end, year = parse_date(text["start"]), parse_date(text["end"]), parse_year(text["year"])
        community = text["community"] if len(towns) == 1 else None
        if community is not None and len(community) > MAX_COMMUNITY_CHARS:
            community = None
        bad = {
            "start": start is None,
            "end": end is None,
            "year": year is None,
            "towns": len(towns) < len({c for c in codes if c}),
            "community": len(towns) == 1 and community is None,
            "lang": text["lang"] not in LANGS,
        }
        flipped = bool(start and end and start > end)
        if flipped:
            start, end = end, start
        return cls(
            start=start,
            end=end,
            reversed=flipped,
            towns=towns,
            community=community,
            lang=norm_lang(text["lang"]),
            year=year,
            extra=tuple(sorted((k, v) for k in params if k not in _KNOWN if (v := first_param(params[k])) is not None)),
            invalid=tuple(key for key in _KNOWN if text[key] is not None and bad[key]),
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
        start, end = self.resolved(data_end)
        return Filters(start=start, end=end, towns=self.towns, community=self.community if self.town else None)
