"""Check an .xlsx cheaply before the Excel reader opens it: sizes, sheet extents and merged ranges.

The reader allocates a sheet's whole rectangle (cells at A1 and XFD1048576 ask for 17 billion cells)
and fills merged ranges cell by cell, so both are bounded here, from the zip directory and a streaming
scan of each part (decompressed bytes are counted as they come, so a zip whose headers lie about sizes
is caught too).
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from etl.limits import MAX_CELL_TEXT_BYTES, MAX_COLUMNS, MAX_MERGED_CELLS, MAX_SHEET_CELLS, MAX_UNZIPPED_BYTES
from etl.problems import LoadError, ReadError

_DIMENSION = re.compile(rb'<(?:\w+:)?dimension ref="([A-Z]+)?(\d+)?(?::([A-Z]+)(\d+))?"')
_ROW = re.compile(rb'<(?:\w+:)?row [^>]*?r="(\d{5,})"')
_CELL_ROW = re.compile(rb'<(?:\w+:)?c r="[A-Z]{1,3}(\d{5,})"')
_WIDE_CELL = re.compile(rb'<(?:\w+:)?c r="([A-Z]{2,3})\d')
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')
_LAST_ROW = re.compile(rb'<(?:\w+:)?row [^>]*?r="(\d+)"')
_SHARED = re.compile(rb"<(?:\w+:)?si\b.*?</(?:\w+:)?si>|<(?:\w+:)?si/>", re.S)
_SHARED_CELL = re.compile(rb'<(?:\w+:)?c\b[^>]*?\bt="s"[^>]*>\s*<(?:\w+:)?v>(\d+)<')
_LETTERS = [bytes([c]) for c in range(ord("Z"), ord("A") - 1, -1)]


def column_number(letters: bytes | str) -> int:
    """1-based column number of Excel column letters (A = 1, XFD = 16384)."""
    n = 0
    for ch in letters.decode() if isinstance(letters, bytes) else letters:
        n = n * 26 + ord(ch) - 64
    return n


def _too_big(what_zh: str, what_en: str) -> LoadError:
    return LoadError(f"工作簿过大，拒绝读取：{what_zh}", f"workbook refused as too large: {what_en}")


def check_xlsx(path: Path) -> None:
    """Raise LoadError when the workbook's parts, sheet extents or merged ranges exceed the limits."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ReadError("不是有效的 .xlsx 工作簿（文件被截断或不是 Excel 文件）",
                        "not a valid .xlsx workbook (the file is truncated or not an Excel file)") from exc
    with archive:
        infos = archive.infolist()
        declared = sum(i.file_size for i in infos)
        if declared > MAX_UNZIPPED_BYTES:
            raise _too_big(f"解压后 {declared >> 20} MB，上限 {MAX_UNZIPPED_BYTES >> 20} MB",
                           f"{declared >> 20} MB unzipped, limit {MAX_UNZIPPED_BYTES >> 20} MB")
        budget = _Budget()
        # Shared strings first: a sheet's cells are then charged the length of the string each one uses.
        for info in sorted(infos, key=lambda i: not i.filename.endswith("sharedStrings.xml")):
            name = info.filename
            if not name.endswith(".xml"):
                continue
            sheet = name.startswith("xl/worksheets/")
            try:
                if name.endswith("sharedStrings.xml"):
                    _scan_shared_strings(archive, info, budget)
                else:
                    _scan_part(archive, info, budget, sheet)
            except LoadError:
                raise
            except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError) as exc:
                raise LoadError(f"工作簿已损坏（{name} 无法解压）",
                                f"the workbook is damaged ({name} cannot be unzipped)") from exc


class _Budget:
    """Bytes unzipped so far, shared-string lengths, and the text the reader will hold for the cells."""

    def __init__(self) -> None:
        self.unzipped = 0
        self.shared: list[int] = []
        self.cell_text = 0
        self.cells = 0  # rows × columns of the sheets scanned so far

    def add(self, n: int) -> None:
        self.unzipped += n
        if self.unzipped > MAX_UNZIPPED_BYTES:
            raise _too_big(f"解压后超过 {MAX_UNZIPPED_BYTES >> 20} MB（压缩炸弹？）",
                           f"over {MAX_UNZIPPED_BYTES >> 20} MB unzipped (a zip bomb?)")


def _scan_shared_strings(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: _Budget) -> None:
    rest = b""
    with archive.open(info) as part:
        while chunk := part.read(1 << 20):
            budget.add(len(chunk))
            text = rest + chunk
            end = 0
            for m in _SHARED.finditer(text):
                budget.shared.append(m.end() - m.start())
                end = m.end()
            rest = text[end:]


def _scan_part(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: _Budget, sheet: bool) -> None:
    max_row = max_col = merged = 0
    single = 0
    tail = b""
    shared = budget.shared
    with archive.open(info) as part:
        while chunk := part.read(1 << 20):
            budget.add(len(chunk))
            if not sheet:
                continue
            text = tail + chunk
            for m in _SHARED_CELL.finditer(text):
                if m.end() > len(tail):
                    i = int(m.group(1))
                    budget.cell_text += shared[i] if i < len(shared) else 0
            if budget.cell_text > MAX_CELL_TEXT_BYTES:
                raise _too_big(f"单元格引用的共享文本共超过 {MAX_CELL_TEXT_BYTES >> 20} MB",
                               f"cells refer to over {MAX_CELL_TEXT_BYTES >> 20} MB of shared text")
            for m in _DIMENSION.finditer(text):
                if m.group(3):
                    rows = int(m.group(4)) - int(m.group(2) or 1) + 1
                    cols = column_number(m.group(3)) - column_number(m.group(1) or b"A") + 1
                    _check_area(rows, cols, budget.cells, declared=True)
            for pattern in (_ROW, _CELL_ROW):
                for m in pattern.finditer(text):
                    max_row = max(max_row, int(m.group(1)))
            if (last := _LAST_ROW.search(text, max(0, text.rfind(b"<row ") - 64))) is not None:
                max_row = max(max_row, int(last.group(1)))
            for m in _WIDE_CELL.finditer(text):
                max_col = max(max_col, column_number(m.group(1)))
            if single < 26:
                single = max(single, next((26 - i for i, c in enumerate(_LETTERS) if b'c r="' + c in text), 0))
            for m in _MERGE.finditer(text):
                if m.group(3) and m.end() > len(tail):  # a range wholly in the tail was counted already
                    rows = int(m.group(4)) - int(m.group(2)) + 1
                    cols = column_number(m.group(3)) - column_number(m.group(1)) + 1
                    merged += abs(rows) * abs(cols)
            tail = text[-256:]
            _check_area(max(max_row, 1), max(max_col, single, 1), budget.cells)
            if merged > MAX_MERGED_CELLS:
                raise _too_big(f"合并单元格共 {merged:,} 格，上限 {MAX_MERGED_CELLS:,}",
                               f"merged ranges cover {merged:,} cells, limit {MAX_MERGED_CELLS:,}")
    budget.cells += max(max_row, 1) * max(max_col, single, 1)


def _check_area(rows: int, cols: int, earlier: int = 0, declared: bool = False) -> None:
    """Columns of one sheet, and cells of this sheet plus the sheets before it, within the limits."""
    how_zh, how_en = ("声明的范围", "declared range") if declared else ("数据范围", "used range")
    if cols > MAX_COLUMNS:
        raise _too_big(f"{how_zh}有 {cols:,} 列，上限 {MAX_COLUMNS:,}",
                       f"{how_en} has {cols:,} columns, limit {MAX_COLUMNS:,}")
    if earlier + rows * cols > MAX_SHEET_CELLS:
        raise _too_big(f"{how_zh} {rows:,} 行 × {cols:,} 列，上限 {MAX_SHEET_CELLS:,} 格",
                       f"{how_en} {rows:,} rows × {cols:,} columns, limit {MAX_SHEET_CELLS:,} cells")
