"""Value formatting as real exports write it: date styles, number styles, units, brackets, odd spaces.

Every function returns text a reasonable loader parses back to the same value (the contract's quirks).
Vectorised helpers take numpy arrays; the rare quirky cells are re-rendered one by one.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import cache

import numpy as np

IDEO_SPACE = "\u3000"
NBSP = "\u00a0"
MISSING_TOKENS = ("—", "/", "无")
BRACKETS = (("〔", "〕"), ("[", "]"), ("【", "】"), ("(", ")"), ("（", "）"))

_FW = {i: i + 0xFEE0 for i in range(0x21, 0x7F)}
_FW_DIGITS = {ord(c): ord(c) + 0xFEE0 for c in "0123456789"}


def fullwidth(text: str) -> str:
    """ASCII letters, digits and punctuation as full-width characters."""
    return text.translate(_FW)


def fullwidth_digits(text: str) -> str:
    """Only the digits as full-width characters."""
    return text.translate(_FW_DIGITS)


# ---------------------------------------------------------------- dates and times

def _parts(x: date | datetime | np.datetime64) -> datetime:
    if isinstance(x, np.datetime64):
        return datetime(1970, 1, 1) + timedelta(seconds=int(x.astype("datetime64[s]").astype(np.int64)))
    if isinstance(x, datetime):
        return x
    return datetime(x.year, x.month, x.day)


def fmt_datetime_one(x: date | datetime | np.datetime64, style: str) -> str:
    """One timestamp in a named style.

    ``iso`` 2022-03-05 14:03:00 · ``slash`` 2022/03/05 14:03:00 · ``iso_min`` 2022-03-05 14:03 ·
    ``slash_short`` 2022/3/5 14:03 · ``cn_time`` 2022年3月5日 14:03
    """
    d = _parts(x)
    if style == "iso":
        return d.strftime("%Y-%m-%d %H:%M:%S")
    if style == "slash":
        return d.strftime("%Y/%m/%d %H:%M:%S")
    if style == "iso_min":
        return d.strftime("%Y-%m-%d %H:%M")
    if style == "slash_short":
        return f"{d.year}/{d.month}/{d.day} {d.hour}:{d.minute:02d}"
    if style == "cn_time":
        return f"{d.year}年{d.month}月{d.day}日 {d.hour:02d}:{d.minute:02d}"
    raise ValueError(style)


def fmt_date_one(x: date | datetime | np.datetime64, style: str) -> str:
    """One date in a named style.

    ``iso`` 2022-03-05 · ``cn`` 2022年3月5日 · ``dot`` 2022.3.5 · ``slash`` 2022/03/05 ·
    ``compact`` 20220305 · ``with_time`` 2022-03-05 14:03:00 · ``md`` 3月5日 (year in the title row)
    """
    d = _parts(x)
    if style == "iso":
        return f"{d.year:04d}-{d.month:02d}-{d.day:02d}"
    if style == "cn":
        return f"{d.year}年{d.month}月{d.day}日"
    if style == "dot":
        return f"{d.year}.{d.month}.{d.day}"
    if style == "slash":
        return f"{d.year:04d}/{d.month:02d}/{d.day:02d}"
    if style == "compact":
        return f"{d.year:04d}{d.month:02d}{d.day:02d}"
    if style == "with_time":
        return d.strftime("%Y-%m-%d %H:%M:%S")
    if style == "md":
        return f"{d.month}月{d.day}日"
    raise ValueError(style)


@cache
def _clock(minutes_only: bool) -> np.ndarray:
    """' HH:MM:SS' (or ' HH:MM') for every second of a day."""
    secs = np.arange(86_400)
    if minutes_only:
        return np.array([f" {s // 3600:02d}:{s // 60 % 60:02d}" for s in secs], dtype=object)
    return np.array([f" {s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}" for s in secs], dtype=object)


def _day_table(day_i: np.ndarray, style: str) -> tuple[np.ndarray, int]:
    """Formatted text for every day between the smallest and largest of ``day_i`` (days since 1970)."""
    lo, hi = int(day_i.min()), int(day_i.max())
    days = np.arange(lo, hi + 1).astype("datetime64[D]")
    s = np.datetime_as_string(days, unit="D").astype("<U10")
    if style == "slash":
        s = np.char.replace(s, "-", "/")
    elif style == "compact":
        s = np.char.replace(s, "-", "")
    return s.astype(object), lo


def fmt_datetimes(arr: np.ndarray, style: str = "iso") -> np.ndarray:
    """Vectorised ``iso``/``slash``/``iso_min`` formatting of ``datetime64``; NaT becomes ''."""
    a = np.asarray(arr).astype("datetime64[s]")
    nat = np.isnat(a)
    if style not in ("iso", "slash", "iso_min"):
        return np.array(["" if np.isnat(x) else fmt_datetime_one(x, style) for x in a], dtype=object)
    if nat.all():
        return np.full(len(a), "", dtype=object)
    t = np.where(nat, a[~nat][0], a).astype(np.int64)
    day_i = t // 86_400
    table, lo = _day_table(day_i, style)
    out = table[day_i - lo] + _clock(style == "iso_min")[t - day_i * 86_400]
    out[nat] = ""
    return out


def fmt_dates(arr: np.ndarray, style: str = "iso") -> np.ndarray:
    """Vectorised date formatting (``iso``, ``slash``, ``compact`` fast, others cell by cell); NaT becomes ''."""
    a = np.asarray(arr).astype("datetime64[D]")
    nat = np.isnat(a)
    if nat.all():
        return np.full(len(a), "", dtype=object)
    if style in ("iso", "slash", "compact"):
        day_i = np.where(nat, a[~nat][0], a).astype(np.int64)
        table, lo = _day_table(day_i, style)
        out = table[day_i - lo]
    else:
        out = np.array(["" if np.isnat(x) else fmt_date_one(x, style) for x in a], dtype=object)
    out[nat] = ""
    return out


def sprinkle(rng: np.random.Generator, values: np.ndarray, rate: float,
             render: Sequence) -> np.ndarray:
    """Pick about ``rate`` of the non-empty cells and re-render each with a random renderer from
    ``render`` (callables taking the cell's index)."""
    out = np.asarray(values, dtype=object).copy()
    n = len(out)
    if n == 0 or rate <= 0 or not render:
        return out
    hit = np.flatnonzero(rng.random(n) < rate)
    which = rng.integers(0, len(render), len(hit))
    for i, w in zip(hit.tolist(), which.tolist(), strict=True):
        if out[i] != "":
            out[i] = render[w](i)
    return out


def mixed_datetimes(rng: np.random.Generator, arr: np.ndarray, base: str = "iso", rate: float = 0.0,
                    styles: Sequence[str] = ("slash", "iso_min", "slash_short")) -> np.ndarray:
    """Timestamps in a base style with about ``rate`` of the cells in other styles."""
    a = np.asarray(arr).astype("datetime64[s]")
    out = fmt_datetimes(a, base)
    render = [lambda i, s=s: fmt_datetime_one(a[i], s) for s in styles]
    return sprinkle(rng, out, rate, render)


def mixed_dates(rng: np.random.Generator, arr: np.ndarray, base: str = "iso", rate: float = 0.0,
                styles: Sequence[str] = ("cn", "dot", "slash", "compact", "with_time")) -> np.ndarray:
    """Dates in a base style with about ``rate`` of the cells in other styles."""
    a = np.asarray(arr).astype("datetime64[D]")
    out = fmt_dates(a, base)
    render = [lambda i, s=s: fmt_date_one(a[i], s) for s in styles]
    return sprinkle(rng, out, rate, render)


# ---------------------------------------------------------------- numbers

def num_text(v: float | int) -> str:
    """Shortest exact text for a number (no trailing zeros, no exponent)."""
    d = Decimal(repr(float(v))) if not isinstance(v, int) else Decimal(v)
    s = format(d.normalize(), "f")
    return s


def fmt_number_one(v: float | int, style: str) -> str:
    """A number in a named style: ``plain`` · ``comma`` 1,540 · ``fw_comma`` 1，540 ·
    ``fullwidth`` １５４０ · ``approx`` 约1540 · ``yu`` 1540余 (only where the exact value is not needed)."""
    s = num_text(v)
    if style == "plain":
        return s
    if style in ("comma", "fw_comma"):
        whole, _, frac = s.partition(".")
        grouped = f"{int(whole):,}"
        if style == "fw_comma":
            grouped = grouped.replace(",", "，")
        return grouped + ("." + frac if frac else "")
    if style == "fullwidth":
        return fullwidth_digits(s)
    if style == "approx":
        return "约" + s
    if style == "yu":
        return s + "余"
    raise ValueError(style)


def wan(value: float | int) -> str:
    """``value`` expressed in 万 (ten thousands) as exact text, e.g. 3200 -> '0.32'."""
    s = format((Decimal(num_text(value)) / Decimal(10000)).normalize(), "f")
    if float(s) * 10000 != float(value):
        raise ValueError(f"{value} has no exact 万 representation")
    return s


def wan_exact(value: float | int) -> bool:
    """Whether ``value`` round-trips exactly through its 万 representation."""
    try:
        wan(value)
    except ValueError:
        return False
    return True


def percent(numer: float, denom: float, digits: int = 2) -> str:
    """A share as percent text, e.g. '93.72%'."""
    if denom == 0:
        return "—"
    return f"{numer / denom * 100:.{digits}f}%"


def missing(rng: np.random.Generator, rate_token: float = 0.3) -> str:
    """An empty cell, or sometimes one of the tokens that mean missing."""
    if rng.random() < rate_token:
        return MISSING_TOKENS[int(rng.integers(0, len(MISSING_TOKENS)))]
    return ""


def fill_missing(rng: np.random.Generator, values: np.ndarray, rate_token: float) -> np.ndarray:
    """Replace about ``rate_token`` of the empty cells with —, / or 无."""
    out = np.asarray(values, dtype=object).copy()
    empty = np.flatnonzero(out == "")
    hit = empty[rng.random(len(empty)) < rate_token]
    tokens = np.array(MISSING_TOKENS, dtype=object)
    out[hit] = tokens[rng.integers(0, len(tokens), len(hit))]
    return out


# ---------------------------------------------------------------- text

def bracket_year(year: int, style: int) -> str:
    """A case-number year in bracket variant ``style`` (0 〔〕, 1 [], 2 【】, 3 (), 4 （）)."""
    left, right = BRACKETS[style % len(BRACKETS)]
    return f"{left}{year}{right}"


def odd_spaces(rng: np.random.Generator, values: np.ndarray, rate: float, interior: bool = False) -> np.ndarray:
    """Add U+3000 or NBSP around (or, for free text, inside) about ``rate`` of the strings."""
    out = np.asarray(values, dtype=object).copy()
    hit = np.flatnonzero(rng.random(len(out)) < rate)
    kinds = rng.integers(0, 4 if interior else 3, len(hit))
    for i, k in zip(hit.tolist(), kinds.tolist(), strict=True):
        s = out[i]
        if not s:
            continue
        if k == 0:
            out[i] = s + IDEO_SPACE
        elif k == 1:
            out[i] = IDEO_SPACE + s
        elif k == 2:
            out[i] = s + NBSP
        else:
            cut = max(1, len(s) // 2)
            out[i] = s[:cut] + IDEO_SPACE + s[cut:]
    return out


def fullwidth_some(rng: np.random.Generator, values: np.ndarray, rate: float) -> np.ndarray:
    """Convert about ``rate`` of the strings' ASCII characters to full-width."""
    out = np.asarray(values, dtype=object).copy()
    for i in np.flatnonzero(rng.random(len(out)) < rate).tolist():
        out[i] = fullwidth(out[i])
    return out


def aliases_some(rng: np.random.Generator, values: np.ndarray, rate: float,
                 aliases: dict[str, Sequence[str]]) -> np.ndarray:
    """Replace about ``rate`` of the values by one of their aliases."""
    out = np.asarray(values, dtype=object).copy()
    for i in np.flatnonzero(rng.random(len(out)) < rate).tolist():
        options = aliases.get(out[i])
        if options:
            out[i] = options[int(rng.integers(0, len(options)))]
    return out
