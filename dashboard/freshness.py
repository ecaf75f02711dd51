"""How fresh the data is: the last load, and a stale badge per source past its expected cadence.

A source is stale when its last successful load is older than its cadence (how often the bureau
exports it); a source never loaded has no data yet. Cadences are the bureau's export routine.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import dash_bootstrap_components as dbc
import pandas as pd
from dash import html

from dashboard import format as fmt
from dashboard.i18n import source_label, t

# Expected days between exports of each source (the bureau's routine).
CADENCE_DAYS: dict[str, int] = {
    "dcm_cases": 1,
    "video_ai_events": 1,
    "village_cases": 7,
    "refined_city_issues": 7,
    "service_log": 7,
    "illegal_construction": 31,
    "penalty_cases": 31,
    "village_inspections": 31,
    "fume_records": 31,
    "snow_roster": 31,
    "snow_events": 31,
    "coastal_logs": 31,
    "permits": 31,
    "city_assessment": 45,
    "coastal_projects": 92,
    "targets": 366,
}
MAX_BADGES = 3


def status(frame: pd.DataFrame, now: dt.datetime) -> pd.DataFrame:
    """The freshness frame with ``age_days`` and ``status`` (fresh / stale / none) per source."""
    out = frame.copy()
    last = pd.to_datetime(out["last_load_at"])
    out["age_days"] = (pd.Timestamp(now) - last).dt.total_seconds() / 86400
    cadence = out["source"].map(CADENCE_DAYS).fillna(31)
    out["status"] = "fresh"
    out.loc[out["age_days"] > cadence, "status"] = "stale"
    out.loc[last.isna() | (out["rows_now"] == 0), "status"] = "none"
    return out


def _when(value: Any) -> str:
    return "—" if value is None or pd.isna(value) else pd.Timestamp(value).strftime("%Y-%m-%d %H:%M")


def header(frame: pd.DataFrame, lang: str, now: dt.datetime) -> list[Any]:
    """The header's freshness line: last load, stale badges, and a popover with every source."""
    st = status(frame, now)
    last = pd.to_datetime(st["last_load_at"]).max()
    if pd.isna(last):
        return [html.Span(t("fresh.never", lang), className="kpi-fresh-text", id="fresh-text")]
    stale = st[st["status"] == "stale"]
    badges: list[Any] = [
        dbc.Badge(
            t("fresh.stale", lang, source=source_label(r.source, lang), days=int(r.age_days)),
            color="warning",
            text_color="dark",
            className="ms-1 kpi-stale",
            id=f"stale-{r.source}",
        )
        for r in stale.head(MAX_BADGES).itertuples()
    ]
    if len(stale) > MAX_BADGES:
        badges.append(dbc.Badge(f"+{len(stale) - MAX_BADGES}", color="warning", text_color="dark", className="ms-1"))
    if stale.empty:
        badges.append(dbc.Badge(t("fresh.sources_ok", lang), color="success", className="ms-1"))
    rows = [
        html.Tr(
            [
                html.Td(source_label(r.source, lang)),
                html.Td(_when(r.last_load_at)),
                html.Td("—" if r.data_through is None or pd.isna(r.data_through) else str(r.data_through)[:10]),
                html.Td(fmt.number(r.rows_now)),
                html.Td(
                    t({"fresh": "fresh.ok", "stale": "fresh.stale_short", "none": "fresh.none"}[r.status], lang),
                    className=f"kpi-fresh-{r.status}",
                ),
            ]
        )
        for r in st.itertuples()
    ]
    table = dbc.Table(
        [
            html.Thead(
                html.Tr([html.Th(t(f"fresh.col.{c}", lang)) for c in ("source", "last", "through", "rows", "status")])
            ),
            html.Tbody(rows),
        ],
        size="sm",
        className="mb-0 kpi-fresh-table",
    )
    return [
        html.Span(t("fresh.loaded", lang, when=_when(last)), className="kpi-fresh-text", id="fresh-text"),
        *badges,
        dbc.Popover(
            [dbc.PopoverHeader(t("fresh.title", lang)), dbc.PopoverBody(table)],
            target="fresh-text",
            trigger="hover",
            placement="bottom",
            className="kpi-fresh-popover",
        ),
    ]


def unavailable(lang: str, problem: str) -> list[Any]:
    """The header when the warehouse cannot be read: a warning whose tooltip says why and what to do."""
    return [
        html.Span(t("common.wh_error", lang), className="kpi-fresh-text text-warning", id="fresh-text", title=problem)
    ]
