"""Every file the product exports, written one way: CSV (UTF-8 with a BOM, so Excel opens Chinese correctly) and
XLSX (openpyxl), with formula cells neutralised.

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula (tab and CR prefixes too,
after Excel strips them), so a value such as ``=HYPERLINK(…)`` or ``=cmd|' /C calc'!A0`` in an export would
run on the reader's machine (CSV/formula injection, OWASP). ``neutralise`` prefixes such text with ``'``, which
the spreadsheet shows as text; numbers stay numbers. The browser's AG Grid CSV export applies the same rule
through ``grid_csv_params`` (its ``processCellCallback`` receives ``FORMULA_PREFIXES`` from here, so the rule
lives in this one place).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import math
from typing import Any

import openpyxl
import pandas as pd
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"
CSV_MEDIA_TYPE = "text/csv"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSX_MAX_ROWS = 1_048_575  # Excel's rows less the header


def neutralise(value: Any) -> Any:
    """``value`` safe for a spreadsheet cell: text starting with a formula character gets a leading ``'``."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return QUOTE + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with every text cell (and every column name) neutralised."""
    out = frame.copy()
    for col in out.columns:
        if not (pd.api.types.is_numeric_dtype(out[col]) or pd.api.types.is_datetime64_any_dtype(out[col])):
            out[col] = out[col].map(neutralise)
    out.columns = [neutralise(str(c)) for c in out.columns]
    return out


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """``frame`` as CSV (RFC 4180: CRLF lines): UTF-8 with a BOM, a header row, formula cells neutralised."""
    buffer = io.StringIO()
    safe_frame(frame).to_csv(buffer, index=False, lineterminator="\r\n")
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _cell(value: Any) -> Any:
    """A value openpyxl writes as data, never as a formula."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, dt.date | dt.datetime | int | float | bool):
        return value
    if hasattr(value, "item"):  # numpy scalars
        return _cell(value.item())
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))  # control characters Excel cannot hold
    return neutralise(text)


def xlsx_bytes(frame: pd.DataFrame, sheet: str = "rows") -> bytes:
    """``frame`` as an XLSX workbook of one sheet (streamed, at most ``XLSX_MAX_ROWS`` rows), formula cells
    neutralised."""
    if len(frame) > XLSX_MAX_ROWS:
        raise ValueError(f"an XLSX sheet holds at most {XLSX_MAX_ROWS} rows, not {len(frame)}")
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet(_cell(sheet)[:31] or "rows")
    ws.append([_cell(str(c)) for c in frame.columns])
    for row in frame.itertuples(index=False, name=None):
        ws.append([_cell(v) for v in row])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def grid_csv_params(file_name: str) -> dict[str, Any]:
    """AG Grid ``csvExportParams`` that neutralise formula cells in the browser's CSV export (the function
    ``kpiSafeCell`` is in ``assets/exports.js``; the prefixes come from ``FORMULA_PREFIXES``)."""
    prefixes = json.dumps("".join(FORMULA_PREFIXES))
    return {
        "fileName": file_name,
        "processCellCallback": {"function": f"kpiSafeCell(params, {prefixes}, {json.dumps(QUOTE)})"},
    }
