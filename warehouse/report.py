"""The annual work-report figures, read from the ``mart_report`` view.

``REPORT_FIGURES`` is the registry's view (``warehouse.indicators``, entries with an ``area``): every figure of
the bureau's report by its seven areas of work, with labels, units and definitions; the values come only
from the mart. ``rows_behind`` counts the rows behind each figure.
"""

from __future__ import annotations

import csv
from importlib import resources

import duckdb
import orjson

from warehouse import indicators
from warehouse.indicators import Indicator

ReportFigure = Indicator
REPORT_FIGURES: tuple[Indicator, ...] = indicators.REPORT_FIGURES  # a view of the registry


def _areas() -> list[dict[str, str]]:
    with resources.files("warehouse.reference").joinpath("report_areas.csv").open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


AREAS = _areas()  # the report's seven areas of work (reference data): area, numeral, name_zh, name_en
AREAS_ZH = {int(a["area"]): a["name_zh"] for a in AREAS}
AREAS_EN = {int(a["area"]): a["name_en"] for a in AREAS}


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


def to_json(figures: dict[str, float | None]) -> bytes:
    """The report's JSON as ``kpi report --json`` prints it and ``/api/report/<year>`` sends it (one encoding)."""
    return orjson.dumps(figures, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS) + b"\n"


def rows_behind(con: duckdb.DuckDBPyConnection, year: int) -> dict[str, int]:
    """For each report figure, how many source rows it was computed from (its ``rows_key``'s count)."""
    rows = dict(con.execute("SELECT key, value FROM mart_report WHERE year = ?", [year]).fetchall())
    out = {}
    for fig in REPORT_FIGURES:
        value = rows.get(fig.rows_key or fig.key)
        out[fig.key] = 0 if value is None else int(value)
    return out
