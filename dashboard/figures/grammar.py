"""The chart grammar (docs/CHART_GRAMMAR.md), applied to a finished figure by the shared theme, not per chart.

``apply(fig, lang, last_day)`` is what every chart card draws (``dashboard.charts.Chart.draw``):

* string categories (names, grid codes, case numbers) on a ``category`` axis, never parsed as numbers;
* every numeric value axis with an explicit range, ``dtick`` and ``tickformat`` derived from its data and unit,
  so no two tick labels repeat (a rate axis of 1–3% gets 0.5% ticks: ``.1%``); bars and counts start at zero;
* rates on 0–100%, or, when every value and target is under 50%, on a zoomed axis whose title says so;
* the period that holds ``last_day`` (the data's last day or the range's end, whichever is earlier) and ends
  after it drawn as partial: bars hatched, lines dashed over the last segment, labelled 「不完整」/"partial"
  (later periods, such as the rest of a year's plan line, are future, not partial).

The figure says which grain its date axis has in ``layout.meta["grain"]`` (``new_figure(grain=...)``).
``nice_step`` and ``decimals`` are shared with the linter (``dashboard.figures.lint``).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from dashboard.figures.theme import STATUS_COLORS, common
from warehouse.rules import calendar

RATE_ZOOM_BELOW = 0.5  # a rate axis whose values all stay under 50% is zoomed (and says so)
_NUMERIC_TEXT = re.compile(r"^[+-]?\d[\d.,]*[A-Za-z]?$")
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}")
PARTIAL_PATTERN = "/"


def nice_step(span: float, ticks: int = 5, whole: bool = False) -> float:
    """A step of 1, 2, 2.5 or 5 × 10ⁿ giving about ``ticks`` intervals over ``span`` (at least 1 if ``whole``)."""
    if span <= 0 or not math.isfinite(span):
        return 1.0
    raw = span / ticks
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if raw <= m * mag * (1 + 1e-9))
    return max(1.0, round(step)) if whole else step


def decimals(step: float) -> int:
    """Decimals a tick label needs so that ticks ``step`` apart read differently (0.25 → 2, 5 → 0)."""
    exp = Decimal(repr(round(step, 10))).normalize().as_tuple().exponent
    return max(0, -int(exp))


def axis_name(ref: str) -> str:
    """``x`` → ``xaxis``, ``y2`` → ``yaxis2``."""
    return f"{ref[0]}axis{ref[1:]}"


def roles(trace: Any) -> tuple[str | None, str | None]:
    """(category/date axis ref, value axis ref) of a cartesian trace; (None, None) for pies and the like."""
    kind = trace.type
    x, y = getattr(trace, "xaxis", None) or "x", getattr(trace, "yaxis", None) or "y"
    if kind in ("bar", "waterfall", "funnel", "box"):
        horizontal = trace.orientation == "h" or (kind == "funnel" and trace.orientation != "v")
        return (y, x) if horizontal else (x, y)
    if kind in ("scatter", "scattergl"):
        return x, y
    if kind == "heatmap":
        return None, None
    return None, None


def _values(seq: Any) -> list[Any]:
    return [] if seq is None else list(seq)


def _numbers(seq: Iterable[Any]) -> list[float]:
    out = []
    for v in seq:
        try:
            f = float(v)
        except (TypeError, ValueError):
            continue
        if math.isfinite(f):
            out.append(f)
    return out


def is_id_like(values: Iterable[Any]) -> bool:
    """Text that plotly would read as numbers (grid codes, case numbers, ``371.002``): it must stay text."""
    vals = [v for v in values if v is not None]
    return bool(vals) and all(isinstance(v, str) and _NUMERIC_TEXT.match(v) for v in vals)


def is_dates(values: Iterable[Any]) -> bool:
    vals = [v for v in values if v is not None]
    return bool(vals) and all(
        isinstance(v, dt.date | pd.Timestamp) or (isinstance(v, str) and _ISO_DAY.match(v)) or hasattr(v, "dtype")
        for v in vals
    )


def value_span(fig: go.Figure, ref: str) -> tuple[float, float] | None:
    """(lowest, highest) a value axis must show: its traces' values (stacked bars summed), target lines."""
    barmode = fig.layout.barmode or "group"
    stacks: dict[tuple[str, str], float] = {}
    found: list[float] = []
    for trace in fig.data:
        _cat, val = roles(trace)
        if val != ref or trace.visible is False:
            continue
        vals = _values(trace.x if val.startswith("x") else trace.y)
        cats = _values(trace.y if val.startswith("x") else trace.x)
        if trace.type == "bar" and barmode in ("stack", "relative") and cats:
            for c, v in zip(cats, vals, strict=False):
                n = _numbers([v])
                if n:
                    key = (str(c), "+" if n[0] >= 0 else "-")
                    stacks[key] = stacks.get(key, 0.0) + n[0]
        else:
            found.extend(_numbers(vals))
    found.extend(stacks.values())
    for shape in fig.layout.shapes or ():
        if (ref.startswith("y") and shape.yref == ref and shape.y0 == shape.y1) or (
            ref.startswith("x") and shape.xref == ref and shape.x0 == shape.x1
        ):
            found.extend(_numbers([shape.y0 if ref.startswith("y") else shape.x0]))
    return (min(found), max(found)) if found else None


def _traces_on(fig: go.Figure, ref: str) -> Iterator[tuple[Any, str]]:
    """(trace, role) of every trace drawn on axis ``ref``: role "cat" or "value"."""
    for trace in fig.data:
        cat, val = roles(trace)
        if cat == ref:
            yield trace, "cat"
        if val == ref:
            yield trace, "value"


def _category_axes(fig: go.Figure) -> None:
    for trace in fig.data:
        if not hasattr(trace, "x") or not hasattr(trace, "y"):
            continue
        refs = [(trace.x, (getattr(trace, "xaxis", None) or "x")), (trace.y, (getattr(trace, "yaxis", None) or "y"))]
        if trace.type in ("heatmap",) or roles(trace)[0] is not None:
            for values, ref in refs:
                vals = _values(values)
                if vals and all(isinstance(v, str) for v in vals) and not is_dates(vals):
                    axis = fig.layout[axis_name(ref)]
                    if axis.type is None:
                        axis.type = "category"


def _value_axis(fig: go.Figure, ref: str, lang: str) -> None:
    axis = fig.layout[axis_name(ref)]
    if axis.visible is False or axis.type in ("category", "date", "log") or axis.tickvals is not None:
        return
    meta = fig.layout.meta if isinstance(fig.layout.meta, dict) else {}
    rate = "%" in (axis.tickformat or "")
    has_bars = any(t.type == "bar" for t, role in _traces_on(fig, ref) if role == "value")
    span = value_span(fig, ref)
    if span is None:
        return
    lo, hi = span
    if axis.range is not None and axis.autorange is not True:  # an explicit range: keep it, but bars from zero
        r0, r1 = sorted(float(v) for v in axis.range)
        reverse = float(axis.range[0]) > float(axis.range[1])
        if has_bars and r0 > 0:
            r0 = 0.0
        lo, hi = r0, r1
        explicit = True
    else:
        lo, hi = min(0.0, lo), max(0.0, hi)
        reverse = axis.autorange == "reversed"
        explicit = False
    zoomed = False
    if rate and not explicit:
        if hi < RATE_ZOOM_BELOW and lo >= 0 and ref not in meta.get("full_rate", ()):
            zoomed = hi > 0
        else:
            hi = max(hi, 1.0)
    if axis.dtick is not None:  # the builder chose its step (ranks: 1)
        step = float(axis.dtick)
        if not axis.tickformat:
            places = decimals(step * 100) if rate else decimals(step)
            axis.tickformat = f".{places}%" if rate else (f",.{places}f" if places else ",")
    else:
        whole = not rate and all(float(v).is_integer() for v in _span_values(fig, ref))
        step = nice_step(hi - lo, 5, whole=whole)
        if rate and not zoomed and hi <= 1.0 + 1e-9 and lo >= 0:
            step = 0.2
        places = decimals(step * 100) if rate else decimals(step)
        axis.tickformat = f".{places}%" if rate else (f",.{places}f" if places else ",")
    top = hi if explicit else (hi * 1.02 if rate and not zoomed and hi <= 1.0 + 1e-9 else hi + (hi - lo) * 0.08)
    if not explicit and zoomed:
        top = math.ceil(hi * 1.15 / step) * step
    bottom = lo if explicit or lo >= 0 else lo - (hi - lo) * 0.08
    axis.update(tickmode="linear", tick0=0, dtick=step, range=[top, bottom] if reverse else [bottom, top],
                autorange=False)
    if zoomed:
        title = axis.title.text or ""
        axis.title.text = f"{title}{common('zoomed', lang)}" if title else common("zoomed_axis", lang)
        fig.update_layout(meta={**meta, "zoomed": [*meta.get("zoomed", ()), ref]})


def _span_values(fig: go.Figure, ref: str) -> list[float]:
    out: list[float] = []
    for trace, role in _traces_on(fig, ref):
        if role == "value":
            out.extend(_numbers(_values(trace.x if ref.startswith("x") else trace.y)))
    return out or [0.0]


def _is_partial(grain: str, value: Any, last_day: dt.date) -> bool:
    """The period holding ``value`` holds ``last_day`` but goes on after it (later periods are future, not partial)."""
    start, end = calendar.period_of(grain, pd.Timestamp(value).date())
    return start <= last_day < end


def _slice(seq: Any, idx: list[int]) -> Any:
    if seq is None or isinstance(seq, str) or not hasattr(seq, "__len__"):
        return seq
    items = list(seq)
    return [items[i] for i in idx] if len(items) > max(idx, default=-1) else seq


def mark_partial(fig: go.Figure, last_day: dt.date, lang: str) -> go.Figure:
    """Hatch the bars and dash the line segments of the period that holds ``last_day`` and ends after it,
    labelled partial."""
    meta = fig.layout.meta if isinstance(fig.layout.meta, dict) else {}
    grain = meta.get("grain")
    if grain not in calendar.GRAINS:
        return fig
    partial_x: set[Any] = set()
    added: list[go.Scatter] = []
    for trace in fig.data:
        xs = _values(trace.x)
        if trace.type not in ("bar", "scatter") or not xs or not is_dates(xs) or trace.orientation == "h":
            continue
        late = [i for i, x in enumerate(xs) if _is_partial(grain, x, last_day)]
        if not late:
            continue
        partial_x.update(pd.Timestamp(xs[i]) for i in late)
        if trace.type == "bar":
            trace.marker.pattern = {"shape": [PARTIAL_PATTERN if i in late else "" for i in range(len(xs))],
                                    "solidity": 0.45}
        elif "lines" in (trace.mode or "lines"):
            first = max(0, late[0] - 1)
            idx = list(range(first, len(xs)))
            keep = list(range(0, late[0]))
            color = trace.line.color
            added.append(go.Scatter(
                x=_slice(trace.x, idx), y=_slice(trace.y, idx), mode=trace.mode, yaxis=trace.yaxis,
                xaxis=trace.xaxis, name=f"{trace.name}{common('partial_suffix', lang)}", showlegend=False,
                line={"color": color, "dash": "dash", "width": trace.line.width},
                marker={"symbol": "circle-open", "color": color}, customdata=_slice(trace.customdata, idx),
                hovertemplate=trace.hovertemplate, legendgroup=trace.legendgroup or trace.name,
            ))
            trace.update(x=_slice(trace.x, keep), y=_slice(trace.y, keep),
                         customdata=_slice(trace.customdata, keep), legendgroup=trace.legendgroup or trace.name)
    for trace in added:
        fig.add_trace(trace)
    for x in sorted(partial_x):
        fig.add_annotation(x=x, xref="x", y=1.0, yref="paper", yanchor="top", showarrow=False,
                           text=common("partial", lang), font={"size": 11, "color": STATUS_COLORS["grey"]})
    if partial_x:
        fig.update_layout(meta={**meta, "partial": [x.date().isoformat() for x in sorted(partial_x)]})
    return fig


def apply(fig: go.Figure | None, lang: str = "zh", last_day: dt.date | None = None) -> go.Figure | None:
    """The grammar applied to a finished figure (see the module docstring); empty figures pass through."""
    if fig is None:
        return None
    meta = fig.layout.meta if isinstance(fig.layout.meta, dict) else {}
    if meta.get("empty"):
        return fig
    if last_day is not None:
        mark_partial(fig, last_day, lang)
    _category_axes(fig)
    refs = {r for trace in fig.data for r in roles(trace) if r}
    for ref in sorted(refs):
        on = list(_traces_on(fig, ref))
        if any(role == "value" for _, role in on) and not any(t.type == "funnel" for t, _ in on):
            _value_axis(fig, ref, lang)  # (a funnel is centred on its own axis: plotly places it)
    for trace in fig.data:  # a funnel's stages say their numbers; its value axis has nothing to add
        if trace.type == "funnel":
            fig.layout[axis_name(roles(trace)[1] or "x")].visible = False
    return fig
