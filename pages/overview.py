"""/ — the overview: headline KPIs against targets, each with a sparkline and 同比/环比 deltas."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
import pandas as pd
from dash import html

from dashboard import charts, kpis
from dashboard import format as fmt
from dashboard.components import kpi_tile, page_header, table_card
from dashboard.figures import overview as fig
from dashboard.figures.rankings import status_class
from dashboard.i18n import paren, t, value_label
from dashboard.pagekit import PageContext, PageSpec
from warehouse import indicators
from warehouse.queries import demolitions as qd
from warehouse.queries import overview as qo
from warehouse.queries import snow as qs
from warehouse.queries import violations as qv
from warehouse.rules import calendar
from warehouse.rules.status import status_of
from warehouse.rules.status import worst as worst_status
from warehouse.rules.targets import DEFAULT_RANK
from warehouse.sql import Filters


def _deltas(ctx: PageContext, kv: kpis.KpiValue) -> list[tuple[str, str, str]]:
    ind = indicators.get(kv.key)
    out = []
    for label, before in ((ctx.t("common.mom"), kv.prev), (ctx.t("common.yoy"), kv.yoy)):
        text, d = fmt.change(kv.value, before, ind.kind)
        out.append((label, text, kpis.tone(d, ind.direction)))
    return out


def _target_text(ctx: PageContext, kv: kpis.KpiValue) -> str:
    ind = indicators.get(kv.key)
    if kv.target is None:
        return ctx.t("common.no_target")
    return ctx.t("common.target", value=fmt.indicator(ind, kv.target, ctx.lang))


def _tile(
    ctx: PageContext, kv: kpis.KpiValue, label: str | None = None, sub: str | None = None, extra: Any = None
) -> html.Div:
    ind = indicators.get(kv.key)
    spark = fig.sparkline_svg(kv.series) if len(kv.series) > 1 else None
    return kpi_tile(
        kv.key,
        label or ind.label(ctx.lang),
        fmt.indicator(ind, kv.value, ctx.lang),
        ctx.lang,
        sub=sub,
        deltas=_deltas(ctx, kv),
        target=_target_text(ctx, kv),
        status=kv.status,
        spark=spark,
        extra=extra,
    )


def _snow_tile(ctx: PageContext) -> html.Div:
    row = ctx.wh.frame(qs.kpis(ctx.filters)).iloc[0]
    personnel, machines = indicators.get("snow.personnel"), indicators.get("snow.machines")
    series = ctx.wh.frame(qo.snow_force_series(ctx.filters)).rename(columns={"as_of": "period", "personnel": "value"})
    if pd.isna(row["as_of"]):
        return kpi_tile(
            "snow.personnel",
            ctx.t("ov.snow"),
            "—",
            ctx.lang,
            sub=ctx.t("common.no_source", source=t("nav.snow", ctx.lang)),
            status="grey",
        )
    value = (f"{fmt.indicator(personnel, row['personnel'], ctx.lang)} · "
             f"{fmt.indicator(machines, row['machines'], ctx.lang)}")
    return kpi_tile(
        "snow.personnel",
        ctx.t("ov.snow"),
        value,
        ctx.lang,
        sub=ctx.t("ov.snow_as_of", day=str(row["as_of"])[:10]),
        spark=fig.sparkline_svg(series) if len(series) > 1 else None,
    )


def _rank_tile(ctx: PageContext) -> html.Div:
    ranks = ctx.wh.frame(qo.assessment_latest(ctx.filters))
    ind = indicators.get("assessment.rank")
    if ranks.empty:
        return kpi_tile(
            "assessment.rank",
            ind.label(ctx.lang),
            "—",
            ctx.lang,
            sub=ctx.t("common.no_source", source=ind.label(ctx.lang)),
            status="grey",
        )
    goal = kpis.goals(ctx.wh, ["assessment.rank"], ctx.filters).get("assessment.rank", DEFAULT_RANK)
    items = []
    worst = "green"
    for r in ranks.itertuples():
        st = status_of(float(r.rank), goal, "lower", kind="rank")
        worst = worst_status([st, worst])
        items.append(
            html.Div(
                [
                    html.Span(value_label("assessment_item", r.item, ctx.lang), className="kpi-rank-item"),
                    html.Span(
                        fmt.indicator(ind, r.rank, ctx.lang),
                        className=f"kpi-rank-badge {status_class(st or 'grey')}",
                    ),
                    html.Span(
                        f"{fmt.period(r.period_type, r.period_start, ctx.lang)} · {fmt.score(r.score, 2)}",
                        className="kpi-rank-period",
                    ),
                ],
                className="kpi-rank-row",
            )
        )
    return kpi_tile(
        "assessment.rank",
        ind.label(ctx.lang),
        "",
        ctx.lang,
        sub=ctx.t("ov.rank_goal"),
        status=worst,
        extra=html.Div(items, className="kpi-ranks"),
    )


def _demolition_tile(ctx: PageContext, f_ytd: Filters) -> html.Div:
    vals = kpis.additive(ctx.wh, f_ytd, ["demolition.stock_count", "demolition.stock_area_m2"])
    count, area = vals["demolition.stock_count"], vals["demolition.stock_area_m2"]
    ind_c, ind_a = indicators.get(count.key), indicators.get(area.key)
    value = f"{fmt.indicator(ind_c, count.value, ctx.lang)} · {fmt.indicator(ind_a, area.value, ctx.lang)}"
    plans = []
    for kv, ind in ((count, ind_c), (area, ind_a)):
        if kv.target:
            pct = fmt.percent((kv.value or 0) / kv.target, 0)
            plans.append(ctx.t("ov.plan_progress", pct=pct) + paren(fmt.indicator(ind, kv.target, ctx.lang), ctx.lang))
    target = " · ".join(plans) if plans else ctx.t("common.no_target")
    spark = fig.sparkline_svg(count.series) if len(count.series) > 1 else None
    return kpi_tile(
        count.key,
        ctx.t("ov.demolition_plan"),
        value,
        ctx.lang,
        sub=ctx.t("ov.range_ytd", start=f_ytd.start.isoformat(), end=f_ytd.end.isoformat()),
        deltas=_deltas(ctx, count),
        target=target,
        status=count.status,
        spark=spark,
    )


OVERDUE_COLUMNS = ["case_no", "town_name", "community", "minor_category", "stage", "deadline_at", "hours_overdue",
                   "department"]
OVERDUE_SHOWN = 50


def _overdue(ctx: PageContext) -> Any:
    """Today's overdue cases (督办), most overdue first: what the wall screen's leaders act on."""
    frame = ctx.wh.frame(qv.open_cases(ctx.filters, overdue_only=True, limit=OVERDUE_SHOWN))
    n = int(ctx.wh.frame(qv.kpis(ctx.filters)).iloc[0]["overdue_count"])
    frame = frame[OVERDUE_COLUMNS].assign(hours_overdue=lambda d: d["hours_overdue"].round(1))
    return table_card(
        "ov.overdue",
        ctx.t("ov.overdue"),
        frame,
        ctx.lang,
        ctx.t("ov.no_overdue", end=ctx.filters.end.isoformat() if ctx.filters.end else ""),
        subtitle=ctx.t("ov.overdue_sub", n=fmt.number(n), shown=OVERDUE_SHOWN),
        height="170px",
    )


def body(ctx: PageContext) -> list[Any]:
    f = ctx.filters
    assert f.start and f.end
    main = kpis.additive(ctx.wh, f, ["dcm.on_time_due_rate", "demolition.new_found", "refined.rectified"])
    week = kpis.additive(ctx.wh, kpis.last_week(f), ["dcm.filed"], grain="week")["dcm.filed"]
    new_open = ctx.wh.frame(qd.kpis(f)).iloc[0]["new_open"]
    f_ytd = f.span(calendar.period_of("year", f.end)[0], f.end)
    wk = kpis.last_week(f)
    tiles = [
        _tile(ctx, main["dcm.on_time_due_rate"], sub=ctx.range_text()),
        _tile(
            ctx,
            week,
            label=ctx.t("ov.week"),
            sub=ctx.t("ov.week_note", start=wk.start.isoformat(), end=wk.end.isoformat()),
        ),
        _tile(ctx, main["demolition.new_found"], sub=ctx.t("ov.new_open", n=int(new_open))),
        _demolition_tile(ctx, f_ytd),
        _tile(ctx, main["refined.rectified"], sub=ctx.range_text()),
        _snow_tile(ctx),
    ]
    return [
        page_header(ctx.t("ov.title"), ctx.t("ov.subtitle", range=ctx.range_text(), towns=ctx.towns_text())),
        dbc.Row([dbc.Col(tile, xs=12, md=6, xl=2, className="mb-3") for tile in tiles], className="g-3"),
        dbc.Row(
            [
                dbc.Col(_rank_tile(ctx), xs=12, xl=3, className="mb-3"),
                *charts.cards(ctx, "overview", className="mb-3"),
            ],
            className="g-3",
        ),
        dbc.Row(dbc.Col(_overdue(ctx), xs=12, className="mb-3"), className="g-3"),
    ]


PAGE = PageSpec(path="/", nav="nav.overview", order=0, body=body)
