"""The hostile corpus (tests/hostile/corpus.py): each input through the real `kpi load`, in a subprocess with
a memory guard and a timeout, into a copy of a published warehouse. Every input is refused with its message
or loaded with exactly the rows expected; nothing crashes, hangs or half-loads; time and memory are bounded."""

from __future__ import annotations

import json
import re
from pathlib import Path

import duckdb
import pytest

from tests.hostile.corpus import cases, write_corpus
from tests.hostile.harness import PEAK_MB_BOUND, Outcome, base_warehouse, kpi, run_all, summary

pytestmark = pytest.mark.slow
CASES = {case.name: case for case in cases()}
MAX_SECONDS = 60.0


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Outcome]:
    root = tmp_path_factory.mktemp("hostile")
    inputs = [(case.name, path) for case, path in write_corpus(root / "corpus")]
    base = base_warehouse(root / "base")
    done = run_all(inputs, base, root / "runs")
    return {o.name: o for o in done} | {"__root__": root}  # type: ignore[dict-item]


def test_hos001_corpus_is_large_enough() -> None:
    assert len(CASES) >= 60


@pytest.mark.parametrize("name", sorted(CASES))
def test_hos002_expected_outcome(outcomes: dict[str, Outcome], name: str) -> None:
    case, got = CASES[name], outcomes[name]
    expect = case.expect
    detail = f"{case.what}: {got.kind}, exit {got.exit}\n{got.stdout}\n{got.stderr}\n{got.tables}"
    assert got.kind in ("refused", "loaded"), detail
    assert got.seconds < MAX_SECONDS and got.peak_mb < PEAK_MB_BOUND, detail
    failed = [t for t in got.tables if t["status"] == "failed"]
    if expect.is_refusal:
        assert got.kind == "refused" and got.exit == 1, detail
        assert all(re.search(expect.refused, t["error_en"]) for t in failed), detail
        assert got.facts_after == got.facts_before, detail  # the published facts are unchanged
        return
    loaded = [t for t in got.tables if t["status"] == "loaded"]
    totals = tuple(sum(t[k] for t in loaded) for k in ("rows_in", "rows_loaded", "rows_rejected", "rows_skipped"))
    assert totals == (expect.rows_in, expect.loaded, expect.rejected, expect.skipped), detail
    assert len(failed) == expect.failed, detail
    assert got.exit == (1 if failed else 0), detail
    assert set(expect.reasons) <= set(got.reasons), detail


def test_hos003_nothing_crashes_hangs_or_half_loads(outcomes: dict[str, Outcome]) -> None:
    runs = [o for name, o in outcomes.items() if name != "__root__"]
    result = summary(runs)
    Path("artifacts").mkdir(exist_ok=True)
    Path("artifacts/hostile-summary.json").write_text(json.dumps(
        {"summary": result, "inputs": [{"name": o.name, "kind": o.kind, "seconds": o.seconds, "peak_mb": o.peak_mb}
                                       for o in runs]}, ensure_ascii=False, indent=2), encoding="utf-8")
    assert (result["crashed"], result["hung"], result["half-loaded"]) == (0, 0, 0), result
    assert result["refused_clearly"] == result["refused"], result
    assert result["worst_seconds"] < MAX_SECONDS and result["peak_mb"] < PEAK_MB_BOUND, result


def test_hos004_same_name_in_two_folders_loads_both(outcomes: dict[str, Outcome]) -> None:
    """2022/台账.csv and 2023/台账.csv (GB18030, so both go through a scratch copy) keep their own rows."""
    warehouse = outcomes["__root__"] / "runs" / "same_names" / "wh" / "warehouse.duckdb"  # type: ignore[operator]
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        got = con.execute("SELECT left(log_no, 3), count(*) FROM fact_coastal_log GROUP BY 1 ORDER BY 1").fetchall()
        paths = con.execute("SELECT file_path FROM load_log WHERE file_name = '台账.csv' ORDER BY 1").fetchall()
    finally:
        con.close()
    assert got == [("BAS", 5), ("Y22", 4), ("Y23", 6)]
    assert [p[0].split("/")[-2] for p in paths] == ["2022", "2023"]


def test_hos005_names_and_markup_are_shown_safely(outcomes: dict[str, Outcome]) -> None:
    """Control characters in a file name are escaped; markup in names, headers and values is printed as text."""
    out = outcomes["control_name"].stdout
    assert "\x1b" not in out and "台账\\n\\x1b[31m红.csv" in out
    assert "[bold]台账[red]x.csv" in outcomes["markup_name"].stdout
    assert "[/x]日志[bold]" in outcomes["markup_sheet"].stdout
    root: Path = outcomes["__root__"]  # type: ignore[assignment]
    for name in ("markup_value_rejected", "control_name", "markup_header"):
        warehouse = root / "runs" / name / "wh" / "warehouse.duckdb"
        for command in ("loads", "rejects"):
            proc = kpi(command, "--warehouse", str(warehouse))
            assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
            assert "\x1b" not in proc.stdout
    proc = kpi("rejects", "--warehouse", str(root / "runs" / "markup_value_rejected" / "wh" / "warehouse.duckdb"))
    assert "[/x]不存在镇" in proc.stdout and "未知镇街" in proc.stdout


def test_hos006_failed_file_logs_the_rows_it_had(outcomes: dict[str, Outcome]) -> None:
    """An unclosed quote fails the file, and its log line still says how many rows the file held."""
    (row,) = outcomes["quote_swallow_500"].tables
    assert (row["status"], row["rows_in"], row["rows_loaded"]) == ("failed", 500, 0)
    assert row["error"].startswith("第 3 行起的引号")
