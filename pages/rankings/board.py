"""The numbers of the /rankings page: one period scored (with the previous one, for rank changes), and the
city assessment frames. Scoring is ``warehouse.scoring``; frames come through the warehouse's query layer,
and a scored board is cached per warehouse generation (``Warehouse.memo``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from dashboard.data import Warehouse
from pages.rankings.state import RankView, latest_complete
from warehouse import scoring
from warehouse.queries import rankings as rq
from warehouse.rules import calendar

HISTORY_MONTHS = 12


@dataclass
class Board:
    """Everything scored for one view: the two periods (this one and the previous), both modes."""

    grain: str
    start: dt.date
    end: dt.date
    as_of: dt.date  # the data's last day
    weights: dict[str, float] | None
    values: pd.DataFrame
    scored: pd.DataFrame
    table: pd.DataFrame
    points: pd.DataFrame | None = None
    lines: pd.DataFrame | None = None

    @property
    def in_progress(self) -> bool:
        return self.end > self.as_of

    def now(self, frame: pd.DataFrame) -> pd.DataFrame:
        """The rows of ``frame`` of this period (not the previous one)."""
        return frame[pd.to_datetime(frame["period_start"]) == pd.Timestamp(self.start)]

    def ensure_points(self) -> None:
        if self.points is None:
            self.lines = scoring.points_lines(self.values)
            self.points = scoring.points_mode(self.values)


def period_span(view: RankView, as_of: dt.date) -> tuple[dt.date, dt.date]:
    """The view's period, or the latest complete one of the data."""
    return calendar.period_of(view.grain, view.period) if view.period else latest_complete(view.grain, as_of)


def board(wh: Warehouse, view: RankView, as_of: dt.date) -> Board:
    """The scored view (cached per warehouse generation, grain, period and weights)."""
    start, end = period_span(view, as_of)
    weights = view.weight_map()

    def compute() -> Board:
        prev_start, _ = calendar.previous(view.grain, start)
        values = wh.frame(rq.town_values(view.grain, prev_start, start))
        scored = scoring.score_indicators(values, wh.frame(rq.targets_for(view.grain, prev_start, start)))
        table = scoring.composite(scored, weights)
        return Board(view.grain, start, end, as_of, weights, values, scored, table)

    key = ("rankings.board", view.grain, start, as_of, tuple(sorted((weights or {}).items())))
    return wh.memo(key, compute)


def city_frames(wh: Warehouse, end: dt.date) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(the district's ranks, every unit's ranks) for the 12 assessment months up to ``end``'s month."""
    start = calendar.months_back(end, HISTORY_MONTHS - 1)
    return wh.frame(rq.district_city_ranks(start, end)), wh.frame(rq.city_rank_history(start, end))
