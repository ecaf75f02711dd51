"""A small, deterministic set of export files for dashboard tests (loaded by the real loader).

Not the demo: a few hundred rows per source, written as plain UTF-8 CSVs with the contract's
headers, enough for every page to have data in 2022 and the first half of 2023.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path

import pytest

TOWNS = ["环翠楼街道", "鲸园街道", "竹岛街道", "孙家疃街道", "嵩山街道", "张村镇", "羊亭镇", "温泉镇", "桥头镇"]
COMMUNITIES = ["东社区", "西社区", "南社区", "北社区"]
MINORS = ["暴露垃圾", "乱堆物堆料", "店外经营", "占道经营", "非法小广告", "机动车乱停放", "道路不洁", "私搭乱建"]
CHANNELS = ["监督员上报", "公众举报", "12345热线", "视频AI", "领导交办"]
UNITS = ["环翠区", "文登区", "荣成市", "乳山市", "高区", "经区", "临港区", "南海新区"]
START = dt.datetime(2022, 1, 1)
UNTIL = dt.datetime(2023, 6, 30, 18, 0)


DCM_HEADER = [
    "任务号",
    "上报时间",
    "问题来源",
    "小类名称",
    "所属街道",
    "所属社区",
    "单元网格",
    "立案时间",
    "派遣时间",
    "处置部门",
    "处置截止时间",
    "处置完成时间",
    "结案时间",
    "当前阶段名称",
    "返工次数",
]


def write_more_cases(path: Path, n: int, seed: int = 5) -> Path:
    """A further case export whose case numbers are new (for live-reload tests)."""
    rows = dcm_rows(random.Random(seed), n)
    for row in rows:
        row[0] = f"N{row[0]}"
    _write(path, DCM_HEADER, rows)
    return path


def _write(path: Path, header: list[str], rows: list[list[object]]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([header, *rows])


def _moment(rng: random.Random) -> dt.datetime:
    span = (UNTIL - START).total_seconds()
    return START + dt.timedelta(seconds=rng.uniform(0, span))


def _fmt(t: dt.datetime | None) -> str:
    return "" if t is None else t.strftime("%Y-%m-%d %H:%M:%S")


def dcm_rows(rng: random.Random, n: int) -> list[list[object]]:
    rows = []
    for i in range(n):
        reported = _moment(rng)
        town = rng.choice(TOWNS)
        filed = reported + dt.timedelta(hours=rng.uniform(0.2, 3))
        dispatched = filed + dt.timedelta(hours=rng.uniform(0.2, 4))
        deadline = dispatched + dt.timedelta(hours=rng.choice([24, 72, 120]))
        handled = dispatched + dt.timedelta(hours=min(rng.expovariate(1 / 26), 200))
        closed = handled + dt.timedelta(hours=rng.uniform(0.5, 12))
        stage = "结案"
        if rng.random() < 0.03:
            stage, filed, dispatched, handled, closed, deadline = "作废", None, None, None, None, None
        elif closed > UNTIL:
            stage, handled, closed = "处置", None, None
        dept = "环翠区综合行政执法局" if rng.random() < 0.8 else "区住建局"
        rows.append(
            [
                f"2{reported:%y}{i:07d}",
                _fmt(reported),
                rng.choice(CHANNELS),
                rng.choice(MINORS),
                town,
                f"{town[:2]}{rng.choice(COMMUNITIES)}",
                f"37100200{TOWNS.index(town)}00{rng.randint(1, 9):05d}",
                _fmt(filed),
                _fmt(dispatched),
                dept,
                _fmt(deadline),
                _fmt(handled),
                _fmt(closed),
                stage,
                1 if rng.random() < 0.04 else 0,
            ]
        )
    return rows


def write_exports(out: Path, seed: int = 7, cases: int = 1500) -> Path:
    """Write the export files to ``out`` (created) and return it."""
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    _write(
        out / "dcm.csv",
        DCM_HEADER,
        dcm_rows(rng, cases),
    )
    ic = []
    for i in range(240):
        found = _moment(rng).date() - dt.timedelta(days=rng.randint(0, 400))
        kind = "新增" if rng.random() < 0.15 else "存量"
        area = round(rng.uniform(5, 600), 1)
        demolished = found + dt.timedelta(days=rng.randint(3, 200))
        done = demolished <= UNTIL.date() and rng.random() < 0.8
        ic.append(
            [
                f"WJ{i:05d}",
                rng.choice(TOWNS),
                rng.choice(COMMUNITIES),
                kind,
                area,
                found.isoformat(),
                "违法建设专项整治" if rng.random() < 0.4 else "",
                demolished.isoformat() if done else "",
                area if done else "",
                "已拆除" if done else rng.choice(["待处置", "限拆阶段"]),
            ]
        )
    _write(
        out / "ic.csv",
        [
            "违建编号",
            "镇街",
            "社区/村居",
            "违建类型",
            "违建面积(㎡)",
            "发现日期",
            "专项行动",
            "拆除日期",
            "拆除面积(㎡)",
            "状态",
        ],
        ic,
    )
    refined = []
    for i in range(400):
        found = _moment(rng).date()
        done = found + dt.timedelta(days=rng.randint(1, 30))
        ok = done <= UNTIL.date()
        refined.append(
            [
                f"JZ{i:05d}",
                rng.choice(["市精致办通报", "区级督导", "镇街自查", "市级航拍"]),
                rng.choice(TOWNS),
                rng.choice(["乱堆乱放", "不规范户外广告", "公益广告破损", "破损墙体"]),
                found.isoformat(),
                (found + dt.timedelta(days=20)).isoformat(),
                done.isoformat() if ok else "",
                "已整改" if ok else "整改中",
            ]
        )
    _write(
        out / "refined.csv",
        ["问题编号", "问题来源", "镇街", "问题类别", "发现日期", "整改期限", "整改完成日期", "状态"],
        refined,
    )
    roster = []
    for as_of in ("2022-11-30", "2023-01-15"):
        for town in TOWNS:
            people = rng.randint(300, 1500)
            for mtype in ("推雪铲", "撒布机", "装载机"):
                roster.append(
                    [as_of, town, people, mtype, rng.randint(5, 60), rng.randint(10, 80), rng.randint(40, 110)]
                )
    _write(
        out / "roster.csv",
        ["统计日期", "镇街/单位", "人员数", "机械类型", "台数", "融雪剂储备(吨)", "责任路段里程(km)"],
        roster,
    )
    events = []
    for i, day in enumerate(("2022-01-21", "2022-02-13", "2022-12-16", "2023-01-12")):
        for town in TOWNS:
            events.append(
                [
                    f"XZ{i:02d}{TOWNS.index(town)}",
                    day,
                    town,
                    rng.randint(2, 15),
                    rng.randint(80, 900),
                    rng.randint(5, 80),
                    rng.randint(1, 20),
                    rng.randint(5, 60),
                    round(rng.uniform(2, 12), 1),
                ]
            )
    _write(
        out / "snow_events.csv",
        [
            "作业编号",
            "日期",
            "镇街",
            "降雪量(mm)",
            "出动人次",
            "出动机械台次",
            "融雪剂(吨)",
            "清扫面积(万㎡)",
            "主干道恢复通行用时(小时)",
        ],
        events,
    )
    assessment = []
    for y, m in [(2022, m) for m in range(1, 13)] + [(2023, m) for m in range(1, 6)]:
        for item in ("数字城管", "精致道路", "城乡环卫一体化"):
            for unit in UNITS:
                assessment.append([f"{y}年{m}月", item, unit, round(rng.uniform(85, 99), 2)])
    _write(out / "assessment.csv", ["考核期", "考核项目", "区市", "得分"], assessment)
    _write(
        out / "targets.csv",
        ["指标编码", "范围", "周期类型", "周期", "目标值", "方向", "依据"],
        [
            ["dcm.on_time_due_rate", "district", "year", "2022", 0.95, "higher", "数字城管考核办法"],
            ["dcm.on_time_due_rate", "district", "year", "2023", 0.95, "higher", "数字城管考核办法"],
            ["demolition.stock_count", "district", "year", "2023", 120, "higher", "2023年违法建设专项整治方案"],
            ["demolition.stock_area_m2", "district", "year", "2023", 30000, "higher", "2023年违法建设专项整治方案"],
            ["demolition.new_found", "district", "year", "2023", 0, "lower", "新生违建动态清零"],
            ["assessment.rank", "district", "year", "2023", 2, "lower", "争一保二"],
        ],
    )
    return out


def load(exports: Path, warehouse: Path) -> Path:
    """Load ``exports`` into ``warehouse`` with the real `kpi load` command."""
    from tests.conftest import run_kpi

    run_kpi("load", str(exports), "--warehouse", str(warehouse), "--quiet")
    return warehouse


def empty_warehouse(warehouse: Path) -> Path:
    """A warehouse with the schema and marts but no data (`kpi migrate` on a new path)."""
    from tests.conftest import run_kpi

    run_kpi("migrate", "--warehouse", str(warehouse))
    return warehouse


@pytest.fixture(scope="session", name="small_warehouse")
def small_warehouse_fixture(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small export set loaded by the real loader, once per session."""
    root = tmp_path_factory.mktemp("dash-wh")
    return load(write_exports(root / "exports"), root / "wh" / "warehouse.duckdb")


@pytest.fixture(scope="session", name="blank_warehouse")
def blank_warehouse_fixture(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated warehouse with no data at all."""
    return empty_warehouse(tmp_path_factory.mktemp("dash-empty") / "warehouse.duckdb")
