"""The one target rule: which target applies to a value, and what it is compared with.

For an indicator, a place (a town, or the whole district) and a date range ``start`` .. ``end``:

1. the candidates are the rows of ``mart_target`` for the indicator (its key or one of the registry's
   ``target_aliases``) whose period covers the whole range (``period_start <= start`` and ``period_end >= end``);
2. a town's own target comes before the district's (the district's targets apply to every town); the
   district itself only has the district's;
3. among those, the shortest period wins (a month's target before the quarter's before the year's);
4. the value is compared with ``due``: a count or amount target whose period is longer than the range is
   pro-rated by days (80 a year → 80 × 31 ÷ 365 for January); rates and ranks never are.

A range that no target period covers has no target (status None); the one default is the city assessment
rank, ``DEFAULT_RANK`` (争一保二: second place). The /violations headline and its town bars,
the overview tiles, the rankings and the city panel all use this rule: ``pick`` (Python) or ``target_sql``
(a scalar subquery for SQLAlchemy queries; ``tests/test_rules_targets.py`` checks both agree).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd
import sqlalchemy as sa

from warehouse.sql import view

TARGET = view("mart_target", "indicator", "scope", "town_code", "is_district", "period_type", "period", "year",
              "period_start", "period_end", "target", "direction", "basis")
PRORATED_KINDS = ("count", "amount")
DEFAULT_RANK = 2  # the city assessment rank to hold when no assessment.rank target is set (争一保二)


@dataclass(frozen=True)
class Target:
    """The target that applies, as set (``value``) and as compared (``due``, pro-rated for counts)."""

    indicator: str
    value: float
    due: float
    direction: str | None
    scope: str  # "town" or "district"
    period: str | None
    period_start: dt.date
    period_end: dt.date
    prorated: bool
    basis: str | None = None


def _date(x: object) -> dt.date:
    return pd.Timestamp(x).date()  # type: ignore[arg-type]


def prorate(value: float, kind: str, start: dt.date, end: dt.date, t_start: dt.date, t_end: dt.date) -> float:
    """``value`` scaled to the range's days when ``kind`` is a count or amount and the target spans more."""
    own, span = (end - start).days + 1, (t_end - t_start).days + 1
    if kind in PRORATED_KINDS and span > own:
        return value * own / span
    return value


def pick(rows: Iterable[Mapping[str, object]], *, start: dt.date, end: dt.date, town: str | None = None,
         kind: str = "rate", codes: Sequence[str] | None = None) -> Target | None:
    """The target of the rule for ``town`` (None = the district) over ``start`` .. ``end`` from rows of mart_target.

    ``codes``: the 指标编码 that count (the indicator's key first, then its aliases); default: every row's.
    """
    best: tuple[tuple[int, int, int], Mapping[str, object]] | None = None
    for r in rows:
        if codes is not None and r["indicator"] not in codes:
            continue
        if pd.isna(r["period_start"]) or pd.isna(r["target"]):  # type: ignore[call-overload]
            continue
        ts, te = _date(r["period_start"]), _date(r["period_end"])
        if not (ts <= start and te >= end):
            continue
        own = town is not None and r.get("town_code") == town
        if not own and not bool(r.get("is_district")):
            continue
        alias_rank = list(codes).index(str(r["indicator"])) if codes is not None else 0
        key = (0 if own else 1, (te - ts).days, alias_rank)
        if best is None or key < best[0]:
            best = (key, r)
    if best is None:
        return None
    r = best[1]
    ts, te, value = _date(r["period_start"]), _date(r["period_end"]), float(r["target"])  # type: ignore[arg-type]
    due = prorate(value, kind, start, end, ts, te)
    return Target(str(r["indicator"]), value, due, None if pd.isna(r.get("direction")) else str(r.get("direction")),
                  "district" if best[0][0] else "town", None if r.get("period") is None else str(r.get("period")),
                  ts, te, due != value, None if pd.isna(r.get("basis")) else str(r.get("basis")))


def rows_sql(codes: Sequence[str], start: dt.date, end: dt.date) -> sa.Select:
    """The candidate rows (every scope) of the indicators ``codes`` whose period covers ``start`` .. ``end``."""
    c = TARGET.c
    return (
        sa.select(*TARGET.c)
        .where(c.indicator.in_(list(codes)), c.period_start <= start, c.period_end >= end,
               sa.or_(c.is_district, c.town_code.is_not(None)))
        .order_by(c.indicator, c.is_district, c.period_start)
    )


def target_sql(indicator: str, start: dt.date | sa.ColumnElement, end: dt.date | sa.ColumnElement,
               town_col: sa.ColumnElement | None = None, kind: str = "rate") -> sa.ScalarSelect:
    """Scalar subquery: ``due`` of the rule's target for a range (dates or date columns), else NULL."""
    g = TARGET.alias("g")
    scope = sa.or_(g.c.is_district, g.c.town_code == town_col) if town_col is not None else g.c.is_district
    s = start if isinstance(start, sa.ColumnElement) else sa.cast(sa.literal(start), sa.Date)
    e = end if isinstance(end, sa.ColumnElement) else sa.cast(sa.literal(end), sa.Date)
    value: sa.ColumnElement = g.c.target
    if kind in PRORATED_KINDS:
        own = sa.func.date_diff("day", s, e) + 1
        span = sa.func.date_diff("day", g.c.period_start, g.c.period_end) + 1
        value = sa.case((span > own, g.c.target * own / span), else_=g.c.target)
    return (
        sa.select(value)
        .where(g.c.indicator == indicator, scope, g.c.period_start <= s, g.c.period_end >= e)
        .order_by(g.c.is_district, g.c.period_end - g.c.period_start)
        .limit(1)
        .scalar_subquery()
    )


def resolve(keys: pd.DataFrame, targets: pd.DataFrame, kind_of: Mapping[str, str] | None = None) -> pd.DataFrame:
    """The rule over many (town_code, period_start, period_end, indicator) rows at once.

    ``targets``: rows of mart_target (indicator, town_code, is_district or NaN town = district, target,
    direction, basis, period, period_start, period_end). Returns the keys with target (``due``), direction,
    basis, target_scope ('town'/'district'), target_period, target_prorated.
    """
    out_cols = ["target", "direction", "basis", "target_scope", "target_period", "target_prorated"]
    k = keys.assign(period_end=keys.get("period_end", pd.NaT))
    k = k[["town_code", "period_start", "period_end", "indicator"]].drop_duplicates(
        ["town_code", "period_start", "indicator"])
    if targets is None or targets.empty:
        return k.assign(**{c: pd.NA for c in out_cols})[["town_code", "period_start", "indicator", *out_cols]]
    t = targets.rename(columns={"town_code": "t_town", "period_start": "t_start", "period_end": "t_end"}).copy()
    for col in ("basis", "period", "direction"):
        if col not in t:
            t[col] = None
    m = k.merge(t, on="indicator", how="inner")
    m = m[m["t_town"].isna() | (m["t_town"] == m["town_code"])].copy()
    m["specific"] = m["t_town"].notna()
    if "t_start" in m and m["period_end"].notna().all():
        ps, pe = pd.to_datetime(m["period_start"]), pd.to_datetime(m["period_end"])
        ts, te = pd.to_datetime(m["t_start"]), pd.to_datetime(m["t_end"])
        m = m[(ts <= ps) & (te >= pe)].copy()
        m["span"] = (pd.to_datetime(m["t_end"]) - pd.to_datetime(m["t_start"])).dt.days + 1
        m["own_span"] = (pd.to_datetime(m["period_end"]) - pd.to_datetime(m["period_start"])).dt.days + 1
    else:  # targets without periods (or values without an end): no covering check, nothing pro-rated
        m["span"] = m["own_span"] = 0
    m = m.sort_values(["specific", "span"], ascending=[False, True], kind="stable")
    m = m.drop_duplicates(["town_code", "period_start", "indicator"], keep="first").copy()
    kinds = m["indicator"].map(lambda x: (kind_of or {}).get(x, "rate"))
    pro = kinds.isin(PRORATED_KINDS) & (m["span"] > m["own_span"])
    m["target"] = m["target"].astype(float)
    m.loc[pro, "target"] = m.loc[pro, "target"] * m.loc[pro, "own_span"] / m.loc[pro, "span"]
    m["target_prorated"] = pro
    m["target_scope"] = m["specific"].map({True: "town", False: "district"})
    m["target_period"] = m["period"]
    res = k.merge(m[["town_code", "period_start", "indicator", *out_cols]],
                  on=["town_code", "period_start", "indicator"], how="left")
    return res[["town_code", "period_start", "indicator", *out_cols]]
