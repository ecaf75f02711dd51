"""Writers for the formats the source systems export: CSV (GB18030 / UTF-8 with or without BOM),
XLSX (title rows, two-row merged headers, spacer, subtotal, total and signature rows, several sheets)
and legacy XLS (xlwt). Output bytes depend only on the arguments (no wall clock in the files)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import xlwt
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.writer.excel import ExcelWriter

#: above this many data rows a file that would be a workbook is written as CSV instead
MAX_WORKBOOK_ROWS = 5_000
XLS_MAX_ROWS = 65_000

_NEEDS_QUOTE = (",", '"', "\n", "\r")


def _quote(v: str) -> str:
    if any(c in v for c in _NEEDS_QUOTE):
        return '"' + v.replace('"', '""') + '"'
    return v


def csv_text(header: Sequence[str], columns: Sequence[Sequence[str]], newline: str = "\r\n",
             post_rows: Sequence[Sequence[str]] = ()) -> str:
    """CSV text from string columns (values are quoted only where needed)."""
    cols: list[list[str]] = []
    for col in columns:
        values = col.tolist() if hasattr(col, "tolist") else list(col)
        probe = "\x1f".join(values)
        if any(c in probe for c in _NEEDS_QUOTE):
            values = [_quote(v) for v in values]
        cols.append(values)
    lines = [",".join(_quote(h) for h in header)]
    if cols and cols[0]:
        lines.append(newline.join(map(",".join, zip(*cols, strict=True))))
    lines.extend(",".join(_quote(str(v)) for v in row) for row in post_rows)
    return newline.join(lines) + newline


def write_csv(path: Path, header: Sequence[str], columns: Sequence[Sequence[str]], encoding: str = "gb18030",
              newline: str = "\r\n", post_rows: Sequence[Sequence[str]] = ()) -> int:
    """Write a CSV export; ``encoding`` is ``gb18030``, ``utf-8-sig`` (BOM) or ``utf-8``.
    Returns the number of data rows."""
    if len(header) != len(columns):
        raise ValueError("header and columns differ in length")
    path.write_bytes(csv_text(header, columns, newline, post_rows).encode(encoding))
    return len(columns[0]) if columns else 0


# ---------------------------------------------------------------- workbooks

@dataclass(frozen=True)
class Serial:
    """An Excel date serial number written as a plain number (e.g. 44625 = 2022-03-05)."""

    value: float

    @staticmethod
    def of(d: date | datetime) -> Serial:
        """The serial number of a date (or datetime, with the time as a fraction)."""
        base = datetime(1899, 12, 30)
        dt = d if isinstance(d, datetime) else datetime(d.year, d.month, d.day)
        delta = dt - base
        return Serial(delta.days if delta.seconds == 0 else delta.days + delta.seconds / 86400)


@dataclass(frozen=True)
class Fmt:
    """A value with an explicit Excel number format (e.g. a date shown as yyyy"年"m"月"d"日")."""

    value: Any
    number_format: str


@dataclass
class Sheet:
    """One worksheet. ``header`` items are a name or ``(group, name)``: any group makes a two-row
    header where the group is merged across its columns and ungrouped names are merged down.
    ``rows`` holds data, subtotal and total rows; ``None`` is a blank spacer row. ``merges`` are
    ``(first_row, first_col, last_row, last_col)`` in 0-based ``rows`` coordinates."""

    name: str
    header: Sequence[str | tuple[str, str]]
    rows: Sequence[Sequence[Any] | None]
    titles: Sequence[str] = ()
    footer: Sequence[str] = ()
    merges: Sequence[tuple[int, int, int, int]] = ()
    widths: Mapping[int, float] = field(default_factory=dict)

    @property
    def two_row(self) -> bool:
        return any(isinstance(h, tuple) for h in self.header)

    @property
    def names(self) -> list[str]:
        return [h[1] if isinstance(h, tuple) else h for h in self.header]

    def header_cells(self) -> list[tuple[int, int, int, int, str]]:
        """Header cells as ``(row, col, last_row, last_col, text)`` relative to the header's top-left."""
        cells: list[tuple[int, int, int, int, str]] = []
        if not self.two_row:
            return [(0, c, 0, c, n) for c, n in enumerate(self.names)]
        c = 0
        items = list(self.header)
        while c < len(items):
            h = items[c]
            if isinstance(h, tuple):
                end = c
                while end + 1 < len(items) and isinstance(items[end + 1], tuple) and items[end + 1][0] == h[0]:
                    end += 1
                cells.append((0, c, 0, end, h[0]))
                for k in range(c, end + 1):
                    cells.append((1, k, 1, k, items[k][1]))
                c = end + 1
            else:
                cells.append((0, c, 1, c, h))
                c += 1
        return cells

    @property
    def data_rows(self) -> int:
        return sum(1 for r in self.rows if r is not None)


def _zip_deterministic(raw: bytes, path: Path, when: datetime) -> None:
    stamp = (max(when.year, 1980), when.month, when.day, when.hour, when.minute, when.second)
    src = zipfile.ZipFile(io.BytesIO(raw))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=stamp)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            out.writestr(zi, src.read(info.filename))


_DATE_FMT = "yyyy-mm-dd"
_DATETIME_FMT = "yyyy-mm-dd hh:mm:ss"


def write_xlsx(path: Path, sheets: Sequence[Sheet], when: datetime, author: str = "环翠区综合行政执法局") -> int:
    """Write an XLSX workbook (openpyxl, streaming). ``when`` is the export moment stored in the file's
    properties. Returns the number of data rows (rows that are not ``None``) over all sheets."""
    wb = openpyxl.Workbook(write_only=True)
    bold = Font(bold=True)
    center = Alignment(horizontal="center", vertical="center", wrap_text=True)
    total = 0
    for sh in sheets:
        ws = wb.create_sheet(sh.name)
        ncol = len(sh.header)
        for c, name in enumerate(sh.names, start=1):
            width = sh.widths.get(c - 1, max(10, min(28, 2.2 * len(name) + 4)))
            ws.column_dimensions[get_column_letter(c)].width = width
        header_rows = 2 if sh.two_row else 1
        first_data = len(sh.titles) + header_rows + 1
        ws.freeze_panes = f"A{first_data}"

        def styled(value: Any, font: Font | None = None, align: Alignment | None = None,
                   number_format: str | None = None, ws: Any = ws) -> WriteOnlyCell:
            cell = WriteOnlyCell(ws, value=value)
            if font is not None:
                cell.font = font
            if align is not None:
                cell.alignment = align
            if number_format is not None:
                cell.number_format = number_format
            return cell

        merges: list[tuple[int, int, int, int]] = []  # 1-based (row, col, last_row, last_col)
        for i, t in enumerate(sh.titles):
            r = i + 1
            ws.append([styled(t, Font(bold=True, size=14) if i == 0 else Font(size=10),
                              Alignment(horizontal="center") if i == 0 else None)])
            if ncol > 1:
                merges.append((r, 1, r, ncol))
        top = len(sh.titles) + 1
        grid: list[list[Any]] = [[None] * ncol for _ in range(header_rows)]
        for hr, hc, lr, lc, text in sh.header_cells():
            grid[hr][hc] = styled(text, bold, center)
            if (hr, hc) != (lr, lc):
                merges.append((top + hr, hc + 1, top + lr, lc + 1))
        for row in grid:
            ws.append(row)
        for row in sh.rows:
            if row is None:
                ws.append([])
                continue
            cells: list[Any] = []
            for v in row:
                if v is None or v == "":
                    cells.append(None)
                elif isinstance(v, Serial):
                    cells.append(v.value)
                elif isinstance(v, Fmt):
                    cells.append(styled(v.value, number_format=v.number_format))
                elif isinstance(v, datetime):
                    cells.append(styled(v, number_format=_DATETIME_FMT))
                elif isinstance(v, date):
                    cells.append(styled(v, number_format=_DATE_FMT))
                else:
                    cells.append(v)
            ws.append(cells)
            total += 1
        for r0, c0, r1, c1 in sh.merges:
            merges.append((first_data + r0, c0 + 1, first_data + r1, c1 + 1))
        ws.append([])
        for t in sh.footer:
            ws.append([t])
        for r0, c0, r1, c1 in merges:
            ws.merged_cells.add(CellRange(min_row=r0, min_col=c0, max_row=r1, max_col=c1))
    wb.properties.creator = author
    wb.properties.lastModifiedBy = author
    wb.properties.created = when
    wb.properties.modified = when
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).save()
    _zip_deterministic(buf.getvalue(), path, when)
    return total


def write_xls(path: Path, sheets: Sequence[Sheet]) -> int:
    """Write a legacy XLS workbook with xlwt (same layout features as :func:`write_xlsx`)."""
    wb = xlwt.Workbook(encoding="utf-8")
    bold = xlwt.easyxf("font: bold on; align: horiz center, vert center, wrap on")
    title = xlwt.easyxf("font: bold on, height 280; align: horiz center")
    plain = xlwt.XFStyle()
    date_style = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    dt_style = xlwt.easyxf(num_format_str="YYYY-MM-DD HH:MM:SS")
    vcenter = xlwt.easyxf("align: vert center")
    total = 0
    for sh in sheets:
        ws = wb.add_sheet(sh.name)
        ncol = len(sh.header)
        r = 0
        for i, t in enumerate(sh.titles):
            if ncol > 1:
                ws.write_merge(r, r, 0, ncol - 1, t, title if i == 0 else plain)
            else:
                ws.write(r, 0, t, title if i == 0 else plain)
            r += 1
        for hr, hc, lr, lc, text in sh.header_cells():
            if (hr, hc) != (lr, lc):
                ws.write_merge(r + hr, r + lr, hc, lc, text, bold)
            else:
                ws.write(r + hr, hc, text, bold)
        r += 2 if sh.two_row else 1
        first_data = r
        merged_tops = {(r0, c0): (r1, c1) for r0, c0, r1, c1 in sh.merges}
        merged_cells = {(rr, cc) for r0, c0, r1, c1 in sh.merges for rr in range(r0, r1 + 1)
                        for cc in range(c0, c1 + 1)}
        for i, row in enumerate(sh.rows):
            if row is not None:
                for c, v in enumerate(row):
                    if (i, c) in merged_cells and (i, c) not in merged_tops:
                        continue
                    if isinstance(v, Serial):
                        val, st = v.value, plain
                    elif isinstance(v, Fmt):
                        val, st = v.value, xlwt.easyxf(num_format_str=v.number_format)
                    elif isinstance(v, datetime):
                        val, st = v, dt_style
                    elif isinstance(v, date):
                        val, st = v, date_style
                    else:
                        val, st = ("" if v is None else v), plain
                    if (i, c) in merged_tops:
                        r1, c1 = merged_tops[(i, c)]
                        ws.write_merge(first_data + i, first_data + r1, c, c1, val, vcenter)
                    elif val != "":
                        ws.write(first_data + i, c, val, st)
                total += 1
            r += 1
        for t in sh.footer:
            r += 1
            ws.write(r, 0, t)
        for c, name in enumerate(sh.names):
            ws.col(c).width = 256 * int(sh.widths.get(c, max(10, min(28, 2.2 * len(name) + 4))))
    wb.save(str(path))
    return total


def signature(filler: str, checker: str, when: date) -> str:
    """A 填表人/审核人 signature line."""
    return f"填表人：{filler}　　审核人：{checker}　　填报日期：{when.year}年{when.month}月{when.day}日"
