"""The query executor and the indicator values: read-only, cached per generation, one definition everywhere."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
from pathlib import Path

import pytest

from dashboard import format as fmt
from dashboard import kpis
from dashboard.data import DataUnavailable, Warehouse
from tests.dashboard_data import (
    blank_warehouse_fixture,  # noqa: F401
    load,
    small_warehouse_fixture,  # noqa: F401
    write_exports,
    write_more_cases,
)
from tests.dashboard_expect import exports_of, new_found, on_time_due
from warehouse.queries import demolitions as qd
from warehouse.queries import overview as qo
from warehouse.queries import violations as qv
from warehouse.rules.status import status_of
from warehouse.sql import Filters

F23 = Filters(dt.date(2023, 1, 1), dt.date(2023, 6, 30))


def test_ddata001_frames_are_cached_per_generation(small_warehouse: Path) -> None:
    wh = Warehouse(small_warehouse)
    first = wh.frame(qo.towns())
    assert len(first) == 9
    queries = wh.stats.queries
    assert wh.frame(qo.towns()) is first and wh.stats.queries == queries
    assert wh.generation().startswith("gen-")


def test_ddata002_new_generation_is_picked_up(tmp_path: Path) -> None:
    exports = write_exports(tmp_path / "x", cases=200)
    warehouse = load(exports, tmp_path / "wh" / "warehouse.duckdb")
    wh = Warehouse(warehouse)
    gen = wh.generation()
    before = int(wh.frame(qo.kpi_totals(Filters(), ["dcm.filed"]))["num"].sum())
    (tmp_path / "y").mkdir()
    more = write_more_cases(tmp_path / "y" / "cases.csv", 300)
    load(more, warehouse)
    assert wh.generation() != gen
    after = int(wh.frame(qo.kpi_totals(Filters(), ["dcm.filed"]))["num"].sum())
    assert after > before


def test_ddata003_missing_and_corrupt_warehouse_say_what_to_do(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "warehouse.duckdb"
    with pytest.raises(DataUnavailable, match=r"no warehouse at .*nowhere.*kpi load"):
        Warehouse(missing).frame(qo.towns())
    corrupt = tmp_path / "corrupt.duckdb"
    corrupt.write_bytes(b"this is not a database" * 100)
    problem = Warehouse(corrupt).check()
    assert problem and "corrupt.duckdb" in problem


def test_ddata004_server_never_writes(small_warehouse: Path, tmp_path: Path) -> None:
    """A read-only file is enough, and reading leaves its bytes as they were (root writes through 0444, so the
    mode alone proves nothing; tests/test_readonly_bytes.py renders every page against the same check)."""
    copy = tmp_path / "ro.duckdb"
    shutil.copyfile(small_warehouse.resolve(), copy)
    copy.chmod(0o444)
    before = hashlib.sha256(copy.read_bytes()).hexdigest()
    wh = Warehouse(copy)
    assert len(wh.frame(qo.towns())) == 9  # the district's nine towns (warehouse/reference/towns.csv)
    wh.report(2022)
    wh.close()
    assert hashlib.sha256(copy.read_bytes()).hexdigest() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ro.duckdb"]  # no WAL or temporary file beside it


def test_ddata005_overview_rate_equals_violations_page(small_warehouse: Path) -> None:
    wh = Warehouse(small_warehouse)
    for f in (F23, Filters(dt.date(2022, 1, 1), dt.date(2022, 12, 31), ("371002001", "371002100"))):
        tile = kpis.additive(wh, f, ["dcm.on_time_due_rate", "dcm.rework_rate", "dcm.filed"])
        page = wh.frame(qv.kpis(f)).iloc[0]
        assert tile["dcm.on_time_due_rate"].value == pytest.approx(page["on_time_rate"])
        assert tile["dcm.rework_rate"].value == pytest.approx(page["rework_rate"])
        assert tile["dcm.filed"].value == page["filed"]
        assert tile["dcm.on_time_due_rate"].den == page["due"]


def test_ddata006_demolitions_equal_page_and_report(small_warehouse: Path) -> None:
    wh = Warehouse(small_warehouse)
    y22 = Filters(dt.date(2022, 1, 1), dt.date(2022, 12, 31))
    tile = kpis.additive(wh, y22, ["demolition.stock_count", "demolition.stock_area_m2", "demolition.new_found"])
    page = wh.frame(qd.kpis(y22)).iloc[0]
    report = wh.report(2022)
    assert tile["demolition.stock_count"].value == page["stock_demolished"] == report["demolition.stock_count"]
    assert tile["demolition.stock_area_m2"].value == pytest.approx(page["stock_demolished_m2"])
    assert tile["demolition.stock_area_m2"].value == pytest.approx(report["demolition.stock_area_m2"])
    assert tile["demolition.new_found"].value == page["new_found"]


def test_ddata007_deltas_targets_and_status(small_warehouse: Path) -> None:
    wh = Warehouse(small_warehouse)
    vals = kpis.additive(wh, F23, ["dcm.on_time_due_rate", "demolition.new_found", "demolition.stock_count"])
    rate = vals["dcm.on_time_due_rate"]
    exports = exports_of(small_warehouse)
    on_time, due = on_time_due(exports, F23.start, F23.end)  # counted from the export file, by hand
    assert (rate.value, rate.den) == (pytest.approx(on_time / due), due)
    assert rate.target == 0.95
    # the rule by hand: ≥ 95% green, ≥ 85.5% (90% of it) amber, else red
    assert rate.status == ("green" if on_time / due >= 0.95 else "amber" if on_time / due >= 0.855 else "red")
    prev, prev_due = on_time_due(exports, dt.date(2022, 7, 4), dt.date(2022, 12, 31))
    yoy, yoy_due = on_time_due(exports, dt.date(2022, 1, 1), dt.date(2022, 6, 30))
    assert (rate.prev, rate.yoy) == (pytest.approx(prev / prev_due), pytest.approx(yoy / yoy_due))
    assert len(rate.series) == 12  # the twelve months up to June 2023
    new = vals["demolition.new_found"]
    assert (new.value, new.target) == (new_found(exports, F23.start, F23.end), 0)
    assert new.status == ("red" if new.value > 0 else "green")  # lower is better, target 0: nothing is amber
    assert kpis.previous(F23) == Filters(dt.date(2022, 7, 4), dt.date(2022, 12, 31))  # 181 days before
    assert kpis.year_before(F23) == Filters(dt.date(2022, 1, 1), dt.date(2022, 6, 30))
    assert status_of(0.5, None, "higher") is None
    assert status_of(0.9, 0.95, "higher", denominator=3, kind="rate") == "grey"
    assert status_of(0.9, 0.95, "higher", denominator=50, kind="rate") == "amber"
    assert status_of(1, 0, "lower") == "red" and status_of(0, 0, "lower") == "green"
    assert fmt.change(0.95, 0.90, "rate")[0] == "+5.0 pp"
    assert fmt.change(110, 100, "count")[0] == "+10.0%"
    assert kpis.tone(-1, "lower") == "good" and kpis.tone(-1, "higher") == "bad"


def test_ddata008_empty_warehouse_answers(blank_warehouse: Path) -> None:
    wh = Warehouse(blank_warehouse)
    assert wh.frame(qo.data_end()).iloc[0, 0] is None or str(wh.frame(qo.data_end()).iloc[0, 0]) in ("NaT", "None")
    vals = kpis.additive(wh, F23, ["dcm.on_time_due_rate", "dcm.filed"])
    assert vals["dcm.on_time_due_rate"].value is None and vals["dcm.filed"].value == 0
    assert wh.report_years() == []
