"""``fume_records``: restaurant fume lab tests (专业检测) and the licensing site surveys (审管联动现场勘查,
a mechanism that started on 2022-01-01). One file per year; 2022 and 2024 as workbooks with a sheet per
quarter."""

from __future__ import annotations

from datetime import date, datetime

import numpy as np

from etl.demo import quirks as q
from etl.demo.common import pick, year_factor
from etl.demo.context import Ctx
from etl.demo.plan import FUME_2022
from etl.demo.timeline import sample_days
from etl.demo.writers import MAX_WORKBOOK_ROWS, Sheet, write_csv, write_xlsx

SOURCE = "fume_records"
HEADER = ["记录编号", "日期", "类型", "镇街", "商户名称", "结果"]
LAB, SURVEY = "专业检测", "审管联动现场勘查"


def records(ctx: Ctx, year: int) -> list[list]:
    """The year's records as rows (date as ``date``), sorted by date."""
    rng = ctx.rng(SOURCE, year)
    if year == 2022:
        n_lab, n_survey = FUME_2022[LAB], FUME_2022[SURVEY]
    else:
        f = year_factor(ctx, SOURCE, year, 0.08)
        n_lab = round(165 * f)
        n_survey = 0 if year < 2022 else round(1380 * f)
    towns = ctx.vocab.towns
    tw = np.array([3.0 if t.density == "core" else 1.5 if t.density == "mid" else 1.0 for t in towns])
    merchants = ctx.vocab["fume_merchants"]
    rows = []
    for kind, n, prof in ((LAB, n_lab, ctx.vocab.seasons["summer"]), (SURVEY, n_survey, ctx.vocab.seasons["flat"])):
        days = np.sort(sample_days(rng, n, date(year, 1, 4), date(year, 12, 28), prof, weekend=0.1))
        town_i = rng.choice(len(towns), size=n, p=tw / tw.sum())
        for seq, (d, ti) in enumerate(zip(days, town_i.tolist(), strict=True), start=1):
            town = towns[ti]
            name = f"{pick(rng, town.roads)}{pick(rng, merchants)}"
            if kind == LAB:
                result = "达标" if year == 2022 or rng.random() < 0.9 else "超标"
                no = f"YYJC{year}-{seq:04d}"
            else:
                result = "准予许可" if rng.random() < 0.88 else "建议不予许可"
                no = f"SGLD{year}-{seq:04d}"
            rows.append([no, d.astype(object), kind, town.name, name, result])
    rows.sort(key=lambda r: (r[1], r[0]))
    return rows


def write(ctx: Ctx) -> None:
    """One file per year, exported on 8 January of the next year (or at ``until``)."""
    for year in ctx.years:
        rows = [r for r in records(ctx, year) if r[1] <= ctx.until]
        if not rows:
            continue
        when = min(datetime(year + 1, 1, 8, 9, 0), ctx.t_end)
        rng = ctx.rng(SOURCE, "render", year)
        if year in (2022, 2024) and len(rows) <= MAX_WORKBOOK_ROWS:
            sheets = []
            for qtr, name in enumerate(("一季度", "二季度", "三季度", "四季度"), start=1):
                part = [r for r in rows if (r[1].month - 1) // 3 + 1 == qtr]
                if part:
                    title = f"环翠区{year}年{name}餐饮油烟检测及审管联动勘查记录"
                    sheets.append(Sheet(name, HEADER, part, titles=[title]))
            p = ctx.path(SOURCE, f"餐饮油烟检测与审管联动勘查{year}.xlsx")
            ctx.emit(p, SOURCE, write_xlsx(p, sheets, when))
            continue
        dates = q.mixed_dates(rng, np.array([np.datetime64(r[1], "D") for r in rows]), "iso", 0.03,
                              ("cn", "dot", "compact"))
        cols = [[r[0] for r in rows], dates.tolist(), *[[str(r[j]) for r in rows] for j in range(2, 6)]]
        cols[3] = q.odd_spaces(rng, np.array(cols[3], dtype=object), 0.02).tolist()
        enc = "gb18030" if year <= 2023 else "utf-8-sig"
        p = ctx.path(SOURCE, f"餐饮油烟检测与审管联动勘查{year}.csv")
        ctx.emit(p, SOURCE, write_csv(p, HEADER, cols, enc))
