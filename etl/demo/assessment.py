"""``city_assessment``: the city's monthly assessment results for the 8 units (数字城管, 精致道路,
城乡环卫一体化). One file per year; the district (环翠区) ranks mostly 1st-3rd. The 2023 CSV omits 名次
(the loader computes it) and writes 考核期 as 2023-03."""

from __future__ import annotations

from datetime import date, datetime

import numpy as np

from etl.demo import quirks as q
from etl.demo.common import pick
from etl.demo.context import FIRST_DAY, Ctx
from etl.demo.timeline import months, next_month
from etl.demo.writers import Sheet, write_csv, write_xlsx

SOURCE = "city_assessment"
UNITS = ("环翠区", "文登区", "荣成市", "乳山市", "高区", "经区", "临港区", "南海新区")
UNIT_ALIASES = {"高区": ("火炬高技术产业开发区", "高新区"), "经区": ("经济技术开发区",),
                "临港区": ("临港经济技术开发区",), "南海新区": ("南海",)}
ITEMS = {"数字城管": (90.0, 99.6), "精致道路": (84.0, 98.0), "城乡环卫一体化": (88.0, 99.0)}
RANK_P = (0.5, 0.32, 0.14, 0.04)


def results(ctx: Ctx, year: int, month: int) -> list[tuple[str, str, float, int]]:
    """(item, unit, score, rank) for one month; scores are distinct within an item."""
    rng = ctx.rng(SOURCE, year, month)
    out = []
    for item, (lo, hi) in ITEMS.items():
        scores = np.sort(np.round(rng.uniform(lo, hi, 8), 2))[::-1]
        while len(set(scores.tolist())) < 8:
            scores = np.sort(np.round(rng.uniform(lo, hi, 8), 2))[::-1]
        rank = int(rng.choice(4, p=RANK_P)) + 1
        others = [u for u in UNITS if u != "环翠区"]
        rng.shuffle(others)
        order = [*others[:rank - 1], "环翠区", *others[rank - 1:]]
        for r, (unit, score) in enumerate(zip(order, scores.tolist(), strict=True), start=1):
            out.append((item, unit, float(score), r))
    return out


def write(ctx: Ctx) -> None:
    """Results are published on the 10th of the following month."""
    by_year: dict[int, list[tuple[int, list]]] = {}
    for y, m in months(FIRST_DAY, ctx.until):
        ny, nm = next_month(y, m)
        if date(ny, nm, 10) > ctx.until:
            continue
        by_year.setdefault(y, []).append((m, results(ctx, y, m)))
    for year, monthly in by_year.items():
        rng = ctx.rng(SOURCE, "render", year)
        last_month = monthly[-1][0]
        ny, nm = next_month(year, last_month)
        when = min(datetime(ny, nm, 10, 15, 0), ctx.t_end)
        if year == 2023:
            header = ["考核期", "考核项目", "区市", "得分"]
            rows = [[f"{year}-{m:02d}", item, _alias(rng, unit), q.num_text(score)]
                    for m, res in monthly for item, unit, score, _ in res]
            cols = [[r[j] for r in rows] for j in range(4)]
            p = ctx.path(SOURCE, f"全市城市管理考核成绩{year}.csv")
            ctx.emit(p, SOURCE, write_csv(p, header, cols, "gb18030"))
            continue
        header = ["考核期", "考核项目", "区市", "得分", "名次"]
        sheets = []
        for item in ITEMS:
            rows: list[list | None] = []
            for m, res in monthly:
                period = f"{year}年{m}月" if year != 2025 else f"{year}-{m:02d}"
                rows += [[period, item, _alias(rng, unit), score, rank] for it, unit, score, rank in res if it == item]
            sheets.append(Sheet(item, header, rows, titles=[f"{year}年度全市{item}考核成绩汇总"]))
        p = ctx.path(SOURCE, f"全市城市管理考核成绩{year}.xlsx")
        ctx.emit(p, SOURCE, write_xlsx(p, sheets, when))


def _alias(rng: np.random.Generator, unit: str) -> str:
    if unit in UNIT_ALIASES and rng.random() < 0.15:
        return str(pick(rng, list(UNIT_ALIASES[unit])))
    return unit
