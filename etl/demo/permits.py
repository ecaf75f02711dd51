"""``permits`` (临时占道与门头招牌许可, quarterly exports of the government service platform) and
``service_log`` (咨询与热线答复, quarterly; 2022 as a workbook with a sheet per quarter)."""

from __future__ import annotations

from datetime import date, datetime

import numpy as np

from etl.demo import quirks as q
from etl.demo.common import pick, seq_within, working_time_after, year_factor, ymd_compact, zero_pad
from etl.demo.context import Ctx
from etl.demo.plan import PERMITS_2022, SERVICE_2022
from etl.demo.timeline import sample_days, sample_moments, to_dt64
from etl.demo.writers import MAX_WORKBOOK_ROWS, Sheet, write_csv, write_xlsx

PERMITS = "permits"
SERVICE = "service_log"
P_HEADER = ["许可编号", "受理日期", "事项", "镇街", "地点", "起止日期", "现场勘验", "外文标识"]
S_HEADER = ["工单编号", "受理时间", "渠道", "类型", "镇街", "诉求内容", "办结时间", "是否按期", "满意度"]
QUARTER_END = {1: (3, 31), 2: (6, 30), 3: (9, 30), 4: (12, 31)}


def _quarters(ctx: Ctx) -> list[tuple[int, int, date, date, datetime]]:
    out = []
    for year in ctx.years:
        for qtr in range(1, 5):
            first = date(year, 3 * qtr - 2, 1)
            if first > ctx.until:
                continue
            m, d = QUARTER_END[qtr]
            last = min(date(year, m, d), ctx.until)
            when = min(datetime(year + (qtr == 4), (3 * qtr) % 12 + 1, 5, 9, 0), ctx.t_end)
            out.append((year, qtr, first, last, when))
    return out


def _counts(ctx: Ctx, source: str, year: int, qtr: int, plan: dict[str, int], base: dict[str, float],
            q_weights: tuple[float, ...]) -> dict[str, int]:
    rng = ctx.rng(source, "count", year, qtr)
    w = np.array(q_weights)
    if year == 2022:
        from etl.demo.timeline import allocate

        return {k: int(allocate(v, w)[qtr - 1]) for k, v in plan.items()}
    f = year_factor(ctx, source, year, 0.08)
    return {k: int(rng.poisson(v * f * w[qtr - 1] / w.sum() * ctx.scale)) for k, v in base.items()}


def write_permits(ctx: Ctx) -> None:
    """Quarterly permit exports (GB18030 until 2022, then UTF-8 with BOM)."""
    towns = ctx.vocab.towns
    tw = np.array([3.0 if t.density == "core" else 1.2 if t.density == "mid" else 0.6 for t in towns])
    names = np.array([t.name for t in towns], dtype=object)
    roads = np.array([r for t in towns for r in t.roads], dtype=object)
    road_off = np.cumsum([0] + [len(t.roads) for t in towns])[:-1]
    road_n = np.array([len(t.roads) for t in towns])
    base = {"临时占道": 730.0, "门头招牌外文": 330.0, "门头招牌无": 520.0}
    for year, qtr, _first, _last, _when in _quarters(ctx):
        counts = _counts(ctx, PERMITS, year, qtr, PERMITS_2022, base, (0.8, 1.2, 1.2, 0.8))
        rng = ctx.rng(PERMITS, year, qtr)
        n_occ, n_for, n_none = counts["临时占道"], counts["门头招牌外文"], counts["门头招牌无"]
        n = n_occ + n_for + n_none
        q_first = date(year, 3 * qtr - 2, 1)
        q_last = date(year, *QUARTER_END[qtr])
        days = sample_days(rng, n, q_first, q_last, np.ones(12), weekend=0.05)
        matter = np.array(["临时占道"] * n_occ + ["门头招牌"] * (n_for + n_none), dtype=object)
        script = np.array([""] * n_occ + [str(s) for s in pick(rng, ["英文", "韩文", "英韩"], n_for, p=[5, 2, 3])]
                          + ["无"] * n_none, dtype=object)
        keep = days <= np.datetime64(ctx.until, "D")
        order = np.lexsort((rng.random(n), days))
        order = order[keep[order]]
        days, matter, script = days[order], matter[order], script[order]
        n = len(days)
        if n == 0:
            continue
        town = rng.choice(len(towns), size=n, p=tw / tw.sum())
        road = roads[road_off[town] + (rng.random(n) * road_n[town]).astype(np.int64)]
        place = road + rng.integers(1, 300, n).astype(str).astype(object) + "号"
        occ = matter == "临时占道"
        start = days + rng.integers(1, 10, n).astype("timedelta64[D]")
        end = start + rng.integers(1, 15, n).astype("timedelta64[D]")
        period = np.where(occ, q.fmt_dates(start) + "至" + q.fmt_dates(end), "")
        survey = np.where(occ, np.where(rng.random(n) < 0.27, "是", "否"), np.where(rng.random(n) < 0.6, "是", "否"))
        if year != 2022:
            script = np.where(occ & (rng.random(n) < 0.3), "—", script)
        key = "3710020" + ymd_compact(days) + zero_pad(seq_within(days.astype(np.int64)), 5)
        base_style = "iso"
        accepted = q.mixed_dates(rng, days, base_style, 0.02, ("with_time", "slash", "compact"))
        cols = [key, accepted, matter, q.odd_spaces(rng, names[town], 0.01), place, period, survey, script]
        enc = "gb18030" if year <= 2022 else "utf-8-sig"
        p = ctx.path(PERMITS, str(year), f"许可办件导出_{year}Q{qtr}.csv")
        ctx.emit(p, PERMITS, write_csv(p, P_HEADER, cols, enc))


def write_service(ctx: Ctx) -> None:
    """Quarterly service-desk and hotline logs; 2022 in one workbook with a sheet per quarter."""
    towns = ctx.vocab.towns
    names = np.array([t.name for t in towns], dtype=object)
    sv = ctx.vocab["service"]
    topics = np.array(sv["topics"], dtype=object)
    deeds = np.array(sv["good_deeds"], dtype=object)
    channels = np.array(sv["channels"], dtype=object)
    base = {k: float(v) for k, v in SERVICE_2022.items()}
    sheets_2022: list[Sheet] = []
    workbook_moment = ctx.t_end
    t_end = to_dt64(ctx.t_end)
    for year, qtr, _first, _last, when in _quarters(ctx):
        counts = _counts(ctx, SERVICE, year, qtr, SERVICE_2022, base, (0.9, 1.1, 1.1, 0.9))
        rng = ctx.rng(SERVICE, year, qtr)
        kinds = np.concatenate([np.full(v, k, dtype=object) for k, v in counts.items()]) if counts else \
            np.zeros(0, dtype=object)
        n = len(kinds)
        ts = sample_moments(rng, n, date(year, 3 * qtr - 2, 1), date(year, *QUARTER_END[qtr]), np.ones(12), "any",
                            weekend=0.3)
        order = np.argsort(ts, kind="stable")
        ts, kinds = ts[order], kinds[order]
        keep = ts <= t_end
        ts, kinds = ts[keep], kinds[keep]
        n = len(ts)
        if n == 0:
            continue
        deed = kinds == "为民办实事"
        channel = channels[rng.choice(len(channels), size=n, p=[0.3, 0.3, 0.3, 0.1])]
        channel = np.where(deed, "现场", channel)
        town_i = rng.integers(0, len(towns), n)
        town = np.where(rng.random(n) < 0.15, "", names[town_i])
        suffix = np.where(kinds == "投诉", "问题投诉", np.where(kinds == "求助", "求助", "咨询"))
        asked = topics[rng.integers(0, len(topics), n)] + suffix
        content = np.where(deed, deeds[rng.integers(0, len(deeds), n)], asked)
        closed = working_time_after(rng, ts, 1.5, 12)
        closed = np.where(closed <= to_dt64(when), closed, np.datetime64("NaT"))
        on_time = np.where(np.isnat(closed), "", np.where(rng.random(n) < 0.97, "是", "否"))
        sat = np.where(np.isnat(closed), "", pick(rng, ["满意", "满意", "满意", "基本满意", "不满意", ""], n))
        day = ts.astype("datetime64[D]")
        key = "FW" + ymd_compact(day) + zero_pad(seq_within(day.astype(np.int64)), 5)
        cols = [key, q.mixed_datetimes(rng, ts, "iso", 0.01), channel, kinds, town, content,
                q.mixed_datetimes(rng, closed, "iso", 0.01), on_time, sat]
        if year == 2022 and n <= MAX_WORKBOOK_ROWS:
            rows = []
            for i in range(n):
                r = [c[i] for c in cols]
                r[1] = ts[i].astype("datetime64[s]").astype(datetime)
                r[6] = None if np.isnat(closed[i]) else closed[i].astype("datetime64[s]").astype(datetime)
                rows.append(r)
            sheets_2022.append(Sheet(f"{qtr}季度", S_HEADER, rows,
                                     titles=[f"{year}年第{qtr}季度群众咨询及热线答复登记表"]))
            workbook_moment = when
            continue
        enc = "gb18030" if year % 2 else "utf-8-sig"
        p = ctx.path(SERVICE, str(year), f"咨询与热线答复登记_{year}Q{qtr}.csv")
        ctx.emit(p, SERVICE, write_csv(p, S_HEADER, cols, enc))
    if sheets_2022:
        p = ctx.path(SERVICE, "咨询与热线答复登记2022.xlsx")
        ctx.emit(p, SERVICE, write_xlsx(p, sheets_2022, workbook_moment))


def write(ctx: Ctx) -> None:
    """Permits and service log."""
    write_permits(ctx)
    write_service(ctx)
