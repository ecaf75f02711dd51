"""The dashboard's plotly look: the "kpi" template (and "kpi_dark" for the wall screen), fixed colours
per town and per status (the status colours also as CSS variables), and the no-data figure; its words (``common``) come
from the i18n catalogue (``fig.common.*``).

Importing this module registers the templates with ``plotly.io.templates``. Town colours follow the
order of ``warehouse/reference/towns.csv`` (the reference data, read once), so a town keeps its colour
on every chart and page.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources

import plotly.graph_objects as go
import plotly.io as pio
from plotly.subplots import make_subplots

from dashboard.i18n import t, value_color, value_label
from dashboard.i18n import town_label as _town_name
from warehouse.rules import status as status_rule

FONT_FAMILY = '"Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", sans-serif'
TEMPLATE = "kpi"
TEMPLATE_DARK = "kpi_dark"

# LouieStat-style status colours (data: warehouse/reference/status.csv, rule: warehouse.rules.status).
STATUS_COLORS: dict[str, str] = {k: v for k, v in status_rule.COLORS.items() if k in status_rule.STATUSES}
NEUTRAL = "#4c78a8"
TARGET_COLOR = "#333333"
_TOWN_PALETTE = ("#4c78a8", "#f58518", "#54a24b", "#e45756", "#72b7b2", "#b279a2", "#ff9da6", "#9d755d", "#eeca3b")
_OTHER_PALETTE = ("#8c8c8c", "#6b6ecf", "#17becf", "#bcbd22", "#7f7f7f")
SERIES_COLORS = ("#4c78a8", "#f58518", "#54a24b", "#e45756", "#72b7b2", "#b279a2", "#ff9da6", "#9d755d")


def common(key: str, lang: str) -> str:
    return t(f"fig.common.{key}", lang)


@dataclass(frozen=True)
class Town:
    code: str
    name: str
    pinyin: str
    color: str


@cache
def towns() -> dict[str, Town]:
    """The 9 towns of the reference data, in their order, each with its fixed colour."""
    with resources.files("warehouse.reference").joinpath("towns.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return {
        r["town_code"]: Town(r["town_code"], r["town_name"], r["pinyin"], _TOWN_PALETTE[i % len(_TOWN_PALETTE)])
        for i, r in enumerate(rows)
    }


def town_color(code: str | None) -> str:
    """The town's fixed colour; a stable grey-ish colour for anything else (district bodies, unknown)."""
    town = towns().get(code or "")
    if town is not None:
        return town.color
    return _OTHER_PALETTE[sum(map(ord, code or "")) % len(_OTHER_PALETTE)]


def series_color(key: str) -> str:
    """A series' one colour across the product (``dashboard/value_labels.csv``, kind ``series``): filed cases
    are the same blue on every page."""
    return value_color("series", key, NEUTRAL)


@cache
def _assessment_items() -> tuple[str, ...]:
    with resources.files("warehouse.reference").joinpath("assessment_items.csv").open(encoding="utf-8") as f:
        return tuple(r["item"] for r in csv.DictReader(f))


def item_color(item: str) -> str:
    """A city assessment item's fixed colour, by its place in ``warehouse/reference/assessment_items.csv`` (so
    an item keeps its colour whichever items a range holds); a stable grey-ish colour for an unknown item."""
    items = _assessment_items()
    if item in items:
        return SERIES_COLORS[items.index(item) % len(SERIES_COLORS)]
    return _OTHER_PALETTE[sum(map(ord, item)) % len(_OTHER_PALETTE)]


def town_label(code: str | None, name: str | None, lang: str) -> str:
    """A town's name in the language (pinyin in English); another unit (a district department) its own name, in
    English its short label (``dashboard/value_labels.csv``) when it has one."""
    town = towns().get(code or "")
    if town is not None:
        return _town_name(town.name, town.pinyin, lang)
    return value_label("department", name, lang, short=True) if name else code or common("unknown", lang)


def tint(color: str, alpha: float) -> str:
    """``#2e9d5b`` at ``alpha`` opacity as ``rgba(46, 157, 91, 0.12)`` (bands and fills of a status colour)."""
    r, g, b = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r}, {g}, {b}, {alpha:g})"


def css_variables() -> str:
    """The status colours as CSS custom properties (``--kpi-green`` …, ``--kpi-neutral``) for the stylesheets."""
    colors = {**STATUS_COLORS, "neutral": NEUTRAL}
    return ":root {\n" + "".join(f"  --kpi-{name}: {color};\n" for name, color in colors.items()) + "}\n"


def status_color(status: str | None) -> str:
    return STATUS_COLORS.get(status or "", NEUTRAL)


def hover(lines: Iterable[str]) -> str:
    """A hover template from lines, without plotly's trace-name box."""
    return "<br>".join(lines) + "<extra></extra>"


def new_figure(title: str | None = None, *, drill: str | None = None, dark: bool = False,
               grain: str | None = None) -> go.Figure:
    """An empty figure in the kpi template; ``drill`` names what ``customdata[0]`` of its points holds, ``grain``
    the calendar grain of its date axis (so that the grammar can draw a partial last period as partial)."""
    return go.Figure(layout=_base_layout(title, dark=dark, meta={"drill": drill, "grain": grain}))


def new_subplots(rows: int, cols: int, *, drill: str | None = None, **options: object) -> go.Figure:
    """``make_subplots`` in the kpi template; ``drill`` as for ``new_figure``."""
    return make_subplots(rows=rows, cols=cols, figure=new_figure(drill=drill), **options)


def _base_layout(title: str | None, *, dark: bool, meta: dict[str, str | None]) -> dict[str, object]:
    """A new figure's layout. The light template is plotly's default (set below), which plotly applies without
    validating it again: naming it on every figure cost 3.5 ms a figure, the default 0.2 ms."""
    layout: dict[str, object] = {"template": TEMPLATE_DARK} if dark else {}
    if title is not None:
        layout["title"] = {"text": title}
    if meta := {k: v for k, v in meta.items() if v}:
        layout["meta"] = meta
    return layout


def empty_figure(lang: str = "zh", message: str | None = None, title: str | None = None) -> go.Figure:
    """A figure that says in words that there is nothing to show: no axes, no grid, one sentence."""
    fig = new_figure(title)
    text = f"<b>{common('no_data', lang)}</b><br>{message or common('no_data_hint', lang)}"
    fig.add_annotation(text=text, x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False,
                       font={"size": 16, "color": STATUS_COLORS["grey"]})
    fig.update_layout(xaxis={"visible": False}, yaxis={"visible": False},
                      meta={"empty": True, **({"message": message} if message else {})})
    return fig


def empty_reason(fig: go.Figure | None) -> str | None:
    """The sentence an empty figure gives for being empty (``empty_figure(message=...)``), if any."""
    meta = fig.layout.meta if fig is not None else None
    return meta.get("message") if isinstance(meta, dict) and meta.get("empty") else None


def is_empty_figure(fig: go.Figure) -> bool:
    meta = fig.layout.meta
    return isinstance(meta, dict) and bool(meta.get("empty"))


def _template(dark: bool) -> go.layout.Template:
    fg, bg, grid = ("#e8eaed", "#0f1620", "#2a3442") if dark else ("#222222", "#ffffff", "#e6e6e6")
    axis = {"gridcolor": grid, "zerolinecolor": grid, "linecolor": grid, "automargin": True,
            "title": {"font": {"size": 13}}}
    return go.layout.Template(
        layout={
            "font": {"family": FONT_FAMILY, "size": 13, "color": fg},
            "paper_bgcolor": bg, "plot_bgcolor": bg, "colorway": list(SERIES_COLORS),
            "title": {"font": {"size": 17}, "x": 0.01, "xanchor": "left"},
            "margin": {"l": 56, "r": 24, "t": 56, "b": 48},
            "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.02, "xanchor": "right", "x": 1},
            "hoverlabel": {"font": {"family": FONT_FAMILY, "size": 13}},
            "separators": ".,",
            "xaxis": axis, "yaxis": axis,
        }
    )


pio.templates[TEMPLATE] = _template(dark=False)
pio.templates[TEMPLATE_DARK] = _template(dark=True)
pio.templates.default = TEMPLATE  # every figure starts in the kpi template (see _base_layout)
