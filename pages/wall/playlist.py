"""The wall's playlist: which panels rotate, for how long, how often it looks for new data, which screen.

From the URL (``?panels=kpis,city,league&seconds=20``, ``?panel=league`` fixed, ``?screen=1&of=2``,
``?refresh=60``, ``?playlist=NAME``) over the config file (``config/wall.yaml``, or ``KPI_WALL_CONFIG``):
URL parameters win, then the named playlist, then the file's default. ``on_stage`` puts snow readiness on
the stage in the snow season or while a snow event is on.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from dashboard.state import first_param

PANELS: tuple[str, ...] = ("kpis", "city", "league", "week", "video", "snow")
DEFAULT_PANELS: tuple[str, ...] = ("kpis", "city", "league", "week", "video")
CONFIG = Path(__file__).resolve().parents[2] / "config" / "wall.yaml"
SECONDS = (3, 3600)  # each panel's time on screen, bounds
REFRESH = (0.2, 3600)  # seconds between looks for new data, bounds
MAX_SCREENS = 8


@cache
def _config(path: str) -> dict[str, Any]:
    p = Path(path)
    if not p.is_file():
        return {}
    data = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
    return data if isinstance(data, dict) else {}


def config() -> dict[str, Any]:
    """The playlist file as a dict ({} when absent)."""
    return _config(os.environ.get("KPI_WALL_CONFIG") or str(CONFIG))


def _panels(value: object) -> tuple[str, ...]:
    items = value.split(",") if isinstance(value, str) else list(value) if isinstance(value, list | tuple) else []
    return tuple(dict.fromkeys(p.strip() for p in items if str(p).strip() in PANELS))


def _float(value: object) -> float:
    """The number a parameter writes, NaN when it writes none."""
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return math.nan


def _number(value: object, bounds: tuple[float, float], default: float) -> float:
    x = _float(value)
    return default if math.isnan(x) else min(max(x, bounds[0]), bounds[1])


def _int(value: object, default: int) -> int:
    """A small whole number written in ASCII digits (``²`` and ``٣`` are digits to ``str.isdigit`` too)."""
    text = str(value) if value is not None else ""
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 4 else default


def invalid_params(params: dict[str, Any], conf: dict[str, Any] | None = None) -> tuple[str, ...]:
    """The wall's URL parameters whose value is not used as written: unknown panels, a number that is not one or
    lies outside its bounds (clamped), a screen that is not 1..of, a playlist the config file does not name."""
    conf = config() if conf is None else conf
    bad: list[str] = []
    for key in ("panel", "panels"):
        value = first_param(params.get(key))
        if value is not None:
            items = [p.strip() for p in str(value).split(",")]
            if any(p not in PANELS for p in items) or (key == "panel" and len(items) != 1):
                bad.append(key)
    for key, (low, high) in (("seconds", SECONDS), ("refresh", REFRESH)):
        value = first_param(params.get(key))
        if value is not None and not low <= _float(value) <= high:  # not a number (NaN), or clamped
            bad.append(key)
    of = first_param(params.get("of"))
    if of is not None and not 1 <= _int(of, 0) <= MAX_SCREENS:
        bad.append("of")
    screen = first_param(params.get("screen"))
    if screen is not None and not 1 <= _int(screen, 0) <= min(max(_int(of, 1), 1), MAX_SCREENS):
        bad.append("screen")
    name = first_param(params.get("playlist"))
    if name is not None and name not in (conf.get("playlists") or {}):
        bad.append("playlist")
    return tuple(bad)


@dataclass(frozen=True)
class Playlist:
    panels: tuple[str, ...] = DEFAULT_PANELS
    seconds: float = 20
    refresh: float = 60
    fixed: bool = False  # one panel, no rotation
    screen: int = 1
    of: int = 1

    @classmethod
    def from_params(cls, params: dict[str, Any], conf: dict[str, Any] | None = None) -> Playlist:
        conf = config() if conf is None else conf
        base = dict(conf.get("default") or {})
        name = first_param(params.get("playlist"))
        named = (conf.get("playlists") or {}).get(name) if name else None
        if isinstance(named, dict):
            base.update(named)
        panels = _panels(base.get("panels")) or DEFAULT_PANELS
        seconds = _number(base.get("seconds"), SECONDS, 20)
        refresh = _number(base.get("refresh"), REFRESH, 60)
        fixed_panel = _panels(first_param(params.get("panel")) or "")
        url_panels = _panels(first_param(params.get("panels")) or "")
        of = min(max(_int(first_param(params.get("of")), 1), 1), MAX_SCREENS)
        screen = min(max(_int(first_param(params.get("screen")), 1), 1), of)
        playlist = cls(
            panels=fixed_panel[:1] or url_panels or panels,
            seconds=_number(first_param(params.get("seconds")), SECONDS, seconds),
            refresh=_number(first_param(params.get("refresh")), REFRESH, refresh),
            fixed=bool(fixed_panel),
            screen=screen,
            of=of,
        )
        return playlist.for_screen()

    def for_screen(self) -> Playlist:
        """This screen's share of the panels (every ``of``-th from the ``screen``-th), never none."""
        if self.of <= 1 or self.fixed:
            return self
        share = self.panels[self.screen - 1 :: self.of]
        return replace(self, panels=share or self.panels[:1])

    def on_stage(self, season: bool, event: bool) -> Playlist:
        """Snow readiness takes the stage: alone while an event is on, first in the season (a fixed panel
        chosen in the URL stays)."""
        if self.fixed or not (season or event):
            return self
        if event:
            return replace(self, panels=("snow",), fixed=True)
        return replace(self, panels=("snow", *(p for p in self.panels if p != "snow")))
