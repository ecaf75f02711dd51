"""``refined_city_issues``: the 不精致问题台账 of every channel, one ledger per channel and year.

Issues still open when a year's ledger is exported are carried into the next year's ledger (结转) with
their later status. 2022 rows come from :data:`etl.demo.plan.REFINED_2022`; other years from a
background model of similar size. Layouts: quarterly sheets with a merged 整改情况 header
(市精致办通报), GB18030 CSV (区级督导, 现场督导), per-town 小计 rows (镇街自查), one sheet per channel
(市级专项反馈), UTF-8 CSV (早夜市联合检查).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import numpy as np

from etl.demo import quirks as q
from etl.demo.common import pick, year_factor
from etl.demo.context import Ctx
from etl.demo.plan import ADS, PUBLIC_ADS, REFINED_2022, REFINED_BACKGROUND, RefinedBlock
from etl.demo.writers import Sheet, signature, write_csv, write_xlsx

SOURCE = "refined_city_issues"
HEADER = ["问题编号", "问题来源", "批次", "镇街", "道路/区域", "问题类别", "发现日期", "整改期限", "整改完成日期",
          "状态", "回头看", "列入市级上报"]
PREFIX = {"市精致办通报": "JZB", "市级第一期": "SJYQ", "市级航拍": "HP", "铁路沿线": "TL", "市级视频": "SP",
          "环山路": "HSL", "拆围建绿": "CW", "早夜市联合检查": "ZYS", "区级督导": "QJDD",
          "现场督导": "XCDD", "镇街自查": "ZJZC"}
#: where in the year each channel finds its issues (month window) outside the plan
WINDOW = {"市级第一期": (4, 4), "市级航拍": (5, 6), "铁路沿线": (3, 5), "拆围建绿": (3, 9), "早夜市联合检查": (5, 10)}
POOL = {b.source: b.pool for b in REFINED_2022}
RAIL_TOWNS = ("张村镇", "羊亭镇", "嵩山街道", "温泉镇")
HILL_TOWNS = ("环翠楼街道", "鲸园街道", "竹岛街道", "嵩山街道", "孙家疃街道")


@dataclass
class Issue:
    """One refined-city problem with its lifecycle."""

    source: str
    batch: str
    town: str
    road: str
    category: str
    found: date
    due: date | None
    rectified: date | None
    recheck: str
    reported: str
    no: str = ""

    def state(self, on: date) -> tuple[str, date | None, str]:
        """(状态, 整改完成日期, 回头看) as shown in a ledger exported on ``on``."""
        if self.rectified and self.rectified <= on:
            return "已整改", self.rectified, self.recheck
        return "整改中", None, ""


def _town(ctx: Ctx, rng: np.random.Generator, source: str) -> tuple[str, str]:
    if source == "铁路沿线":
        t = ctx.vocab.town(str(pick(rng, list(RAIL_TOWNS))))
        return t.name, f"桃威铁路K{int(rng.integers(80, 118))}+{int(rng.integers(0, 999)):03d}段"
    if source == "环山路":
        t = ctx.vocab.town(str(pick(rng, list(HILL_TOWNS))))
        return t.name, f"环山路（{t.short}段）"
    towns = ctx.vocab.towns
    if source in ("市级航拍", "拆围建绿"):
        w = np.array([1.0 if t.density == "core" else 2.0 for t in towns])
    else:
        w = np.array([3.0 if t.density == "core" else 1.5 if t.density == "mid" else 1.0 for t in towns])
    t = towns[int(pick(rng, list(range(len(towns))), p=w))]
    if source == "市级航拍":
        return t.name, f"{pick(rng, list(t.villages) or list(t.communities))}周边"
    return t.name, f"{pick(rng, list(t.roads))}{pick(rng, ['', '两侧', '沿线', '路口'])}"


def _due(rng: np.random.Generator, source: str, found: date, fixed: date | None) -> date:
    if fixed:
        return fixed
    days = {"市精致办通报": [7, 10, 15], "区级督导": [7], "镇街自查": [15], "现场督导": [3, 7]}.get(source, [15, 30])
    return found + timedelta(days=int(pick(rng, days)))


def _batch(source: str, found: date, fixed: str | None, night_index: int | None) -> str:
    if fixed:
        return fixed
    if source == "市精致办通报":
        return f"第{(found.timetuple().tm_yday - 1) // 15 + 1}期"
    if source == "区级督导":
        return f"{found.isocalendar()[0]}年第{found.isocalendar()[1]}周"
    if source == "早夜市联合检查" and night_index is not None:
        return f"第{night_index}次联合检查"
    return ""


def _days(rng: np.random.Generator, n: int, first: date, last: date) -> list[date]:
    span = (last - first).days + 1
    offs = np.sort(rng.integers(0, span, n))
    return [first + timedelta(days=int(o)) for o in offs]


def _nights(rng: np.random.Generator, n: int, first: date, last: date) -> list[date]:
    """``n`` distinct evenings of joint night-market inspections (Thursdays to Saturdays)."""
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    days = [d for d in days if d.weekday() in (3, 4, 5)]
    picked = rng.choice(len(days), size=min(n, len(days)), replace=False)
    return sorted(days[int(i)] for i in picked)


def _recheck(rng: np.random.Generator) -> str:
    u = rng.random()
    return "未反弹" if u < 0.7 else "反弹" if u < 0.73 else ""


def _plan_block(ctx: Ctx, k: int, b: RefinedBlock) -> list[Issue]:
    rng = ctx.rng(SOURCE, "plan", k)
    cats = [ADS] * b.ads + [PUBLIC_ADS] * b.public_ads
    cats += [str(c) for c in pick(rng, list(b.pool), b.n - len(cats))]
    rng.shuffle(cats)
    if b.evening_batches:
        nights = _nights(rng, b.evening_batches, b.found[0], b.found[1])
        which = np.sort(rng.integers(0, len(nights), b.n))
        found = [nights[int(i)] for i in which]
        night_no = [int(i) + 1 for i in which]
    else:
        found = _days(rng, b.n, b.found[0], b.found[1])
        night_no = [None] * b.n
    out = []
    for i in range(b.n):
        town, road = _town(ctx, rng, b.source)
        due = _due(rng, b.source, found[i], b.deadline)
        assert b.rectified is not None
        lo, hi = b.rectified
        d = found[i] + timedelta(days=int(rng.integers(1, max(2, (due - found[i]).days + 1))))
        rect = min(max(d, lo, found[i] + timedelta(days=1)), hi)
        if b.source == "市精致办通报" or b.deadline:
            assert rect <= due, (b.source, found[i], due, rect)
        reported = b.reported or ("是" if b.source == "拆围建绿" else "")
        out.append(Issue(b.source, _batch(b.source, found[i], b.batch, night_no[i]), town, road, cats[i], found[i],
                         due, rect, _recheck(rng), reported))
    return out


def _background(ctx: Ctx, year: int) -> list[Issue]:
    out = []
    for source, (base, ads, public) in REFINED_BACKGROUND.items():
        rng = ctx.rng(SOURCE, source, year)
        n = round(base * year_factor(ctx, SOURCE + source, year, 0.08))
        if source == "拆围建绿" and year >= 2024:
            n = int(n * 0.4)
        m0, m1 = WINDOW.get(source, (1, 12))
        first = date(year, m0, 3 if m0 == 1 else 1)
        last = (date(year, m1 + 1, 1) - timedelta(days=1)) if m1 < 12 else date(year, 12, 24)
        if source == "市级第一期":
            first, last = date(year, 4, 6), date(year, 4, 14)
        if source == "早夜市联合检查":
            nights = _nights(rng, 10, first, last)
            idx = np.sort(rng.integers(0, len(nights), n))
            found = [nights[int(i)] for i in idx]
            night_no = [int(i) + 1 for i in idx]
        else:
            found = _days(rng, n, first, last)
            night_no = [None] * n
        u = rng.random(n)
        for i in range(n):
            cat = ADS if u[i] < ads else PUBLIC_ADS if u[i] < ads + public else str(pick(rng, list(POOL[source])))
            town, road = _town(ctx, rng, source)
            fixed = {"市级第一期": date(year, 6, 30), "市级航拍": date(year, 7, 31)}.get(source)
            due = _due(rng, source, found[i], fixed)
            allowed = max(1, (due - found[i]).days)
            late = rng.random() < 0.04
            d = int(rng.integers(1, allowed + 1)) if not late else allowed + int(rng.integers(1, 20))
            rect: date | None = found[i] + timedelta(days=d)
            if year == 2021:
                rect = min(rect, date(2021, 12, 31))  # keeps 2022's counts to the plan
                if rect <= found[i]:
                    rect = found[i]
            elif rng.random() < 0.015:
                rect = None  # still open
            reported = ("是" if rng.random() < 0.9 else "否") if source == "拆围建绿" else ""
            out.append(Issue(source, _batch(source, found[i], "第一期" if source == "市级第一期" else
                                            "航拍第一批" if source == "市级航拍" else None, night_no[i]),
                             town, road, cat, found[i], due, rect, _recheck(rng), reported))
    return out


def build_issues(ctx: Ctx) -> list[Issue]:
    """Every issue of every year, numbered per channel and year of discovery."""
    issues: list[Issue] = []
    for k, b in enumerate(REFINED_2022):
        issues.extend(_plan_block(ctx, k, b))
    for year in ctx.years:
        if year != 2022:
            issues.extend(_background(ctx, year))
    issues = [i for i in issues if i.found <= ctx.until]
    rng = ctx.rng(SOURCE, "numbers")
    tie = rng.random(len(issues))
    order = sorted(range(len(issues)), key=lambda i: (issues[i].source, issues[i].found, tie[i]))
    seq: dict[tuple[str, int], int] = {}
    for i in order:
        it = issues[i]
        k = (it.source, it.found.year)
        seq[k] = seq.get(k, 0) + 1
        it.no = f"{PREFIX[it.source]}{it.found.year}-{seq[k]:04d}"
    return issues


# ---------------------------------------------------------------- ledgers


def _export_moment(ctx: Ctx, year: int) -> datetime:
    return min(datetime(year + 1, 1, 15, 9, 0), ctx.t_end)


def _ledgers(ctx: Ctx, issues: list[Issue], sources: tuple[str, ...]) -> list[tuple[int, datetime, list[Issue],
                                                                                  list[Issue]]]:
    """Per year: (year, export moment, issues found that year, issues carried over from earlier years)."""
    mine = [i for i in issues if i.source in sources]
    out = []
    open_before: list[Issue] = []
    for year in ctx.years:
        when = _export_moment(ctx, year)
        current = sorted((i for i in mine if i.found.year == year), key=lambda i: (i.found, i.no))
        carry = sorted(open_before, key=lambda i: (i.found, i.no))
        if current or carry:
            out.append((year, when, current, carry))
        open_before = [i for i in carry + current if i.state(when.date())[0] != "已整改"]
    return out


def _cells(it: Issue, on: date) -> list:
    status, rect, recheck = it.state(on)
    return [it.no, it.source, it.batch, it.town, it.road, it.category, it.found, it.due, rect, status, recheck,
            it.reported]


def _text_rows(rng: np.random.Generator, rows: list[list], rate: float) -> list[list[str]]:
    styles = ("cn", "dot", "slash", "compact", "with_time")
    out = []
    for r in rows:
        t = []
        for j, v in enumerate(r):
            if v is None:
                t.append("")
            elif isinstance(v, date):
                t.append(q.fmt_date_one(v, str(pick(rng, list(styles))) if rng.random() < rate else "iso"))
            elif j == 3 and rng.random() < rate / 2:
                t.append(str(v) + q.IDEO_SPACE)
            else:
                t.append(str(v))
        out.append(t)
    return out


def _csv(ctx: Ctx, path: str, rows: list[list], encoding: str, rate: float, rng: np.random.Generator) -> None:
    text = _text_rows(rng, rows, rate)
    cols = [[r[j] for r in text] for j in range(len(HEADER))]
    p = ctx.path(path)
    ctx.emit(p, SOURCE, write_csv(p, HEADER, cols, encoding, "\r\n" if encoding == "gb18030" else "\n"))


def _city_notified(ctx: Ctx, year: int, when: datetime, current: list[Issue], carry: list[Issue]) -> None:
    header = [("整改情况", h) if h in ("整改期限", "整改完成日期", "状态") else h for h in HEADER]
    sheets = []
    if carry:
        sheets.append(Sheet("上年结转", header, [_cells(i, when.date()) for i in carry],
                            titles=[f"{year - 1}年度结转问题整改情况"]))
    for qtr, name in enumerate(("第一季度", "第二季度", "第三季度", "第四季度"), start=1):
        rows = [_cells(i, when.date()) for i in current if (i.found.month - 1) // 3 + 1 == qtr]
        if rows:
            sheets.append(Sheet(name, header, rows, titles=[f"{year}年市精致办通报问题整改台账（{name}）",
                                                            f"导出时间：{when:%Y-%m-%d %H:%M}"]))
    p = ctx.path(SOURCE, str(year), f"市精致办通报问题整改台账{year}.xlsx")
    ctx.emit(p, SOURCE, write_xlsx(p, sheets, when))


def _town_self(ctx: Ctx, year: int, when: datetime, current: list[Issue], carry: list[Issue]) -> None:
    rows: list[list | None] = []
    k = 0
    for town in ctx.vocab.towns:
        mine = [i for i in carry + current if i.town == town.name]
        if not mine:
            continue
        for it in mine:
            k += 1
            rows.append([k, *_cells(it, when.date())])
        done = sum(1 for it in mine if it.state(when.date())[0] == "已整改")
        rows.append(["小计", "", "", "", town.name, f"{len(mine)}处", "", "", "", "", f"已整改{done}处", "", ""])
    rows.append(None)
    total = len(carry) + len(current)
    rows.append(["合计", "", "", "", "", f"{total}处", "", "", "", "", "", "", ""])
    sheet = Sheet("镇街自查", ["序号", *HEADER], rows, titles=[f"环翠区{year}年镇街自查不精致问题整改台账"],
                  footer=[signature("鞠海燕", "宫立新", when.date())])
    p = ctx.path(SOURCE, str(year), f"镇街自查问题台账{year}.xlsx")
    write_xlsx(p, [sheet], when)
    ctx.emit(p, SOURCE, total)


def _simple_xlsx(ctx: Ctx, name: str, year: int, when: datetime, sources: tuple[str, ...],
                 current: list[Issue], carry: list[Issue]) -> None:
    """One sheet per channel: the year's issues, then those carried over."""
    sheets = []
    for source in sources:
        rows = [_cells(i, when.date()) for i in current + carry if i.source == source]
        if rows:
            sheets.append(Sheet(source, HEADER, rows, titles=[f"{year}年{source}问题清单"]))
    if sheets:
        p = ctx.path(SOURCE, str(year), f"{name}{year}.xlsx")
        ctx.emit(p, SOURCE, write_xlsx(p, sheets, when))


def write(ctx: Ctx) -> None:
    """Write every channel's ledger for every year."""
    issues = build_issues(ctx)

    def csv_layout(name: str, encoding: str, rate: float) -> Callable:
        def f(year: int, when: datetime, current: list[Issue], carry: list[Issue]) -> None:
            rng = ctx.rng(SOURCE, name, "render", year)
            rows = [_cells(i, when.date()) for i in carry + current]
            _csv(ctx, f"{SOURCE}/{year}/{name}{year}.csv", rows, encoding, rate, rng)
        return f

    def workbook(name: str, sources: tuple[str, ...]) -> Callable:
        def f(year: int, when: datetime, current: list[Issue], carry: list[Issue]) -> None:
            _simple_xlsx(ctx, name, year, when, sources, current, carry)
        return f

    specials = ("铁路沿线", "环山路", "市级视频", "拆围建绿")
    layouts: list[tuple[tuple[str, ...], Callable]] = [
        (("市精致办通报",), lambda y, w, c, k: _city_notified(ctx, y, w, c, k)),
        (("区级督导",), csv_layout("区级督导问题台账", "gb18030", 0.04)),
        (("现场督导",), csv_layout("现场督导问题台账", "gb18030", 0.0)),
        (("早夜市联合检查",), csv_layout("早夜市联合检查问题清单", "utf-8-sig", 0.02)),
        (("镇街自查",), lambda y, w, c, k: _town_self(ctx, y, w, c, k)),
        (("市级第一期",), workbook("市级第一期不精致问题清单", ("市级第一期",))),
        (("市级航拍",), workbook("市级航拍问题清单", ("市级航拍",))),
        (specials, workbook("市级专项反馈问题清单", specials)),
    ]
    for sources, layout in layouts:
        for year, when, current, carry in _ledgers(ctx, issues, sources):
            layout(year, when, current, carry)
