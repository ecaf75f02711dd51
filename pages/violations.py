"""/violations — digital urban management cases: volume, categories, towns, channels, lifecycle, open list."""

from __future__ import annotations

from typing import Any

import dash
import dash_bootstrap_components as dbc
import pandas as pd

from dashboard import kpis
from dashboard.components import chart_card, message, page_header, stat, stat_strip, table_card
from dashboard.figures import violations as fv
from dashboard.pagekit import PageContext, render_page
from warehouse import indicators
from warehouse.queries import violations as qv
from warehouse.rules.status import status_of

dash.register_page(__name__, path="/violations", name="违法案件", title="违法案件 · 环翠区综合行政执法局", order=1)

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
            stat(filed.label(ctx.lang), filed.format(val(k["filed"]), ctx.lang)),
            stat(ctx.t("vi.kpi.due"), f"{due:,}"),
            stat(
                rate.label(ctx.lang),
                rate.format(val(k["on_time_rate"]), ctx.lang),
                ctx.t("common.target", value=rate.format(goal[rate.key], ctx.lang)) if rate.key in goal else None,
                status_of(val(k["on_time_rate"]), goal.get(rate.key), "higher", due, "rate"),
            ),
            stat(ctx.t("vi.kpi.close_rate"), rate.format(val(k["close_rate"]), ctx.lang)),
            stat(
                rework.label(ctx.lang),
                rework.format(val(k["rework_rate"]), ctx.lang),
                status=status_of(val(k["rework_rate"]), goal.get(rework.key), "lower", due, "rate"),
            ),
            stat(
                ctx.t("vi.kpi.hours"),
                f"{val(k['mean_h_report_dispatch']) or 0:.1f} / {val(k['mean_h_dispatch_close']) or 0:.1f}",
                ctx.t("vi.kpi.hours_sub"),
            ),
            stat(
                ctx.t("vi.kpi.open"),
                f"{int(k['open_count']):,}",
                ctx.t("vi.kpi.overdue", n=f"{int(k['overdue_count']):,}"),
                "red" if int(k["overdue_count"]) else "green",
            ),
        ]
    )


def body(ctx: PageContext) -> list[Any]:
    f, lang, town, wh = ctx.filters, ctx.lang, ctx.state.town, ctx.wh
    header = page_header(ctx.t("vi.title"), f"{ctx.range_text()} · {ctx.towns_text()}")
    k = wh.frame(qv.kpis(f)).iloc[0]
    if int(k["reported"]) == 0 and int(k["due"]) == 0 and int(k["open_count"]) == 0:
        return [header, message(ctx.no_match())]
    span = (f.end - f.start).days if f.start and f.end else 365
    grain = "week" if span <= 120 else "month"
    empty = ctx.no_match()

    def card(key: str, figure: Any, height: int = 340) -> Any:
        return chart_card(key, ctx.t(key), figure, lang, empty, height=height)

    perf = wh.frame(qv.town_performance(f))
    towns_card = card("vi.towns", fv.town_performance(perf, lang=lang))
    rework_card = card("vi.rework", fv.town_performance(perf, lang=lang, metric="rework_rate"))
    areas = wh.frame(qv.area_breakdown(f, town=town, community=ctx.state.community))
    open_rows = wh.frame(qv.open_cases(f, limit=200))
    open_rows = open_rows[[c for c in OPEN_COLUMNS if c in open_rows.columns]].assign(
        hours_overdue=lambda d: d["hours_overdue"].round(1)
    )
    return [
        header,
        _stats(ctx, k),
        dbc.Row(
            [
                dbc.Col(
                    card("vi.trend", fv.volume_trend(wh.frame(qv.volume_trend(f, grain)), lang=lang, grain=grain)),
                    xs=12,
                    xl=6,
                ),
                dbc.Col(
                    card("vi.pareto", fv.category_pareto(wh.frame(qv.category_pareto(f, limit=15)), lang=lang)),
                    xs=12,
                    xl=6,
                ),
            ],
            className="g-3 mb-3",
        ),
        dbc.Row(
            [
                dbc.Col(
                    card(
                        "vi.heatmap",
                        fv.town_category_heatmap(wh.frame(qv.town_category_heatmap(f, town=town)), lang=lang),
                    ),
                    xs=12,
                    xl=6,
                ),
                dbc.Col(card("vi.channels", fv.channel_mix(wh.frame(qv.channel_mix(f)), lang=lang)), xs=12, xl=3),
                dbc.Col(
                    card("vi.funnel", fv.lifecycle_funnel(wh.frame(qv.lifecycle_funnel(f)), lang=lang)), xs=12, xl=3
                ),
            ],
            className="g-3 mb-3",
        ),
        dbc.Row(
            [
                dbc.Col(towns_card, xs=12, xl=4),
                dbc.Col(rework_card, xs=12, xl=4),
                dbc.Col(card("vi.areas", fv.area_breakdown(areas, lang=lang)), xs=12, xl=4),
            ],
            className="g-3 mb-3",
        ),
        table_card(
            "vi.open",
            ctx.t("vi.open"),
            open_rows,
            lang,
            ctx.t("vi.no_open"),
            subtitle=ctx.t("vi.open_count", open=f"{int(k['open_count']):,}", overdue=f"{int(k['overdue_count']):,}"),
        ),
    ]


layout = render_page(body)
