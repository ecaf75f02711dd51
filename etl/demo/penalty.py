"""``penalty_cases``: the bureau's administrative penalty ledger (one file per year).

2022 is split the way the bureau keeps it: January-June in the standard ledger (legacy .xls) and
July-December in the 双公示 template (决定书文号, 行政相对人名称, 罚款金额 in 万元). Case numbers use every
bracket style (〔2022〕 [2022] 【2022】 (2022)).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import numpy as np

from etl.demo import quirks as q
from etl.demo.common import company, masked_person, pick, year_factor
from etl.demo.context import Ctx
from etl.demo.plan import PENALTY_2022, PenaltyCase
from etl.demo.writers import Sheet, signature, write_csv, write_xls, write_xlsx

SOURCE = "penalty_cases"
HEADER = ["案号", "立案日期", "案由", "当事人", "当事人类型", "镇街", "执法中队", "处罚决定日期", "罚款金额(元)",
          "网上运行", "结案日期", "强制执行", "执行结果", "双公示"]
HEADER_PUBLICITY = ["行政处罚决定书文号", "立案日期", "违法行为类型", "行政相对人名称", "行政相对人类别", "镇街",
                    "执法中队", "处罚决定日期", "罚款金额(万元)", "网上运行", "结案日期", "强制执行", "执行结果",
                    "双公示"]
PARTY_KIND_PUBLIC = {"个人": "自然人", "企业": "法人及非法人组织", "个体工商户": "个体工商户"}


@dataclass
class Case:
    """One penalty case with its dates."""

    no: str
    filed: date
    plan: PenaltyCase
    party: str
    town: str
    squad: str
    decided: date | None
    closed: date | None
    online: bool


def _background(ctx: Ctx, rng: np.random.Generator, year: int) -> list[PenaltyCase]:
    causes = ctx.vocab["penalty_causes"]
    n = round(30 * year_factor(ctx, SOURCE, year, 0.12))
    out = []
    for _ in range(n):
        u = rng.random()
        if u < 0.45:
            out.append(PenaltyCase(pick(rng, causes["construction"]), None, "申请政府强制执行" if rng.random() < 0.75
                                   else "无", "已批复实施", False, "个人"))
        else:
            fine = int(pick(rng, [200, 500, 500, 1000, 1000, 1500, 2000, 3000, 5000, 10000]))
            court = rng.random() < 0.15
            party = pick(rng, ["个人", "企业", "个体工商户"], p=[4, 3, 3])
            out.append(PenaltyCase(pick(rng, causes["other"]), fine, "申请法院强制执行" if court else "无",
                                   pick(rng, ["准予执行", "不予执行"]) if court else None,
                                   party != "个人" and rng.random() < 0.8, party))
    return out


def cases_of(ctx: Ctx, year: int) -> list[Case]:
    """The year's cases, numbered in filing order."""
    rng = ctx.rng(SOURCE, year)
    plans = list(PENALTY_2022) if year == 2022 else _background(ctx, rng, year)
    order = rng.permutation(len(plans))
    last = date(year, 11, 15) if year == 2022 else date(year, 12, 28)
    days = np.sort(rng.choice(np.arange(date(year, 1, 6).toordinal(), last.toordinal()), len(plans), replace=False))
    towns = ctx.vocab.towns
    tw = np.array([2.0 if t.density == "core" else 1.0 for t in towns])
    no = int(rng.integers(3, 12))
    out = []
    for k, i in enumerate(order.tolist()):
        p = plans[i]
        filed = date.fromordinal(int(days[k]))
        no += int(rng.integers(1, 9))
        town = towns[int(rng.choice(len(towns), p=tw / tw.sum()))]
        if p.party == "个人":
            party = masked_person(rng, ctx)
        elif p.party == "企业":
            party = company(rng, ctx)
        else:
            party = f"环翠区{pick(rng, ctx.vocab['fume_merchants'])}"
        decided = filed + timedelta(days=int(rng.integers(12, 40)))
        slow = p.enforcement != "无"
        closed = decided + timedelta(days=int(rng.integers(60, 120) if slow else rng.integers(5, 30)))
        if year == 2022:
            closed = min(closed, date(2022, 12, 30))
        style = int(rng.integers(0, 5)) if rng.random() < 0.35 else 0
        online = True if year != 2021 else bool(rng.random() < 0.9)
        out.append(Case(f"威环综执立{q.bracket_year(year, style)}第{no:04d}号", filed, p, party, town.name, town.squad,
                        decided, closed, online))
    return out


def _visible(d: date | None, export: date) -> date | None:
    return d if d is not None and d <= export else None


def _row(c: Case, export: date, publicity: bool, rng: np.random.Generator, approx: bool = False) -> list:
    decided = _visible(c.decided, export)
    closed = _visible(c.closed, export)
    fine: object = None
    if c.plan.fine and decided:
        u = rng.random()
        if publicity:
            fine = q.wan(c.plan.fine)
            if approx:
                fine = "约" + fine + "万元"
        elif c.plan.fine >= 1000 and u < 0.2:
            fine = q.fmt_number_one(c.plan.fine, "comma")
        elif u < 0.3:
            fine = q.fmt_number_one(c.plan.fine, "fullwidth")
        elif c.plan.fine >= 1000 and u < 0.4:
            fine = "约" + q.wan(c.plan.fine) + "万元"  # 万元 text in a 元 column
        else:
            fine = str(c.plan.fine)
    elif decided:
        fine = pick(rng, ["", "—", "/", "0"]) if publicity is False else ""
    kind = PARTY_KIND_PUBLIC[c.plan.party] if publicity else c.plan.party
    enforce = c.plan.enforcement if decided else "无"
    result = (c.plan.result or "") if enforce != "无" and closed else ""
    return [c.no, c.filed, c.plan.cause, c.party, kind, c.town, c.squad, decided, fine, "是" if c.online else "否",
            closed, enforce if closed or enforce == "无" else "无", result, "是" if c.plan.publicity else "否"]


def write(ctx: Ctx) -> None:
    """One ledger per year (2022 in two halves and two templates)."""
    for year in ctx.years:
        cases = [c for c in cases_of(ctx, year) if c.filed <= ctx.until]
        if not cases:
            continue
        when = min(datetime(year + 1, 1, 10, 10, 0), ctx.t_end)
        export = when.date()
        rng = ctx.rng(SOURCE, "render", year)
        folder = "penalty_cases"
        if year == 2022:
            h1 = [c for c in cases if c.filed.month <= 6]
            h2 = [c for c in cases if c.filed.month > 6]
            if h1:
                rows = [_row(c, export, False, rng) for c in h1]
                sheet = Sheet("案件台账", HEADER, rows, titles=["环翠区综合行政执法局行政处罚案件台账（2022年1-6月）"],
                              footer=[signature("毕文静", "姜立新", export)])
                p = ctx.path(folder, "2022年1-6月行政处罚案件台账.xls")
                ctx.emit(p, SOURCE, write_xls(p, [sheet]))
            if h2:
                fined = [c for c in h2 if c.plan.fine]
                rows = [_row(c, export, True, rng, approx=bool(fined) and c is fined[0]) for c in h2]
                sheet = Sheet("双公示", HEADER_PUBLICITY, rows,
                              titles=["行政处罚信息双公示（2022年7-12月）", "单位：万元",
                                      f"导出时间：{when:%Y-%m-%d %H:%M}"])
                p = ctx.path(folder, "2022年7-12月行政处罚案件（双公示模板）.xlsx")
                ctx.emit(p, SOURCE, write_xlsx(p, [sheet], when))
            continue
        rows = [_row(c, export, False, rng) for c in cases]
        if year == 2021:
            total = sum(c.plan.fine or 0 for c in cases if _visible(c.decided, export))
            sheet = Sheet("2021", HEADER, [*rows, None, ["合计", f"{len(rows)}件", *[""] * 6, total, *[""] * 5]],
                          titles=["环翠区综合行政执法局行政处罚案件台账（2021年度）", "单位：元"],
                          footer=[signature("毕文静", "姜立新", export)])
            p = ctx.path(folder, "行政处罚案件台账2021.xlsx")
            ctx.emit(p, SOURCE, write_xlsx(p, [sheet], when) - 1)
            continue
        cols = []
        for j, h in enumerate(HEADER):
            vals = [r[j] for r in rows]
            if h in ("立案日期", "处罚决定日期", "结案日期"):
                vals = ["" if v is None else q.fmt_date_one(v, "cn" if (year + i) % 7 == 0 else "iso")
                        for i, v in enumerate(vals)]
            cols.append(["" if v is None else str(v) for v in vals])
        enc = "gb18030" if year == 2025 else "utf-8-sig"
        p = ctx.path(folder, f"行政处罚案件台账{year}.csv")
        ctx.emit(p, SOURCE, write_csv(p, HEADER, cols, enc))
