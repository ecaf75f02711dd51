"""The /rankings view in the URL, beside the shell's parameters: ``grain`` (week/month/quarter/year),
``period`` (any day of the period; default the latest complete period of the data), ``mode`` (ratio/points)
and ``w`` (weights in the order of ``scoring.RANKED``; equal when absent)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlencode

from dashboard import format as fmt
from dashboard.i18n import t
from dashboard.state import first_param, parse_date
from warehouse import scoring
from warehouse.rules import calendar

GRAIN_ORDER = ("week", "month", "quarter", "year")
MODES = ("ratio", "points")
INDICATORS: tuple[str, ...] = tuple(scoring.RANKED)
OWN_PARAMS = ("grain", "period", "mode", "w")


@dataclass(frozen=True)
class RankView:
    """The page's own URL parameters, validated (never trusted)."""

    grain: str = "month"
    period: dt.date | None = None  # any day of the period; None = the default
    mode: str = "ratio"
    weights: tuple[float, ...] = ()  # one per INDICATORS; () = equal

    @classmethod
    def from_params(cls, params: dict[str, Any]) -> RankView:
        grain = first_param(params.get("grain")) or "month"
        mode = first_param(params.get("mode")) or "ratio"
        period = parse_date(first_param(params.get("period")))
        weights: tuple[float, ...] = ()
        text = first_param(params.get("w"))
        if text:
            try:
                ws = tuple(float(x) for x in text.split(","))
            except ValueError:
                ws = ()
            if len(ws) == len(INDICATORS) and all(0 <= w <= 10 for w in ws) and any(ws):
                weights = ws
        return cls(grain if grain in GRAIN_ORDER else "month", period, mode if mode in MODES else "ratio", weights)

    @classmethod
    def from_search(cls, search: str | None) -> RankView:
        return cls.from_params(parse_qs((search or "").lstrip("?")))

    def weight_map(self) -> dict[str, float] | None:
        """Indicator → weight for ``scoring.composite`` (None = equal)."""
        if not self.weights or all(w == 1 for w in self.weights):
            return None
        return dict(zip(INDICATORS, self.weights, strict=True))

    def params(self) -> dict[str, str]:
        out: dict[str, str] = {}
        if self.grain != "month":
            out["grain"] = self.grain
        if self.period is not None:
            out["period"] = self.period.isoformat()
        if self.mode != "ratio":
            out["mode"] = self.mode
        if self.weight_map() is not None:
            out["w"] = ",".join(f"{w:g}" for w in self.weights)
        return out


def search_with(search: str | None, view: RankView) -> str:
    """The query string with the shell's parameters kept and the page's replaced by ``view``'s."""
    kept = [(k, v) for k, vs in parse_qs((search or "").lstrip("?")).items() if k not in OWN_PARAMS for v in vs]
    params = kept + list(view.params().items())
    return "?" + urlencode(params) if params else "?"


def latest_complete(grain: str, end: dt.date) -> tuple[dt.date, dt.date]:
    """The latest period of ``grain`` that ends on or before ``end`` (the data's last day)."""
    start, stop = calendar.period_of(grain, end)
    return (start, stop) if stop <= end else calendar.previous(grain, end)


def period_options(grain: str, end: dt.date, lang: str) -> list[dict[str, str]]:
    """Every period of ``grain`` from the start of the year two years before ``end``'s, newest first."""
    spans = calendar.periods(grain, calendar.period_of("year", calendar.shift_year(end, -2))[0], end)
    out = []
    for s, e in reversed(spans):
        label = fmt.period(grain, s, lang, span=True)
        if e > end:
            label += t("rankings.in_progress", lang)
        out.append({"label": label, "value": s.isoformat()})
    return out
