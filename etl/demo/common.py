"""Small shared helpers for the source modules: lookup tables, fast string building, names."""

from __future__ import annotations

import numpy as np

from etl.demo.context import Ctx

PAD3 = np.array([f"{i:03d}" for i in range(1000)], dtype=object)
PAD4 = np.array([f"{i:04d}" for i in range(10_000)], dtype=object)
PAD5 = np.array([f"{i:05d}" for i in range(100_000)], dtype=object)

#: year-on-year level of activity relative to 2022 (other years vary around it)
TREND = {2021: 0.94, 2022: 1.0, 2023: 1.07, 2024: 1.05, 2025: 1.01, 2026: 0.98}


def year_factor(ctx: Ctx, source: str, year: int, spread: float = 0.06) -> float:
    """Activity of ``year`` relative to 2022 for one source: a trend plus stable noise."""
    base = TREND.get(year, 1.0)
    noise = float(ctx.rng(source, "year-factor", year).normal(0.0, spread))
    return max(0.6, base * (1.0 + noise))


def ymd_compact(days: np.ndarray) -> np.ndarray:
    """``datetime64`` dates as 'YYYYMMDD' strings (object array)."""
    from etl.demo.quirks import fmt_dates

    return fmt_dates(days, "compact")


def fixed_decimal(values: np.ndarray, frac_digits: int) -> np.ndarray:
    """Non-negative floats as fixed-point text with ``frac_digits`` decimals (object array)."""
    unit = 10**frac_digits
    scaled = np.round(np.asarray(values, dtype=float) * unit).astype(np.int64)
    whole = (scaled // unit).astype(str).astype(object)
    if len(scaled) == 0:
        return whole
    frac = (scaled % unit + unit).astype(f"<U{frac_digits + 1}")  # exactly frac_digits + 1 digits
    v = frac.view(np.uint32).reshape(len(frac), frac_digits + 1)
    tail = np.ascontiguousarray(v[:, 1:]).view(f"<U{frac_digits}").ravel().astype(object)
    return whole + "." + tail


def seq_within(groups: np.ndarray) -> np.ndarray:
    """1-based running number within each group value, in array order."""
    n = len(groups)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    order = np.argsort(groups, kind="stable")
    g = groups[order]
    start = np.r_[True, g[1:] != g[:-1]]
    idx = np.arange(n)
    first = np.maximum.accumulate(np.where(start, idx, 0))
    out = np.empty(n, dtype=np.int64)
    out[order] = idx - first + 1
    return out


def person(rng: np.random.Generator, ctx: Ctx) -> str:
    """A random person's name."""
    p = ctx.vocab["people"]
    return p["surnames"][int(rng.integers(len(p["surnames"])))] + p["given"][int(rng.integers(len(p["given"])))]


def masked_person(rng: np.random.Generator, ctx: Ctx) -> str:
    """A person's name as published (surname plus 某)."""
    p = ctx.vocab["people"]
    return p["surnames"][int(rng.integers(len(p["surnames"])))] + rng.choice(["某", "某某"])


def company(rng: np.random.Generator, ctx: Ctx) -> str:
    """A plausible company name."""
    p = ctx.vocab["people"]
    return "威海" + p["company_words"][int(rng.integers(len(p["company_words"])))] + \
        p["company_kinds"][int(rng.integers(len(p["company_kinds"])))]


def pick(rng: np.random.Generator, options: list | tuple, n: int | None = None,
         p: np.ndarray | list | None = None):
    """Random element(s) of a list; a Python value for ``n is None`` else an object array."""
    if n is None and p is None:
        return options[int(rng.integers(len(options)))]
    if n is None:
        cdf = np.cumsum(np.asarray(p, dtype=float))
        i = int(np.searchsorted(cdf, rng.random() * cdf[-1], side="right"))
        return options[min(i, len(options) - 1)]
    arr = np.empty(len(options), dtype=object)
    arr[:] = list(options)
    if p is not None:
        p = np.asarray(p, dtype=float)
        p = p / p.sum()
    return arr[rng.choice(len(arr), size=n, p=p)]




def zero_pad(values: np.ndarray, width: int) -> np.ndarray:
    """Non-negative integers as zero-padded text of ``width`` digits (object array)."""
    v = np.asarray(values, dtype=np.int64)
    if len(v) and int(v.max()) >= 10**width:
        raise ValueError(f"a value does not fit in {width} digits")
    s = (v + 10**width).astype(f"<U{width + 1}")
    if len(s) == 0:
        return np.zeros(0, dtype=object)
    u = s.view(np.uint32).reshape(len(s), width + 1)
    return np.ascontiguousarray(u[:, 1:]).view(f"<U{width}").ravel().astype(object)


def working_time_after(rng: np.random.Generator, start: np.ndarray, median_days: float,
                       max_days: float) -> np.ndarray:
    """A moment during working hours (08:00-18:00) some days after ``start`` (always later)."""
    n = len(start)
    days = np.clip(rng.lognormal(np.log(median_days), 0.9, n), 0, max_days).astype(np.int64)
    day0 = start.astype("datetime64[D]") + days.astype("timedelta64[D]")
    t = day0.astype("datetime64[s]") + rng.integers(8 * 3600, 18 * 3600, n).astype("timedelta64[s]")
    return np.where(t <= start, t + np.timedelta64(1, "D"), t)
