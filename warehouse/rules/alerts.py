"""The wall screen's alert rule: what newly went wrong between two looks at the data.

A *look* (``Look``) is what the wall saw at one refresh: each headline KPI's status, each town's league status
and rank (with the previous period's, for the first look), and the district's rank in each city assessment
item (with the previous period's). ``alerts(now, before)`` lists what turned bad since ``before`` (the look
of the previous refresh; ``None`` at the first look, when the previous period stands in where there is one):

* ``kpi_red``   — a headline KPI is red now and was not (at the first look: it is red);
* ``town_red``  — a town's league status is red now and was not;
* ``town_bottom`` — a town is in the bottom three (rank > ranked − 3) now and was not (a town that was not
  ranked before counts as not in the bottom three);
* ``city_rank`` — the district's rank in a city assessment item is worse than its target rank (争一保二: 2)
  now and was not (an item without an earlier rank counts as not worse).

Numbers and keys only; the sentences are the dashboard's (catalogue keys ``wall.alert.*``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

BOTTOM = 3


@dataclass(frozen=True)
class TownLook:
    status: str | None
    rank: int | None
    ranked_of: int
    prev_status: str | None = None
    prev_rank: int | None = None


@dataclass(frozen=True)
class CityLook:
    rank: int | None
    target: int
    prev_rank: int | None = None


@dataclass(frozen=True)
class Look:
    kpi: dict[str, str | None] = field(default_factory=dict)
    towns: dict[str, TownLook] = field(default_factory=dict)
    city: dict[str, CityLook] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "kpi": dict(self.kpi),
            "towns": {k: vars(v) for k, v in self.towns.items()},
            "city": {k: vars(v) for k, v in self.city.items()},
        }

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> Look | None:
        if not data:
            return None
        return cls(
            dict(data.get("kpi", {})),
            {k: TownLook(**v) for k, v in data.get("towns", {}).items()},
            {k: CityLook(**v) for k, v in data.get("city", {}).items()},
        )


@dataclass(frozen=True)
class Alert:
    kind: str  # kpi_red, town_red, town_bottom, city_rank
    subject: str  # the KPI key, town code or assessment item
    rank: int | None = None
    of: int | None = None


def in_bottom(rank: int | None, ranked_of: int) -> bool:
    """True when ``rank`` is among the last ``BOTTOM`` of ``ranked_of`` ranked towns."""
    return rank is not None and ranked_of > BOTTOM and rank > ranked_of - BOTTOM


def below_target(rank: int | None, target: int) -> bool:
    return rank is not None and rank > target


def alerts(now: Look, before: Look | None) -> list[Alert]:
    """What turned bad since ``before`` (see the module docstring), KPIs first, then towns, then items."""
    out: list[Alert] = []
    for key, status in now.kpi.items():
        was = before.kpi.get(key) if before is not None else None
        if status == "red" and was != "red":
            out.append(Alert("kpi_red", key))
    for code, town in now.towns.items():
        old = before.towns.get(code) if before is not None else None
        was_status = old.status if old is not None else (town.prev_status if before is None else None)
        was_rank = old.rank if old is not None else (town.prev_rank if before is None else None)
        was_of = old.ranked_of if old is not None else town.ranked_of
        if town.status == "red" and was_status != "red":
            out.append(Alert("town_red", code))
        if in_bottom(town.rank, town.ranked_of) and not in_bottom(was_rank, was_of):
            out.append(Alert("town_bottom", code, town.rank, town.ranked_of))
    for item, city in now.city.items():
        old_city = before.city.get(item) if before is not None else None
        was_rank = old_city.rank if old_city is not None else (city.prev_rank if before is None else None)
        if below_target(city.rank, city.target) and not below_target(was_rank, city.target):
            out.append(Alert("city_rank", item, city.rank))
    return out
