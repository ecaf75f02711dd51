"""Every file the product exports, written one way: CSV (UTF-8 with a BOM, so Excel opens Chinese correctly),
XLSX (openpyxl) with formula cells neutralised, and PDF printed from a self-contained HTML page by headless
Chromium (Chinese set in the system's Noto Sans CJK, offline).

Plain tables: ``csv_bytes(frame)``, ``xlsx_bytes(frame)``. Formatted workbooks (the meeting pack, /report) build
their sheets with ``new_workbook``, ``write_cell`` and ``append_row`` (which neutralise every value; styles are
the caller's) and finish with ``workbook_bytes``. ``print_pdf(html)`` is the one way to print.

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
import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.worksheet.worksheet import Worksheet

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"
CSV_MEDIA_TYPE = "text/csv"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSX_MAX_ROWS = 1_048_575  # Excel's rows less the header
CHROMIUM = ("chromium", "chromium-browser", "google-chrome")
PRINT_TIMEOUT_S = 120


class PrintError(RuntimeError):
    """Chromium is missing or could not print."""


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
    return workbook_bytes(wb)


def new_workbook() -> openpyxl.Workbook:
    """An empty workbook (one sheet, ``wb.active``) for a formatted export; fill it with ``write_cell`` and
    ``append_row``."""
    return openpyxl.Workbook()


def write_cell(ws: Worksheet, row: int, column: int, value: Any) -> Cell:
    """Put ``value`` (neutralised) into the cell at ``row``, ``column`` and return the cell (to style it)."""
    cell = ws.cell(row=row, column=column)
    cell.value = _cell(value)
    return cell


def append_row(ws: Worksheet, values: Iterable[Any]) -> None:
    """Append a row of values (each neutralised) below the sheet's last row."""
    ws.append([_cell(v) for v in values])


def workbook_bytes(wb: openpyxl.Workbook) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def chromium() -> str:
    """The headless browser that prints (PrintError when none is installed)."""
    for name in CHROMIUM:
        if found := shutil.which(name):
            return found
    raise PrintError("chromium not found: apt-get install chromium fonts-noto-cjk")


def print_pdf(page_html: str, timeout: int = PRINT_TIMEOUT_S) -> bytes:
    """A self-contained HTML page (its own ``@page`` size and margins, images as data URIs) printed to PDF."""
    with tempfile.TemporaryDirectory(prefix="kpi-print-") as tmp:
        source, target = Path(tmp) / "page.html", Path(tmp) / "page.pdf"
        source.write_text(page_html, encoding="utf-8")
        cmd = [chromium(), "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
               "--no-pdf-header-footer", f"--user-data-dir={tmp}/profile", f"--print-to-pdf={target}",
               source.as_uri()]
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired as exc:
            raise PrintError(f"chromium did not print within {timeout} s") from exc
        if done.returncode != 0 or not target.exists() or target.stat().st_size == 0:
            raise PrintError(f"chromium could not print: {done.stderr.strip()[-400:]}")
        return target.read_bytes()


def grid_csv_params(file_name: str) -> dict[str, Any]:
    """AG Grid ``csvExportParams`` that neutralise formula cells in the browser's CSV export (the function
    ``kpiSafeCell`` is in ``assets/exports.js``; the prefixes come from ``FORMULA_PREFIXES``)."""
    prefixes = json.dumps("".join(FORMULA_PREFIXES))
    return {
        "fileName": file_name,
        "processCellCallback": {"function": f"kpiSafeCell(params, {prefixes}, {json.dumps(QUOTE)})"},
    }
