"""The one calendar: grains, the period containing a day, period text, labels.

Every Python period calculation goes through here (marts have the SQL twin, ``warehouse/marts/10_calendar.sql``,
the only place SQL parses period text; ``tests/test_rules_calendar.py`` checks both agree).

Grains: ``day``, ``week`` (ISO, Monday–Sunday), ``month``, ``quarter``, ``half``, ``year``.

Period text (``parse``) accepted, spaces ignored, case-insensitive:

=========  ==========================================================================
year       ``2022``, ``2022年``, ``2022年度``
half       ``2022年上半年``, ``2022下半年``, ``2022H1``, ``2022-H2``
quarter    ``2022Q1``, ``2022-Q1``, ``2022年1季度``, ``2022年第1季度``, ``2022年第一季度``, ``2022年一季度``
month      ``2022年3月``, ``2022年03月``, ``2022-03``, ``2022-3``, ``2022.3``, ``2022/03``, ``202203``
week       ``2023-W05``, ``2023W5``, ``2023年第5周`` (ISO week-numbering year)
=========  ==========================================================================

API for pages and queries: ``period_of(grain, day) -> (start, end)``, ``previous(grain, day)``,
``periods(grain, start, end)``, ``parse(text) -> Period | None``, ``label(grain, start, lang)``,
``same_length_before(start, end)`` (环比), ``year_before(start, end)`` (同比), ``shift_year``,
``months_back(day, n)``, ``month_range(day)``, ``week_id(day)`` (the ISO week's id, ``2022-W48``, which
``parse`` reads back).


``months_back(day, n)``, ``month_range(day)``, ``in_snow_season(day)`` (the snow watch).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import NamedTuple

GRAINS: tuple[str, ...] = ("day", "week", "month", "quarter", "half", "year")
# The years the product knows: a loaded date outside them is rejected (etl/sqlgen.py), a URL date outside them is
# ignored with a note (dashboard/state.py), so no period arithmetic ever runs off the calendar's ends.
MIN_YEAR, MAX_YEAR = 2000, 2100
_MONTHS = {"month": 1, "quarter": 3, "half": 6, "year": 12}
_CN_DIGITS = str.maketrans("一二三四", "1234")

# The grammar; 10_calendar.sql writes the same expressions (RE2 and Python agree on these).
YEAR_RE = r"\d{4}(年度?)?"
HALF_RE = r"\d{4}(年?[上下]半年|-?H[12])"
QUARTER_RE = r"\d{4}(年|-)?(第?[1-4一二三四]季度?|Q[1-4])"
MONTH_RE = r"\d{4}((年|-|\.|/)(0?[1-9]|1[0-2])月?|(0[1-9]|1[0-2]))"
WEEK_RE = r"\d{4}(-?W(0?[1-9]|[1-4]\d|5[0-3])|年第(0?[1-9]|[1-4]\d|5[0-3])周)"


class Period(NamedTuple):
    """A parsed period: its type (grain), first and last day (inclusive)."""

    type: str
    start: dt.date
    end: dt.date


def _check(grain: str) -> None:
    if grain not in GRAINS:
        raise ValueError(f"grain must be one of {GRAINS}, not {grain!r}")


def period_of(grain: str, day: dt.date) -> tuple[dt.date, dt.date]:
    """(first day, last day) of the day, ISO week, month, quarter, half or year containing ``day``."""
    _check(grain)
    if grain == "day":
        return day, day
    if grain == "week":
        start = day - dt.timedelta(days=day.weekday())
        return start, start + dt.timedelta(days=6)
    months = _MONTHS[grain]
    start = dt.date(day.year, (day.month - 1) // months * months + 1, 1)
    y, m = divmod(start.month - 1 + months, 12)
    return start, dt.date(start.year + y, m + 1, 1) - dt.timedelta(days=1)


def previous(grain: str, day: dt.date) -> tuple[dt.date, dt.date]:
    """(first day, last day) of the period before the one containing ``day``."""
    return period_of(grain, period_of(grain, day)[0] - dt.timedelta(days=1))


def following(grain: str, day: dt.date) -> tuple[dt.date, dt.date]:
    """(first day, last day) of the period after the one containing ``day``."""
    return period_of(grain, period_of(grain, day)[1] + dt.timedelta(days=1))


def periods(grain: str, start: dt.date, end: dt.date | None = None) -> list[tuple[dt.date, dt.date]]:
    """Every period of ``grain`` from the one containing ``start`` to the one containing ``end``."""
    out = [period_of(grain, start)]
    last = period_of(grain, end or start)[0]
    while out[-1][0] < last:
        out.append(following(grain, out[-1][0]))
    return out


def shift_year(day: dt.date, years: int) -> dt.date:
    """The same day ``years`` later (29 February → 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def same_length_before(start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
    """环比: the range of equal length that ends the day before ``start``."""
    days = (end - start).days + 1
    return start - dt.timedelta(days=days), start - dt.timedelta(days=1)


def year_before(start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
    """同比: the same dates a year earlier."""
    return shift_year(start, -1), shift_year(end, -1)


def months_back(day: dt.date, n: int) -> dt.date:
    """The first day of the month ``n`` months before ``day``'s month."""
    y, m = divmod(day.year * 12 + day.month - 1 - n, 12)
    return dt.date(y, m + 1, 1)


def _norm(text: str) -> str:
    return re.sub(r"\s", "", text).upper()


def parse(text: object) -> Period | None:
    """The period a text names (see the module docstring), else None."""
    if text is None:
        return None
    t = _norm(str(text))
    if len(t) < 4 or not t[:4].isdigit():
        return None
    y, rest = int(t[:4]), t[4:]
    if y < 1:
        return None
    digits = re.search(r"\d{1,2}", rest)
    if re.fullmatch(YEAR_RE, t):
        start = dt.date(y, 1, 1)
        return Period("year", start, period_of("year", start)[1])
    if re.fullmatch(HALF_RE, t):
        start = dt.date(y, 1 if ("上" in rest or "H1" in rest) else 7, 1)
        return Period("half", start, period_of("half", start)[1])
    if re.fullmatch(QUARTER_RE, t):
        q = int(re.search(r"[1-4一二三四]", rest).group(0).translate(_CN_DIGITS))  # type: ignore[union-attr]
        start = dt.date(y, 3 * q - 2, 1)
        return Period("quarter", start, period_of("quarter", start)[1])
    if re.fullmatch(MONTH_RE, t) and digits:
        start = dt.date(y, int(digits.group(0)), 1)
        return Period("month", start, period_of("month", start)[1])
    if re.fullmatch(WEEK_RE, t) and digits:
        try:
            start = dt.date.fromisocalendar(y, int(digits.group(0)), 1)
        except ValueError:  # week 53 of a 52-week year
            return None
        return Period("week", start, start + dt.timedelta(days=6))
    return None


def month_range(day: dt.date) -> tuple[dt.date, dt.date]:
    """(first day, last day) of ``day``'s month."""
    return period_of("month", day)


def week_id(day: dt.date) -> str:
    """The id of the ISO week containing ``day``: ``2022-W48`` (ISO week-numbering year, two-digit week)."""
    iso = day.isocalendar()
    return f"{iso.year}-W{iso.week:02d}"


# The snow season: the bureau's snow-clearing watch runs from 15 November to 15 March (both days included).
SNOW_SEASON_START: tuple[int, int] = (11, 15)  # (month, day)
SNOW_SEASON_END: tuple[int, int] = (3, 15)


def in_snow_season(day: dt.date) -> bool:
    """True from 15 November to 15 March inclusive (the season spans the turn of the year)."""
    md = (day.month, day.day)
    return md >= SNOW_SEASON_START or md <= SNOW_SEASON_END
