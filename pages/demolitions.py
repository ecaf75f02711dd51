"""/demolitions — illegal construction: stock vs new, by town and month, against the plan and dynamic zero."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
import pandas as pd

from dashboard import charts
from dashboard import format as fmt
from dashboard.components import message, page_header, stat, stat_strip
from dashboard.pagekit import PageContext, PageSpec
from warehouse import indicators
from warehouse.queries import demolitions as qd


def _stats(ctx: PageContext, k: pd.Series) -> Any:
    count, area = indicators.get("demolition.stock_count"), indicators.get("demolition.stock_area_m2")
    lang = ctx.lang
    plan = []
    if not pd.isna(k["plan_stock_count"]):
        plan.append(fmt.indicator(count, k["plan_stock_count"], lang))
    if not pd.isna(k["plan_stock_area_m2"]):
        plan.append(fmt.indicator(area, k["plan_stock_area_m2"], lang))
    days = k["median_days_to_demolish"]
    return stat_strip(
        [
            stat(
                ctx.t("de.kpi.stock"),
                f"{fmt.indicator(count, k['stock_demolished'], lang)} · "
                f"{fmt.indicator(area, k['stock_demolished_m2'], lang)}",
                ctx.t("de.kpi.plan", value=" · ".join(plan)) if plan else ctx.t("common.no_target"),
            ),
            stat(
                ctx.t("de.kpi.new_found"),
                fmt.indicator(count, k["new_found"], lang),
                fmt.indicator(area, k["new_found_m2"], lang),
                "green" if int(k["new_found"]) == 0 else "red",
            ),
            stat(
                ctx.t("de.kpi.new_open"),
                fmt.indicator(count, k["new_open"], lang),
                status="green" if int(k["new_open"]) == 0 else "red",
            ),
            stat(
                ctx.t("de.kpi.stock_open"),
                fmt.indicator(count, k["stock_open"], lang),
                fmt.indicator(area, k["stock_open_m2"], lang),
            ),
            stat(
                ctx.t("de.kpi.campaign"),
                fmt.indicator(count, k["campaign_demolished"], lang),
                fmt.indicator(area, k["campaign_demolished_m2"], lang),
            ),
            stat(ctx.t("de.kpi.days"), "—" if pd.isna(days) else ctx.t("de.kpi.days_value", n=fmt.number(days))),
        ]
    )


def body(ctx: PageContext) -> list[Any]:
    f, wh = ctx.filters, ctx.wh
    assert f.end
    header = page_header(ctx.t("de.title"), f"{ctx.range_text()} · {ctx.towns_text()}")
    k = wh.frame(qd.kpis(f)).iloc[0]
    ledger = wh.frame(qd.ledger_rows(f, date_basis="none", limit=1))
    if ledger.empty:
        return [header, message(ctx.no_match())]
    return [header, _stats(ctx, k), dbc.Row(charts.cards(ctx, "demolitions"), className="g-3 mb-3")]


PAGE = PageSpec(path="/demolitions", nav="nav.demolitions", order=2, body=body, community=True)
