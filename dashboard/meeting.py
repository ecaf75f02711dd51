"""What changed between two sets of week figures (``dashboard.weekly.week_figures``): pure functions of the JSON.

``since_last(current, previous)`` — "since the last meeting": against the previous meeting's snapshot (or, when
there is none, against last week inside ``current``): ``basis`` ("snapshot" or "last_week"), ``prev_week``,
``turned_red`` (indicator, town_code, town_name, value, before: town statuses red now and not red before),
``rank_changes`` (town_code, town_name, rank, prev_rank, change = prev_rank − rank, > 0 is a climb; only towns
whose rank changed), ``resolved`` (supervised items then, not now), ``new`` (items now, not then).

``drift(snapshot, live)`` — how later data changed a frozen week: one row per figure whose value moved
(indicator, town_code (None for the district), town_name, frozen, live, delta), then the supervised list's
length as indicator ``supervised`` when it moved. [] when nothing moved.

``movement(commitment, figures)`` — a commitment's indicator for its town (or the district) now against its
baseline: baseline, current, delta, tone (``dashboard.kpis.tone``: good / bad / flat by the indicator's
direction).
"""

from __future__ import annotations

from typing import Any

from dashboard.kpis import tone

EPS = 1e-12


def _figures(figs: dict[str, Any]) -> dict[tuple[str, str | None], dict[str, Any]]:
    """(indicator, town_code or None for the district) → its figure."""
    out: dict[tuple[str, str | None], dict[str, Any]] = {}
    for ind in figs.get("indicators", []):
        out[(ind["key"], None)] = {**ind["district"], "town_name": None}
        for town in ind["towns"]:
            out[(ind["key"], town["town_code"])] = town
    return out


def since_last(current: dict[str, Any], previous: dict[str, Any] | None) -> dict[str, Any]:
    """Towns turned red, rank changes, supervised items resolved and new (see the module docstring)."""
    now = _figures(current)
    if previous is not None:
        then = _figures(previous)

        def before(key: tuple[str, str | None]) -> Any:
            return then.get(key, {}).get("status")

        def before_value(key: tuple[str, str | None]) -> Any:
            return then.get(key, {}).get("value")

        prev_rank = {r["town_code"]: r["rank"] for r in previous.get("league", [])}
        prev_items = {i["item"]: i for i in previous.get("supervised", [])}
    else:
        def before(key: tuple[str, str | None]) -> Any:
            return now[key].get("prev_status")

        def before_value(key: tuple[str, str | None]) -> Any:
            return now[key].get("prev_value")

        prev_rank = {r["town_code"]: r["prev_rank"] for r in current.get("league", [])}
        prev_items = None
    turned_red = [
        {"indicator": key[0], "town_code": key[1], "town_name": fig["town_name"], "value": fig["value"],
         "before": before_value(key)}
        for key, fig in now.items() if key[1] is not None and fig.get("status") == "red" and before(key) != "red"
    ]
    ranks = [
        {"town_code": r["town_code"], "town_name": r["town_name"], "rank": r["rank"],
         "prev_rank": prev_rank.get(r["town_code"]),
         "change": (prev_rank[r["town_code"]] - r["rank"])
         if r["rank"] is not None and prev_rank.get(r["town_code"]) is not None else None}
        for r in current.get("league", []) if r["rank"] != prev_rank.get(r["town_code"])
    ]
    items = {i["item"]: i for i in current.get("supervised", [])}
    return {
        "basis": "snapshot" if previous is not None else "last_week",
        "prev_week": previous["week"] if previous is not None else current.get("prev_week"),
        "turned_red": turned_red,
        "rank_changes": ranks,
        "resolved": [] if prev_items is None else [i for k, i in prev_items.items() if k not in items],
        "new": [] if prev_items is None else [i for k, i in items.items() if k not in prev_items],
    }


def _moved(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return (a is None) != (b is None)
    return abs(float(a) - float(b)) > EPS


def drift(snapshot: dict[str, Any], live: dict[str, Any]) -> list[dict[str, Any]]:
    """Every figure of the frozen week whose live value differs (see the module docstring)."""
    frozen, now = _figures(snapshot), _figures(live)
    out = []
    for key, fig in frozen.items():
        live_value = now.get(key, {}).get("value")
        if _moved(fig.get("value"), live_value):
            delta = None if fig.get("value") is None or live_value is None else live_value - fig["value"]
            out.append({"indicator": key[0], "town_code": key[1], "town_name": fig.get("town_name"),
                        "frozen": fig.get("value"), "live": live_value, "delta": delta})
    a, b = snapshot.get("supervised_total"), live.get("supervised_total")
    if _moved(a, b):
        out.append({"indicator": "supervised", "town_code": None, "town_name": None, "frozen": a, "live": b,
                    "delta": None if a is None or b is None else b - a})
    return out


def movement(commitment: dict[str, Any], figures: dict[str, Any]) -> dict[str, Any]:
    """The commitment's indicator now (``figures``) against its baseline (see the module docstring)."""
    key = (commitment["indicator"], commitment.get("town_code") or None)
    fig = _figures(figures).get(key, {})
    ind = next((i for i in figures.get("indicators", []) if i["key"] == key[0]), None)
    current, baseline = fig.get("value"), commitment.get("baseline")
    delta = None if current is None or baseline is None else current - baseline
    return {"baseline": baseline, "current": current, "delta": delta,
            "tone": tone(delta, ind["direction"] if ind else "none")}
