"""``illegal_construction``: the 违法建设台账, exported whole at every quarter end (and as of ``until``).

Each snapshot lists every record found so far with its status on that date (待处置 → 限拆阶段 → 已拆除, or
已整改 for 补办手续/限期整改/没收). Stock (存量) shrinks year by year; new cases (新增) are driven to zero from
2023. The 2022 demolitions reproduce the report exactly (91 stock / 28,494 ㎡, 5 new / 90 ㎡, 50 in the
campaign / 17,281 ㎡).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache

import numpy as np

from etl.demo import quirks as q
from etl.demo.common import company, masked_person, pick
from etl.demo.context import Ctx
from etl.demo.plan import (
    CAMPAIGN_2022,
    CAMPAIGN_NAME,
    NEW_2022,
    NEW_FOUND,
    STOCK_2022,
    STOCK_DEMOLISHED,
    STOCK_INITIAL,
)
from etl.demo.timeline import random_parts
from etl.demo.writers import MAX_WORKBOOK_ROWS, Fmt, Serial, Sheet, signature, write_csv, write_xls, write_xlsx

SOURCE = "illegal_construction"
HEADER = ["违建编号", "镇街", "社区/村居", "地址", "当事人", "违建类型", "结构", "用途", "违建面积(㎡)", "发现日期",
          "案件来源", "专项行动", "处置方式", "拆除日期", "拆除面积(㎡)", "状态"]
SEASON = np.array([0.3, 0.5, 1.4, 1.7, 1.5, 0.9, 0.6, 0.6, 1.3, 1.6, 1.3, 0.5])


@dataclass
class Record:
    """One ledger entry and its history."""

    no: str
    town: str
    place: str
    address: str
    party: str
    kind: str  # 存量 / 新增 (written as 新建 in some snapshots)
    structure: str
    usage: str
    area: float
    found: date
    found_by: str
    campaign: str | None = None
    disposal: str | None = None
    demolished: date | None = None
    demolished_area: float | None = None  # None: the ledger leaves 拆除面积 empty (违建面积 counts)
    order_on: date | None = None  # 限拆阶段 from this date
    resolved: date | None = None  # 已整改 from this date (no demolition)

    def status(self, on: date) -> str:
        if self.demolished and self.demolished <= on:
            return "已拆除"
        if self.resolved and self.resolved <= on:
            return "已整改"
        if self.order_on and self.order_on <= on:
            return "限拆阶段"
        return "待处置"


@cache
def _season_weights(first: date, last: date) -> tuple[np.ndarray, np.ndarray]:
    days = np.arange(first.toordinal(), last.toordinal() + 1)
    w = SEASON[[date.fromordinal(int(d)).month - 1 for d in days]]
    return days, np.cumsum(w / w.sum())


def _season_day(rng: np.random.Generator, first: date, last: date) -> date:
    days, cdf = _season_weights(first, last)
    return date.fromordinal(int(days[min(int(np.searchsorted(cdf, rng.random())), len(days) - 1)]))


def _new_record(ctx: Ctx, rng: np.random.Generator, no: str, kind: str, found: date, area: float) -> Record:
    towns = ctx.vocab.towns
    w = np.array([1.0 if t.density == "core" else 1.6 if t.density == "mid" else 2.4 for t in towns])
    town = towns[int(rng.choice(len(towns), p=w / w.sum()))]
    place = pick(rng, list(town.communities) + list(town.villages))
    road = pick(rng, list(town.roads))
    ic = ctx.vocab["illegal_construction"]
    party = company(rng, ctx) if rng.random() < 0.2 else masked_person(rng, ctx)
    return Record(no, town.name, place, f"{place}{road}{int(rng.integers(1, 200))}号", party, kind,
                  pick(rng, ic["structures"]), pick(rng, ic["uses"]), area, found,
                  pick(rng, ic["sources"], p=[5, 2, 2, 1]))


def _areas(rng: np.random.Generator, n: int) -> list[float]:
    return [float(a) for a in np.clip(rng.lognormal(np.log(220), 0.8, n), 12, 4200).round()]


def _set_demolished(rng: np.random.Generator, r: Record, on: date, counted: float) -> None:
    """Demolish ``r`` on ``on`` so that the report counts ``counted`` ㎡ for it."""
    u = rng.random()
    r.demolished = on
    r.disposal = "拆除"
    r.order_on = date.fromordinal(max(r.found.toordinal() + 1, on.toordinal() - int(rng.integers(15, 90))))
    if u < 0.3:
        r.area, r.demolished_area = counted, None
    elif u < 0.88:
        r.area, r.demolished_area = counted, counted
    else:  # partly demolished: the rest is legalised
        r.area, r.demolished_area = counted + float(rng.integers(5, 80)), counted


def build_ledger(ctx: Ctx) -> list[Record]:
    """Every ledger record from 2021 on, with its full history (independent of ``until``/``scale``)."""
    rng = ctx.rng(SOURCE, "ledger")
    records: list[Record] = []
    seq: dict[int, int] = {}

    def number(year: int) -> str:
        seq[year] = seq.get(year, 0) + 1
        return f"HCWJ{year}-{seq[year]:04d}"

    # the 2021 survey (摸排) lists the stock; a few more are found every year from satellite and aerial photos
    stock = [_new_record(ctx, rng, number(2021), "存量", _season_day(rng, date(2021, 1, 6), date(2021, 4, 30)), a)
             for a in _areas(rng, STOCK_INITIAL)]
    for year in range(2021, 2027):
        for a in _areas(rng, int(rng.integers(10, 18))):
            stock.append(_new_record(ctx, rng, number(year), "存量",
                                     _season_day(rng, date(year, 5, 1), date(year, 11, 30)), a))
    stock.sort(key=lambda r: (r.found, r.no))
    records.extend(stock)
    open_stock = list(stock)

    def take(n: int, before: date) -> list[Record]:
        pool = [r for r in open_stock if r.found <= before]
        idx = sorted(rng.choice(len(pool), size=min(n, len(pool)), replace=False).tolist())
        chosen = [pool[i] for i in idx]
        for r in chosen:
            open_stock.remove(r)
        return chosen

    for year in range(2021, 2027):
        if year == 2022:
            n_stock, area_stock = STOCK_2022
            n_camp, area_camp = CAMPAIGN_2022
            camp = take(n_camp, date(2022, 3, 1))
            rest = take(n_stock - n_camp, date(2022, 1, 1))
            camp_areas = random_parts(rng, area_camp, n_camp, low=40, concentration=1.5).astype(float)
            rest_areas = random_parts(rng, area_stock - area_camp, n_stock - n_camp, low=25,
                                      concentration=1.5).astype(float)
            # four half-square-metre areas that still sum exactly
            rest_areas[:4] += np.array([0.5, -0.5, 0.5, -0.5])
            for r, a in zip(camp, camp_areas, strict=True):
                r.campaign = CAMPAIGN_NAME
                _set_demolished(rng, r, _season_day(rng, date(2022, 4, 1), date(2022, 10, 31)), float(a))
            for r, a in zip(rest, rest_areas, strict=True):
                _set_demolished(rng, r, _season_day(rng, date(2022, 1, 10), date(2022, 12, 28)), float(a))
        else:
            last = date(year, 12, 28) if year < 2026 else date(2026, 12, 20)
            chosen = take(STOCK_DEMOLISHED[year], date(year, 1, 1) if year > 2021 else date(2021, 5, 1))
            n_camp = 38 if year == 2023 else 0
            for i, r in enumerate(chosen):
                if i < n_camp:
                    r.campaign = CAMPAIGN_NAME
                    day = _season_day(rng, date(year, 4, 1), date(year, 10, 31))
                else:
                    day = _season_day(rng, date(year, 1, 10) if year > 2021 else date(2021, 5, 10), last)
                _set_demolished(rng, r, max(day, r.found + timedelta(days=20)), r.area)
        # stock legalised or confiscated instead of demolished
        for r in take(int(rng.integers(6, 12)), date(year, 3, 1)):
            r.disposal = pick(rng, ["补办手续", "限期整改", "没收"], p=[5, 4, 1])
            r.resolved = _season_day(rng, date(year, 3, 1), date(year, 12, 20))
            if r.disposal == "限期整改":
                r.order_on = date.fromordinal(r.resolved.toordinal() - int(rng.integers(20, 60)))
    # new illegal construction: found and demolished within weeks; none left open past its year
    for year in range(2021, 2027):
        if year == 2022:
            n, total = NEW_2022
            areas = random_parts(rng, total, n, low=8, concentration=3.0).astype(float).tolist()
        else:
            n = NEW_FOUND[year]
            areas = [float(a) for a in np.clip(rng.lognormal(np.log(20), 0.5, n), 6, 80).round()]
        for a in areas:
            found = _season_day(rng, date(year, 2, 20), date(year, 10, 31))
            r = _new_record(ctx, rng, number(year), "新增", found, a)
            r.found_by = pick(rng, ["巡查", "举报"])
            _set_demolished(rng, r, found + timedelta(days=int(rng.integers(8, 50))), a)
            records.append(r)
    records.sort(key=lambda r: (r.found, r.no))
    return records


def snapshot_dates(ctx: Ctx) -> list[tuple[date, datetime]]:
    """(as-of date, export moment) of every ledger snapshot up to ``until``."""
    out: list[tuple[date, datetime]] = []
    for year in ctx.years:
        for month in (3, 6, 9, 12):
            as_of = date(year, month, 30 if month in (6, 9) else 31)
            when = datetime.combine(as_of + timedelta(days=5), datetime.min.time()).replace(hour=9)
            if when <= ctx.t_end:
                out.append((as_of, when))
    if not out or out[-1][0] < ctx.until:
        out.append((ctx.until, ctx.t_end))
    return out


def _area_text(rng: np.random.Generator, v: float, quirky: bool) -> str:
    if quirky and v >= 1000 and float(v).is_integer() and q.wan_exact(v) and rng.random() < 0.5:
        return q.wan(v) + "万㎡"
    if quirky and v >= 1000 and rng.random() < 0.5:
        return q.fmt_number_one(v, "comma" if rng.random() < 0.7 else "fw_comma")
    return q.num_text(v)


def write(ctx: Ctx) -> None:
    """Write every snapshot; formats rotate between XLSX, GB18030 CSV, one XLS and UTF-8 CSV."""
    ledger = build_ledger(ctx)
    snaps = snapshot_dates(ctx)
    for k, (as_of, when) in enumerate(snaps):
        rows_src = [r for r in ledger if r.found <= as_of]
        if not rows_src:
            continue
        rng = ctx.rng(SOURCE, "render", as_of.toordinal())
        final = k == len(snaps) - 1 and as_of == ctx.until
        quarter = (as_of.month - 1) // 3 + 1
        name = f"违法建设台账_截至{as_of:%Y%m%d}"
        folder = f"illegal_construction/{as_of.year}"
        if (as_of.year, quarter) == (2021, 2):
            fmt = "xls"
        elif final:
            fmt = "csv-utf8"
        elif quarter == 1 and len(rows_src) <= MAX_WORKBOOK_ROWS:
            fmt = "xlsx"
        elif quarter == 3:
            fmt = "csv-utf8"
        else:
            fmt = "csv"
        new_word = "新建" if as_of.year == 2023 else "新增"
        data = []
        for r in rows_src:
            status = r.status(as_of)
            gone = status == "已拆除"
            data.append({
                "违建编号": r.no, "镇街": r.town, "社区/村居": r.place, "地址": r.address, "当事人": r.party,
                "违建类型": new_word if r.kind == "新增" else r.kind, "结构": r.structure, "用途": r.usage,
                "违建面积(㎡)": r.area, "发现日期": r.found, "案件来源": r.found_by, "专项行动": r.campaign or "",
                "处置方式": (r.disposal or "") if status != "待处置" else "",
                "拆除日期": r.demolished if gone else None,
                "拆除面积(㎡)": r.demolished_area if gone else None, "状态": status,
            })
        if fmt in ("xlsx", "xls"):
            rows: list[list | None] = []
            date_style = k % 3
            for i, d in enumerate(data):
                row: list = [i + 1]
                for h in HEADER:
                    v = d[h]
                    if h in ("发现日期", "拆除日期") and v is not None:
                        if date_style == 0:
                            v = Fmt(v, 'yyyy"年"m"月"d"日"')
                        elif date_style == 1 and rng.random() < 0.05:
                            v = Serial.of(v)
                        elif date_style == 2:
                            v = q.fmt_date_one(v, "dot" if rng.random() < 0.5 else "iso")
                    row.append(v)
                rows.append(row)
            gone = [d for d in data if d["状态"] == "已拆除"]
            rows.append(None)
            total: list = ["合计", *[""] * len(HEADER)]
            total[1 + HEADER.index("地址")] = f"共{len(data)}处，已拆除{len(gone)}处"
            total[1 + HEADER.index("违建面积(㎡)")] = sum(d["违建面积(㎡)"] for d in data)
            total[1 + HEADER.index("拆除面积(㎡)")] = sum((d["拆除面积(㎡)"] or d["违建面积(㎡)"]) for d in gone)
            rows.append(total)
            sheet = Sheet("违建台账", ["序号", *HEADER], rows,
                          titles=[f"环翠区违法建设台账（截至{as_of.year}年{as_of.month}月{as_of.day}日）", "单位：㎡"],
                          footer=[signature("隋晓东", "丛振华", when.date())])
            p = ctx.path(folder, f"{name}.{fmt}")
            n = write_xls(p, [sheet]) if fmt == "xls" else write_xlsx(p, [sheet], when)
            ctx.emit(p, SOURCE, n - 1)
            continue
        cols = []
        for h in HEADER:
            vals = [d[h] for d in data]
            if h in ("违建面积(㎡)", "拆除面积(㎡)"):
                cols.append([("" if v is None else _area_text(rng, v, fmt == "csv")) for v in vals])
            elif h in ("发现日期", "拆除日期"):
                arr = np.array([np.datetime64(v, "D") if v else np.datetime64("NaT") for v in vals])
                cols.append(q.mixed_dates(rng, arr, "iso", 0.08 if fmt == "csv" else 0.0).tolist())
            else:
                cols.append([str(v) for v in vals])
        enc = "gb18030" if fmt == "csv" else "utf-8-sig"
        p = ctx.path(folder, f"{name}.csv")
        ctx.emit(p, SOURCE, write_csv(p, HEADER, cols, enc, "\r\n" if fmt == "csv" else "\n"))
