"""The lifecycle flags and hours of mart_dcm_case at their edges: how far a case got when the export has only
its stage (no timestamps), and the hours between two stamps when they are equal.

Rule (warehouse/marts/20_dcm.sql): stages rank 上报 0, 受理 1, 立案 2, 派遣 3, 处置 4, 核查 5, 结案 6; a case
reached 立案 with a 立案时间 or a stage ranked 2 or more (or 缓办/挂账), 派遣 with a 派遣时间 or rank ≥ 3, 处置 and
核查 with a stamp or rank ≥ 5, 结案 when its stage is 结案; 作废 reaches nothing after 上报. Hours are NULL when a
stamp is missing or earlier than the one before, and 0 when both are equal. Expected values by hand.
"""

from __future__ import annotations

import pytest

from tests.fixtures.exports import write_csv
from tests.fixtures.warehouse import query_runner

HEADER = ["任务号", "上报时间", "问题来源", "小类名称", "所属街道", "立案时间", "派遣时间", "处置部门",
          "处置截止时间", "处置完成时间", "结案时间", "当前阶段名称"]
REPORTED = "2023-05-09 08:00:00"
# stage → (filed, dispatched, handled, checked, closed): reached by the stage alone
REACHED = {
    "上报": (False, False, False, False, False),
    "受理": (False, False, False, False, False),
    "立案": (True, False, False, False, False),
    "派遣": (True, True, False, False, False),
    "处置": (True, True, False, False, False),
    "核查": (True, True, True, True, False),
    "结案": (True, True, True, True, True),
    "缓办": (True, False, False, False, False),
    "作废": (False, False, False, False, False),
}
ROWS = [[f"S{i}", REPORTED, "12345", "暴露垃圾", "环翠楼", "", "", "区综合执法局", "", "", "", stage]
        for i, stage in enumerate(REACHED)]
ROWS += [
    # H1: filed at the very moment it was reported (0 h), dispatched 90 minutes later (1.5 h), handled and
    # closed at once (0 h each)
    ["H1", REPORTED, "12345", "暴露垃圾", "环翠楼", REPORTED, "2023-05-09 09:30:00", "区综合执法局",
     "2023-05-10 08:00:00", "2023-05-09 09:30:00", "2023-05-09 09:30:00", "结案"],
    # H3: dispatched at the very moment it was reported (0 h), never filed
    ["H3", REPORTED, "12345", "暴露垃圾", "环翠楼", "", REPORTED, "区综合执法局", "2023-05-10 08:00:00", "", "",
     "派遣"],
    # H2: stamps out of order (filed before reported, closed before handled): those hours are NULL
    ["H2", REPORTED, "12345", "暴露垃圾", "环翠楼", "2023-05-09 07:00:00", "2023-05-09 10:00:00", "区综合执法局",
     "2023-05-10 08:00:00", "2023-05-09 12:00:00", "2023-05-09 11:00:00", "结案"],
    # V1: void (作废) though every stamp and a deadline are set: it reached nothing after 上报 and counts nowhere
    ["V1", REPORTED, "12345", "暴露垃圾", "环翠楼", REPORTED, "2023-05-09 09:00:00", "区综合执法局",
     "2023-05-10 08:00:00", "2023-05-09 10:00:00", "2023-05-09 11:00:00", "作废"],
    # E1: every stamp at the same second as the report: every lifecycle interval is 0 h
    ["E1", REPORTED, "12345", "暴露垃圾", "环翠楼", REPORTED, REPORTED, "区综合执法局", "2023-05-10 08:00:00",
     REPORTED, REPORTED, "结案"],
    # N1: closed without a 处置截止时间 (and the export has no 返工次数 / 延期次数 columns)
    ["N1", REPORTED, "12345", "暴露垃圾", "环翠楼", REPORTED, "2023-05-09 09:00:00", "区综合执法局", "",
     "2023-05-09 10:00:00", "2023-05-09 11:00:00", "结案"],
]


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("lifecycle")
    with query_runner(tmp / "wh" / "warehouse.duckdb", [write_csv(tmp / "案件.csv", [HEADER, *ROWS])]) as execute:
        yield execute


def test_rule_life001_reached_by_stage_alone(run) -> None:
    # NULL (a 缓办 case's rank) counts as not reached, as the funnel's FILTER counts it
    df = run("SELECT stage, " + ", ".join(f"coalesce({c}, FALSE) AS {c}" for c in (
        "reached_report", "reached_file", "reached_dispatch", "reached_handle", "reached_check", "reached_close",
        "is_filed")) + " FROM mart_dcm_case WHERE case_no LIKE 'S%'")
    got = {r.stage: tuple(bool(x) for x in r[2:7]) for r in df.itertuples(index=False)}
    assert got == REACHED
    assert df.reached_report.astype(bool).tolist() == [True] * len(REACHED)
    assert dict(zip(df.stage, df.is_filed.astype(bool), strict=True)) == {s: r[0] for s, r in REACHED.items()}


def test_rule_life002_hours_between_equal_stamps_are_zero(run) -> None:
    h = run("SELECT * FROM mart_dcm_case WHERE case_no = 'H1'").iloc[0]
    assert (h.h_report_to_file, h.h_file_to_dispatch, h.h_dispatch_to_handle, h.h_handle_to_close) == (
        0.0, 1.5, 0.0, 0.0)
    assert (h.h_report_to_dispatch, h.h_dispatch_to_close, h.h_report_to_close) == (1.5, 0.0, 1.5)


def test_rule_life004_dispatched_as_reported_is_zero_hours(run) -> None:
    h = run("SELECT * FROM mart_dcm_case WHERE case_no = 'H3'").iloc[0]
    assert h.h_report_to_dispatch == 0.0


def test_rule_life003_hours_out_of_order_are_null(run) -> None:
    h = run("SELECT * FROM mart_dcm_case WHERE case_no = 'H2'").iloc[0]
    assert h.h_report_to_file != h.h_report_to_file  # NaN: filed an hour before it was reported
    assert h.h_handle_to_close != h.h_handle_to_close  # NaN: closed before it was handled
    assert (h.h_file_to_dispatch, h.h_dispatch_to_handle, h.h_report_to_dispatch, h.h_dispatch_to_close,
            h.h_report_to_close) == (3.0, 2.0, 2.0, 1.0, 3.0)


def test_rule_life005_void_with_stamps_and_closed_without_deadline(run) -> None:
    """A void case with every stamp is not filed, reached nothing after 上报, is not due and not open; a case
    closed without a deadline is not due and not on time (FALSE, not unknown); counts missing from the export
    are 0."""
    flags = ["is_filed", "reached_file", "reached_dispatch", "reached_handle", "reached_check", "reached_close",
             "is_due_basis", "is_on_time", "is_open", "is_reworked"]
    df = run("SELECT case_no, rework_count, extension_count, " + ", ".join(flags) +
             " FROM mart_dcm_case WHERE case_no IN ('V1', 'N1') ORDER BY case_no DESC")
    got = {r[0]: list(r[1:]) for r in df.itertuples(index=False)}
    assert got == {"V1": [0, 0, False, False, False, False, False, False, False, False, False, False],
                   "N1": [0, 0, True, True, True, True, True, True, False, False, False, False]}


def test_rule_life006_every_stamp_equal_is_zero_hours(run) -> None:
    h = run("SELECT * FROM mart_dcm_case WHERE case_no = 'E1'").iloc[0]
    hours = ["h_report_to_file", "h_file_to_dispatch", "h_dispatch_to_handle", "h_handle_to_close",
             "h_report_to_dispatch", "h_dispatch_to_close", "h_report_to_close"]
    assert [h[c] for c in hours] == [0.0] * 7
