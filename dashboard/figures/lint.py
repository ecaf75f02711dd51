"""A figure linter: the chart grammar (docs/CHART_GRAMMAR.md) as checks a test can run over any plotly figure.

``lint(fig, width, height)`` returns the problems found, each a ``Problem(rule, where, detail)``:

=================  =================================================================================
``ticks``          two tick labels of a numeric axis read the same (ticks computed as plotly would:
                   ``tickvals``, else ``tick0``/``dtick`` over the range, else plotly's auto step)
``bar_zero``       a bar's value axis does not include zero
``rate_zoom``      a rate axis (``%`` ticks) that is not 0–100% and does not say it is zoomed
``legend_colour``  two legend entries with the same swatch (colour, hatch, dash)
``unnamed``        a data trace without a name (hover, legend and screen readers need it)
``id_numeric``     text that reads as a number (grid codes, case numbers) on an axis that is not ``category``
``unit``           a numeric value axis (or colour bar) without a unit in its title or tick suffix
``status_colour``  a status colour on a trace that does not carry a status (``trace.meta == "status"``)
``one_hue``        bars of one series in several colours (unless coloured by status, ``meta="status"``, or
                   one hue with the rest greyed, ``meta="highlight"``)
``overflow``       text wider than the room it has (estimate below)
=================  =================================================================================

Text width is estimated, not measured: a CJK character is as wide as the font size, any other character
0.58 of it (13 px unless the figure sets a size); the plot area is the figure less its margins (template:
56 px left, 24 right, 44 top, 48 bottom). Category labels overflow when rotated labels (plotly turns them 30° when
they fit side by side so, else 90°) would take more than 30% of the height, or when there are more labels
than rows of text fit (plotly would drop some); vertical category labels when wider than 40% of the figure.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import plotly.graph_objects as go

from dashboard.figures.grammar import axis_name, is_dates, is_id_like, roles
from dashboard.figures.theme import STATUS_COLORS, common

UNIT_KEYS = ("cases", "sites", "m2", "people", "machines", "tons", "hours", "days", "km", "person_times",
             "machine_times", "rank", "rows", "yuan")
PLOTLY_COLORWAY = ("#636efa", "#EF553B", "#00cc96", "#ab63fa", "#FFA15A", "#19d3f3", "#FF6692", "#B6E880")
_TAG = re.compile(r"<[^>]+>")
_FORMAT = re.compile(r"^(?P<comma>,)?(?:\.(?P<prec>\d+))?(?P<tilde>~)?(?P<type>[%fdegs])?$")
DEFAULT_FONT = 13
DEFAULT_MARGIN = {"l": 56, "r": 24, "t": 44, "b": 48}


@dataclass(frozen=True)
class Problem:
    rule: str
    where: str
    detail: str

    def __str__(self) -> str:
        return f"{self.rule} @ {self.where}: {self.detail}"


def units() -> set[str]:
    """Every unit word of the catalogue (both languages) and ``%``."""
    return {common(k, lang).strip() for k in UNIT_KEYS for lang in ("zh", "en")} | {"%"}


# --- text and ticks ----------------------------------------------------------------------------------------


def text_width(text: str, size: float = DEFAULT_FONT) -> float:
    """Estimated pixel width of the widest line of ``text`` (HTML tags dropped, <br> breaks lines)."""
    lines = _TAG.sub("", re.sub(r"<br\s*/?>", "\n", str(text))).split("\n")
    return max(sum(size if ord(ch) >= 0x2E80 else 0.58 * size for ch in line) for line in lines)


def d3_format(value: float, spec: str | None) -> str:
    """The tick label plotly's d3-format writes for the specs the dashboard uses (``,``, ``.1%``, ``,.2f``,
    ``d``, ``~``); other specs give the value with up to six significant digits."""
    m = _FORMAT.match(spec or "")
    if not m or m["type"] in ("e", "g", "s") or (not m["type"] and not m["prec"] and not m["comma"]):
        return f"{value:.6g}"
    kind, prec, comma = m["type"] or "f", m["prec"], "," if m["comma"] else ""
    if kind == "%":
        text = _fixed(value * 100, 6 if prec is None else int(prec), comma)
    elif kind == "d":
        text = _fixed(value, 0, comma)
    else:
        text = _fixed(value, 6 if prec is None and not comma else int(prec or 0), comma)
    if m["tilde"] and "." in text:
        text = text.rstrip("0").rstrip(".")
    return text + ("%" if kind == "%" else "")


def _fixed(value: float, places: int, comma: str) -> str:
    """JavaScript's ``toFixed`` (ties away from zero on the exact binary value: 0.5 → 1, 2.5 → 3), as d3 writes."""
    exact = Decimal(value).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
    return format(exact, f"{comma}.{places}f")


def _auto_dtick(span: float, length: float, is_y: bool) -> float:
    """plotly's auto step: about length/40 (y) or length/80 (x) ticks, 4 to 9, rounded up to 2, 5 or 10 × 10ⁿ."""
    nt = min(max(length / (40 if is_y else 80), 4), 9) + 1
    rough = span / nt
    base = 10 ** math.floor(math.log10(rough))
    return base * next(m for m in (1, 2, 5, 10) if rough / base <= m + 1e-9)


def tick_labels(axis: Any, lo: float, hi: float, length: float, is_y: bool) -> list[str]:
    """The tick labels plotly would draw on a linear axis showing ``lo``..``hi`` (its own range when set)."""
    prefix, suffix = axis.tickprefix or "", axis.ticksuffix or ""
    if axis.tickvals is not None:
        texts = list(axis.ticktext) if axis.ticktext is not None else None
        return texts or [f"{prefix}{d3_format(float(v), axis.tickformat)}{suffix}" for v in axis.tickvals]
    if axis.range is not None and axis.autorange is not True:
        lo, hi = sorted(float(v) for v in axis.range)
    if hi <= lo:
        return []
    step = float(axis.dtick) if isinstance(axis.dtick, int | float) else _auto_dtick(hi - lo, length, is_y)
    tick0 = float(axis.tick0) if isinstance(axis.tick0, int | float) else 0.0
    first = math.ceil((lo - tick0) / step - 1e-9)
    values = [tick0 + k * step for k in range(first, first + 200) if tick0 + k * step <= hi + 1e-9 * abs(step)]
    return [f"{prefix}{d3_format(v, axis.tickformat)}{suffix}" for v in values]


# --- the figure --------------------------------------------------------------------------------------------


def _vals(seq: Any) -> list[Any]:
    return [] if seq is None else list(seq)


def _nums(seq: Any) -> list[float]:
    out = []
    for v in _vals(seq):
        try:
            f = float(v)
        except (TypeError, ValueError):
            continue
        if math.isfinite(f):
            out.append(f)
    return out


def _norm(color: Any) -> str | None:
    if not isinstance(color, str):
        return None
    c = color.strip().lower()
    m = re.match(r"rgba?\((\d+),\s*(\d+),\s*(\d+)(?:,\s*([\d.]+))?", c)
    if not m:
        return c
    alpha = float(m.group(4)) if m.group(4) is not None else 1.0
    return "#{:02x}{:02x}{:02x}".format(*map(int, m.groups()[:3])) + (f"@{alpha:g}" if alpha < 1 else "")


def _trace_colors(trace: Any) -> list[str]:
    found: list[Any] = []
    marker = getattr(trace, "marker", None)
    if marker is not None:
        color = getattr(marker, "color", None)
        found.extend(color if isinstance(color, tuple | list) else [color])
        if getattr(marker, "colors", None) is not None:
            found.extend(marker.colors)
        if getattr(marker, "line", None) is not None and trace.type == "scatter":
            found.append(marker.line.color)
    line = getattr(trace, "line", None)
    if line is not None and trace.type == "scatter":
        found.append(line.color)
    return [c for c in (_norm(x) for x in found) if c]


def _swatch(trace: Any, index: int, colorway: tuple[str, ...]) -> tuple[Any, ...]:
    colors = _trace_colors(trace)
    color = colors[0] if colors else _norm(colorway[index % len(colorway)])
    pattern = None
    if trace.type == "bar" and trace.marker.pattern is not None:
        shape = trace.marker.pattern.shape
        pattern = shape if isinstance(shape, str) else next((s for s in shape or () if s), None)
    dash = trace.line.dash if trace.type == "scatter" and trace.line is not None else None
    symbol = trace.marker.symbol if trace.type == "scatter" and trace.mode == "markers" else None
    return color, pattern or None, dash or None, symbol


def _legend_shown(fig: go.Figure) -> bool:
    if fig.layout.showlegend is not None:
        return bool(fig.layout.showlegend)
    entries = sum(1 for t in fig.data if t.showlegend is not False and t.type != "pie")
    pies = sum(len(_vals(t.labels)) for t in fig.data if t.type == "pie")
    return entries + pies > 1


def _margin(fig: go.Figure) -> dict[str, float]:
    tmpl = fig.layout.template.layout.margin if fig.layout.template is not None else None
    out = dict(DEFAULT_MARGIN)
    for m in (tmpl, fig.layout.margin):
        if m is not None:
            out.update({k: float(getattr(m, k)) for k in "lrtb" if getattr(m, k) is not None})
    return out


def _axis_refs(fig: go.Figure) -> dict[str, dict[str, list[Any]]]:
    """Per axis ref: the category values ("cat") and numeric values ("value") drawn on it."""
    out: dict[str, dict[str, list[Any]]] = {}
    for trace in fig.data:
        if trace.visible is False:
            continue
        if trace.type == "heatmap":
            for ref, vals in (((trace.xaxis or "x"), trace.x), ((trace.yaxis or "y"), trace.y)):
                out.setdefault(ref, {"cat": [], "value": [], "bar": []})["cat"].extend(_vals(vals))
            continue
        cat, val = roles(trace)
        if cat is None or val is None:
            continue
        cvals, vvals = (trace.y, trace.x) if val.startswith("x") else (trace.x, trace.y)
        out.setdefault(cat, {"cat": [], "value": [], "bar": []})["cat"].extend(_vals(cvals))
        entry = out.setdefault(val, {"cat": [], "value": [], "bar": []})
        entry["value"].extend(_nums(vvals))
        if trace.type == "bar":
            entry["bar"].append(trace)
    return out


def lint(fig: go.Figure, width: float = 900, height: float = 340) -> list[Problem]:
    """Every problem of ``fig`` drawn ``width`` × ``height`` pixels (see the module docstring)."""
    meta = fig.layout.meta if isinstance(fig.layout.meta, dict) else {}
    if meta.get("empty"):
        return []
    problems: list[Problem] = []
    margin = _margin(fig)
    pw, ph = max(1.0, width - margin["l"] - margin["r"]), max(1.0, height - margin["t"] - margin["b"])
    size = float(fig.layout.font.size or DEFAULT_FONT) if fig.layout.font is not None else DEFAULT_FONT
    unit_words = units()
    status = {_norm(STATUS_COLORS[k]) for k in ("green", "amber", "red")}

    for ref, seen in sorted(_axis_refs(fig).items()):
        axis = fig.layout[axis_name(ref)]
        where, is_y = axis_name(ref), ref.startswith("y")
        cats, values = seen["cat"], seen["value"]
        if cats and is_id_like(cats) and axis.type != "category":
            problems.append(Problem("id_numeric", where, f"{cats[0]!r} would be read as a number"))
        if cats and not is_dates(cats) and axis.visible is not False:
            problems.extend(_category_overflow(where, [str(c) for c in dict.fromkeys(cats)], axis, is_y, pw, ph,
                                               width, height, size))
        if not values or axis.visible is False or axis.type in ("category", "date", "log"):
            continue
        bars = seen["bar"]
        explicit = axis.range is not None and axis.autorange is not True
        lo, hi = min(values), max(values)
        if bars:
            lo, hi = min(lo, 0.0), max(hi, 0.0)
            if explicit and not (min(axis.range) <= 1e-12 and max(axis.range) >= -1e-12):
                problems.append(Problem("bar_zero", where, f"range {list(axis.range)} leaves out zero"))
        labels = tick_labels(axis, lo, hi + (hi - lo) * 0.05, ph if is_y else pw, is_y)
        repeated = sorted({x for x in labels if labels.count(x) > 1})
        if repeated:
            problems.append(Problem("ticks", where, f"repeated tick labels {repeated} in {labels}"))
        title = (axis.title.text or "") if axis.title is not None else ""
        rate = "%" in (axis.tickformat or "")
        marks = [common(k, lang) for k in ("zoomed", "zoomed_axis") for lang in ("zh", "en")]
        if rate and explicit and max(axis.range) < 1 - 1e-9 and not any(m in title for m in marks) \
                and ref not in meta.get("zoomed", ()):
            problems.append(Problem("rate_zoom", where, f"a rate axis on {list(axis.range)} not marked as zoomed"))
        if not rate and not any(u.lower() in f"{title} {axis.ticksuffix or ''}".lower() for u in unit_words):
            problems.append(Problem("unit", where, f"no unit in title {title!r} or tick suffix"))
        problems.extend(_text_problems(f"{where}.title", title, ph if is_y else pw, size))

    for i, trace in enumerate(fig.data):
        where = f"trace {i} ({trace.type})"
        if not (trace.name or "").strip() and trace.type not in ("pie",):
            problems.append(Problem("unnamed", where, "a series without a name"))
        if trace.type == "heatmap":
            bar_title = trace.colorbar.title.text if trace.colorbar is not None and trace.colorbar.title else ""
            if not any(u in (bar_title or "") for u in unit_words):
                problems.append(Problem("unit", f"{where}.colorbar", "no unit in the colour bar's title"))
        colors = set(_trace_colors(trace))
        if colors & status and trace.meta != "status":
            problems.append(Problem("status_colour", where, f"{sorted(colors & status)} drawn without a status"))
        marker = getattr(trace, "marker", None)
        several = trace.type == "bar" and isinstance(marker.color, tuple | list) and \
            len({_norm(c) for c in marker.color}) > 1
        if several and trace.meta not in ("status", "highlight"):
            problems.append(Problem("one_hue", where, f"{len(set(marker.color))} colours for one series"))

    if _legend_shown(fig):
        colorway = tuple(fig.layout.template.layout.colorway or PLOTLY_COLORWAY) if fig.layout.template else \
            PLOTLY_COLORWAY
        entries: dict[tuple[Any, ...], str] = {}
        legend_width = 0.0
        for i, trace in enumerate(fig.data):
            if trace.showlegend is False or trace.type in ("pie", "heatmap"):
                continue
            name = (trace.name or "").strip()
            key = _swatch(trace, i, colorway)
            if key in entries and entries[key] != name:
                problems.append(Problem("legend_colour", f"trace {i}", f"{name!r} looks like {entries[key]!r}: {key}"))
            entries.setdefault(key, name)
            legend_width += text_width(name, size) + 40
        vertical = fig.layout.legend is not None and fig.layout.legend.orientation == "v"
        if not vertical and legend_width > width:
            problems.append(Problem("overflow", "legend", f"legend {legend_width:.0f}px wide in {width:.0f}px"))
        if vertical and len(entries) * size * 1.6 > height:
            problems.append(Problem("overflow", "legend", f"{len(entries)} legend rows in {height:.0f}px"))
    for i, ann in enumerate(fig.layout.annotations or ()):
        problems.extend(_text_problems(f"annotation {i}", ann.text or "", width, ann.font.size or size))
    return problems


def _text_problems(where: str, text: str, room: float, size: float) -> list[Problem]:
    need = text_width(text, size) if text else 0.0
    return [Problem("overflow", where, f"{text!r} needs {need:.0f}px of {room:.0f}px")] if need > room else []


def _category_overflow(where: str, labels: list[str], axis: Any, is_y: bool, pw: float, ph: float,
                       width: float, height: float, size: float) -> list[Problem]:
    font = float(axis.tickfont.size or size) if axis.tickfont is not None else size
    widest = max(text_width(x, font) for x in labels)
    if is_y:
        if widest > 0.4 * width:
            return [Problem("overflow", where, f"labels {widest:.0f}px wide take over 40% of {width:.0f}px")]
        if len(labels) * font * 1.25 > ph:
            return [Problem("overflow", where, f"{len(labels)} labels do not fit in {ph:.0f}px of height")]
        return []
    if len(labels) * font * 1.25 > pw:
        return [Problem("overflow", where, f"{len(labels)} labels do not fit in {pw:.0f}px of width")]
    slot = pw / len(labels)
    if widest <= slot and axis.tickangle in (None, 0, "auto"):
        return []
    if isinstance(axis.tickangle, int | float):
        angle = abs(float(axis.tickangle))
    else:  # plotly's auto angles: 30° when rotated labels fit side by side, else 90°
        angle = 30.0 if slot >= 2 * font * 1.25 else 90.0
    tall = widest * math.sin(math.radians(angle)) + font * math.cos(math.radians(angle))
    if tall > 0.3 * height:
        return [Problem("overflow", where, f"labels at {angle:g}° {tall:.0f}px tall exceed 30% of {height:.0f}px")]
    return []
