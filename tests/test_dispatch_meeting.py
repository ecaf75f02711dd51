"""Frozen snapshots against later loads, and what changed since the last meeting (``dashboard.meeting``)."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from dashboard.appdb import AppDB
from dashboard.data import Warehouse
from dashboard.meeting import drift, movement, since_last
from dashboard.weekly import week_figures
from tests.dashboard_data import load, write_exports, write_more_cases


def _filed_in_week(path: Path, start: dt.datetime, end: dt.datetime) -> int:
    """Cases of an export filed (立案时间) in [start, end), 作废 left out: the contract's 立案数, by hand."""
    with open(path, encoding="utf-8", newline="") as f:
        return sum(1 for r in csv.DictReader(f)
                   if r["当前阶段名称"] != "作废" and r["立案时间"]
                   and start <= dt.datetime.fromisoformat(r["立案时间"]) < end)


def test_dmeet001_a_snapshot_stays_frozen_after_a_late_export_is_loaded(tmp_path: Path) -> None:
    wh = load(write_exports(tmp_path / "exports"), tmp_path / "wh" / "warehouse.duckdb")
    db = AppDB(f"sqlite:///{tmp_path / 'app.sqlite'}")
    frozen = week_figures(Warehouse(wh), "2023-W10")
    db.save_snapshot("2023-W10", frozen, "张主任")
    (tmp_path / "late").mkdir()
    late = write_more_cases(tmp_path / "late" / "dcm_late.csv", 800)
    load(late.parent, wh)  # a new generation is published

    live = week_figures(Warehouse(wh), "2023-W10")
    kept = db.snapshot("2023-W10")
    assert kept is not None
    assert kept.figures == frozen
    assert live["generation"] != frozen["generation"]
    added = _filed_in_week(late, dt.datetime(2023, 3, 6), dt.datetime(2023, 3, 13))
    assert added > 0
    moved = {(d["indicator"], d["town_code"]): d for d in drift(kept.figures, live)}
    filed = moved[("dcm.filed", None)]
    assert filed["frozen"] == next(i for i in frozen["indicators"] if i["key"] == "dcm.filed")["district"]["value"]
    assert filed["delta"] == added
    assert drift(kept.figures, kept.figures) == []


def _figs(week: str, statuses: dict[str, str], ranks: dict[str, int | None], items: list[str],
          prev_statuses: dict[str, str] | None = None) -> dict:
    towns = [{"town_code": c, "town_name": c.upper(), "value": 0.5, "status": s, "prev_value": 0.9,
              "prev_status": (prev_statuses or {}).get(c)} for c, s in statuses.items()]
    return {"week": week, "prev_week": "prev", "supervised_total": len(items),
            "indicators": [{"key": "dcm.close_rate", "direction": "higher",
                            "district": {"value": 0.8, "status": "amber"}, "towns": towns}],
            "league": [{"town_code": c, "town_name": c.upper(), "rank": r, "prev_rank": 1} for c, r in ranks.items()],
            "supervised": [{"item": i} for i in items]}


def test_dmeet002_since_the_last_meeting_against_its_snapshot() -> None:
    before = _figs("2023-W09", {"a": "green", "b": "red", "c": "amber"}, {"a": 1, "b": 2, "c": 3}, ["x", "y"])
    now = _figs("2023-W10", {"a": "red", "b": "red", "c": "grey"}, {"a": 3, "b": 2, "c": 1}, ["y", "z"])
    diff = since_last(now, before)
    assert (diff["basis"], diff["prev_week"]) == ("snapshot", "2023-W09")
    assert [(r["indicator"], r["town_code"], r["before"]) for r in diff["turned_red"]] == [
        ("dcm.close_rate", "a", 0.5)]  # b was red already; c is grey, not red
    assert [(r["town_code"], r["rank"], r["prev_rank"], r["change"]) for r in diff["rank_changes"]] == [
        ("a", 3, 1, -2), ("c", 1, 3, 2)]
    assert [i["item"] for i in diff["resolved"]] == ["x"]
    assert [i["item"] for i in diff["new"]] == ["z"]


def test_dmeet003_without_an_earlier_meeting_against_last_week() -> None:
    now = _figs("2023-W10", {"a": "red", "b": "red"}, {"a": 1, "b": 2}, ["y"], prev_statuses={"a": "red"})
    diff = since_last(now, None)
    assert (diff["basis"], diff["prev_week"]) == ("last_week", "prev")
    assert [(r["town_code"], r["before"]) for r in diff["turned_red"]] == [("b", 0.9)]
    assert [(r["town_code"], r["change"]) for r in diff["rank_changes"]] == [("b", -1)]
    assert (diff["resolved"], diff["new"]) == ([], [])


def test_dmeet004_a_commitment_comes_back_with_its_movement() -> None:
    now = _figs("2023-W11", {"a": "green"}, {"a": 1}, [])
    up = movement({"indicator": "dcm.close_rate", "town_code": "a", "baseline": 0.4}, now)
    assert (up["baseline"], up["current"], round(up["delta"], 12), up["tone"]) == (0.4, 0.5, 0.1, "good")
    down = movement({"indicator": "dcm.close_rate", "town_code": None, "baseline": 0.85}, now)
    assert (down["current"], round(down["delta"], 12), down["tone"]) == (0.8, -0.05, "bad")
    none = movement({"indicator": "dcm.close_rate", "town_code": "a", "baseline": None}, now)
    assert (none["delta"], none["tone"]) == (None, "flat")
