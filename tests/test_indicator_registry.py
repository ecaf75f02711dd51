"""The one indicator registry (warehouse/indicators.py) against the SQL, both ways: every registry key is
produced by its marts, and every indicator a mart produces is in the registry with that mart."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

import pytest

from tests.dashboard_data import small_warehouse_fixture  # noqa: F401
from warehouse import indicators as reg
from warehouse import store

SQL = {e.name: e.read_text(encoding="utf-8") for e in resources.files("warehouse.marts").iterdir()
       if e.name.endswith(".sql")}
ALL_SQL = "\n".join(SQL.values())
LONG_FORM = {reg.KPI: "indicator", reg.TOWN: "indicator", reg.REPORT: "key"}  # marts with one row per indicator


def _defining(view: str) -> str:
    (name,) = [n for n, text in SQL.items() if f"CREATE OR REPLACE VIEW {view} AS" in text]
    return SQL[name]


@pytest.mark.parametrize("ind", reg.INDICATORS, ids=lambda i: i.key)
def test_reg001_every_key_is_written_by_its_marts_sql(ind: reg.Indicator) -> None:
    assert ind.label_zh and ind.label_en and ind.formula_zh and ind.formula_en
    for mart in ind.marts:
        text = _defining(mart)
        if mart == reg.REPORT:
            prefix, suffix = ind.key.split(".", 1)
            assert f"'{prefix}.' || key" in text and re.search(rf"\bAS {suffix}\b", text), ind.key
        elif mart in LONG_FORM:
            assert f"'{ind.key}'" in text, (ind.key, mart)


def test_reg002_one_meaning_per_label_and_views_of_the_registry() -> None:
    labels = [i.label_zh for i in reg.INDICATORS]
    assert len(labels) == len(set(labels))
    assert len({i.label_en for i in reg.INDICATORS}) == len(reg.INDICATORS)
    assert len(reg.REPORT_FIGURES) == 44 and [f.area for f in reg.REPORT_FIGURES] == sorted(
        f.area for f in reg.REPORT_FIGURES)
    assert reg.get("dcm.on_time_close_rate").label_zh == "本局结案按期率"
    assert reg.get("dcm.on_time_due_rate").label_zh == "按期结案率"
    assert set(reg.RANKED) == {"dcm.on_time_due_rate", "dcm.close_rate", "dcm.rework_rate", "refined.rectified_rate",
                               "demolition.new_found", "village.rectified_rate", "video_ai.five_minute_rate"}
    assert reg.get("dcm.rework_rate").min_denominator == 5 and reg.get("dcm.filed").min_denominator is None


def test_reg003_every_indicator_the_sql_produces_is_registered(small_warehouse: Path) -> None:
    con = store.connect_readonly(small_warehouse)
    try:
        for mart, col in LONG_FORM.items():
            produced = {r[0] for r in con.execute(f"SELECT DISTINCT {col} FROM {mart}").fetchall()}
            registered = {i.key for i in reg.INDICATORS if mart in i.marts}
            assert produced <= registered, (mart, produced - registered)
    finally:
        con.close()
