"""mart_report's coastal projects (warehouse/marts/90_report.sql): every project of the year, in progress
included, the year from the list's file period (else the completion year); done = 已完成. Hand-made lists
through the real loader; expected counts worked out by hand below."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fixtures.exports import write_csv
from tests.fixtures.warehouse import query_runner

HEADER = ["项目编号", "项目名称", "类别", "镇街", "状态", "完成日期"]
LIST_2023 = [  # the 2023 list: 3 projects of 2023 — P1 done in 2023, P2 done in January 2024, P3 in progress
    HEADER,
    ["P1", "孙家疃岸线修复", "综合整治", "孙家疃街道", "已完成", "2023-06-30"],
    ["P2", "环翠楼沙滩整治", "投资建设", "环翠楼街道", "已完成", "2024-01-05"],
    ["P3", "竹岛岸段清理", "执法监察", "竹岛街道", "实施中", ""],
]
LIST_UNDATED = [  # a list without a year in its name: P4 counts in its completion year, P5 has no year at all
    HEADER,
    ["P4", "嵩山岸段修复", "综合整治", "孙家疃街道", "已完成", "2022-05-10"],
    ["P5", "张村岸段整治", "执法监察", "孙家疃街道", "未开工", ""],
]


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory):
    tmp: Path = tmp_path_factory.mktemp("coastal")
    files = [write_csv(tmp / "海岸带综合整治修复项目清单2023.csv", LIST_2023),
             write_csv(tmp / "海岸带项目清单.csv", LIST_UNDATED)]
    with query_runner(tmp / "wh" / "warehouse.duckdb", files) as execute:
        yield execute


def test_coast001_projects_of_the_year_include_those_in_progress(run) -> None:
    got = run("SELECT year, key, value FROM mart_report WHERE key LIKE 'coastal.projects%' ORDER BY year, key")
    assert got.values.tolist() == [
        [2022, "coastal.projects", 1.0], [2022, "coastal.projects_done", 1.0],
        [2023, "coastal.projects", 3.0], [2023, "coastal.projects_done", 2.0],
    ]

