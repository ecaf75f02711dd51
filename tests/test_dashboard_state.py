"""The URL view state, the i18n catalogue and the indicator registry (no warehouse needed)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from dashboard import format as fmt
from dashboard import i18n
from dashboard.state import ViewState
from warehouse import indicators

ROOT = Path(__file__).resolve().parent.parent


def test_dstate001_roundtrip() -> None:
    s = ViewState(dt.date(2023, 1, 1), dt.date(2023, 6, 30), ("371002001",), "古北社区", "en", 2022)
    assert ViewState.from_search(s.to_search()) == s
    assert ViewState().to_search() == ""


@pytest.mark.parametrize(
    "search", ["?start=bad&end=2023-13-01", "?towns=x,;drop table", "?lang=fr&year=abc", "?community=x"]
)
def test_dstate002_bad_input_is_ignored(search: str) -> None:
    s = ViewState.from_search(search)
    assert s.start is None and s.end is None and s.towns == () and s.community is None
    assert s.lang == "zh" and s.year is None


def test_dstate003_swapped_dates_and_defaults() -> None:
    s = ViewState.from_search("?start=2023-06-30&end=2023-01-01&towns=371002001,371002001,371002002")
    assert (s.start, s.end) == (dt.date(2023, 1, 1), dt.date(2023, 6, 30))
    assert s.towns == ("371002001", "371002002") and s.town is None
    assert ViewState().resolved(dt.date(2023, 6, 30)) == (dt.date(2023, 1, 1), dt.date(2023, 6, 30))


def _used_keys() -> set[str]:
    """Catalogue keys written literally in the dashboard's code: t("x.y"), ctx.t("x.y"), ChartSpec("x.y", ...)."""
    keys: set[str] = set()
    for folder in ("dashboard", "pages"):
        for path in (ROOT / folder).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            keys |= set(re.findall(r"\bt\(\s*\"([a-z_]+\.[a-z_.0-9]+)\"", text))
            keys |= set(re.findall(r"card\(\s*\"([a-z]+\.[a-z_]+)\"", text))
    return keys


def test_dstate004_every_label_in_both_languages() -> None:
    used = _used_keys()
    assert used, "no labels found"
    missing = sorted(k for k in used if k not in i18n.CATALOGUE and k not in indicators.BY_KEY)
    assert missing == []
    for key, (zh, en) in i18n.CATALOGUE.items():
        assert zh.strip() and en.strip(), key


def test_dstate005_registry_matches_mart_sql() -> None:
    marts = {p.name: p.read_text(encoding="utf-8") for p in (ROOT / "warehouse" / "marts").glob("*.sql")}
    views = {v for text in marts.values() for v in re.findall(r"VIEW (\w+)", text)}
    for ind in indicators.INDICATORS:
        assert ind.label_zh and ind.label_en and ind.formula_zh and ind.formula_en, ind.key
        assert ind.direction in ("higher", "lower", "none")
        assert ind.mart in views, ind.key
        if ind.additive:
            assert ind.mart == "mart_kpi_daily" and f"'{ind.key}'" in marts["50_kpi.sql"], ind.key


def test_dstate006_formats() -> None:
    assert fmt.indicator(indicators.get("dcm.on_time_due_rate"), 0.9312) == "93.1%"
    assert fmt.indicator(indicators.get("assessment.rank"), 2, "zh") == "第2名"
    assert fmt.indicator(indicators.get("assessment.rank"), 2, "en") == "#2"
    assert fmt.indicator(indicators.get("demolition.stock_area_m2"), 28494, "en") == "28,494 m²"
    assert fmt.indicator(indicators.get("dcm.filed"), None) == "—"


def test_state020_page_parameters_survive_a_round_trip() -> None:
    """A page's own parameters (e.g. /rankings' grain and period) survive the shell's URL rewrites."""
    state = ViewState.from_search("?lang=en&grain=month&period=2023-06&towns=371002001")
    assert dict(state.extra) == {"grain": "month", "period": "2023-06"}
    again = ViewState.from_search(state.with_(lang="zh").to_search())
    assert dict(again.extra) == {"grain": "month", "period": "2023-06"} and again.lang == "zh"
