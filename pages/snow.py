"""/snow — the snow-clearing force: people and machines by town and type, reserves, readiness, events."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
import pandas as pd

from dashboard import charts
from dashboard.components import message, page_header, stat, stat_strip
from dashboard.pagekit import PageContext, PageSpec
from warehouse import indicators
from warehouse.queries import snow as qs


def _num(value: Any, digits: int = 0, unit: str = "") -> str:
    if value is None or pd.isna(value):
        return "—"
    return f"{float(value):,.{digits}f}{(' ' + unit) if unit else ''}"


def _stats(ctx: PageContext, k: pd.Series) -> Any:
    lang = ctx.lang
    people, machines = indicators.get("snow.personnel"), indicators.get("snow.machines")
    as_of = None if pd.isna(k["as_of"]) else str(k["as_of"])[:10]
    t_unit, h_unit = ctx.t("fig.common.tons"), ctx.t("fig.common.hours")
    return stat_strip(
        [
            stat(
                ctx.t("sn.kpi.personnel"),
                people.format(k["personnel"], lang) if as_of else "—",
                ctx.t("sn.as_of", day=as_of) if as_of else None,
            ),
            stat(ctx.t("sn.kpi.machines"), machines.format(k["machines"], lang) if as_of else "—"),
            stat(ctx.t("sn.kpi.deicer"), _num(k["deicer_t"], 0, t_unit)),
            stat(ctx.t("sn.kpi.per100"), _num(k["machines_per_100km"], 1)),
            stat(
                ctx.t("sn.kpi.events"),
                _num(k["events"]),
                _num(k["person_times"]) + " " + ctx.t("fig.common.person_times"),
            ),
            stat(ctx.t("sn.kpi.reopen"), _num(k["median_reopen_hours"], 1, h_unit)),
        ]
    )


def body(ctx: PageContext) -> list[Any]:
    f, wh = ctx.filters, ctx.wh
    header = page_header(ctx.t("sn.title"), f"{ctx.range_text()} · {ctx.towns_text()}")
    k = wh.frame(qs.kpis(f)).iloc[0]
    if pd.isna(k["as_of"]) and int(k["events"]) == 0:
        return [header, message(ctx.t("sn.no_roster") + " " + ctx.t("sn.no_events"))]
    return [header, _stats(ctx, k), dbc.Row(charts.cards(ctx, "snow"), className="g-3 mb-3")]


PAGE = PageSpec(path="/snow", nav="nav.snow", order=3, body=body)
