"""Calendar helpers: months, export moments, seasonal sampling of timestamps and exact allocation."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, datetime, timedelta

import numpy as np

SECOND = np.timedelta64(1, "s")
DAY_S = 86_400


def month_start(year: int, month: int) -> date:
    """First day of a month."""
    return date(year, month, 1)


def next_month(year: int, month: int) -> tuple[int, int]:
    """The month after ``(year, month)``."""
    return (year + 1, 1) if month == 12 else (year, month + 1)


def month_end(year: int, month: int) -> date:
    """Last day of a month."""
    y, m = next_month(year, month)
    return date(y, m, 1) - timedelta(days=1)


def months(first: date, last: date) -> Iterator[tuple[int, int]]:
    """Every ``(year, month)`` from ``first``'s month to ``last``'s month inclusive."""
    y, m = first.year, first.month
    while (y, m) <= (last.year, last.month):
        yield y, m
        y, m = next_month(y, m)


def to_dt64(d: date | datetime) -> np.datetime64:
    """A date or datetime as ``datetime64[s]``."""
    if not isinstance(d, datetime):
        d = datetime(d.year, d.month, d.day)
    return np.datetime64(d.replace(microsecond=0), "s")


def allocate(total: int, weights: Sequence[float] | np.ndarray) -> np.ndarray:
    """Split ``total`` into integers proportional to ``weights`` (largest remainder, deterministic)."""
    w = np.asarray(weights, dtype=float)
    if total == 0 or w.sum() <= 0:
        return np.zeros(len(w), dtype=np.int64)
    raw = w / w.sum() * total
    out = np.floor(raw).astype(np.int64)
    rest = total - int(out.sum())
    order = np.lexsort((np.arange(len(w)), -(raw - out)))
    out[order[:rest]] += 1
    return out


def random_parts(rng: np.random.Generator, total: int, n: int, low: int = 1, concentration: float = 2.0) -> np.ndarray:
    """``n`` random integers, each at least ``low``, summing exactly to ``total``."""
    if n == 0:
        if total:
            raise ValueError("cannot split a non-zero total into zero parts")
        return np.zeros(0, dtype=np.int64)
    spare = total - low * n
    if spare < 0:
        raise ValueError(f"{total} cannot be split into {n} parts of at least {low}")
    share = rng.dirichlet(np.full(n, concentration))
    return low + allocate(spare, share)


def day_weights(first: date, last: date, profile: np.ndarray, weekend: float = 0.8) -> np.ndarray:
    """Relative weight of each day in ``[first, last]`` from a 12-month profile and a weekend factor."""
    days = np.arange(to_dt64(first).astype("datetime64[D]"), to_dt64(last).astype("datetime64[D]") + 1)
    month = days.astype("datetime64[M]").astype(int) % 12
    weekday = (days.astype(np.int64) + 3) % 7  # 0 = Monday
    w = profile[month] * np.where(weekday >= 5, weekend, 1.0)
    return w


def sample_days(rng: np.random.Generator, n: int, first: date, last: date, profile: np.ndarray,
                weekend: float = 0.8) -> np.ndarray:
    """``n`` dates (``datetime64[D]``) in ``[first, last]`` weighted by a season profile."""
    w = day_weights(first, last, profile, weekend)
    start = to_dt64(first).astype("datetime64[D]")
    if n == 0 or w.sum() <= 0:
        return np.zeros(0, dtype="datetime64[D]")
    idx = rng.choice(len(w), size=n, p=w / w.sum())
    return start + idx.astype("timedelta64[D]")


def sample_times(rng: np.random.Generator, n: int, kind: str = "day") -> np.ndarray:
    """Seconds after midnight: ``day`` (working hours peak), ``evening`` (night markets, barbecue)
    or ``any`` (07:00-22:30 hotline)."""
    if kind == "evening":
        h = rng.normal(20.0, 1.6, n).clip(17.0, 23.8)
    elif kind == "any":
        h = rng.uniform(7.0, 22.5, n)
    else:
        h = np.where(rng.random(n) < 0.55, rng.normal(9.8, 1.3, n), rng.normal(15.2, 1.6, n)).clip(6.5, 21.5)
    return (h * 3600).astype(np.int64)


def sample_moments(rng: np.random.Generator, n: int, first: date, last: date, profile: np.ndarray,
                   kind: str = "day", weekend: float = 0.8) -> np.ndarray:
    """``n`` timestamps (``datetime64[s]``) in ``[first, last]``."""
    d = sample_days(rng, n, first, last, profile, weekend).astype("datetime64[s]")
    return d + sample_times(rng, n, kind).astype("timedelta64[s]")


def monthly_export_moment(year: int, month: int, until_moment: datetime, day: int = 1,
                          hour: int = 8, minute: int = 30) -> datetime:
    """When a month's export is taken: ``day`` of the next month at ``hour:minute``, or the run's end."""
    y, m = next_month(year, month)
    return min(datetime(y, m, day, hour, minute), until_moment)
