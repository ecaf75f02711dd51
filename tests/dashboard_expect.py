"""Expected dashboard values computed independently: plain Python over the small export files
(tests/dashboard_data.py), following the definitions in data-contract.md, never through the warehouse, its
marts or its query layer. Dashboard tests compare what a page shows with these.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

BUREAU = "环翠区综合行政执法局"  # the only bureau spelling the small exports use (others: 区住建局)


def exports_of(small_warehouse: Path) -> Path:
    """The export folder the ``small_warehouse`` fixture loaded (``<root>/exports`` beside ``<root>/wh``)."""
    return small_warehouse.parent.parent / "exports"


def rows(exports: Path, name: str) -> list[dict[str, str]]:
    with open(exports / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def ts(text: str) -> dt.datetime | None:
    return dt.datetime.strptime(text, "%Y-%m-%d %H:%M:%S") if text else None


def day(text: str) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def on_time_due(exports: Path, start: dt.date, end: dt.date, town: str | None = None) -> tuple[int, int]:
    """(按期结案数, 应结案数): cases whose 处置截止时间 falls in the range, less 作废; on time when closed and done
    (处置完成时间, else 结案时间) on or before the deadline."""
    due = on_time = 0
    for r in rows(exports, "dcm.csv"):
        deadline = ts(r["处置截止时间"])
        if deadline is None or r["当前阶段名称"] == "作废" or not start <= deadline.date() <= end:
            continue
        if town is not None and r["所属街道"] != town:
            continue
        due += 1
        done = ts(r["处置完成时间"]) or ts(r["结案时间"])
        on_time += r["当前阶段名称"] == "结案" and done is not None and done <= deadline
    return on_time, due


def new_found(exports: Path, start: dt.date, end: dt.date) -> int:
    """新增 illegal structures found in the range."""
    return sum(r["违建类型"] == "新增" and start <= day(r["发现日期"]) <= end  # type: ignore[operator]
               for r in rows(exports, "ic.csv"))


def report_2022(exports: Path) -> dict[str, float]:
    """A few of the annual report's figures for 2022, by the contract's definitions."""
    closed = [r for r in rows(exports, "dcm.csv")
              if r["当前阶段名称"] == "结案" and ts(r["结案时间"]).year == 2022 and r["处置部门"] == BUREAU]  # type: ignore[union-attr]
    on_time = sum((ts(r["处置完成时间"]) or ts(r["结案时间"])) <= ts(r["处置截止时间"]) for r in closed)  # type: ignore[operator]
    stock = [r for r in rows(exports, "ic.csv")
             if r["违建类型"] == "存量" and r["拆除日期"] and day(r["拆除日期"]).year == 2022]  # type: ignore[union-attr]
    roster = [r for r in rows(exports, "roster.csv") if r["统计日期"] == "2022-11-30"]  # the latest on or before 12-31
    people = {r["镇街/单位"]: int(r["人员数"]) for r in roster}  # 人员数 repeats on each machine row of a town
    return {
        "dcm.closed": len(closed),
        "dcm.on_time_close_rate": on_time / len(closed),
        "dcm.rework_cases": sum(int(r["返工次数"]) > 0 for r in closed),
        "demolition.stock_count": len(stock),
        "demolition.stock_area_m2": sum(float(r["拆除面积(㎡)"] or r["违建面积(㎡)"]) for r in stock),
        "snow.personnel": sum(people.values()),
        "snow.machines": sum(int(r["台数"]) for r in roster),
    }
