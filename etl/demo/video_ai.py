"""``video_ai_events``: the smart city-management video AI platform (pilot from mid-2022).

150 channels come online between June and December 2022 (each is first seen at its activation), about
1,000 more during 2023 and a few hundred later. Core blocks (环翠楼/鲸园/竹岛) mostly meet the 5-minute
rule (found, on site, handled each within 5 minutes) from 2023. Monthly UTF-8 CSV exports."""

from __future__ import annotations

from datetime import date

import numpy as np

from etl.demo import quirks as q
from etl.demo.common import seq_within, ymd_compact, zero_pad
from etl.demo.context import Ctx
from etl.demo.plan import VIDEO_CHANNELS_2022
from etl.demo.timeline import month_end, month_start, monthly_export_moment, months, to_dt64
from etl.demo.writers import write_csv

SOURCE = "video_ai_events"
HEADER = ["事件编号", "通道编号", "识别时间", "事件类型", "镇街", "到场时间", "处置完成时间"]
#: channels brought online per year and the window in which they come online
WAVES = {2022: (VIDEO_CHANNELS_2022, date(2022, 6, 20), date(2022, 12, 20)),
         2023: (880, date(2023, 1, 9), date(2023, 12, 15)),
         2024: (170, date(2024, 2, 1), date(2024, 11, 30)),
         2025: (90, date(2025, 3, 1), date(2025, 10, 31)),
         2026: (40, date(2026, 3, 1), date(2026, 9, 30))}
EVENTS_PER_CHANNEL_DAY = 0.025
PILOT = date(2022, 6, 20)


def channels(ctx: Ctx) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(channel id, town index, activation moment) of every channel, in activation order."""
    rng = ctx.rng(SOURCE, "channels")
    towns = ctx.vocab.towns
    tw = np.array([5.0 if t.density == "core" else 1.2 if t.density == "mid" else 0.6 for t in towns])
    ids, town, act = [], [], []
    k = 0
    for _year, (n, first, last) in sorted(WAVES.items()):
        span = (last - first).days
        days = np.sort(rng.integers(0, span + 1, n))
        secs = rng.integers(9 * 3600, 17 * 3600, n)
        moments = np.datetime64(first, "s") + (days * 86400 + secs).astype("timedelta64[s]")
        for i in range(n):
            k += 1
            ids.append(f"3710020000132{k:07d}")
            town.append(int(rng.choice(len(towns), p=tw / tw.sum())))
            act.append(moments[i])
    return np.array(ids, dtype=object), np.array(town), np.array(act, dtype="datetime64[s]")


def write(ctx: Ctx) -> None:
    """Monthly exports from the pilot's start to ``until``."""
    ids, town, act = channels(ctx)
    towns = ctx.vocab.towns
    names = np.array([t.name for t in towns], dtype=object)
    core = np.array([t.density == "core" for t in towns])
    kinds = np.array(ctx.vocab["video_ai_events"], dtype=object)
    t_end = to_dt64(ctx.t_end)
    for y, m in months(PILOT, ctx.until):
        rng = ctx.rng(SOURCE, y, m)
        when = to_dt64(monthly_export_moment(y, m, ctx.t_end))
        m0 = np.datetime64(month_start(y, m), "s")
        m1 = np.datetime64(month_end(y, m), "s") + np.timedelta64(86_399, "s")
        live = act <= m1
        start = np.maximum(act[live], m0)
        days = (m1 - start).astype(np.int64) / 86_400
        n_ch = rng.poisson(days * EVENTS_PER_CHANNEL_DAY * ctx.scale)
        ch = np.repeat(np.flatnonzero(live), n_ch)
        lo = np.repeat(start, n_ch)
        span = (m1 - lo).astype(np.int64)
        ts = lo + (rng.random(len(ch)) * span).astype(np.int64).astype("timedelta64[s]")
        # daytime only: fold night detections into 07:00-22:00
        day = ts.astype("datetime64[D]")
        sod = (ts - day).astype(np.int64)
        sod = np.where((sod < 7 * 3600) | (sod > 22 * 3600), rng.integers(7 * 3600, 22 * 3600, len(ts)), sod)
        ts = np.maximum(day + sod.astype("timedelta64[s]"), lo)
        # every channel is first seen at its activation
        first = (act >= m0) & (act <= m1)
        ch = np.concatenate([np.flatnonzero(first), ch])
        ts = np.concatenate([act[first], ts])
        order = np.lexsort((ch, ts))
        ch, ts = ch[order], ts[order]
        n = len(ch)
        is_core = core[town[ch]] & (y >= 2023)
        fast = is_core & (rng.random(n) < 0.9)
        arrive = np.where(fast, rng.integers(40, 290, n), rng.integers(180, 1800, n))
        handle = np.where(fast & (rng.random(n) < 0.95), rng.integers(30, 290, n), rng.integers(120, 2400, n))
        t_arr = ts + arrive.astype("timedelta64[s]")
        t_done = t_arr + handle.astype("timedelta64[s]")
        no_show = rng.random(n) < 0.03
        nat = np.datetime64("NaT", "s")
        t_arr = np.where(no_show | (t_arr > when), nat, t_arr)
        t_done = np.where(no_show | (t_done > when), nat, t_done)
        keep = ts <= t_end
        ch, ts, t_arr, t_done = ch[keep], ts[keep], t_arr[keep], t_done[keep]
        n = len(ch)
        if n == 0:
            continue
        dayi = ts.astype("datetime64[D]")
        key = "AI" + ymd_compact(dayi) + zero_pad(seq_within(dayi.astype(np.int64)), 6)
        cols = [key, ids[ch], q.fmt_datetimes(ts), kinds[rng.integers(0, len(kinds), n)], names[town[ch]],
                q.fmt_datetimes(t_arr), q.fmt_datetimes(t_done)]
        p = ctx.path(SOURCE, str(y), f"视频AI事件_{y}{m:02d}.csv")
        ctx.emit(p, SOURCE, write_csv(p, HEADER, cols, "utf-8", "\n"))
