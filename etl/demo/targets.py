"""``targets``: the bureau's assessment targets for 2022 onward (a CSV kept by the bureau).

Only targets set by ``until`` are written (a period's targets exist from its first day)."""

from __future__ import annotations

from datetime import date, timedelta

from etl.demo.context import Ctx
from etl.demo.timeline import months
from etl.demo.writers import write_csv

SOURCE = "targets"
HEADER = ["指标编码", "范围", "周期类型", "周期", "目标值", "方向", "依据"]
HIGH, LOW = "越高越好", "越低越好"
WORK_PLAN = "环翠区综合行政执法局2022年工作总结及2023年工作计划"
DCM_RULES = "威海市数字化城市管理考核办法"
REFINED_PLAN = "{y}年不精致问题整治行动实施方案"
ROAD_PLAN = "环翠区精致道路创建工作方案"
ASSESS = "全市城市管理工作考核细则（争一保二）"
DEMOLITION_PLAN = "环翠区{y}年违法建设专项整治方案"
CHANNELS = {2023: 1000, 2024: 1200, 2025: 1300, 2026: 1350}
CHANNELS_Q = {1: 300, 2: 550, 3: 800, 4: 1000}


def rows(ctx: Ctx) -> list[list[str]]:
    """Every target row with a period starting on or before ``until``."""
    out: list[list[str]] = []
    district = "环翠区"
    for year in range(2022, ctx.until.year + 1):
        if date(year, 1, 1) > ctx.until:
            break
        ys = str(year)
        town_rate = "0.9" if year == 2022 else "0.95"
        out += [
            ["dcm.on_time_due_rate", district, "年", ys, "0.95", HIGH, DCM_RULES],
            ["dcm.close_rate", district, "年", ys, "0.98", HIGH, DCM_RULES],
            ["dcm.rework_rate", district, "年", ys, "0.02", LOW, DCM_RULES],
            ["assessment.rank", district, "年", ys, "2", LOW, ASSESS],
            ["refined.city_notified_on_time_rate", district, "年", ys, "1", HIGH,
             f"环翠区{REFINED_PLAN.format(y=year)}"],
        ]
        if year >= 2023:
            out += [
                ["video_ai.channels", district, "年", ys, str(CHANNELS.get(year, 1350)), HIGH, WORK_PLAN],
                # The 5-minute rule covers the core blocks (核心区块): the three city-centre sub-districts.
                *(["video_ai.five_minute_rate", core, "年", ys, "0.9", HIGH, WORK_PLAN]
                  for core in ("环翠楼街道", "鲸园街道", "竹岛街道")),
                ["demolition.new_found", district, "年", ys, "0", LOW, DEMOLITION_PLAN.format(y=year)],
                ["demolition.stock_count", district, "年", ys, str(80 - 6 * (year - 2023)), HIGH,
                 DEMOLITION_PLAN.format(y=year)],
            ]
            for t in ctx.vocab.towns:
                out.append(["refined.model_roads", t.name, "年", ys, "2" if t.density == "core" else "1", HIGH,
                            ROAD_PLAN])
                out.append(["demolition.new_found", t.name, "年", ys, "0", LOW, DEMOLITION_PLAN.format(y=year)])
        if year == 2023:
            for qtr, v in CHANNELS_Q.items():
                if date(2023, 3 * qtr - 2, 1) <= ctx.until:
                    out.append(["video_ai.channels", district, "季", f"2023Q{qtr}", str(v), HIGH, WORK_PLAN])
        for y, m in months(date(year, 1, 1), min(ctx.until, date(year, 12, 31))):
            period = f"{y}-{m:02d}"
            out.append(["assessment.rank", district, "月", period, "2", LOW, ASSESS])
            for t in ctx.vocab.towns:
                out.append(["dcm.on_time_due_rate", t.name, "月", period, town_rate, HIGH, DCM_RULES])
        if year >= 2023:
            monday = date(year, 1, 1) + timedelta(days=(7 - date(year, 1, 1).weekday()) % 7)
            while monday.year == year and monday <= ctx.until:
                iso = monday.isocalendar()
                out.append(["dcm.on_time_due_rate", district, "周", f"{iso[0]}-W{iso[1]:02d}", "0.95", HIGH,
                            "环翠区城市管理周调度工作制度"])
                monday += timedelta(days=7)
    return out


def write(ctx: Ctx) -> None:
    """One CSV (UTF-8 with BOM)."""
    data = rows(ctx)
    if not data:
        return
    cols = [[r[j] for r in data] for j in range(len(HEADER))]
    p = ctx.path(SOURCE, "考核目标.csv")
    ctx.emit(p, SOURCE, write_csv(p, HEADER, cols, "utf-8-sig", "\n"))
