"""What the explorer shows for a state: labels, the measure per group, the period comparison and the pivot.

Numbers come from ``warehouse.queries.explore`` (through ``ctx.wh``); changes and their colour from the shared
rules (``dashboard.format.change``, ``dashboard.kpis.tone`` with the registry's direction).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from dashboard import format as fmt
from dashboard import kpis
from dashboard.data import Warehouse
from dashboard.figures.theme import town_label
from dashboard.i18n import column_label, source_label, t
from warehouse.queries import explore as qe
from warehouse.rules import calendar
from warehouse.sql import Filters

BOOL_TEXT = {"true": "explore.yes", "false": "explore.no"}
MAX_COMPARE_ROWS = 50


def measure_label(m: qe.Measure, lang: str) -> str:
    ind = m.indicator
    return ind.label(lang) if ind is not None else t(f"explore.measure.{m.key}", lang)


def axis_title(m: qe.Measure, lang: str) -> str:
    """The chart's value-axis title: the measure and its unit (an indicator's unit, 条 for a count of rows; the
    sums' and medians' names carry theirs; a rate's axis is in %)."""
    label, ind = measure_label(m, lang), m.indicator
    if ind is not None and ind.kind == "rate":
        return label
    unit = ind.unit(lang) if ind is not None else (t("fig.common.rows", lang) if m.agg == "count" else "")
    if not unit or unit in label:
        return label
    return t("explore.axis_unit", lang, label=label, unit=unit)


def source_name(key: str, lang: str) -> str:
    return source_label(key, lang)


def dim_label(dim: str, lang: str) -> str:
    """A dimension's name (the town dimension shows names, so it is named as the town's name is)."""
    return column_label("town_name" if dim == "town_code" else dim, lang)


def value_text(src: qe.Source, dim: str, value: Any, lang: str) -> str:
    """A dimension's value as the page shows it (a town's name, 是/否, else the value)."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return t("explore.none", lang)
    text = str(value)
    if dim == src.town:
        return town_label(text, None, lang)
    if src.kind(dim) == "bool" and text in BOOL_TEXT:
        return t(BOOL_TEXT[text], lang)
    return text


def measure_text(m: qe.Measure, value: Any, lang: str) -> str:
    """A measure's value: the registry's format for an indicator, a percentage for a rate, else a number."""
    ind = m.indicator
    if ind is not None:
        return fmt.indicator(ind, None if fmt.is_missing(value) else float(value), lang)
    if fmt.is_missing(value):
        return fmt.MISSING
    x = float(value)
    return fmt.number(x, digits=0 if x.is_integer() else 2)


def labelled(q: qe.Query, frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The aggregate with readable ``x`` and ``series``: period (or first dimension) and the next grouping."""
    src, out = q.src, frame.copy()
    for i, dim in enumerate(q.by):
        out[f"l{i}"] = [value_text(src, dim, v, lang) for v in out[f"d{i}"]]
    if q.grain:
        out["x"] = pd.to_datetime(out["period"])
        out["series"] = out["l0"] if q.by else ""
    else:
        out["x"] = out["l0"] if q.by else measure_label(q.m, lang)
        out["series"] = out["l1"] if len(q.by) > 1 else ""
    return out


def total(wh: Warehouse, q: qe.Query) -> pd.Series:
    """One row: the measure over everything the filters keep (num, den, value, n_rows)."""
    return wh.frame(qe.aggregate(qe.Query(q.source, q.filters, q.where, (), None, q.measure, q.community))).iloc[0]


def comparison_range(q: qe.Query, compare: str) -> Filters:
    """同比 (the same dates a year earlier) or 环比 (the range of equal length just before)."""
    f = q.filters
    assert f.start is not None and f.end is not None
    start, end = (calendar.year_before if compare == "yoy" else calendar.same_length_before)(f.start, f.end)
    return Filters(start, end, f.towns)


def compare(wh: Warehouse, q: qe.Query, compare_to: str, lang: str) -> pd.DataFrame:
    """Per group (or the whole selection): ``label``, ``now``, ``before``, ``change`` (text) and ``tone``
    (good/bad/flat by the indicator's direction), largest now first."""
    base = qe.Query(q.source, q.filters, q.where, q.by, None, q.measure, q.community)
    before_f = comparison_range(q, compare_to)
    now = wh.frame(qe.aggregate(base))
    before = wh.frame(qe.aggregate(qe.Query(q.source, before_f, q.where, q.by, None, q.measure, q.community)))
    keys = [f"d{i}" for i in range(len(q.by))]
    if keys:
        merged = now[[*keys, "value"]].merge(before[[*keys, "value"]], on=keys, how="outer", suffixes=("_now", "_b"))
    else:
        merged = pd.DataFrame({"value_now": now["value"], "value_b": before["value"]})
    merged = merged.sort_values("value_now", ascending=False, na_position="last").head(MAX_COMPARE_ROWS)
    m = q.m
    kind = "rate" if m.is_rate else "count"
    rows = []
    for rec in merged.to_dict("records"):
        now_v, before_v = _num(rec["value_now"]), _num(rec["value_b"])
        text, delta = fmt.change(now_v, before_v, kind)
        label = " · ".join(value_text(q.src, d, rec[k], lang) for d, k in zip(q.by, keys, strict=True))
        rows.append({"label": label or measure_label(m, lang), "now": measure_text(m, now_v, lang),
                     "before": measure_text(m, before_v, lang), "change": text, "tone": kpis.tone(delta, m.direction)})
    return pd.DataFrame(rows, columns=["label", "now", "before", "change", "tone"])


def _num(value: Any) -> float | None:
    return None if fmt.is_missing(value) else float(value)


def pivot(wh: Warehouse, q: qe.Query, lang: str) -> pd.DataFrame | None:
    """First dimension × (second dimension, else the period) of the measure, with totals when the measure adds
    up (a rate's total is Σ numerator ÷ Σ denominator); None when the view has no two axes."""
    if len(q.by) == 2:
        agg = wh.frame(qe.aggregate(qe.Query(q.source, q.filters, q.where, q.by, None, q.measure, q.community)))
        cols = [value_text(q.src, q.by[1], v, lang) for v in agg["d1"]]
    elif len(q.by) == 1 and q.grain:
        agg = wh.frame(qe.aggregate(q))
        cols = [fmt.period(q.grain, v, lang) for v in agg["period"]]
    else:
        return None
    frame = agg.assign(row=[value_text(q.src, q.by[0], v, lang) for v in agg["d0"]], col=cols)
    order_cols = list(dict.fromkeys(frame.sort_values("period")["col"] if q.grain and len(q.by) == 1 else cols))
    table = frame.pivot_table(index="row", columns="col", values="value", aggfunc="first", sort=False)
    table = table.reindex(columns=order_cols)
    m = q.m
    if m.additive:
        sums = frame.groupby("row", sort=False)[["num", "den"]].sum(min_count=1)
        table[t("explore.total", lang)] = (sums["num"] / sums["den"]) if m.is_rate else sums["num"]
    table = table.reset_index().rename(columns={"row": dim_label(q.by[0], lang)})
    return table
