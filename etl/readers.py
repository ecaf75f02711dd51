"""Read export files into tables of text: CSV (any common Chinese encoding), XLSX and XLS.

A reader does not interpret values; it yields, per table (a CSV file or a workbook sheet), a
preview of its first rows for header detection, the title facts, and either the rows
themselves (spreadsheets, which are small) or a UTF-8 CSV that DuckDB reads directly.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from python_calamine import CalamineWorkbook

from etl.text import cell_text, fold_width

PREVIEW_ROWS = 30
SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls"}
CSV_SUFFIXES = {".csv", ".txt", ".tsv"}
SUPPORTED_SUFFIXES = SPREADSHEET_SUFFIXES | CSV_SUFFIXES


class ReadError(ValueError):
    """A file that cannot be read as a table; the message names the problem in plain words."""


@dataclass
class Table:
    """One table of an export: a CSV file or one sheet of a workbook."""

    sheet: str | None
    preview: list[list[str | None]]
    rows: list[list[str | None]] | None = None  # spreadsheets: every row, merges filled
    csv_path: Path | None = None  # CSV: a UTF-8 file DuckDB can read (values as exported)
    csv_delimiter: str = ","
    encoding: str = "utf-8"
    notes: list[str] = field(default_factory=list)

    @property
    def width(self) -> int:
        rows = self.rows if self.rows is not None else self.preview
        return max((len(r) for r in rows), default=0)


# --- CSV -----------------------------------------------------------------------------------

_SAMPLE_BYTES = 1 << 20


def sniff_encoding(sample: bytes) -> str:
    """'utf-8-sig', 'utf-8' or 'gb18030' (GBK is a subset), from the first bytes of a file."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start >= len(sample) - 4:  # a character cut by the sample boundary
            return "utf-8"
    try:
        sample.decode("gb18030")
        return "gb18030"
    except UnicodeDecodeError as exc:
        if exc.start >= len(sample) - 4:
            return "gb18030"
        raise ReadError(
            f"unrecognised text encoding (not UTF-8, GB18030 or GBK; bad byte at offset {exc.start})"
        ) from exc


def _check_gb_text(text: str) -> None:
    """Reject text that decodes as GB18030 only by accident (Big5, Shift-JIS): its Chinese is mostly rare.

    Real exports' headers and values are almost all GB2312 characters (rare place-name characters are a
    few); Big5 or Shift-JIS bytes read as GB18030 give mostly characters outside GB2312 or private-use ones.
    """
    cjk = [c for c in text if ord(c) >= 0x2E80]
    if len(cjk) < 4:
        return
    common = 0
    for c in cjk:
        try:
            c.encode("gb2312")
            common += 1
        except UnicodeEncodeError:
            pass
    if common < 0.8 * len(cjk):
        raise ReadError(
            "unrecognised text encoding (read as GB18030 it gives mostly rare or private-use characters: "
            "Big5 or Shift-JIS?); save the export as UTF-8 or GBK"
        )


def transcode_to_utf8(src: Path, encoding: str, dest: Path) -> None:
    """Stream a file into UTF-8 (no BOM), in large blocks; values are normalised later, in SQL."""
    try:
        with open(src, encoding=encoding, newline="") as fin, open(dest, "w", encoding="utf-8", newline="") as fout:
            while block := fin.read(1 << 22):
                fout.write(block)
    except UnicodeDecodeError as exc:
        raise ReadError(f"text is not valid {encoding.upper()} (bad byte at offset {exc.start})") from exc


def read_csv_table(path: Path, workdir: Path) -> Table:
    with open(path, "rb") as f:
        sample = f.read(_SAMPLE_BYTES)
    if not sample.strip():
        raise ReadError("the file is empty")
    encoding = sniff_encoding(sample)
    text = sample.decode(encoding if encoding != "utf-8-sig" else "utf-8-sig", errors="ignore")
    lines = text.splitlines()[:PREVIEW_ROWS]
    try:
        delimiter = csv.Sniffer().sniff("\n".join(lines[:10]), delimiters=",\t;|").delimiter
    except csv.Error:
        delimiter = ","
    preview = [[c if c.strip() else None for c in row] for row in csv.reader(io.StringIO("\n".join(lines)),
                                                                           delimiter=delimiter)]
    if encoding == "gb18030":
        _check_gb_text("\n".join(lines))
    preview = [[fold_width(c) if c else c for c in row] for row in preview]
    if encoding in ("utf-8", "utf-8-sig"):
        csv_path = path  # DuckDB reads it as it is (a BOM is skipped)
    else:
        csv_path = workdir / (path.stem + ".utf8.csv")
        transcode_to_utf8(path, encoding, csv_path)
    return Table(None, preview, csv_path=csv_path, csv_delimiter=delimiter, encoding=encoding)


# --- spreadsheets --------------------------------------------------------------------------


def _fill_merges(grid: list[list[str | None]], merges: list) -> None:
    """Give every cell of a merged range the value of its top-left cell."""
    for (r0, c0), (r1, c1) in merges or ():
        if r0 >= len(grid):
            continue
        top = grid[r0]
        value = top[c0] if c0 < len(top) else None
        for r in range(r0, min(r1, len(grid) - 1) + 1):
            row = grid[r]
            if len(row) <= c1:
                row.extend([None] * (c1 + 1 - len(row)))
            for c in range(c0, c1 + 1):
                if r == r0 and c == c0:
                    continue
                row[c] = value


def read_workbook(path: Path) -> list[Table]:
    suffix = path.suffix.lower()
    if path.stat().st_size == 0:
        raise ReadError("the file is empty")
    if suffix in (".xlsx", ".xlsm") and not zipfile.is_zipfile(path):
        raise ReadError("not a valid .xlsx workbook (the file is truncated or not an Excel file)")
    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own error types per format
        raise ReadError(f"cannot open the workbook ({type(exc).__name__}: {exc})") from exc
    tables = []
    for name in workbook.sheet_names:
        try:
            sheet = workbook.get_sheet_by_name(name)
            values = sheet.to_python(skip_empty_area=False)
            merges = sheet.merged_cell_ranges
        except Exception as exc:
            raise ReadError(f"sheet {name!r} cannot be read ({type(exc).__name__}: {exc})") from exc
        grid = [[cell_text(v) for v in row] for row in values]
        _fill_merges(grid, merges)
        while grid and not any(grid[-1]):
            grid.pop()
        if not grid:
            continue
        tables.append(Table(name, grid[:PREVIEW_ROWS], rows=grid))
    if not tables:
        raise ReadError("the workbook has no data in any sheet")
    return tables


def read_tables(path: Path, workdir: Path) -> list[Table]:
    """Every table in an export file; raises ReadError with a plain reason."""
    suffix = path.suffix.lower()
    if suffix in SPREADSHEET_SUFFIXES:
        return read_workbook(path)
    if suffix in CSV_SUFFIXES:
        return [read_csv_table(path, workdir)]
    raise ReadError(f"unsupported file type {suffix or '(none)'} (expected .csv, .xlsx or .xls)")
