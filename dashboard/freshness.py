"""How fresh the data is: the last load, and a stale badge per source past its expected cadence.

A source is stale when its last successful load is older than its cadence (how often the bureau
exports it); a source never loaded has no data yet. Cadences are the bureau's export routine.
"""

from __future__ import annotations

import csv
import datetime as dt
from importlib import resources
from typing import Any

import dash_bootstrap_components as dbc
import pandas as pd
from dash import html

from dashboard import format as fmt
from dashboard.i18n import source_label, t

DEFAULT_CADENCE_DAYS = 31
STATUS_KEYS = {"fresh": "fresh.ok", "stale": "fresh.stale_short", "none": "fresh.none"}


def status_label(status: str, lang: str) -> str:
    """A source's freshness status (``fresh``, ``stale``, ``none``) in words."""
    return t(STATUS_KEYS[status], lang)


def _cadences() -> dict[str, int]:
    """Days expected between exports of each source: ``warehouse/reference/source_cadence.csv``."""
    with resources.files("warehouse.reference").joinpath("source_cadence.csv").open(encoding="utf-8") as f:
        return {row["source"]: int(row["days"]) for row in csv.DictReader(f)}


CADENCE_DAYS: dict[str, int] = _cadences()
MAX_BADGES = 3


def status(frame: pd.DataFrame, now: dt.datetime) -> pd.DataFrame:
    """The freshness frame with ``age_days`` and ``status`` (fresh / stale / none) per source."""
    out = frame.copy()
    last = pd.to_datetime(out["last_load_at"])
    out["age_days"] = (pd.Timestamp(now) - last).dt.total_seconds() / 86400
    cadence = out["source"].map(CADENCE_DAYS).fillna(DEFAULT_CADENCE_DAYS)
    out["cadence_days"] = cadence.astype(int)
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
                    status_label(r.status, lang),
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
