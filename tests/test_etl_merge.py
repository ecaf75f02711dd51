"""Merging is order-independent: any permutation and repetition of overlapping exports gives the same facts;
a later export of a key replaces the stored row only when its latest lifecycle timestamp is the same or newer."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etl.load import load_files
from tests.fixtures.exports import write_csv
from warehouse import store

HEADER = ["任务号", "上报时间", "问题来源", "小类名称", "所属街道", "派遣时间", "处置部门", "处置完成时间", "结案时间",
          "当前阶段名称", "问题描述"]


def _case(no: str, version: str, description: str = "") -> list[str]:
    """One lifecycle snapshot of a case, as an export taken at that moment shows it."""
    base = [no, "2022-03-05 08:00:00", "12345", "暴露垃圾", "环翠楼"]
    tail = {
        "reported": ["", "区综合执法局", "", "", "上报"],
        "dispatched": ["2022-03-05 09:00:00", "区综合执法局", "", "", "派遣"],
        "handling": ["2022-03-05 09:00:00", "区综合执法局", "", "", "处置"],  # same stamps, later stage
        "closed": ["2022-03-05 09:00:00", "区综合执法局", "2022-03-06 08:00:00", "2022-03-06 10:00:00", "结案"],
    }[version]
    return [*base, *tail, description]


EXPORTS: dict[str, list[list[str]]] = {
    "e1.csv": [_case("K1", "reported"), _case("K2", "reported"), _case("K3", "dispatched"),
               _case("K4", "handling", "乙")],
    "e2.csv": [_case("K1", "dispatched"), _case("K2", "closed"), _case("K4", "reported"), _case("K3", "closed"),
               _case("K3", "dispatched")],  # a key twice in one file
    "e3.csv": [_case("K1", "closed"), _case("K3", "reported"), _case("K4", "handling", "甲"),
               _case("K2", "dispatched")],
}
SCORES = {  # no lifecycle stamp at all: ties break on content alone
    "s1.csv": [["2022年3月", "数字城管", "环翠区", "98.5"], ["2022年3月", "数字城管", "文登区", "97"]],
    "s2.csv": [["2022年3月", "数字城管", "环翠区", "99"], ["2022年3月", "精致道路", "文登区", "90"]],
}
FILES = [*EXPORTS, *SCORES]
EXPECTED_STAGE = {"K1": "结案", "K2": "结案", "K3": "结案"}  # K4: 处置 from e1 or e3, the same in every order


def _write(d: Path) -> dict[str, Path]:
    d.mkdir(parents=True, exist_ok=True)
    paths = {name: write_csv(d / name, [HEADER, *rows]) for name, rows in EXPORTS.items()}
    paths |= {name: write_csv(d / name, [["考核期", "考核项目", "区市", "得分"], *rows], "utf-8-sig")
              for name, rows in SCORES.items()}
    return paths


def facts(warehouse: Path) -> dict[str, list[tuple]]:
    """Fact rows without the lineage that legitimately differs by load (_load_id, _row_no)."""
    con = store.connect_readonly(warehouse)
    try:
        return {
            table: con.execute(f"SELECT * EXCLUDE (_load_id, _row_no) FROM {table} ORDER BY ALL").fetchall()
            for table in ("fact_dcm_case", "fact_city_assessment")
        }
    finally:
        con.close()


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return _write(tmp_path_factory.mktemp("merge"))


@pytest.fixture(scope="module")
def canonical(exports: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[tuple]]:
    warehouse = tmp_path_factory.mktemp("canon") / "warehouse.duckdb"
    result = load_files(warehouse, [exports[n] for n in FILES])
    assert result.ok, [(t.label, t.error) for t in result.tables]
    return facts(warehouse)


def test_etl050_canonical_merge_keeps_latest_lifecycle(canonical) -> None:
    stages = {row[0]: row[19] for row in canonical["fact_dcm_case"]}
    assert {k: stages[k] for k in EXPECTED_STAGE} == EXPECTED_STAGE
    assert stages["K4"] == "处置"
    assert len(canonical["fact_city_assessment"]) == 3


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(order=st.permutations(FILES), repeats=st.lists(st.sampled_from(FILES), max_size=3),
       again=st.lists(st.sampled_from(FILES), max_size=3))
def test_etl051_any_order_and_repetition_same_facts(exports, canonical, order, repeats, again) -> None:
    """All files in a random order with repeats in one batch, then maybe a random second batch: same facts."""
    with tempfile.TemporaryDirectory() as tmp:
        warehouse = Path(tmp) / "warehouse.duckdb"
        result = load_files(warehouse, [exports[n] for n in [*order, *repeats]])
        assert result.ok
        assert facts(warehouse) == canonical
        if again:
            load_files(warehouse, [exports[n] for n in again])
            assert facts(warehouse) == canonical


# key → (version in a.csv, version in b.csv, stage that must win in either order, whether b replaces a)
LATER = {
    "K91": ("closed", "dispatched", "结案", False),  # an older export never replaces a newer row
    "K92": ("dispatched", "closed", "结案", True),  # a newer one always does
    "K93": ("dispatched", "handling", "处置", True),  # same stamps: the later stage wins
    "K94": ("handling", "dispatched", "处置", False),
    "K95": ("reported", "reported", "上报", False),  # the same row again changes nothing
}


@pytest.mark.parametrize("a_first", [True, False])
def test_etl052_newer_or_same_replaces(tmp_path: Path, a_first: bool) -> None:
    warehouse = tmp_path / "wh" / "warehouse.duckdb"
    a = write_csv(tmp_path / "a.csv", [HEADER, *(_case(k, v[0]) for k, v in LATER.items())])
    b = write_csv(tmp_path / "b.csv", [HEADER, *(_case(k, v[1]) for k, v in LATER.items())])
    first, second = (a, b) if a_first else (b, a)
    load_files(warehouse, [first])
    (table,) = load_files(warehouse, [second]).tables
    con = store.connect_readonly(warehouse)
    try:
        rows = {k: (stage, load_id) for k, stage, load_id in
                con.execute("SELECT case_no, stage, _load_id FROM fact_dcm_case").fetchall()}
    finally:
        con.close()
    assert {k: stage for k, (stage, _) in rows.items()} == {k: v[2] for k, v in LATER.items()}
    # keys whose second export wins over a different stored row
    replaced = {k for k, v in LATER.items() if (v[3] if a_first else not v[3] and v[0] != v[1])}
    assert {k for k, (_, load_id) in rows.items() if load_id == table.load_id} == replaced
    assert table.rows_replaced == len(replaced)


def test_etl053_new_keys_go_in_directly_and_count_only_their_own_rows(tmp_path: Path) -> None:
    """A second export whose keys are all new takes the direct insert: its counts are its own rows (2 new, none
    replaced), not the table's; an export with one known key takes the merge (1 new, 1 replaced)."""
    warehouse = tmp_path / "warehouse.duckdb"
    first = write_csv(tmp_path / "a.csv", [HEADER, _case("K1", "reported"), _case("K2", "reported"),
                                           _case("K3", "reported")])
    second = write_csv(tmp_path / "b.csv", [HEADER, _case("K4", "reported"), _case("K5", "closed")])
    third = write_csv(tmp_path / "c.csv", [HEADER, _case("K1", "closed"), _case("K6", "reported")])
    counts = []
    for path in (first, second, third):
        (table,) = load_files(warehouse, [path]).tables
        counts.append((table.rows_loaded, table.rows_new, table.rows_replaced))
    assert counts == [(3, 3, 0), (2, 2, 0), (2, 1, 1)]
    stages = dict(store.connect_readonly(warehouse).execute("SELECT case_no, stage FROM fact_dcm_case").fetchall())
    assert stages == {"K1": "结案", "K2": "上报", "K3": "上报", "K4": "上报", "K5": "结案", "K6": "上报"}
