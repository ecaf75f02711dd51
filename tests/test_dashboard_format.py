"""The dashboard's formatters, one per unit (``dashboard.format``), with values written out by hand."""

from __future__ import annotations

import pandas as pd

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
