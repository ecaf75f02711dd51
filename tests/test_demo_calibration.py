"""End-to-end calibration: the demo exports, loaded by the real `kpi load`, reproduce every 2022 figure of
the bureau's work report (data-contract.md) through `kpi report --year 2022 --json`."""

from __future__ import annotations

import json
from datetime import date

import pytest

from etl.demo import generate_demo
from tests.conftest import run_kpi

pytestmark = pytest.mark.slow

#: the calibration table of data-contract.md (copied, not imported: the test checks the generator's plan)
CONTRACT_2022 = {
    "refined.city_notified": 451,
    "refined.city_notified_rectified_on_time": 451,
    "refined.wall_removal": 27,
    "refined.supervised_rectified": 569,
    "refined.town_self_rectified": 220,
    "refined.outdoor_ads_removed": 89,
    "refined.public_ads_replaced": 1540,
    "refined.night_market_issues": 260,
    "refined.first_batch": 43,
    "refined.aerial": 129,
    "refined.railway": 49,
    "demolition.stock_count": 91,
    "demolition.stock_area_m2": 28494,
    "demolition.new_count": 5,
    "demolition.new_area_m2": 90,
    "demolition.campaign_count": 50,
    "demolition.campaign_area_m2": 17281,
    "fume.lab_tests": 173,
    "fume.lab_tests_compliant": 173,
    "fume.site_surveys": 1400,
    "dcm.closed": 547,
    "dcm.on_time_close_rate": 1.0,
    "dcm.rework_cases": 0,
    "snow.personnel": 8900,
    "snow.machines": 947,
    "village.dispatched": 16362,
    "village.inspection_notices": 37,
    "village.rectified_from_inspections": 1113,
    "coastal.person_times": 4670,
    "coastal.vehicle_times": 380,
    "coastal.garbage_t": 3668,
    "coastal.projects": 17,
    "coastal.projects_done": 17,
    "penalty.filed": 25,
    "penalty.fines_yuan": 42320,
    "penalty.online_rate": 1.0,
    "penalty.court_enforcement": 5,
    "penalty.gov_enforcement": 12,
    "penalty.double_publicity": 9,
    "permits.temp_occupation": 743,
    "permits.bilingual_signs": 360,
    "service.consultations": 1500,
    "service.good_deeds": 50,
    "video_ai.channels": 150,
}


def _flat(report: object, prefix: str = "") -> dict[str, object]:
    """{"dcm.closed": 547} whether the report is flat or nested ({"dcm": {"closed": 547}})."""
    if isinstance(report, dict) and "figures" in report and isinstance(report["figures"], dict | list):
        return _flat(report["figures"], prefix)
    if isinstance(report, list):  # [{"key": ..., "value": ...}, ...]
        return {str(r["key"]): r["value"] for r in report if isinstance(r, dict) and "key" in r}
    out: dict[str, object] = {}
    for k, v in dict(report).items():  # type: ignore[call-overload]
        key = f"{prefix}.{k}" if prefix else str(k)
        if isinstance(v, dict) and not ({"value"} <= set(v)):
            out.update(_flat(v, key))
        else:
            out[key] = v["value"] if isinstance(v, dict) else v
    return out


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    root = tmp_path_factory.mktemp("calibration")
    exports = root / "exports"
    warehouse = root / "wh" / "warehouse.duckdb"
    generate_demo(exports, seed=2022, until=date(2023, 6, 30), scale=1.0)
    run_kpi("load", str(exports), "--warehouse", str(warehouse), "--quiet")
    rejects = run_kpi("rejects", "--warehouse", str(warehouse), "--json")
    assert json.loads(rejects.stdout or "[]") in ([], {}, {"rejects": []}), rejects.stdout[:2000]
    proc = run_kpi("report", "--year", "2022", "--json", "--warehouse", str(warehouse))
    return _flat(json.loads(proc.stdout))


@pytest.mark.parametrize("key", sorted(CONTRACT_2022))
def test_demo_cal001_report_matches_contract(report: dict[str, object], key: str) -> None:
    assert key in report, f"{key} missing from the report"
    value = report[key]
    assert value is not None and float(value) == pytest.approx(CONTRACT_2022[key], abs=1e-9), (key, value)


def test_demo_cal002_plan_matches_contract() -> None:
    from etl.demo.plan import CALIBRATION_2022

    assert CALIBRATION_2022 == CONTRACT_2022
