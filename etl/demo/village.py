"""``village_cases`` (数字村居平台工单, monthly exports) and ``village_inspections`` (实地巡查通知, yearly
ledgers with per-town 小计 rows, a 合计 row and signatures)."""

from __future__ import annotations

from datetime import date, datetime

import numpy as np

from etl.demo import quirks as q
from etl.demo.common import seq_within, working_time_after, year_factor, ymd_compact, zero_pad
from etl.demo.context import FIRST_DAY, Ctx
from etl.demo.plan import VILLAGE_2022, VILLAGE_NOTICES_2022
from etl.demo.timeline import (
    allocate,
    month_end,
    month_start,
    monthly_export_moment,
    months,
    random_parts,
    sample_moments,
    to_dt64,
)
from etl.demo.writers import MAX_WORKBOOK_ROWS, Fmt, Sheet, signature, write_csv, write_xlsx

SOURCE = "village_cases"
PER_YEAR = 16_000
HEADER = ["工单编号", "派遣时间", "镇街", "村居", "问题类别", "问题描述", "整改状态", "整改时间"]
DESC = ("{v}{c}，请及时整改", "{v}存在{c}问题", "巡查发现{v}{c}")


def _month_counts(ctx: Ctx) -> dict[tuple[int, int], int]:
    """Dispatched cases per month: 2022 allocated exactly, other months scaled."""
    prof = ctx.vocab.seasons["summer"] * 0.35 + 0.65
    plan = allocate(VILLAGE_2022, prof)
    counts: dict[tuple[int, int], int] = {}
    for y, m in months(FIRST_DAY, ctx.until):
        if y == 2022:
            counts[(y, m)] = int(plan[m - 1])
        else:
            lam = PER_YEAR * year_factor(ctx, SOURCE, y) * prof[m - 1] / prof.sum() * ctx.scale
            counts[(y, m)] = int(ctx.rng(SOURCE, "count", y, m).poisson(lam))
    return counts


def write_cases(ctx: Ctx) -> None:
    """Monthly dispatch exports; each export is taken on the 10th of the next month."""
    towns = ctx.vocab.towns
    tw = np.array([t.village_weight for t in towns])
    vil_off = np.cumsum([0] + [len(t.villages) for t in towns])[:-1]
    vil_n = np.array([len(t.villages) for t in towns])
    villages = np.array([v for t in towns for v in t.villages], dtype=object)
    town_names = np.array([t.name for t in towns], dtype=object)
    aliases = {t.name: t.aliases for t in towns}
    cats = np.array(ctx.vocab["village_categories"], dtype=object)
    t_end = to_dt64(ctx.t_end)
    for (y, m), n in _month_counts(ctx).items():
        rng = ctx.rng(SOURCE, y, m)
        when = monthly_export_moment(y, m, ctx.t_end, day=10, hour=9, minute=0)
        t = to_dt64(when)
        first, last = month_start(y, m), month_end(y, m)
        ts = np.sort(sample_moments(rng, n, first, last, np.ones(12), "day", weekend=0.6))
        town = rng.choice(len(tw), size=n, p=tw / tw.sum())
        vil = villages[vil_off[town] + (rng.random(n) * vil_n[town]).astype(np.int64)]
        cat = cats[rng.integers(0, len(cats), n)]
        rect = working_time_after(rng, ts, 2.0, 25)
        never = rng.random(n) < 0.02
        done = (~never) & (rect <= t)
        status = np.where(done, "已整改", np.where(never & (rng.random(n) < 0.5), "未整改", "整改中")).astype(object)
        keep = ts <= t_end
        ts, town, vil, cat, rect, status, done = (a[keep] for a in (ts, town, vil, cat, rect, status, done))
        n = len(ts)
        if n == 0:
            continue
        day = ts.astype("datetime64[D]")
        key = ymd_compact(day) + zero_pad(seq_within(day.astype(np.int64)), 6)
        tpl = rng.integers(0, len(DESC), n)
        desc = np.where(tpl == 0, vil + cat + "，请及时整改", np.where(tpl == 1, vil + "存在" + cat + "问题",
                                                                   "巡查发现" + vil + cat))
        tn = q.odd_spaces(rng, q.aliases_some(rng, town_names[town], 0.04, aliases), 0.01)
        new = y >= 2024
        base = "iso" if y != 2021 else "slash"
        dispatched = q.mixed_datetimes(rng, ts, base, 0.01)
        rect_txt = q.mixed_datetimes(rng, np.where(done, rect, np.datetime64("NaT")), base, 0.01)
        cols = [key, dispatched, tn, vil, cat, q.fullwidth_some(rng, desc, 0.005), status, rect_txt]
        folder = f"village_cases/{y}"
        if (y == 2021 and m <= 3) and n <= MAX_WORKBOOK_ROWS:
            rows = []
            for i in range(n):
                r = [c[i] for c in cols]
                r[1] = _pydt(ts[i])
                r[7] = _pydt(rect[i]) if done[i] else None
                rows.append(r)
            p = ctx.path(folder, f"数字村居派遣工单_{y}年{m}月.xlsx")
            sheet = Sheet("工单明细", HEADER, rows, titles=[f"环翠区数字村居平台派遣工单（{y}年{m}月）",
                                                         f"导出时间：{when:%Y-%m-%d %H:%M}"])
            ctx.emit(p, SOURCE, write_xlsx(p, [sheet], when))
            continue
        p = ctx.path(folder, f"数字村居派遣工单_{y}{m:02d}.csv")
        enc = "utf-8-sig" if new else "gb18030"
        ctx.emit(p, SOURCE, write_csv(p, HEADER, cols, enc, "\n" if new else "\r\n"))


def _pydt(x: np.datetime64) -> datetime:
    return datetime(1970, 1, 1) + (x.astype("datetime64[s]") - np.datetime64(0, "s")).astype(object)


# ---------------------------------------------------------------- inspection notices

INSPECTION_SOURCE = "village_inspections"


def _notices(ctx: Ctx, year: int) -> list[dict]:
    rng = ctx.rng(INSPECTION_SOURCE, year)
    if year == 2022:
        n, rectified = VILLAGE_NOTICES_2022
    else:
        f = year_factor(ctx, INSPECTION_SOURCE, year, 0.1)
        n = round(36 * f)
        rectified = round(1080 * f * rng.uniform(0.9, 1.1))
    fixed = random_parts(rng, rectified, n, low=8, concentration=4.0)
    towns = [t for t in ctx.vocab.towns]
    weights = np.array([t.village_weight for t in towns])
    days = np.sort(rng.choice(np.arange(date(year, 1, 5).toordinal(), date(year, 12, 20).toordinal()), n,
                              replace=False))
    out = []
    for i in range(n):
        town = towns[int(rng.choice(len(towns), p=weights / weights.sum()))]
        issued = date.fromordinal(int(days[i]))
        problems = int(fixed[i] + (rng.integers(0, 4) if rng.random() < 0.35 else 0))
        done_on = date.fromordinal(issued.toordinal() + int(rng.integers(7, 35)))
        out.append({
            "no": f"环翠城乡环卫{q.bracket_year(year, int(rng.integers(0, 5)) if rng.random() < 0.4 else 0)}"
                  f"{i + 1}号",
            "issued": issued, "town": town, "problems": problems, "rectified": int(fixed[i]),
            "done_on": done_on if problems == fixed[i] else None,
        })
    return out


def write_inspections(ctx: Ctx) -> None:
    """One ledger per year: XLSX with towns merged over their notices and 小计 rows (odd years CSV)."""
    header = ["序号", "通知编号", "下发日期", "镇街", "问题数", "已整改数", "整改完成日期", "整改率"]
    for year in ctx.years:
        notes = [r for r in _notices(ctx, year) if r["issued"] <= ctx.until]
        if not notes:
            continue
        when = min(datetime(year + 1, 1, 8, 9, 0), ctx.t_end)
        for r in notes:
            if r["done_on"] and r["done_on"] > when.date():
                r["done_on"] = None
        rng = ctx.rng(INSPECTION_SOURCE, "render", year)
        folder = "village_inspections"
        if year % 2 == 1:
            rows = [[str(i + 1), r["no"], q.fmt_date_one(r["issued"], "cn" if rng.random() < 0.2 else "iso"),
                     r["town"].name, str(r["problems"]), str(r["rectified"]),
                     q.fmt_date_one(r["done_on"], "iso") if r["done_on"] else q.missing(rng, 0.5),
                     q.percent(r["rectified"], r["problems"])] for i, r in enumerate(notes)]
            cols = [[row[j] for row in rows] for j in range(len(header))]
            total = ["合计", "", "", "", str(sum(r["problems"] for r in notes)),
                     str(sum(r["rectified"] for r in notes)), "", ""]
            p = ctx.path(folder, f"实地巡查通知台账{year}.csv")
            ctx.emit(p, INSPECTION_SOURCE, write_csv(p, header, cols, "gb18030", post_rows=[total]))
            continue
        rows: list[list | None] = []
        merges = []
        k = 0
        for town in ctx.vocab.towns:
            mine = sorted((r for r in notes if r["town"] is town), key=lambda r: r["issued"])
            if not mine:
                continue
            start = len(rows)
            for i, r in enumerate(mine):
                k += 1
                rows.append([k, r["no"], Fmt(r["issued"], 'yyyy"年"m"月"d"日"'), town.name if i == 0 else None,
                             r["problems"], r["rectified"], r["done_on"], q.percent(r["rectified"], r["problems"])])
            if len(mine) > 1:
                merges.append((start, 3, len(rows) - 1, 3))
            rows.append(["小计", None, None, town.name, sum(r["problems"] for r in mine),
                         sum(r["rectified"] for r in mine), None, None])
        rows.append(None)
        rows.append(["合计", None, None, None, sum(r["problems"] for r in notes), sum(r["rectified"] for r in notes),
                     None, None])
        p = ctx.path(folder, f"实地巡查通知台账{year}.xlsx")
        sheet = Sheet(f"{year}年", header, rows, titles=[f"环翠区{year}年数字村居实地巡查通知下发及整改情况"],
                      footer=[signature("曲丽", "王建国", when.date())], merges=merges)
        ctx.emit(p, INSPECTION_SOURCE, write_xlsx(p, [sheet], when) - _non_data(rows))


def _non_data(rows: list[list | None]) -> int:
    return sum(1 for r in rows if r is not None and r[0] in ("小计", "合计"))
