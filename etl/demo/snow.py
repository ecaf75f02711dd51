"""``snow_roster`` (清雪力量台账, one roster per winter) and ``snow_events`` (降雪作业记录, Dec-Feb).

人员数 belongs to a town or unit: it repeats on each of its machine rows in the CSV rosters and is
merged over them in the workbooks. The 2023 roster gives its date only in a title row (截至…).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import numpy as np

from etl.demo import quirks as q
from etl.demo.context import FIRST_DAY, Ctx
from etl.demo.plan import SNOW_2022, SNOW_ROSTER_DATE_2022
from etl.demo.timeline import allocate, random_parts
from etl.demo.writers import Sheet, signature, write_csv, write_xls, write_xlsx

ROSTER = "snow_roster"
EVENTS = "snow_events"
ROSTER_DATES = {2021: date(2021, 11, 30), 2022: SNOW_ROSTER_DATE_2022, 2023: date(2023, 11, 24),
                2024: date(2024, 11, 29), 2025: date(2025, 11, 28), 2026: date(2026, 11, 27)}
GROWTH = {2021: 0.95, 2022: 1.0, 2023: 1.03, 2024: 1.05, 2025: 1.06, 2026: 1.07}
R_HEADER = ["统计日期", "镇街/单位", "人员数", "机械类型", "台数", "融雪剂储备(吨)", "责任路段里程(km)"]


def roster(ctx: Ctx, year: int) -> list[dict]:
    """One winter's roster: per unit its 人员数 and machines by type (unique types per unit)."""
    rng = ctx.rng(ROSTER, year)
    towns = ctx.vocab.towns
    units = [t.name for t in towns] + list(ctx.vocab["snow"]["units"])
    weights = np.array([2.2 if t.density == "core" else 1.4 if t.density == "mid" else 1.0 for t in towns]
                       + [1.6, 2.6, 1.8, 0.9])
    if year == 2022:
        people, machines = SNOW_2022
    else:
        g = GROWTH.get(year, 1.0)
        people = round(8900 * g * rng.uniform(0.97, 1.02))
        machines = round(947 * g * rng.uniform(0.97, 1.03))
    share = weights / weights.sum() * rng.uniform(0.85, 1.15, len(units))
    per_people = 150 + allocate(people - 150 * len(units), share)
    per_machines = 20 + allocate(machines - 20 * len(units), share)
    types = list(ctx.vocab["snow"]["machines"])
    out = []
    for u, name in enumerate(units):
        k = int(rng.integers(3, 7))
        chosen = sorted(rng.choice(len(types), size=k, replace=False).tolist())
        counts = random_parts(rng, int(per_machines[u]), k, low=1, concentration=2.0)
        town = u < len(towns)
        out.append({
            "unit": name, "people": int(per_people[u]),
            "machines": [(types[c], int(n)) for c, n in zip(chosen, counts, strict=True)],
            "deicer": float(rng.integers(20, 120) if town else rng.integers(80, 400)),
            "km": round(float(rng.uniform(8, 45)), 1),
        })
    return out


def _workbook_rows(units: list[dict], as_of: date | None) -> tuple[list[list | None], list[tuple[int, int, int, int]]]:
    """Rows with 序号/镇街/人员数/储备/里程 merged over each unit's machine rows."""
    rows: list[list | None] = []
    merges = []
    for k, u in enumerate(units, start=1):
        start = len(rows)
        for i, (mtype, n) in enumerate(u["machines"]):
            first = i == 0
            row = [k if first else None, u["unit"] if first else None, u["people"] if first else None, mtype, n,
                   u["deicer"] if first else None, u["km"] if first else None]
            rows.append(row if as_of is None else [row[0], as_of, *row[1:]])
        if len(u["machines"]) > 1:
            off = 0 if as_of is None else 1
            for c in (0, 1 + off, 2 + off, 5 + off, 6 + off):
                merges.append((start, c, len(rows) - 1, c))
    return rows, merges


def write_roster(ctx: Ctx) -> None:
    """One roster per winter, in a different layout each year."""
    for year, as_of in ROSTER_DATES.items():
        if as_of > ctx.until:
            continue
        units = roster(ctx, year)
        when = datetime.combine(as_of, datetime.min.time()).replace(hour=16)
        title = f"环翠区{year}-{year + 1}年度冬季清雪力量统计表"
        total_people = sum(u["people"] for u in units)
        total_machines = sum(n for u in units for _, n in u["machines"])
        folder = ROSTER
        if year in (2022, 2023):
            with_date = year == 2022
            rows, merges = _workbook_rows(units, as_of if with_date else None)
            header = ["序号", *R_HEADER] if with_date else ["序号", *R_HEADER[1:]]
            total = ["合计", None, total_people, None, total_machines, None, None]
            rows += [None, total if not with_date else [total[0], None, *total[1:]]]
            sheet = Sheet("清雪力量", header, rows,
                          titles=[title, f"截至{as_of.year}年{as_of.month}月{as_of.day}日"],
                          footer=[signature("于振华", "程春生", as_of)], merges=merges)
            p = ctx.path(folder, f"清雪力量统计表_{year}-{year + 1}年度.xlsx")
            write_xlsx(p, [sheet], when)
            ctx.emit(p, ROSTER, sum(len(u["machines"]) for u in units))
            continue
        flat = [[as_of, u["unit"], u["people"], m, n, u["deicer"], u["km"]] for u in units for m, n in u["machines"]]
        if year == 2025:
            sheet = Sheet("清雪力量", R_HEADER, flat, titles=[title])
            p = ctx.path(folder, f"清雪力量统计表_{year}-{year + 1}年度.xls")
            ctx.emit(p, ROSTER, write_xls(p, [sheet]))
            continue
        style = {2021: "cn", 2024: "iso", 2026: "iso"}.get(year, "iso")
        cols = [[q.fmt_date_one(r[0], style) for r in flat], *[[q.num_text(r[j]) if isinstance(r[j], float)
                                                               else str(r[j]) for r in flat] for j in range(1, 7)]]
        total = ["合计", "", str(total_people), "", str(total_machines), "", ""]
        enc = "gb18030" if year == 2021 else "utf-8-sig"
        p = ctx.path(folder, f"清雪力量统计表_{year}-{year + 1}年度.csv")
        ctx.emit(p, ROSTER, write_csv(p, R_HEADER, cols, enc, post_rows=[total]))


E_HEADER = ["作业编号", "日期", "镇街", "降雪量(mm)", "出动人次", "出动机械台次", "融雪剂(吨)", "清扫面积(万㎡)",
            "主干道恢复通行用时(小时)"]


def snow_days(ctx: Ctx, winter: int) -> list[tuple[date, float]]:
    """(day, snowfall mm) of a winter (December of ``winter`` to February of the next year)."""
    rng = ctx.rng(EVENTS, winter)
    n = int(rng.integers(9, 19))
    start, end = date(winter, 11, 25), date(winter + 1, 2, 28)
    span = (end - start).days
    days = sorted({start + timedelta(days=int(d)) for d in rng.integers(0, span, n)})
    return [(d, round(float(rng.gamma(2.0, 3.0)) + 0.5, 1)) for d in days]


def write_events(ctx: Ctx) -> None:
    """One file per winter: GB18030 CSV, the 2023-2024 winter as a workbook with a sheet per month."""
    towns = ctx.vocab.towns
    for winter in range(FIRST_DAY.year - 1, ctx.until.year + 1):
        rng = ctx.rng(EVENTS, "rows", winter)
        rows = []
        for d, mm in snow_days(ctx, winter):
            if d < FIRST_DAY or d > ctx.until:
                continue
            for k, t in enumerate(towns):
                if mm < 3 and t.density == "rural" and rng.random() < 0.5:
                    continue
                people = int(rng.integers(60, 260) * (1.6 if t.density == "core" else 1.0) * (0.6 + mm / 12))
                machines = max(3, people // int(rng.integers(6, 12)))
                rows.append([f"QX{d:%Y%m%d}{k + 1:02d}", d, t.name, mm, people, machines,
                             round(float(rng.uniform(2, 18)) * (0.5 + mm / 10), 1),
                             round(float(rng.uniform(8, 60)) * (0.5 + mm / 10), 1),
                             round(float(rng.uniform(1.5, 8)), 1)])
        if not rows:
            continue
        when = min(datetime(winter + 1, 3, 5, 9, 0), ctx.t_end)
        name = f"{winter}-{winter + 1}年冬季降雪作业记录"
        if winter == 2023:
            sheets = []
            for mon in (11, 12, 1, 2):
                part = [r for r in rows if r[1].month == mon]
                if part:
                    sheets.append(Sheet(f"{mon}月", E_HEADER, part, titles=[f"{name}（{mon}月）"]))
            p = ctx.path(EVENTS, f"{name}.xlsx")
            ctx.emit(p, EVENTS, write_xlsx(p, sheets, when))
            continue
        text = []
        for r in rows:
            people = f"{r[4]}余" if rng.random() < 0.03 else q.fmt_number_one(r[4], "fullwidth") \
                if rng.random() < 0.02 else str(r[4])
            text.append([r[0], q.fmt_date_one(r[1], "iso"), r[2], q.num_text(r[3]), people, str(r[5]),
                         q.num_text(r[6]), q.num_text(r[7]), q.num_text(r[8])])
        cols = [[t[j] for t in text] for j in range(len(E_HEADER))]
        p = ctx.path(EVENTS, f"{name}.csv")
        ctx.emit(p, EVENTS, write_csv(p, E_HEADER, cols, "gb18030"))


def write(ctx: Ctx) -> None:
    """Rosters and events."""
    write_roster(ctx)
    write_events(ctx)
