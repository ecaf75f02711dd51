"""``dcm_cases``: the digital urban management platform's monthly case exports.

Each month's file holds the cases reported that month plus earlier cases whose stage changed since
their last export (with the later stage and timestamps). Until 2022 the old platform exported GB18030
CSV with 任务号/所属街道/处置时限; from 2023 the new platform writes UTF-8 with 案件编号/街道/处置截止时间.
The bureau's 547 cases closed in 2022 (all on time, none reworked) come from :mod:`etl.demo.plan`;
``scale`` multiplies every other case.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import numpy as np
import pandas as pd

from etl.demo import quirks as q
from etl.demo.common import PAD3, fixed_decimal, seq_within, year_factor, ymd_compact, zero_pad
from etl.demo.context import FIRST_DAY, Ctx
from etl.demo.plan import DCM_BUREAU_CLOSED_2022
from etl.demo.timeline import month_end, month_start, monthly_export_moment, months, sample_days, to_dt64
from etl.demo.writers import MAX_WORKBOOK_ROWS, XLS_MAX_ROWS, Sheet, write_csv, write_xls, write_xlsx

SOURCE = "dcm_cases"
OTHER_PER_YEAR = 3600
BUREAU_PER_YEAR = 560
BUREAU = "@bureau"
TS = ("t_report", "t_file", "t_dispatch", "t_done", "t_close")
KIND_LABEL = {1: "作废", 2: "缓办", 3: "挂账"}
H = np.timedelta64(3600, "s")
MIN = np.timedelta64(60, "s")

HEADER_OLD = ["任务号", "问题来源", "问题类型", "大类名称", "小类名称", "小类编码", "问题描述", "地址描述", "所属街道",
              "所属社区", "单元网格", "上报时间", "立案时间", "派遣时间", "处置时限", "处置完成时间", "结案时间",
              "处置部门", "当前阶段名称", "返工次数", "延期次数", "X坐标", "Y坐标"]
HEADER_NEW = ["案件编号", "问题来源", "问题类型", "大类名称", "小类名称", "问题描述", "地址描述", "街道", "所属社区",
              "单元网格", "上报时间", "立案时间", "派遣时间", "处置截止时间", "处置完成时间", "结案时间", "处置部门",
              "当前阶段名称", "返工次数", "延期次数", "X坐标", "Y坐标"]
TIME_GROUP = ("上报时间", "立案时间", "派遣时间", "处置时限", "处置截止时间", "处置完成时间", "结案时间")


@dataclass(frozen=True)
class Tables:
    """Vocabulary as arrays for vectorised generation."""

    cat_weight: np.ndarray
    cat_bureau: np.ndarray
    cat_hours: np.ndarray
    cat_season: np.ndarray  # (n_cat, 12)
    cat_evening: np.ndarray
    minor: np.ndarray
    major: np.ndarray
    code_old: np.ndarray
    kind: np.ndarray
    alias: np.ndarray
    town_weight: np.ndarray
    town_name: np.ndarray
    town_code: np.ndarray
    town_lon: np.ndarray
    town_lat: np.ndarray
    town_gov: np.ndarray
    comm_off: np.ndarray
    comm_n: np.ndarray
    comm_name: np.ndarray
    road_off: np.ndarray
    road_n: np.ndarray
    road_name: np.ndarray
    dept_options: tuple[tuple[str, ...], ...]
    sources: np.ndarray
    source_w: np.ndarray  # (n_sources, 4 eras)


def _tables(ctx: Ctx) -> Tables:
    v = ctx.vocab
    cats = v.categories
    comm: list[str] = []
    comm_off, comm_n, road, road_off, road_n = [], [], [], [], []
    for t in v.towns:
        comm_off.append(len(comm))
        comm_n.append(len(t.communities))
        comm.extend(t.communities)
        road_off.append(len(road))
        road_n.append(len(t.roads))
        road.extend(t.roads)
    src = v["dcm_sources"]
    return Tables(
        cat_weight=np.array([c.weight for c in cats]),
        cat_bureau=np.array([c.bureau for c in cats]),
        cat_hours=np.array([c.hours for c in cats], dtype=np.int64),
        cat_season=np.array([v.seasons[c.season] for c in cats]),
        cat_evening=np.array([c.season == "summer_night" for c in cats]),
        minor=np.array([c.minor for c in cats], dtype=object),
        major=np.array([c.major for c in cats], dtype=object),
        code_old=np.array([f"{c.code[:2]}-{c.code[2:]}" for c in cats], dtype=object),
        kind=np.array(["部件" if c.code in ("0117", "0502", "0116") else "事件" for c in cats], dtype=object),
        alias=np.array([c.alias or c.minor for c in cats], dtype=object),
        town_weight=np.array([t.dcm_weight for t in v.towns]),
        town_name=np.array([t.name for t in v.towns], dtype=object),
        town_code=np.array([t.code for t in v.towns], dtype=object),
        town_lon=np.array([t.lon for t in v.towns]),
        town_lat=np.array([t.lat for t in v.towns]),
        town_gov=np.array([t.government for t in v.towns], dtype=object),
        comm_off=np.array(comm_off), comm_n=np.array(comm_n), comm_name=np.array(comm, dtype=object),
        road_off=np.array(road_off), road_n=np.array(road_n), road_name=np.array(road, dtype=object),
        dept_options=tuple(c.depts for c in cats),
        sources=np.array(list(src), dtype=object),
        source_w=np.array([src[k] for k in src], dtype=float),
    )


#: channel-mix eras: before the video AI pilot, 2022 H2, 2023, 2024 on
ERA_STARTS = np.array(["1900-01-01", "2022-07-01", "2023-01-01", "2024-01-01"], dtype="datetime64[D]")


def _lognormal_s(rng: np.random.Generator, n: int, median_s: float, sigma: float, lo: float, hi: float) -> np.ndarray:
    return np.clip(rng.lognormal(np.log(median_s), sigma, n), lo, hi).astype(np.int64).astype("timedelta64[s]")


def gen_cases(ctx: Ctx, rng: np.random.Generator, tb: Tables, n: int, first: date, last: date, bureau: bool,
              p_late: float, p_rework: float, p_void: float, p_hold: float) -> pd.DataFrame:
    """``n`` cases reported in ``[first, last]`` with their whole lifecycle."""
    month_idx = np.arange(12)
    # category by weight x season x (bureau share or its complement)
    share = tb.cat_bureau if bureau else 1.0 - tb.cat_bureau
    days = sample_days(rng, n, first, last, np.ones(12))
    mon = days.astype("datetime64[M]").astype(np.int64) % 12
    cat = np.empty(n, dtype=np.int64)
    for mm in np.unique(mon):
        sel = np.flatnonzero(mon == mm)
        w = tb.cat_weight * tb.cat_season[:, month_idx[mm]] * share
        cat[sel] = rng.choice(len(w), size=len(sel), p=w / w.sum())
    town = rng.choice(len(tb.town_weight), size=n, p=tb.town_weight / tb.town_weight.sum())
    comm_local = (rng.random(n) * tb.comm_n[town]).astype(np.int64)
    grid = rng.integers(1, 18, n)
    road = tb.road_off[town] + (rng.random(n) * tb.road_n[town]).astype(np.int64)
    # report time of day: evenings for night-market and barbecue categories
    secs = np.where(tb.cat_evening[cat], rng.normal(20.0, 1.5, n).clip(17.0, 23.5),
                    np.where(rng.random(n) < 0.55, rng.normal(9.8, 1.4, n), rng.normal(15.0, 1.8, n)).clip(6.5, 22.0))
    t_report = days.astype("datetime64[s]") + (secs * 3600).astype(np.int64).astype("timedelta64[s]")
    # channel by era
    era = np.searchsorted(ERA_STARTS, days, side="right") - 1
    source = np.empty(n, dtype=np.int64)
    for e in range(4):
        sel = np.flatnonzero(era == e)
        w = tb.source_w[:, e]
        source[sel] = rng.choice(len(w), size=len(sel), p=w / w.sum())
    # lifecycle
    t_file = t_report + _lognormal_s(rng, n, 1500, 0.8, 180, 6 * 3600)
    t_dispatch = t_file + _lognormal_s(rng, n, 900, 0.7, 120, 3 * 3600)
    hours = tb.cat_hours[cat]
    ext = (rng.random(n) < 0.03).astype(np.int64)
    allowed = (hours * 3600 * (1 + ext)).astype(np.int64)
    t_deadline = t_dispatch + allowed.astype("timedelta64[s]")
    frac = rng.uniform(0.12, 1.0, n)
    on_time = t_dispatch + (600 + frac * (allowed - 2400)).astype(np.int64).astype("timedelta64[s]")
    late = rng.random(n) < p_late
    t_done = np.where(late, t_deadline + rng.integers(3600, 48 * 3600, n).astype("timedelta64[s]"), on_time)
    rework = (rng.random(n) < p_rework).astype(np.int64)
    t_done = t_done + (rework * rng.integers(2 * 3600, 30 * 3600, n)).astype("timedelta64[s]")
    t_close = t_done + rng.integers(1800, 10 * 3600, n).astype("timedelta64[s]")
    u = rng.random(n)
    kind = np.where(u < p_void, 1, np.where(u < p_void + p_hold, 2, np.where(u < p_void + 2 * p_hold, 3, 0)))
    nat = np.datetime64("NaT", "s")
    t_file = np.where(kind == 1, nat, t_file)
    t_dispatch = np.where(kind == 1, nat, t_dispatch)
    t_deadline = np.where(kind == 1, nat, t_deadline)
    t_done = np.where(kind >= 1, nat, t_done)
    t_close = np.where(kind >= 1, nat, t_close)
    rework = np.where(kind >= 1, 0, rework)
    if bureau:
        dept = np.full(n, BUREAU, dtype=object)
    else:
        n_opt = np.array([len(o) for o in tb.dept_options])
        flat = np.array([d for o in tb.dept_options for d in o], dtype=object)
        off = np.cumsum(np.r_[0, n_opt])[:-1]
        dept = flat[off[cat] + (rng.random(n) * n_opt[cat]).astype(np.int64)]
        is_town = dept == "镇街"
        dept[is_town] = tb.town_gov[town[is_town]]
        prop = dept == "物业服务企业"
        words = np.array(ctx.vocab["people"]["company_words"], dtype=object)
        dept[prop] = "威海" + words[rng.integers(0, len(words), int(prop.sum()))] + "物业管理有限公司"
    return pd.DataFrame({
        "t_report": t_report, "t_file": t_file, "t_dispatch": t_dispatch, "t_deadline": t_deadline,
        "t_done": t_done, "t_close": t_close, "kind": kind, "cat": cat, "town": town,
        "comm": tb.comm_off[town] + comm_local, "comm_local": comm_local, "grid": grid, "road": road,
        "house": rng.integers(1, 300, n), "source": source, "dept": dept, "rework": rework, "ext": ext,
        "x": tb.town_lon[town] + rng.normal(0, 0.008, n), "y": tb.town_lat[town] + rng.normal(0, 0.006, n),
        "pre": rng.integers(0, 2, n), "mid": rng.integers(0, 2, n), "tpl": rng.integers(0, 3, n),
        "alias": rng.random(n) < 0.02, "near": rng.random(n) < 0.5,
    })


def _calibrated_bureau(ctx: Ctx, tb: Tables) -> pd.DataFrame:
    """The bureau's cases closed in 2022: all on time, none reworked, 3 of them reported on 2021-12-31."""
    rng = ctx.rng(SOURCE, "bureau-2022")
    n = DCM_BUREAU_CLOSED_2022
    df = gen_cases(ctx, rng, tb, n - 3, date(2022, 1, 1), date(2022, 12, 31), True, 0.0, 0.0, 0.0, 0.0)
    last_ok = np.datetime64("2022-12-31T22:00:00")
    over = (df["t_close"].to_numpy() - last_ok).astype(np.int64)
    shift = np.where(over > 0, over, 0).astype("timedelta64[s]")
    for c in ("t_report", "t_file", "t_dispatch", "t_deadline", "t_done", "t_close"):
        df[c] = df[c].to_numpy() - shift
    # three cases reported on New Year's Eve 2021, closed on 2022-01-01/02
    eve = gen_cases(ctx, rng, tb, 3, date(2021, 12, 31), date(2021, 12, 31), True, 0.0, 0.0, 0.0, 0.0)
    eve["cat"] = [0, 14, 20]  # 私搭乱建, 乱堆物堆料, 违规户外广告: 24-72 h
    base = np.datetime64("2021-12-31T19:10:00") + np.array([0, 1500, 3100]).astype("timedelta64[s]")
    eve["t_report"] = base
    eve["t_file"] = base + 20 * MIN
    eve["t_dispatch"] = base + 45 * MIN
    hours = tb.cat_hours[eve["cat"].to_numpy()]
    eve["t_deadline"] = eve["t_dispatch"].to_numpy() + (hours * 3600).astype("timedelta64[s]")
    eve["t_done"] = np.datetime64("2022-01-01T10:20:00") + np.array([0, 5400, 26000]).astype("timedelta64[s]")
    eve["t_close"] = eve["t_done"].to_numpy() + 2 * H
    eve["ext"] = 0
    out = pd.concat([eve, df], ignore_index=True)
    assert (out["t_done"] <= out["t_deadline"] - 30 * MIN).all()
    assert (out["t_close"].dt.year == 2022).all()
    return out


def _month_cases(ctx: Ctx, tb: Tables, y: int, m: int, calibrated: pd.DataFrame) -> pd.DataFrame:
    rng = ctx.rng(SOURCE, y, m)
    first, last = month_start(y, m), month_end(y, m)
    f = year_factor(ctx, SOURCE, y) * ctx.vocab.season("overall", m) / 12
    n_other = int(rng.poisson(OTHER_PER_YEAR * f * ctx.scale))
    n_bureau = int(rng.poisson(BUREAU_PER_YEAR * f * ctx.scale))
    other = gen_cases(ctx, rng, tb, n_other, first, last, False, 0.06, 0.025, 0.03, 0.004)
    bureau = gen_cases(ctx, rng, tb, n_bureau, first, last, True, 0.02, 0.01, 0.03, 0.004)
    # keep 2022's bureau figures exact: background bureau cases may not close in 2022
    closes_2022 = (bureau["kind"] == 0) & (bureau["t_close"].dt.year == 2022)
    if y in (2021, 2022):
        bureau = bureau[~closes_2022.to_numpy()]
    mine = calibrated[calibrated["t_report"].dt.to_period("M") == pd.Period(f"{y}-{m:02d}", "M")]
    df = pd.concat([other, bureau, mine], ignore_index=True)
    df = df.sort_values(["t_report"], kind="stable").reset_index(drop=True)
    day = df["t_report"].to_numpy().astype("datetime64[D]")
    seq = seq_within(day.astype(np.int64))
    prefix = ymd_compact(day)
    df["key"] = (prefix + zero_pad(seq, 5)) if y < 2023 else ("371002" + prefix + zero_pad(seq, 5))
    return df


def _state(df: pd.DataFrame, t: np.datetime64) -> np.ndarray:
    cnt = np.zeros(len(df), dtype=np.int64)
    for c in TS:
        cnt += (df[c].to_numpy() <= t).astype(np.int64)
    return cnt


@dataclass(frozen=True)
class Style:
    """How one monthly file is written."""

    new_system: bool
    fmt: str  # csv / xlsx / xls
    encoding: str
    dt_style: str
    quirk_rate: float
    wrap_stage: bool
    missing_tokens: float


def _style(y: int, m: int, rows: int) -> Style:
    new = y >= 2023
    fmt = "csv"
    if rows <= MAX_WORKBOOK_ROWS:
        if (y, m) in ((2022, 3), (2024, 7)):
            fmt = "xlsx"
        elif (y, m) == (2021, 4) and rows <= XLS_MAX_ROWS:
            fmt = "xls"
    encoding = ("utf-8-sig" if y < 2025 else "utf-8") if new else "gb18030"
    dt_style = "slash" if y == 2021 and m >= 6 else "iso"
    return Style(new, fmt, encoding, dt_style, 0.01, new, 0.15 if y == 2021 else 0.0)


def _render(ctx: Ctx, tb: Tables, df: pd.DataFrame, cnt: np.ndarray, st: Style,
            rng: np.random.Generator) -> tuple[list[str], list[np.ndarray]]:
    n = len(df)
    cat = df["cat"].to_numpy()
    town = df["town"].to_numpy()
    kind = df["kind"].to_numpy()
    cols: dict[str, np.ndarray] = {}
    cols["key"] = df["key"].to_numpy().astype(object)
    cols["问题来源"] = tb.sources[df["source"].to_numpy()]
    cols["问题类型"] = tb.kind[cat]
    cols["大类名称"] = tb.major[cat]
    minor = np.where(df["alias"].to_numpy(), tb.alias[cat], tb.minor[cat])
    cols["小类名称"] = minor
    cols["小类编码"] = tb.code_old[cat]
    addr = tb.road_name[df["road"].to_numpy()] + df["house"].to_numpy().astype(str).astype(object) + "号"
    addr = np.where(df["near"].to_numpy(), addr + "附近", addr)
    tpl = df["tpl"].to_numpy()
    desc = np.where(tpl == 0, addr + "存在" + minor + "问题",
                    np.where(tpl == 1, addr + "发现" + minor + "，请及时处置", "群众反映" + addr + minor))
    cols["问题描述"] = q.fullwidth_some(rng, q.odd_spaces(rng, desc, st.quirk_rate, interior=True), st.quirk_rate)
    cols["地址描述"] = q.odd_spaces(rng, addr, st.quirk_rate, interior=True)
    towns = tb.town_name[town]
    aliases = {t.name: t.aliases for t in ctx.vocab.towns}
    towns = q.aliases_some(rng, towns, 0.03, aliases)
    cols["街道"] = q.odd_spaces(rng, towns, st.quirk_rate / 2)
    cols["所属社区"] = tb.comm_name[df["comm"].to_numpy()]
    cols["单元网格"] = tb.town_code[town] + PAD3[df["comm_local"].to_numpy() + 1] + PAD3[df["grid"].to_numpy()]
    names = ("上报时间", "立案时间", "派遣时间", "处置截止时间", "处置完成时间", "结案时间")
    srcs = ("t_report", "t_file", "t_dispatch", "t_deadline", "t_done", "t_close")
    visible_at = (1, 2, 3, 3, 4, 5)
    nat = np.datetime64("NaT", "s")
    for name, src, need in zip(names, srcs, visible_at, strict=True):
        t = np.where(cnt >= need, df[src].to_numpy(), nat)
        cols[name] = t  # rendered later (xlsx keeps datetimes)
    bureau_alias = ctx.vocab.bureau_aliases_new if st.new_system else ctx.vocab.bureau_aliases_old
    dept = df["dept"].to_numpy().astype(object).copy()
    is_b = dept == BUREAU
    main_alias = bureau_alias[0]
    dept[is_b] = main_alias
    sw = np.flatnonzero(is_b & (rng.random(n) < 0.15))
    dept[sw] = np.array(bureau_alias, dtype=object)[rng.integers(0, len(bureau_alias), len(sw))]
    cols["处置部门"] = dept
    stage = np.array(["上报", "上报", "立案", "派遣", "核查", "结案"], dtype=object)[np.clip(cnt, 0, 5)]
    pre = df["pre"].to_numpy() == 1
    stage = np.where((cnt == 1) & pre, "受理", stage)
    stage = np.where((cnt == 3) & (df["mid"].to_numpy() == 1), "处置", stage)
    for k, label in KIND_LABEL.items():
        stage = np.where(kind == k, f"[{label}]" if st.wrap_stage else label, stage)
    cols["当前阶段名称"] = stage
    rework = np.where(cnt >= 4, df["rework"].to_numpy(), 0)
    ext = np.where(cnt >= 3, df["ext"].to_numpy(), 0)
    cols["返工次数"] = rework.astype(str).astype(object)
    cols["延期次数"] = ext.astype(str).astype(object)
    cols["X坐标"] = fixed_decimal(df["x"].to_numpy(), 6)
    cols["Y坐标"] = fixed_decimal(df["y"].to_numpy(), 6)
    header = HEADER_NEW if st.new_system else HEADER_OLD
    order = {"任务号": "key", "案件编号": "key", "所属街道": "街道", "处置时限": "处置截止时间"}
    return header, [cols[order.get(h, h)] for h in header]


def _as_text(rng: np.random.Generator, header: list[str], columns: list[np.ndarray], st: Style) -> list[np.ndarray]:
    out = []
    for h, col in zip(header, columns, strict=True):
        if h in TIME_GROUP:
            col = q.mixed_datetimes(rng, col, st.dt_style, st.quirk_rate)
            if st.missing_tokens:
                col = q.fill_missing(rng, col, st.missing_tokens)
        out.append(col)
    return out


def _py_dt(x: np.datetime64) -> datetime | None:
    if np.isnat(x):
        return None
    return pd.Timestamp(x).to_pydatetime()


def _write_workbook(ctx: Ctx, path: str, y: int, m: int, header: list[str], columns: list[np.ndarray],
                    st: Style, when: datetime) -> tuple[str, int]:
    n = len(columns[0])
    rows: list[list | None] = []
    time_cols = {i for i, h in enumerate(header) if h in TIME_GROUP}
    for r in range(n):
        row: list = []
        for i, col in enumerate(columns):
            v = col[r]
            if i in time_cols:
                row.append(_py_dt(v))  # real date cells (serial numbers only where dates carry no time)
            else:
                row.append(v)
        rows.append(row)
    full = f"{path}.{st.fmt}"
    p = ctx.path(full)
    if st.fmt == "xlsx" and not st.new_system:
        head: list[str | tuple[str, str]] = ["序号", *[("时间信息", h) if h in TIME_GROUP else h for h in header]]
        rows = [[str(i + 1), *r] for i, r in enumerate(rows)]
        rows.append(None)
        total = ["合计"] + [""] * len(header)
        total[1 + header.index("问题描述")] = f"共{n}件"
        rows.append(total)
        sheet = Sheet(f"{m}月", head, rows,
                      titles=[f"环翠区{y}年{m}月案件统计表", f"导出时间：{when:%Y-%m-%d %H:%M}"],
                      footer=["填表人：王静　　审核人：刘伟"])
        write_xlsx(p, [sheet], when)
    elif st.fmt == "xlsx":
        sheet = Sheet("案件列表", header, rows, titles=[f"数字城管案件导出（{y}年{m}月）",
                                                      f"导出时间：{when:%Y-%m-%d %H:%M}"])
        write_xlsx(p, [sheet], when)
    else:
        sheet = Sheet("Sheet1", header, rows)
        write_xls(p, [sheet])
    return full, n


def write(ctx: Ctx) -> None:
    """Write the monthly case exports from January 2021 to ``until``."""
    tb = _tables(ctx)
    calibrated = _calibrated_bureau(ctx, tb)
    t_end = to_dt64(ctx.t_end)
    buffer: pd.DataFrame | None = None
    for y, m in months(FIRST_DAY, ctx.until):
        when = monthly_export_moment(y, m, ctx.t_end)
        t = to_dt64(when)
        new = _month_cases(ctx, tb, y, m, calibrated)
        new = new[new["t_report"].to_numpy() <= t_end].reset_index(drop=True)
        new["last"] = 0
        pool = new if buffer is None else pd.concat([buffer, new], ignore_index=True)
        cnt = _state(pool, t)
        changed = cnt != pool["last"].to_numpy()
        out = pool[changed].reset_index(drop=True)
        out_cnt = cnt[changed]
        pool["last"] = cnt
        final = np.zeros(len(pool), dtype=np.int64)
        for c in TS:
            final += pool[c].notna().to_numpy().astype(np.int64)
        buffer = pool[(cnt < final)].reset_index(drop=True)
        if len(out) == 0:
            continue
        rng = ctx.rng(SOURCE, "render", y, m)
        st = _style(y, m, len(out))
        header, columns = _render(ctx, tb, out, out_cnt, st, rng)
        folder = f"{SOURCE}/{y}"
        if st.fmt in ("xlsx", "xls"):
            name = f"{folder}/环翠区{y}年{m}月案件统计表" if st.fmt == "xlsx" and y < 2023 else \
                f"{folder}/数字城管案件导出_{y}{m:02d}"
            full, rows = _write_workbook(ctx, name, y, m, header, columns, st, when)
            ctx.emit(ctx.out_dir / full, SOURCE, rows)
            continue
        text_cols = _as_text(rng, header, columns, st)
        p = ctx.path(folder, f"数字城管案件导出_{y}{m:02d}.csv")
        rows = write_csv(p, header, text_cols, st.encoding, "\n" if st.new_system else "\r\n")
        ctx.emit(p, SOURCE, rows)
