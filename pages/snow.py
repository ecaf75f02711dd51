"""/snow — the snow-clearing force: people and machines by town and type, reserves, readiness, events."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
import pandas as pd

from dashboard import charts
from dashboard import format as fmt
from dashboard.components import message, page_header, stat, stat_strip
from dashboard.pagekit import PageContext, PageSpec
from warehouse import indicators
from warehouse.queries import snow as qs


def _stats(ctx: PageContext, k: pd.Series) -> Any:
    lang = ctx.lang
    people, machines = indicators.get("snow.personnel"), indicators.get("snow.machines")
    as_of = None if pd.isna(k["as_of"]) else str(k["as_of"])[:10]
    t_unit, h_unit = ctx.t("fig.common.tons"), ctx.t("fig.common.hours")
    return stat_strip(
        [
            stat(
                ctx.t("sn.kpi.personnel"),
                fmt.indicator(people, k["personnel"], lang) if as_of else "—",
                ctx.t("sn.as_of", day=as_of) if as_of else None,
            ),
            stat(ctx.t("sn.kpi.machines"), fmt.indicator(machines, k["machines"], lang) if as_of else "—"),
            stat(ctx.t("sn.kpi.deicer"), fmt.number(k["deicer_t"], t_unit, 0)),
            stat(ctx.t("sn.kpi.per100"), fmt.number(k["machines_per_100km"], digits=1)),
            stat(
                ctx.t("sn.kpi.events"),
                fmt.number(k["events"]),
                fmt.number(k["person_times"]) + " " + ctx.t("fig.common.person_times"),
            ),
            stat(ctx.t("sn.kpi.reopen"), fmt.number(k["median_reopen_hours"], h_unit, 1)),
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
