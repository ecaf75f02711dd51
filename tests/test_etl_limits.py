"""Limits that are not about one malformed file: the per-file time limit, and files that are not files."""

from __future__ import annotations

from pathlib import Path

import pytest

from etl import load
from tests.fixtures.exports import write_csv
from tests.hostile.corpus import good_log


def test_lim001_a_file_over_the_time_limit_fails_alone(tmp_path: Path, warehouse: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """With a time limit of 0 s every file fails with the time-limit message; nothing escapes the loader."""
    monkeypatch.setenv("KPI_FILE_TIME_LIMIT", "0")
    paths = [write_csv(tmp_path / f"日志{i}.csv", good_log(3, f"T{i}")) for i in range(2)]
    result = load.load_files(warehouse, paths)
    assert [(t.status, t.error_en) for t in result.tables] == [
        ("failed", "reading took too long and was stopped (time limit)")] * 2
    assert [t.error for t in result.tables] == ["读取超时，已停止"] * 2


def test_lim002_time_limit_default_is_ten_minutes(monkeypatch: pytest.MonkeyPatch) -> None:
    from etl.limits import file_time_limit

    monkeypatch.delenv("KPI_FILE_TIME_LIMIT", raising=False)
    assert file_time_limit() == 600.0
