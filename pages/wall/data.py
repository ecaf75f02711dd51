"""What the wall shows, gathered from the query layer and the shared rules (no rule of its own).

The period is the overview's default view (the year to date of the data's last day; the week is the seven
days ending on it), so every headline number equals the overview's. The town league is /rankings' default
board (the latest complete month), the city ranks /rankings' city panel (each item's latest month).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from dashboard import kpis
from dashboard.data import Warehouse
from dashboard.pagekit import data_end
from dashboard.state import ViewState
from pages.rankings.board import board, city_frames
from pages.rankings.state import RankView
from warehouse.queries import overview as qo
from warehouse.queries import snow as qs
from warehouse.queries import violations as qv
from warehouse.queries import wall as qw
from warehouse.rules import alerts, calendar
from warehouse.sql import Filters

HEADLINE = ("dcm.on_time_due_rate", "dcm.close_rate", "dcm.rework_rate", "demolition.new_found",
            "refined.rectified", "village.rectified_rate", "video_ai.five_minute_rate")
WEEK = ("dcm.filed", "demolition.new_found", "demolition.stock_count")
TICKER_ROWS = 30
EVENT_DAYS = 2  # a snow event on one of the last two days of data is "on"


@dataclass
class WallData:
    end: dt.date
    filters: Filters  # the year to date
    week: Filters
    headline: dict[str, kpis.KpiValue]
    this_week: dict[str, kpis.KpiValue]
    league: pd.DataFrame  # town_code, rank, ranked_of, composite, status, prev_rank, rank_change, prev_status
    league_period: dt.date
    city: pd.DataFrame  # item, rank, units, gap_to_first, gap_to_below, is_first, target_rank, meets_target, prev
    video: dict[str, int]
    overdue: pd.DataFrame  # town_name, minor_category, hours_overdue
    snow: pd.Series
    snow_season: bool
    snow_event: bool
    freshness: pd.DataFrame


def _league(wh: Warehouse, end: dt.date) -> tuple[pd.DataFrame, dt.date]:
    b = board(wh, RankView(), end)
    now = b.now(b.table).copy()
    prev = b.table[pd.to_datetime(b.table["period_start"]) < pd.Timestamp(b.start)]
    now["prev_status"] = now["town_code"].map(prev.set_index("town_code")["status"]) if not prev.empty else None
    return now.sort_values(["rank", "town_sort"], na_position="last"), b.start


def _city(wh: Warehouse, end: dt.date) -> pd.DataFrame:
    district, _ = city_frames(wh, end)
    if district.empty:
        return district.assign(prev_rank=pd.Series(dtype="Int64"))
    latest = district.loc[district.groupby("item")["period_start"].idxmax()].copy()
    earlier = district[~district.index.isin(latest.index)]
    before = earlier.loc[earlier.groupby("item")["period_start"].idxmax()].set_index("item")["rank"] \
        if not earlier.empty else pd.Series(dtype="Int64")
    latest["prev_rank"] = latest["item"].map(before)
    return latest.sort_values("item")


def gather(wh: Warehouse, lang: str = "zh") -> WallData | None:
    """Everything the wall shows (None when the warehouse has no data yet)."""
    end = data_end(wh)
    if end is None:
        return None
    f = ViewState(lang=lang).filters(end)
    week = kpis.last_week(f)
    league, league_period = _league(wh, end)
    video = wh.frame(qw.video_five_minute(week)).iloc[0]
    recent = Filters(end - dt.timedelta(days=EVENT_DAYS - 1), end)
    snow = wh.frame(qs.kpis(f)).iloc[0]
    return WallData(
        end=end,
        filters=f,
        week=week,
        headline=kpis.additive(wh, f, list(HEADLINE)),
        this_week=kpis.additive(wh, week, list(WEEK), grain="week"),
        league=league,
        league_period=league_period,
        city=_city(wh, end),
        video={k: int(video[k]) for k in ("events", "on_site", "handled", "both")},
        overdue=wh.frame(qv.open_cases(f, overdue_only=True, limit=TICKER_ROWS)),
        snow=snow,
        snow_season=calendar.in_snow_season(end),
        snow_event=int(wh.frame(qs.kpis(recent)).iloc[0]["events"]) > 0,
        freshness=wh.frame(qo.freshness()),
    )


def _int(x: object) -> int | None:
    return None if x is None or pd.isna(x) else int(x)  # type: ignore[call-overload]


def look(d: WallData) -> alerts.Look:
    """What the alert rule compares between refreshes."""
    towns = {
        str(r.town_code): alerts.TownLook(
            status=r.status if isinstance(r.status, str) else None, rank=_int(r.rank),
            ranked_of=int(r.ranked_of) if pd.notna(r.ranked_of) else 0,
            prev_status=r.prev_status if isinstance(r.prev_status, str) else None, prev_rank=_int(r.prev_rank))
        for r in d.league.itertuples(index=False)
    }
    city = {
        str(r.item): alerts.CityLook(rank=_int(r.rank), target=int(r.target_rank), prev_rank=_int(r.prev_rank))
        for r in d.city.itertuples(index=False)
    }
    return alerts.Look({k: v.status for k, v in d.headline.items()}, towns, city)
