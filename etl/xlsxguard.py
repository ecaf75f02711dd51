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

from etl.limits import MAX_COLUMNS, MAX_MERGED_CELLS, MAX_SHEET_CELLS, MAX_UNZIPPED_BYTES
from etl.problems import LoadError, ReadError

_DIMENSION = re.compile(rb'<(?:\w+:)?dimension ref="([A-Z]+)?(\d+)?(?::([A-Z]+)(\d+))?"')
_ROW = re.compile(rb'<(?:\w+:)?row [^>]*?r="(\d{5,})"')
_CELL_ROW = re.compile(rb'<(?:\w+:)?c r="[A-Z]{1,3}(\d{5,})"')
_WIDE_CELL = re.compile(rb'<(?:\w+:)?c r="([A-Z]{2,3})\d')
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')
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
        total = 0
        for info in infos:
            name = info.filename
            if not name.endswith(".xml"):
                continue
            sheet = name.startswith("xl/worksheets/")
            try:
                total = _scan_part(archive, info, total, sheet)
            except LoadError:
                raise
            except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError) as exc:
                raise LoadError(f"工作簿已损坏（{name} 无法解压）",
                                f"the workbook is damaged ({name} cannot be unzipped)") from exc


def _scan_part(archive: zipfile.ZipFile, info: zipfile.ZipInfo, total: int, sheet: bool) -> int:
    max_row = max_col = merged = 0
    single = 0
    tail = b""
    with archive.open(info) as part:
        while chunk := part.read(1 << 20):
            total += len(chunk)
            if total > MAX_UNZIPPED_BYTES:
                raise _too_big(f"解压后超过 {MAX_UNZIPPED_BYTES >> 20} MB（压缩炸弹？）",
                               f"over {MAX_UNZIPPED_BYTES >> 20} MB unzipped (a zip bomb?)")
            if not sheet:
                continue
            text = tail + chunk
            for m in _DIMENSION.finditer(text):
                if m.group(3):
                    rows = int(m.group(4)) - int(m.group(2) or 1) + 1
                    cols = column_number(m.group(3)) - column_number(m.group(1) or b"A") + 1
                    _check_area(rows, cols, declared=True)
            for pattern in (_ROW, _CELL_ROW):
                for m in pattern.finditer(text):
                    max_row = max(max_row, int(m.group(1)))
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
            _check_area(max(max_row, 1), max(max_col, single, 1))
            if merged > MAX_MERGED_CELLS:
                raise _too_big(f"合并单元格共 {merged:,} 格，上限 {MAX_MERGED_CELLS:,}",
                               f"merged ranges cover {merged:,} cells, limit {MAX_MERGED_CELLS:,}")
    return total


def _check_area(rows: int, cols: int, declared: bool = False) -> None:
    how_zh, how_en = ("声明的范围", "declared range") if declared else ("数据范围", "used range")
    if cols > MAX_COLUMNS:
        raise _too_big(f"{how_zh}有 {cols:,} 列，上限 {MAX_COLUMNS:,}",
                       f"{how_en} has {cols:,} columns, limit {MAX_COLUMNS:,}")
    if rows * cols > MAX_SHEET_CELLS:
        raise _too_big(f"{how_zh} {rows:,} 行 × {cols:,} 列，上限 {MAX_SHEET_CELLS:,} 格",
                       f"{how_en} {rows:,} rows × {cols:,} columns, limit {MAX_SHEET_CELLS:,} cells")
