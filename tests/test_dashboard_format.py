"""The dashboard's formatters, one per unit (``dashboard.format``), with values written out by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard import format as fmt


def test_dfmt001_each_unit() -> None:
    assert fmt.number(1234) == "1,234" and fmt.number(1234.4, "件") == "1,234 件"
    assert fmt.number(12.46, "小时", 1) == "12.5 小时" and fmt.number(0) == "0"
    assert fmt.percent(0.9312) == "93.1%" and fmt.percent(1) == "100.0%" and fmt.percent(0.925, 0) == "92%"
    assert fmt.score(1.0344) == "1.034" and fmt.score(2, 2) == "2.00"
    assert fmt.signed(2) == "+2.00" and fmt.signed(-0.5) == "-0.50" and fmt.signed(0) == "0"
    assert fmt.exact(1540) == "1,540" and fmt.exact(12.5) == "12.5" and fmt.exact(1 / 3) == "0.3333"


def test_dfmt002_by_kind_and_missing_values() -> None:
    assert fmt.by_kind(0.9312, "rate") == "93.1%"
    assert fmt.by_kind(3.0, "count", "zh", "处") == "3 处" and fmt.by_kind(3.0, "count", "en", "处") == "3"
    assert fmt.by_kind(3.0, "count") == "3 件" and fmt.by_kind(2.5, "count", "zh", "㎡") == "2.50 ㎡"
    for missing in (None, float("nan"), pd.NA):
        assert fmt.number(missing) == fmt.percent(missing) == fmt.score(missing) == fmt.exact(missing) == "—"
        assert fmt.by_kind(missing, "rate") == "—"


def test_dfmt003_indicator_values_by_registry_unit() -> None:
    from warehouse import indicators

    area = indicators.get("demolition.stock_area_m2")
    assert fmt.indicator(area, 28494.4, "zh") == "28,494 ㎡" and fmt.indicator(area, 28494.4, "en") == "28,494 m²"
    assert fmt.indicator(indicators.get("dcm.filed"), 1540, "zh", with_unit=False) == "1,540"
    assert fmt.indicator(indicators.get("assessment.rank"), 3, "zh") == "第3名"
    assert fmt.indicator(indicators.get("dcm.on_time_due_rate"), float("nan")) == "—"


def test_dfmt004_report_figures_as_the_report_writes_them() -> None:
    from warehouse.report import REPORT_FIGURES

    by_key = {f.key: f for f in REPORT_FIGURES}
    rate = next(f for f in REPORT_FIGURES if f.kind == "rate")
    assert fmt.report(rate, 1.0) == "100%" and fmt.report(rate, 0.93) == "93%" and fmt.report(rate, 0.9271) == "92.7%"
    area = by_key["demolition.stock_area_m2"]
    assert fmt.report(area, 1540, "zh") == "1,540 ㎡" and fmt.report(area, 12.5, "en") == "12.50 m²"
    assert fmt.report(area, None) == "—" and fmt.report(area, 12.5, "zh", with_unit=False) == "12.50"


def test_dfmt005_change_against_before() -> None:
    assert fmt.change(0.95, 0.90, "rate") == ("+5.0 pp", pytest.approx(5.0))
    assert fmt.change(110, 100, "count") == ("+10.0%", pytest.approx(0.1))
    assert fmt.change(90, 100, "count") == ("-10.0%", pytest.approx(-0.1))
    assert fmt.change(12, 0, "count") == ("+12", 12.0)
    assert fmt.change(0, 0, "count") == ("+0", 0.0)  # the /report table once wrote "—" here, the overview "+0"
    assert fmt.change(None, 3, "count") == ("—", None) and fmt.change(3, float("nan"), "rate") == ("—", None)


def test_dfmt006_target_in_a_sentence() -> None:
    assert fmt.target(0.9, "rate") == "90%" and fmt.target(0.925, "rate") == "92.5%"
    assert fmt.target(0.92255, "rate") == "92.26%" and fmt.target(0.12345, "rate") == "12.35%"
    assert fmt.target(12, "count") == "12" and fmt.target(2.5, "count") == "2.5" and fmt.target(None, "rate") == ""
