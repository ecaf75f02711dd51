"""/violations — digital urban management cases: volume, categories, towns, channels, lifecycle, open list."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
import pandas as pd

from dashboard import charts, kpis
from dashboard import format as fmt
from dashboard.components import message, page_header, stat, stat_strip, table_card
from dashboard.pagekit import PageContext, PageSpec
from warehouse import indicators
from warehouse.queries import violations as qv
from warehouse.rules.status import status_of

OPEN_COLUMNS = [
    "case_no",
    "town_name",
    "community",
    "minor_category",
    "channel",
    "stage",
    "reported_at",
    "deadline_at",
    "hours_overdue",
    "department",
    "address",
]


def _stats(ctx: PageContext, k: pd.Series) -> Any:
    rate = indicators.get("dcm.on_time_due_rate")
    rework = indicators.get("dcm.rework_rate")
    filed = indicators.get("dcm.filed")
    goal = kpis.goals(ctx.wh, [rate.key, rework.key], ctx.filters)

    def val(x: Any) -> float | None:
        return None if pd.isna(x) else float(x)

    due = int(k["due"])
    return stat_strip(
        [
            stat(filed.label(ctx.lang), fmt.indicator(filed, val(k["filed"]), ctx.lang)),
            stat(ctx.t("vi.kpi.due"), fmt.number(due)),
            stat(
                rate.label(ctx.lang),
                fmt.indicator(rate, val(k["on_time_rate"]), ctx.lang),
                ctx.t("common.target", value=fmt.indicator(rate, goal[rate.key], ctx.lang))
                if rate.key in goal
                else None,
                status_of(val(k["on_time_rate"]), goal.get(rate.key), "higher", due, "rate"),
            ),
            stat(ctx.t("vi.kpi.close_rate"), fmt.indicator(rate, val(k["close_rate"]), ctx.lang)),
            stat(
                rework.label(ctx.lang),
                fmt.indicator(rework, val(k["rework_rate"]), ctx.lang),
                status=status_of(val(k["rework_rate"]), goal.get(rework.key), "lower", due, "rate"),
            ),
            stat(
                ctx.t("vi.kpi.hours"),
                f"{fmt.number(val(k['mean_h_report_dispatch']) or 0, digits=1)} / "
                f"{fmt.number(val(k['mean_h_dispatch_close']) or 0, digits=1)}",
                ctx.t("vi.kpi.hours_sub"),
            ),
            stat(
                ctx.t("vi.kpi.open"),
                fmt.number(k["open_count"]),
                ctx.t("vi.kpi.overdue", n=fmt.number(k["overdue_count"])),
                "red" if int(k["overdue_count"]) else "green",
            ),
        ]
    )


def body(ctx: PageContext) -> list[Any]:
    f, lang, wh = ctx.filters, ctx.lang, ctx.wh
    header = page_header(ctx.t("vi.title"), f"{ctx.range_text()} · {ctx.towns_text()}")
    k = wh.frame(qv.kpis(f)).iloc[0]
    if int(k["reported"]) == 0 and int(k["due"]) == 0 and int(k["open_count"]) == 0:
        return [header, message(ctx.no_match())]
    open_rows = wh.frame(qv.open_cases(f, limit=200))
    open_rows = open_rows[[c for c in OPEN_COLUMNS if c in open_rows.columns]].assign(
        hours_overdue=lambda d: d["hours_overdue"].round(1)
    )
    return [
        header,
        _stats(ctx, k),
        dbc.Row(charts.cards(ctx, "violations"), className="g-3 mb-3"),
        table_card(
            "vi.open",
            ctx.t("vi.open"),
            open_rows,
            lang,
            ctx.t("vi.no_open"),
            subtitle=ctx.t("vi.open_count", open=fmt.number(k["open_count"]), overdue=fmt.number(k["overdue_count"])),
        ),
    ]


PAGE = PageSpec(path="/violations", nav="nav.violations", order=1, body=body, community=True)
