"""The annual work-report figures, read from the ``mart_report`` view.

``REPORT_FIGURES`` is the registry's view (``warehouse.indicators``, entries with an ``area``): every figure of
the bureau's report by its seven areas of work, with labels, units and definitions; the values come only
from the mart. ``rows_behind`` counts the rows behind each figure.
"""

from __future__ import annotations

import duckdb

from warehouse import indicators
from warehouse.indicators import Indicator

ReportFigure = Indicator
REPORT_FIGURES: tuple[Indicator, ...] = indicators.REPORT_FIGURES  # a view of the registry


AREAS_ZH = {
    1: "市容市貌精细化管理", 2: "群众满意度专项提升", 3: "市级考核专项工作", 4: "市级督导专项整治",
    5: "执法队伍规范化建设", 6: "便民服务与营商环境", 7: "信用体系与智慧城管",
}
AREAS_EN = {
    1: "Refined city appearance", 2: "Resident satisfaction", 3: "City assessments", 4: "City-supervised campaigns",
    5: "Enforcement standards", 6: "Public services", 7: "Credit and smart city",
}


def report(con: duckdb.DuckDBPyConnection, year: int) -> dict[str, float | None]:
    """Every report figure for a year: counts default to 0 when no row fed them, rates to None."""
    rows = dict(con.execute("SELECT key, value FROM mart_report WHERE year = ?", [year]).fetchall())
    result: dict[str, float | None] = {}
    for fig in REPORT_FIGURES:
        value = rows.get(fig.key)
        if value is None:
            result[fig.key] = None if fig.is_rate else 0
        elif fig.is_rate:
            result[fig.key] = round(float(value), 6)
        else:
            result[fig.key] = int(value) if float(value).is_integer() else round(float(value), 4)
    return result


def rows_behind(con: duckdb.DuckDBPyConnection, year: int) -> dict[str, int]:
    """For each report figure, how many source rows it was computed from (its ``rows_key``'s count)."""
    rows = dict(con.execute("SELECT key, value FROM mart_report WHERE year = ?", [year]).fetchall())
    out = {}
    for fig in REPORT_FIGURES:
        value = rows.get(fig.rows_key or fig.key)
        out[fig.key] = 0 if value is None else int(value)
    return out
