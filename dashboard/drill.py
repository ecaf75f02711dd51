"""Click to drill down, or see the rows behind a chart.

Every chart and tile has a key; its drill spec (``dashboard.charts.Drill``, declared in its chart module)
says what the first ``customdata`` value of its points is (``dim``) and which query lists its rows. A
click on a town narrows the URL to that town, on a community to that community (district → town →
community); any other click — a month, a category, a grid — and the rows button open the rows behind it,
under the page's filters.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pandas as pd

from dashboard import charts
from dashboard import format as fmt
from dashboard.charts.rows import ROW_LIMIT
from dashboard.data import Warehouse
from dashboard.figures.theme import towns
from dashboard.i18n import t, town_label, value_label
from dashboard.pagekit import data_end
from dashboard.state import TOWN_CODES, ViewState
from warehouse import indicators

CHARTS: dict[str, charts.Drill] = charts.drills()


@dataclass
class Action:
    search: str | None = None  # a new query string (drill-down)
    rows: pd.DataFrame | None = None
    title: str = ""
    limited: bool = False


def title(key: str, lang: str) -> str:
    """A chart's or tile's one title: the indicator's label for a tile, else the catalogue's words."""
    if key in indicators.BY_KEY:
        return indicators.get(key).label(lang)
    return t(key, lang)


def first_custom(point: dict[str, Any] | None) -> Any:
    """customdata[0] of a clicked point (plotly sends a scalar or a list)."""
    if not point:
        return None
    custom = point.get("customdata")
    if isinstance(custom, list | tuple):
        return custom[0] if custom else None
    return custom


def act(wh: Warehouse, state: ViewState, key: str, point: dict[str, Any] | None) -> Action:
    """What a click on chart ``key`` (``point`` None: its rows button or tile) does."""
    spec = CHARTS.get(key)
    if spec is None:
        return Action()
    value = first_custom(point)
    if point is not None and value is not None:
        if spec.dim in ("town", "area") and state.town is None and str(value) in TOWN_CODES:
            return Action(search=state.with_(towns=(str(value),), community=None).to_search())
        if spec.dim == "area" and state.town is not None and state.community is None:
            return Action(search=state.with_(community=str(value)).to_search())
    f = state.filters(data_end(wh))
    frame = wh.frame(spec.rows(f, state, value if point is not None else None))
    name = title(key, state.lang)
    if point is not None and value is not None:
        name = f"{name} · {clicked(spec.dim, value, state)}"
    return Action(rows=frame, title=name, limited=len(frame) >= ROW_LIMIT)


_VALUE_KINDS = {"channel": "channel", "stage": "stage", "category": "minor_category"}


def clicked(dim: str | None, value: Any, state: ViewState) -> str:
    """The clicked mark as words: a town by its name, a grid as "网格 <code>", a month by its name, a category,
    channel or stage by its label in the language; never a bare code."""
    lang, text = state.lang, str(value)
    if dim in ("town", "area") and text in TOWN_CODES:
        town = towns()[text]
        return town_label(town.name, town.pinyin, lang)
    if dim == "area" and state.community is not None:  # the grids of a community
        return t("drill.grid", lang, code=text)
    if dim == "period":
        try:
            return fmt.period("month", dt.date.fromisoformat(text[:10]), lang)
        except ValueError:
            return text
    if dim in _VALUE_KINDS:
        return value_label(_VALUE_KINDS[dim], text, lang)
    return text
