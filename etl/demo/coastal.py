"""``coastal_projects`` (海岸带综合整治修复项目清单, yearly) and ``coastal_logs`` (daily work logs, a
workbook per year with a sheet per quarter; the 2021 workbook writes dates as 3月5日 with the year in
the title)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import numpy as np

from etl.demo import quirks as q
from etl.demo.common import pick, year_factor
from etl.demo.context import Ctx
from etl.demo.plan import COASTAL_LOGS_2022, COASTAL_PROJECTS_2022
from etl.demo.timeline import allocate, random_parts
from etl.demo.writers import Fmt, Sheet, signature, write_csv, write_xlsx

PROJECTS = "coastal_projects"
LOGS = "coastal_logs"
P_HEADER = ["项目编号", "项目名称", "类别", "镇街", "状态", "完成日期"]
L_HEADER = ["日志编号", "日期", "镇街", "出动人次", "车辆台次", "清理垃圾(吨)"]
SEASON = np.array([0.3, 0.3, 0.6, 0.9, 1.2, 1.6, 2.0, 2.0, 1.4, 1.0, 0.6, 0.3])
OTHER_YEARS = {
    2021: {"投资建设": 1, "综合整治": 5, "执法监察": 7},
    2023: {"投资建设": 3, "综合整治": 6, "执法监察": 10},
    2024: {"投资建设": 2, "综合整治": 5, "执法监察": 9},
    2025: {"投资建设": 1, "综合整治": 5, "执法监察": 8},
    2026: {"投资建设": 1, "综合整治": 4, "执法监察": 8},
}


def projects(ctx: Ctx, year: int) -> list[dict]:
    """Projects planned for completion in ``year`` (2022: all 17 done)."""
    rng = ctx.rng(PROJECTS, year)
    plan = COASTAL_PROJECTS_2022 if year == 2022 else OTHER_YEARS.get(year, {"执法监察": 8})
    coastal = [t for t in ctx.vocab.towns if t.coastal]
    names = ctx.vocab["coastal_categories"]
    out = []
    k = 0
    for cat, n in plan.items():
        for _ in range(n):
            k += 1
            town = coastal[int(rng.integers(len(coastal)))]
            done = date(year, 3, 1) + timedelta(days=int(rng.integers(0, 290)))
            out.append({"no": f"HAD{year}-{k:02d}", "name": f"{town.short}{pick(rng, names[cat])}", "cat": cat,
                        "town": town.name, "done": done})
    return out


def write_projects(ctx: Ctx) -> None:
    """One list per year; projects not finished by the export are 实施中 without 完成日期."""
    for year in ctx.years:
        items = projects(ctx, year)
        when = min(datetime(year + 1, 1, 6, 10, 0), ctx.t_end)
        start = date(year, 1, 1)
        if start > ctx.until:
            continue
        rows = []
        for it in items:
            finished = it["done"] <= when.date()
            rows.append([it["no"], it["name"], it["cat"], it["town"], "已完成" if finished else "实施中",
                         it["done"] if finished else None])
        if year == 2021:
            cols = [[("" if v is None else q.fmt_date_one(v, "cn") if isinstance(v, date) else str(v)) for v in col]
                    for col in zip(*rows, strict=True)]
            p = ctx.path(PROJECTS, f"海岸带综合整治修复项目清单{year}.csv")
            ctx.emit(p, PROJECTS, write_csv(p, P_HEADER, cols, "gb18030"))
            continue
        sheet = Sheet("项目清单", P_HEADER, rows, titles=[f"环翠区{year}年海岸带综合整治修复项目清单"],
                      footer=[signature("初晓东", "鞠玉兰", when.date())])
        p = ctx.path(PROJECTS, f"海岸带综合整治修复项目清单{year}.xlsx")
        ctx.emit(p, PROJECTS, write_xlsx(p, [sheet], when))


def logs(ctx: Ctx, year: int) -> list[list]:
    """The year's work logs: [编号, 日期, 镇街, 人次, 台次, 吨] with 2022's sums exact."""
    rng = ctx.rng(LOGS, year)
    if year == 2022:
        people, vehicles, garbage = COASTAL_LOGS_2022
        n = 184
    else:
        f = year_factor(ctx, LOGS, year, 0.1)
        n = round(175 * f)
        people, vehicles, garbage = (round(v * f * rng.uniform(0.92, 1.08)) for v in COASTAL_LOGS_2022)
    per_month = allocate(n, SEASON)
    days: list[date] = []
    for m, k in enumerate(per_month, start=1):
        first = date(year, m, 1)
        span = ((date(year + (m == 12), m % 12 + 1, 1)) - first).days
        days += [first + timedelta(days=int(d)) for d in np.sort(rng.integers(0, span, int(k)))]
    p = random_parts(rng, people, n, low=6, concentration=3.0)
    v = random_parts(rng, vehicles, n, low=0, concentration=3.0)
    g = random_parts(rng, garbage * 2, n, low=2, concentration=3.0) / 2  # half tonnes: exact sums
    coastal = [t for t in ctx.vocab.towns if t.coastal]
    out = []
    for i, d in enumerate(days):
        town = coastal[int(rng.integers(len(coastal)))]
        out.append([f"HAR{d:%Y%m%d}-{i % 100:02d}", d, town.name, int(p[i]), int(v[i]), float(g[i])])
    return out


def write_logs(ctx: Ctx) -> None:
    """A workbook per year with one sheet per quarter (2024 on: a UTF-8 CSV)."""
    for year in ctx.years:
        rows = [r for r in logs(ctx, year) if r[1] <= ctx.until]
        if not rows:
            continue
        when = min(datetime(year + 1, 1, 6, 10, 0), ctx.t_end)
        rng = ctx.rng(LOGS, "render", year)
        if year >= 2024:
            cols = [[r[0] for r in rows], [q.fmt_date_one(r[1], "iso") for r in rows], [r[2] for r in rows],
                    [str(r[3]) for r in rows], [str(r[4]) for r in rows],
                    [("约" if rng.random() < 0.05 else "") + q.num_text(r[5]) for r in rows]]
            p = ctx.path(LOGS, f"海岸带整治作业日志{year}.csv")
            ctx.emit(p, LOGS, write_csv(p, L_HEADER, cols, "utf-8-sig", "\n"))
            continue
        sheets = []
        for qtr in range(1, 5):
            part = [list(r) for r in rows if (r[1].month - 1) // 3 + 1 == qtr]
            if not part:
                continue
            for r in part:
                if year == 2021:
                    r[1] = q.fmt_date_one(r[1], "md")
                elif rng.random() < 0.3:
                    r[1] = Fmt(r[1], 'yyyy"年"m"月"d"日"')
                if rng.random() < 0.04:
                    r[5] = "约" + q.num_text(r[5])
            total = ["合计", None, None, sum(r[3] for r in part), sum(r[4] for r in part),
                     sum(float(str(r[5]).lstrip("约")) for r in part)]
            sheets.append(Sheet(f"第{qtr}季度", L_HEADER, [*part, total],
                                titles=[f"环翠区{year}年第{qtr}季度海岸带综合整治作业日志"]))
        p = ctx.path(LOGS, f"海岸带整治作业日志{year}.xlsx")
        ctx.emit(p, LOGS, write_xlsx(p, sheets, when) - len(sheets))


def write(ctx: Ctx) -> None:
    """Projects and logs."""
    write_projects(ctx)
    write_logs(ctx)
