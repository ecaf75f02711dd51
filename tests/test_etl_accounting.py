"""Rows in are counted from the file, independently of the loader, so a lost row cannot go unnoticed.

The check is proven by losing a row on purpose (the staged relation drops its first row): the file must
fail with "rows do not add up" and nothing of it may load. A hypothesis property test then damages good
exports (truncation, stray quotes, flipped bytes, duplicated lines) and checks that every loaded table
still adds up (rows in = loaded + rejected + skipped), that a failed table leaves no rows behind, and
that nothing escapes the loader.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etl import load
from tests.fixtures.exports import Sheet, write_csv, write_xlsx
from tests.hostile.corpus import LOG_HEADER, good_log, log_rows


def _load(warehouse: Path, *paths: Path) -> load.LoadResult:
    return load.load_files(warehouse, list(paths))


def test_acc001_counts_from_the_file(tmp_path: Path, warehouse: Path) -> None:
    """12 records below the header: 9 good, 1 rejected (unknown town), 1 total, 1 blank-but-noted; a fully
    empty line and the header are not rows."""
    rows = good_log(9, "AC")
    rows += [["AC-X", "2022-06-01", "不存在镇", "5", "1", "1"], ["合计", "", "", "45", "9", "9"],
             ["", "", "", "", "", "", "备注：无"], [""] * 6]
    path = write_csv(tmp_path / "日志.csv", rows)
    (table,) = _load(warehouse, path).tables
    assert (table.status, table.rows_in, table.rows_loaded, table.rows_rejected, table.rows_skipped,
            table.rows_blank) == ("loaded", 12, 9, 1, 2, 1)


def test_acc005_row_numbers_are_file_lines_across_row_groups(tmp_path: Path, warehouse: Path) -> None:
    """Two 150,000-row files load in one statement, staged on every core in any order (several DuckDB row groups
    each): every fact row and every reject still carries its own line of its own file."""
    files = []
    for name, prefix in (("一月.csv", "JA"), ("二月.csv", "FE")):
        rows = good_log(150_000, prefix)
        for i in (3, 77_777, 149_998):  # rows[i] is file line i + 1 (the header is line 1)
            rows[i][2] = "不存在镇"
        files.append(write_csv(tmp_path / name, rows))
    result = _load(warehouse, *files)
    assert [(t.rows_loaded, t.rows_rejected) for t in result.tables] == [(149_997, 3), (149_997, 3)]
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        rejects = con.execute("SELECT file_name, row_no, value FROM rejects ORDER BY 1, 2").fetchall()
        wrong = con.execute("SELECT count(*) FROM fact_coastal_log "
                            "WHERE _row_no <> CAST(substr(log_no, 4) AS BIGINT) + 2").fetchall()
        sample = con.execute("SELECT log_no, _row_no FROM fact_coastal_log WHERE log_no IN ('JA-000000', "
                             "'FE-077777', 'FE-149999') ORDER BY 1").fetchall()
    finally:
        con.close()
    assert rejects == [("一月.csv", 4, "不存在镇"), ("一月.csv", 77_778, "不存在镇"), ("一月.csv", 149_999, "不存在镇"),
                       ("二月.csv", 4, "不存在镇"), ("二月.csv", 77_778, "不存在镇"), ("二月.csv", 149_999, "不存在镇")]
    assert wrong == [(0,)]
    assert sample == [("FE-077777", 77_779), ("FE-149999", 150_001), ("JA-000000", 2)]


def test_acc002_a_lost_row_fails_the_file(tmp_path: Path, warehouse: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Break the loader once: the staged relation loses its first row. The accounting must notice."""
    real = load._source_sql

    def lossy(con: duckdb.DuckDBPyConnection, parts: list) -> str:
        return f"(SELECT * FROM {real(con, parts)} OFFSET 1)"

    monkeypatch.setattr(load, "_source_sql", lossy)
    csv_path = write_csv(tmp_path / "日志.csv", good_log(7, "LO"))
    xlsx_path = write_xlsx(tmp_path / "日志.xlsx", [Sheet("日志", LOG_HEADER, log_rows(4, "LX"))])
    result = _load(warehouse, csv_path, xlsx_path)
    assert [(t.status, t.rows_in, t.rows_loaded) for t in result.tables] == [("failed", 7, 0), ("failed", 4, 0)]
    assert all(t.error_en.startswith("rows do not add up: the file has") for t in result.tables)
    assert result.tables[0].error_en.startswith("rows do not add up: the file has 7 rows, 6 were read")
    assert not result.ok
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM fact_coastal_log").fetchall() == [(0,)]
    finally:
        con.close()


def _mutate(data: bytes, ops: list[tuple[str, int, int]]) -> bytes:
    for op, at, n in ops:
        if not data:
            break
        i = at % len(data)
        if op == "truncate":
            data = data[:i]
        elif op == "quote":
            data = data[:i] + b'"' * (1 + n % 2) + data[i:]
        elif op == "flip":
            data = data[:i] + bytes([data[i] ^ (1 << (n % 8))]) + data[i + 1:]
        elif op == "duplicate":
            start = data.rfind(b"\n", 0, i) + 1
            end = data.find(b"\n", i)
            end = len(data) if end < 0 else end + 1
            data = data[:end] + data[start:end] + data[end:]
        elif op == "newline":
            data = data[:i] + (b"\r", b"\n", b"\r\n")[n % 3] + data[i:]
    return data


OPS = st.lists(st.tuples(st.sampled_from(["truncate", "quote", "flip", "duplicate", "newline"]),
                         st.integers(0, 10_000), st.integers(0, 7)), min_size=1, max_size=4)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=OPS, encoding=st.sampled_from(["utf-8", "gb18030", "utf-8-sig"]))
def test_acc003_damaged_exports_always_add_up(tmp_path: Path, ops: list[tuple[str, int, int]], encoding: str) -> None:
    good = write_csv(tmp_path / "good.csv", good_log(25, "PR"), encoding)
    damaged = tmp_path / "damaged.csv"
    damaged.write_bytes(_mutate(good.read_bytes(), ops))
    warehouse = tmp_path / "wh" / "warehouse.duckdb"
    result = _load(warehouse, damaged)
    failed_ids = []
    for t in result.tables:
        if t.status == "loaded":
            assert t.rows_in == t.rows_loaded + t.rows_rejected + t.rows_skipped, t
        else:
            assert t.status == "failed" and t.error and t.error_en and "\n" not in t.error + t.error_en, t
            failed_ids.append(t.load_id)
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        stray = con.execute("SELECT count(*) FROM fact_coastal_log WHERE list_contains(?, _load_id)",
                            [failed_ids]).fetchall()[0][0]
    finally:
        con.close()
    assert stray == 0
