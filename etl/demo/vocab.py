"""Vocabulary for the demo generator, loaded from ``vocab.yaml`` beside this module."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import yaml

VOCAB_PATH = Path(__file__).with_name("vocab.yaml")


@dataclass(frozen=True)
class Town:
    """One 镇街 with its places; ``index`` is its position in the vocabulary."""

    index: int
    name: str
    code: str
    aliases: tuple[str, ...]
    short: str
    density: str
    dcm_weight: float
    village_weight: float
    coastal: bool
    lon: float
    lat: float
    communities: tuple[str, ...]
    villages: tuple[str, ...]
    roads: tuple[str, ...]

    @property
    def government(self) -> str:
        """How the town's government is written as a 处置部门."""
        return self.name + ("办事处" if self.name.endswith("街道") else "人民政府")

    @property
    def squad(self) -> str:
        """The bureau's enforcement squad (执法中队) covering the town."""
        return f"{self.short}执法中队"


@dataclass(frozen=True)
class Category:
    """A digital urban management minor category (小类)."""

    index: int
    major: str
    code: str
    minor: str
    hours: int
    weight: float
    season: str
    bureau: float
    depts: tuple[str, ...]
    alias: str | None


class Vocab:
    """Typed access to ``vocab.yaml``."""

    def __init__(self, raw: dict[str, Any]) -> None:
        self.raw = raw
        self.towns = tuple(
            Town(
                index=i,
                name=t["name"],
                code=str(t["code"]),
                aliases=tuple(t["aliases"]),
                short=t["short"],
                density=t["density"],
                dcm_weight=float(t["dcm_weight"]),
                village_weight=float(t["village_weight"]),
                coastal=bool(t["coastal"]),
                lon=float(t["lon"]),
                lat=float(t["lat"]),
                communities=tuple(t["communities"]),
                villages=tuple(t["villages"]),
                roads=tuple(t["roads"]),
            )
            for i, t in enumerate(raw["towns"])
        )
        self.categories = tuple(
            Category(
                index=i,
                major=c["major"],
                code=str(c["code"]),
                minor=c["minor"],
                hours=int(c["hours"]),
                weight=float(c["weight"]),
                season=c["season"],
                bureau=float(c["bureau"]),
                depts=tuple(c["depts"]),
                alias=c.get("alias"),
            )
            for i, c in enumerate(raw["dcm_categories"])
        )
        self.seasons = {k: np.asarray(v, dtype=float) for k, v in raw["seasons"].items()}
        self.bureau_name: str = raw["bureau"]["name"]
        self.bureau_aliases_old: tuple[str, ...] = tuple(raw["bureau"]["aliases_old_system"])
        self.bureau_aliases_new: tuple[str, ...] = tuple(raw["bureau"]["aliases_new_system"])

    def __getitem__(self, key: str) -> Any:
        return self.raw[key]

    def town(self, name: str) -> Town:
        """The town called ``name`` (full name)."""
        for t in self.towns:
            if t.name == name:
                return t
        raise KeyError(name)

    def season(self, profile: str, month: int) -> float:
        """Relative weight of ``month`` (1-12) in a season profile."""
        return float(self.seasons[profile][month - 1])


@cache
def load_vocab(path: Path = VOCAB_PATH) -> Vocab:
    """Load and cache the vocabulary."""
    with path.open(encoding="utf-8") as fh:
        return Vocab(yaml.safe_load(fh))
