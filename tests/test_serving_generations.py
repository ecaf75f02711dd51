"""Old warehouse generations: pruned after each publish (disk stays flat over many loads), never under a reader's
feet (Linux keeps an open file until its last reader closes it), and a killed load's litter swept by the next."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from etl.load import load_files
from tests.test_etl_publish import cases
from warehouse import store


def _files(warehouse: Path) -> list[str]:
    return sorted(p.name for p in store.generations_dir(warehouse).iterdir())


def test_sgen001_a_reader_keeps_reading_a_pruned_generation(tmp_path: Path) -> None:
    warehouse = tmp_path / "wh" / "warehouse.duckdb"
    load_files(warehouse, [cases(tmp_path / "c0.csv", 0, 40)])
    held = store.current_generation(warehouse)
    reader = store.connect_readonly(warehouse)
    try:
        for i in range(1, store.KEEP_GENERATIONS + 1):  # enough loads to prune the generation the reader holds
            assert load_files(warehouse, [cases(tmp_path / f"c{i}.csv", i * 1000, 10)]).ok
        assert held is not None and not held.exists()  # pruned from the directory …
        # … yet the reader still answers from it: the 40 cases it opened with, not the 70 published now
        assert reader.execute("SELECT count(*) FROM fact_dcm_case").fetchall() == [(40,)]
        assert reader.execute(
            "SELECT value FROM mart_report WHERE key = 'dcm.closed' AND year = 2022").fetchall() == [(40,)]
    finally:
        reader.close()
    fresh = store.connect_readonly(warehouse)
    try:
        assert fresh.execute("SELECT count(*) FROM fact_dcm_case").fetchall() == [(40 + 10 * store.KEEP_GENERATIONS,)]
    finally:
        fresh.close()


def test_sgen002_the_next_load_sweeps_a_killed_loads_drafts(tmp_path: Path) -> None:
    warehouse = tmp_path / "wh" / "warehouse.duckdb"
    load_files(warehouse, [cases(tmp_path / "c0.csv", 0, 5)])
    gens = store.generations_dir(warehouse)
    (gens / "tmp-gen-000007.duckdb").write_bytes(b"half a copy")
    (gens / "tmp-gen-000007.duckdb.wal").write_bytes(b"wal")
    (gens / "tmp-work-000007").mkdir()
    (gens / "tmp-work-000007" / "utf8-copy.csv").write_text("x")
    (warehouse.parent / f".{warehouse.name}.4242.link").symlink_to("nowhere")
    assert load_files(warehouse, [cases(tmp_path / "c1.csv", 100, 5)]).ok
    assert _files(warehouse) == ["gen-000001.duckdb", "gen-000002.duckdb"]  # drafts are swept before numbering
    assert sorted(p.name for p in warehouse.parent.iterdir()) == [
        "warehouse.duckdb", "warehouse.duckdb.d", "warehouse.duckdb.lock"]


@pytest.mark.slow
def test_sgen003_thirty_loads_leave_the_disk_flat(tmp_path: Path) -> None:
    warehouse = tmp_path / "wh" / "warehouse.duckdb"
    sizes = []
    for i in range(30):
        assert load_files(warehouse, [cases(tmp_path / f"c{i}.csv", i * 100, 20)]).ok
        names = _files(warehouse)
        gens = [n for n in names if n.endswith(".duckdb")]
        assert len(gens) <= store.KEEP_GENERATIONS, names
        assert {n for n in names if n not in gens} <= {f"{g}.wal" for g in gens}, names  # nothing else but WALs
        sizes.append(sum(p.stat().st_size for p in store.generations_dir(warehouse).iterdir()))
    assert _files(warehouse)[-1] == "gen-000030.duckdb"
    assert [n for n in _files(warehouse) if n.endswith(".duckdb")] == [
        "gen-000028.duckdb", "gen-000029.duckdb", "gen-000030.duckdb"]
    # flat: the last ten loads take no more room than ten loads after the first three (20 rows a load is noise)
    assert max(sizes[20:]) <= 1.1 * max(sizes[3:13]), sizes
    assert os.readlink(warehouse) == "warehouse.duckdb.d/gen-000030.duckdb"
