"""One chart = one module: ``dashboard/charts/<page>/<chart>.py`` declares ``CHART = Chart(...)`` with its
key (the i18n key of its title and its id), the query call and figure builder (``figure(ctx)``), and its
drill spec (``dim``: what ``customdata[0]`` of its points holds; ``rows``: the query of the rows behind a
click or its rows button). A page lays out the charts of its folder in ``order`` (``cards``), and
``dashboard.drill.CHARTS`` is built from the same modules, so a chart cannot lack a drill spec.

KPI tiles that open rows declare ``DRILLS = (Drill(...), ...)`` in their page's folder (``tiles.py``).
"""

from __future__ import annotations

import contextvars
import importlib
import pkgutil
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache
from typing import Any

import dash_bootstrap_components as dbc
import plotly.graph_objects as go
import sqlalchemy as sa

from dashboard.components import chart_card
from dashboard.figures import grammar, theme
from dashboard.pagekit import PageContext
from dashboard.state import ViewState
from warehouse.sql import Filters

Rows = Callable[[Filters, ViewState, Any], sa.Select]
CARD_THREADS = 2  # charts of a page drawn at once (dashboard.charts.cards)
DIMS = (None, "town", "area", "period", "category", "channel", "stage")


@dataclass(frozen=True)
class Drill:
    """What a click does: ``dim`` names ``customdata[0]`` (town/area clicks narrow the URL), ``rows`` lists
    the rows behind the click under the page's filters."""

    key: str  # the i18n key of the title (or an indicator key of warehouse.indicators)
    dim: str | None
    rows: Rows


@dataclass(frozen=True)
class Chart(Drill):
    """A chart: its drill spec, plus how to draw it from a page context and where it sits on its page."""

    figure: Callable[[PageContext], go.Figure | None] = lambda ctx: None
    order: int = 0
    width: int = 6  # Bootstrap columns of 12 on wide screens
    height: int = 340
    empty: str | None = None  # i18n key of the sentence when there is nothing to draw (default: the filters')
    subtitle: Callable[[PageContext], str | None] | None = None  # e.g. the date a roster is as of

    def draw(self, ctx: PageContext) -> go.Figure | None:
        """The chart's figure with the chart grammar applied (docs/CHART_GRAMMAR.md): the last period drawn as
        partial when the data or the range ends inside it."""
        ends = [d for d in (ctx.data_end, ctx.filters.end) if d is not None]
        return grammar.apply(self.figure(ctx), ctx.lang, min(ends) if ends else None)

    def card(self, ctx: PageContext) -> dbc.Card:
        fig = self.draw(ctx)
        empty = theme.empty_reason(fig) or (ctx.t(self.empty) if self.empty else ctx.no_match())
        subtitle = self.subtitle(ctx) if self.subtitle else None
        return chart_card(self.key, ctx.t(self.key), fig, ctx.lang, empty, height=self.height, subtitle=subtitle)


@cache
def modules() -> tuple[Any, ...]:
    """Every chart and tile module, page folder by page folder."""
    found = []
    for page in pkgutil.iter_modules(__path__, __name__ + "."):
        if not page.ispkg:  # rows.py: helpers, not a page folder
            continue
        package = importlib.import_module(page.name)
        for info in pkgutil.iter_modules(package.__path__, package.__name__ + "."):
            found.append(importlib.import_module(info.name))
    return tuple(found)


def charts(page: str | None = None) -> list[Chart]:
    """The charts of a page folder (all when None), in their order."""
    prefix = f"{__name__}.{page}." if page else f"{__name__}."
    found = [
        m.CHART for m in modules() if m.__name__.startswith(prefix) and isinstance(getattr(m, "CHART", None), Chart)
    ]
    return sorted(found, key=lambda c: (c.order, c.key))


def drills() -> dict[str, Drill]:
    """Every drill spec by key: the charts' and the tiles'."""
    specs: list[Drill] = [*charts()]
    for m in modules():
        specs.extend(getattr(m, "DRILLS", ()))
    out: dict[str, Drill] = {}
    for spec in specs:
        if spec.key in out:
            raise ValueError(f"two drill specs for {spec.key}")
        out[spec.key] = spec
    return out


def cards(ctx: PageContext, page: str, **col: Any) -> list[dbc.Col]:
    """The page's charts as columns of one row (Bootstrap wraps them), in their order.

    Drawn by two threads: one chart's query runs in DuckDB (which releases the GIL) while another's figure is
    built in Python. Each thread runs in a copy of the request's context (flask's request and Dash's callback
    context are context variables)."""
    specs = charts(page)
    contexts = [contextvars.copy_context() for _ in specs]  # copied here, in the request's thread
    with ThreadPoolExecutor(max_workers=CARD_THREADS) as pool:
        drawn = list(pool.map(lambda run, chart: run.run(chart.card, ctx), contexts, specs))
    return [dbc.Col(card, xs=12, xl=chart.width, **col) for chart, card in zip(specs, drawn, strict=True)]


def drill_folders() -> dict[str, str]:
    """The page folder (``dashboard/charts/<folder>``) of every drill key: the access guard's chart → page map."""
    out: dict[str, str] = {}
    for m in modules():
        folder = m.__name__.split(".")[2]
        for spec in [getattr(m, "CHART", None), *getattr(m, "DRILLS", ())]:
            if isinstance(spec, Drill):
                out[spec.key] = folder
    return out
