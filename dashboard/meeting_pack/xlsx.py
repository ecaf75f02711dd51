"""The pack as a workbook (openpyxl): the brief, then one formatted sheet per section.

Each table sheet: a title row, a bold header row on the bureau's dark blue (frozen below it, with a filter),
numbers stored as numbers (rates ``0.0%``, counts ``#,##0``) so they can be summed, the status column filled
with the status colour, column widths fitted to the widest text (CJK characters count double).
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook

from dashboard.exports import new_workbook, workbook_bytes, write_cell
from dashboard.meeting_pack import brief
from dashboard.meeting_pack.pack import WeekPack
from dashboard.meeting_pack.sections import Table, tables
from warehouse.rules import status as status_rule

HEADER_FILL = PatternFill("solid", fgColor="1F3A5F")
HEADER_FONT = Font(name="Noto Sans CJK SC", bold=True, color="FFFFFF")
TITLE_FONT = Font(name="Noto Sans CJK SC", bold=True, size=14)
BODY_FONT = Font(name="Noto Sans CJK SC")
FORMATS = {
    "rate": "0.0%", "count": "#,##0",
    "change_pp": '+0.0" pp";-0.0" pp";0.0" pp"', "change_pct": "+0.0%;-0.0%;0.0%", "change_abs": "+#,##0;-#,##0;+0",
}
HEADER_ROW = 2  # row 1 holds the sheet's title


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _sheet_name(title: str, used: set[str]) -> str:
    name = "".join(ch for ch in title if ch not in '[]:*?/\\')[:31]
    base, n = name, 2
    while name in used:
        name = f"{base[:28]}({n})"
        n += 1
    used.add(name)
    return name


def _table_sheet(wb: Workbook, table: Table, used: set[str]) -> None:
    ws = wb.create_sheet(_sheet_name(table.title.replace(" · ", "-"), used))
    write_cell(ws, 1, 1, table.title).font = TITLE_FONT
    widths = [_width(h) for h in table.headers]
    for j, header in enumerate(table.headers, start=1):
        cell = write_cell(ws, HEADER_ROW, j, header)
        cell.fill, cell.font = HEADER_FILL, HEADER_FONT
        cell.alignment = Alignment(horizontal="center", vertical="center")
    status_col = len(table.headers) if table.statuses else None
    for i, row in enumerate(table.rows, start=HEADER_ROW + 1):
        for j, c in enumerate(row, start=1):
            cell = write_cell(ws, i, j, c.value if c.kind != "text" else c.text)
            cell.font = BODY_FONT
            if c.kind in FORMATS:
                cell.number_format = FORMATS[c.kind]
            widths[j - 1] = max(widths[j - 1], _width(c.text))
        status = table.statuses[i - HEADER_ROW - 1] if table.statuses else None
        if status_col and status in status_rule.COLORS:
            ws.cell(row=i, column=status_col).fill = PatternFill("solid",
                                                                 fgColor=status_rule.COLORS[status].lstrip("#").upper())
    for j, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = min(60, w + 4)
    ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=1)
    if table.rows:
        ws.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(len(table.headers))}{HEADER_ROW + len(table.rows)}"


def write(pack: WeekPack, path: Path, lang: str = "zh") -> Path:
    """Write the workbook to ``path``."""
    wb = new_workbook()
    ws = wb.active
    assert ws is not None
    used: set[str] = set()
    ws.title = _sheet_name(brief.title(pack, lang), used)
    write_cell(ws, 1, 1, brief.title(pack, lang)).font = TITLE_FONT
    for i, para in enumerate(brief.draft(pack, lang), start=3):
        cell = write_cell(ws, i, 1, "".join(p.text for p in para))
        cell.font, cell.alignment = BODY_FONT, Alignment(wrap_text=True, vertical="top")
        ws.row_dimensions[i].height = 48
    ws.column_dimensions["A"].width = 110
    for table in tables(pack, lang):
        _table_sheet(wb, table, used)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(workbook_bytes(wb))
    return path
