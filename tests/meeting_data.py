"""A hand-made week of figures in the shape of ``dashboard.weekly.week_figures`` (2022-W48 against W47), for
the meeting pack's tests. Every value is written here by hand; the tests' expectations are worked out from
these numbers, not by the code under test."""

from __future__ import annotations

from typing import Any

TOWNS = [("371002001", "环翠楼街道"), ("371002002", "鲸园街道"), ("371002003", "竹岛街道"),
         ("371002011", "孙家疃街道"), ("371002012", "嵩山街道"), ("371002100", "张村镇"),
         ("371002101", "羊亭镇"), ("371002102", "温泉镇"), ("371002109", "桥头镇")]


def _fig(value, num, den, target, status, pvalue, pnum, pden, ptarget=None, pstatus=None) -> dict[str, Any]:
    return {"value": value, "num": num, "den": den, "target": target, "status": status, "prev_value": pvalue,
            "prev_num": pnum, "prev_den": pden, "prev_target": ptarget, "prev_status": pstatus}


# on-time closure: (num, den) this week and last week per town; target 0.9 everywhere
ON_TIME = [((18, 20), (9, 10)), ((10, 10), (8, 10)), ((7, 10), (9, 10)), ((4, 4), (2, 3)), ((9, 10), (9, 10)),
           ((8, 10), (7, 10)), ((5, 6), (5, 5)), ((6, 6), (4, 4)), ((2, 3), (1, 2))]
FILED = [(25, 20), (14, 12), (12, 15), (4, 3), (11, 10), (13, 9), (7, 7), (6, 5), (3, 4)]  # this, last week


def _status(value: float, den: float) -> str:
    """Written out by hand for the rows above (target 0.9, amber from 0.81, grey under 5 cases)."""
    if den < 5:
        return "grey"
    return "green" if value >= 0.9 else ("amber" if value >= 0.81 else "red")


def week_figures() -> dict[str, Any]:
    towns_on_time = []
    for (code, name), ((n, d), (pn, pd)) in zip(TOWNS, ON_TIME, strict=True):
        towns_on_time.append({"town_code": code, "town_name": name,
                              **_fig(n / d, n, d, 0.9, _status(n / d, d), pn / pd, pn, pd, 0.9, _status(pn / pd, pd))})
    towns_filed = [{"town_code": code, "town_name": name, **_fig(a, a, None, None, None, b, b, None)}
                   for (code, name), (a, b) in zip(TOWNS, FILED, strict=True)]
    close = [{"town_code": code, "town_name": name, **_fig(1.0, 10, 10, None, None, 0.9, 9, 10)}
             for code, name in TOWNS]
    rework = [{"town_code": code, "town_name": name, **_fig(0.0, 0, 10, 0.05, "green", 0.1, 1, 10, 0.05, "red")}
              for code, name in TOWNS]
    return {
        "week": "2022-W48", "start": "2022-11-28", "end": "2022-12-04", "prev_week": "2022-W47",
        "prev_start": "2022-11-21", "prev_end": "2022-11-27", "towns_filter": [], "generation": "gen-000007",
        "indicators": [
            # district: filed 95 (last week 85); on-time 69/79 (last week 54/64)
            {"key": "dcm.filed", "kind": "count", "direction": "none",
             "district": _fig(95.0, 95.0, None, None, None, 85.0, 85.0, None), "towns": towns_filed},
            {"key": "dcm.on_time_due_rate", "kind": "rate", "direction": "higher",
             "district": _fig(69 / 79, 69, 79, 0.9, "amber", 54 / 64, 54, 64, 0.9, "amber"), "towns": towns_on_time},
            {"key": "dcm.close_rate", "kind": "rate", "direction": "higher",
             "district": _fig(0.95, 95, 100, None, None, 0.9, 81, 90), "towns": close},
            {"key": "dcm.rework_rate", "kind": "rate", "direction": "lower",
             "district": _fig(0.02, 2, 100, 0.05, "green", 0.04, 4, 100, 0.05, "green"), "towns": rework},
        ],
        "league": [],
        "supervised": [
            {"item": "dcm:A1", "case_no": "A1", "town_code": "371002100", "town_name": "张村镇", "department": "张村镇",
             "major_category": "市容环境", "minor_category": "暴露垃圾", "deadline_at": "2022-11-20T10:00:00",
             "age_days": 16, "days_overdue": 14},
            {"item": "dcm:A2", "case_no": "A2", "town_code": "371002100", "town_name": "张村镇", "department": "张村镇",
             "major_category": "街面秩序", "minor_category": "占道经营", "deadline_at": "2022-11-30T10:00:00",
             "age_days": 6, "days_overdue": 4},
            {"item": "dcm:B1", "case_no": "B1", "town_code": "371002002", "town_name": "鲸园街道",
             "department": "区综合执法局", "major_category": "宣传广告", "minor_category": "非法小广告",
             "deadline_at": "2022-12-01T10:00:00", "age_days": 5, "days_overdue": 3},
        ],
        "supervised_total": 3,
    }


COMMITMENTS = [
    {"id": 1, "week": "2022-W47", "town_code": "371002003", "indicator": "dcm.on_time_due_rate", "owner": "竹岛中队",
     "due_on": "2022-12-02", "text": "清理超期案件", "baseline": 0.9, "status": "open", "closed_note": None},
    {"id": 2, "week": "2022-W47", "town_code": "371002100", "indicator": "dcm.filed", "owner": "张村中队",
     "due_on": "2022-12-02", "text": "加强巡查", "baseline": 9.0, "status": "closed", "closed_note": "已完成"},
]
