"""Read export files into tables of text: CSV (any common Chinese encoding), XLSX and XLS.

A reader does not interpret values; it yields, per table (a CSV file or a workbook sheet), a
preview of its first rows for header detection, the title facts, either the rows themselves
(spreadsheets, which are small) or a UTF-8 CSV that DuckDB reads directly, and the number of
non-blank records the file holds, counted here, independently of the loader. Anything that is not
a regular file, or a workbook over the limits of ``etl/limits.py``, is refused before it is read.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import stat
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from python_calamine import CalamineWorkbook

from etl.csvscan import count_lines, scan_csv
from etl.limits import MAX_COLUMNS, MAX_FILE_BYTES, MAX_WORKBOOK_BYTES, MAX_XLS_BYTES, file_time_limit
from etl.problems import LoadError, ReadError, one_line
from etl.text import cell_text, fold_width
from etl.xlsxguard import check_xlsx

PREVIEW_ROWS = 30
SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls"}
CSV_SUFFIXES = {".csv", ".txt", ".tsv"}
SUPPORTED_SUFFIXES = SPREADSHEET_SUFFIXES | CSV_SUFFIXES


@dataclass
class Table:
    """One table of an export: a CSV file or one sheet of a workbook."""

    sheet: str | None
    preview: list[list[str | None]]
    rows: list[list[str | None]] | None = None  # spreadsheets: every row, merges filled
    csv_path: Path | None = None  # CSV: a UTF-8 file DuckDB can read (values as exported)
    csv_delimiter: str = ","
    csv_quote: str = '"'
    csv_multiline: bool = False  # a quoted field spans lines: DuckDB must read the file serially
    encoding: str = "utf-8"
    records: int = 0  # non-blank records (rows) in the whole table, header and titles included
    lines: int = 0  # physical lines (CSV)
    replaced: bool = False  # undecodable bytes were replaced by U+FFFD (their rows are rejected)
    error: LoadError | None = None  # a sheet that could not be read (the others still load)
    notes: list[str] = field(default_factory=list)

    @property
    def width(self) -> int:
        rows = self.rows if self.rows is not None else self.preview
        return max((len(r) for r in rows), default=0)

    def records_below(self, data_start: int) -> int:
        """Non-blank records under the header (the table's rows in), from the reader's own count."""
        above = sum(1 for row in self.preview[:data_start] if any(row))
        return self.records - above


def check_regular_file(path: Path, limit: int) -> os.stat_result:
    """The file's status; refuses FIFOs, devices, sockets, folders and files over ``limit`` bytes."""
    try:
        info = path.stat()
    except FileNotFoundError as exc:
        raise ReadError("文件不存在", "no such file") from exc
    if stat.S_ISDIR(info.st_mode):
        raise ReadError("是文件夹，其中没有导出文件", "is a folder with no export files")
    if not stat.S_ISREG(info.st_mode):
        raise ReadError("不是普通文件（管道、设备或套接字），拒绝读取",
                        "not a regular file (a FIFO, device or socket): refused")
    if info.st_size > limit:
        raise ReadError(f"文件过大（{info.st_size >> 20} MB，上限 {limit >> 20} MB）",
                        f"file too large ({info.st_size >> 20} MB, limit {limit >> 20} MB)")
    return info


# --- CSV -----------------------------------------------------------------------------------

_SAMPLE_BYTES = 1 << 20


def sniff_encoding(sample: bytes) -> str:
    """'utf-8-sig', 'utf-8', 'utf-16' or 'gb18030' (GBK is a subset), from the first bytes of a file."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    odd, even = sample[1::2].count(b"\0"), sample[0::2].count(b"\0")
    half = max(1, len(sample) // 2)
    if max(odd, even) > half // 4 and min(odd, even) < half // 50:  # UTF-16 without a BOM: ASCII has NUL halves
        return "utf-16-le" if odd > even else "utf-16-be"
    body = sample[:-4] if len(sample) >= _SAMPLE_BYTES else sample  # a character may be cut by the boundary
    bad_at = None
    for encoding in ("utf-8", "gb18030"):
        try:
            body.decode(encoding)
            return encoding
        except UnicodeDecodeError as exc:
            bad_at = exc.start if bad_at is None else bad_at
            # A few bad bytes in an otherwise good text reject their rows, not the file.
            if body.decode(encoding, errors="replace").count("\ufffd") <= max(1, len(body) // 20000):
                return encoding
    raise ReadError(
        f"无法识别的文本编码（不是 UTF-8、GB18030 或 GBK；第 {bad_at} 字节有误）",
        f"unrecognised text encoding (not UTF-8, GB18030 or GBK; bad byte at offset {bad_at})",
    )


def _check_text(sample: bytes) -> None:
    """Refuse binary files (images, archives, executables renamed .csv)."""
    control = sum(sample.count(bytes([b])) for b in (*range(0, 9), 11, 12, *range(14, 32)))
    if control > max(8, len(sample) // 100):
        raise ReadError("不是文本文件（含大量控制字符或 NUL 字节）",
                        "not a text file (many control characters or NUL bytes)")


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
            "无法识别的文本编码（按 GB18030 读出的多为生僻字或私用区字符：Big5 或 Shift-JIS？）；请另存为 UTF-8 或 GBK",
            "unrecognised text encoding (read as GB18030 it gives mostly rare or private-use characters: "
            "Big5 or Shift-JIS?); save the export as UTF-8 or GBK",
        )


def transcode_to_utf8(src: Path, encoding: str, dest: Path, deadline: float | None = None) -> bool:
    """Stream a file into UTF-8 (no BOM, NUL bytes dropped, CR-only line ends made LF) in large blocks.

    Undecodable bytes become U+FFFD, so one bad byte rejects its row, not the file; returns whether any did.
    """
    replaced = False
    with open(src, encoding=encoding, errors="replace", newline="") as fin, \
            open(dest, "w", encoding="utf-8", newline="") as fout:
        carry_cr = False
        while block := fin.read(1 << 22):
            if deadline is not None and time.monotonic() > deadline:
                raise ReadError("读取超时，已停止", "reading took too long and was stopped (time limit)")
            replaced = replaced or "\ufffd" in block
            if "\0" in block:
                block = block.replace("\0", "")
            if carry_cr and block.startswith("\n"):
                block = block[1:]
            carry_cr = block.endswith("\r")
            if "\r" in block:  # CRLF and lone CR (old Mac exports) both end a line
                block = block.replace("\r\n", "\n").replace("\r", "\n")
            fout.write(block)
    return replaced


def _delimiter_and_quote(lines: list[str]) -> tuple[str, str]:
    try:
        delimiter = csv.Sniffer().sniff("\n".join(lines[:10]), delimiters=",\t;|").delimiter
    except csv.Error:
        delimiter = ","
    quote = '"'
    if delimiter == "\t":  # tab-separated exports do not quote; a quote there is part of a value
        cells = [c for line in lines for c in line.split("\t")]
        if not any(len(c) > 1 and c.startswith('"') and c.endswith('"') for c in cells):
            quote = ""
    return delimiter, quote


def read_csv_table(path: Path, workdir: Path, deadline: float | None = None) -> Table:
    with open(path, "rb") as f:
        sample = f.read(_SAMPLE_BYTES)
    if not sample.strip():
        raise ReadError("文件是空的", "the file is empty")
    encoding = sniff_encoding(sample)
    if not encoding.startswith("utf-16"):
        _check_text(sample)
    text = sample.decode(encoding if encoding != "utf-8-sig" else "utf-8-sig", errors="ignore")
    lines = text.splitlines()[:PREVIEW_ROWS]
    delimiter, quote = _delimiter_and_quote(lines)
    reader = csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter, quotechar=quote or None,
                        quoting=csv.QUOTE_MINIMAL if quote else csv.QUOTE_NONE)
    csv.field_size_limit(_SAMPLE_BYTES)
    preview = [[fold_width(c) if c.strip() else None for c in row] for row in reader]
    width = max((len(r) for r in preview), default=0)
    if width > MAX_COLUMNS:
        raise ReadError(f"列数过多（{width:,} 列，上限 {MAX_COLUMNS:,}）",
                        f"too many columns ({width:,}, limit {MAX_COLUMNS:,})")
    if encoding == "gb18030":
        _check_gb_text("\n".join(lines))
    cr_only = b"\r" in sample and b"\n" not in sample
    csv_path, replaced = path, False
    if encoding not in ("utf-8", "utf-8-sig") or b"\0" in sample or cr_only:
        csv_path = _scratch(workdir)
        replaced = transcode_to_utf8(path, encoding, csv_path, deadline)
    try:
        scan = scan_csv(csv_path, delimiter, quote, width, deadline)
        if not scan.valid_utf8:  # a bad byte past the sample: replace it, its row is rejected
            csv_path = _scratch(workdir)
            replaced = transcode_to_utf8(path, "utf-8-sig", csv_path, deadline)
            scan = scan_csv(csv_path, delimiter, quote, width, deadline)
    except LoadError as exc:  # the records cannot be trusted: the file fails, logging the lines it has
        lines = count_lines(csv_path, delimiter)
        return Table(None, preview, encoding=encoding, records=lines.records, lines=lines.lines, error=exc)
    return Table(None, preview, csv_path=csv_path, csv_delimiter=delimiter, csv_quote=quote,
                 csv_multiline=scan.multiline, encoding=encoding, records=scan.records, lines=scan.lines,
                 replaced=replaced)


def _scratch(workdir: Path) -> Path:
    """A new scratch file of its own (never derived from the export's name: two folders' 台账.csv differ)."""
    fd, name = tempfile.mkstemp(prefix="in-", suffix=".utf8.csv", dir=workdir)
    os.close(fd)
    return Path(name)


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
    """Every sheet of a workbook; a sheet that cannot be read is a Table with ``error`` (the rest load)."""
    suffix = path.suffix.lower()
    if path.stat().st_size == 0:
        raise ReadError("文件是空的", "the file is empty")
    if suffix in (".xlsx", ".xlsm"):
        check_xlsx(path)
    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own error types per format
        detail = one_line(f"{type(exc).__name__}: {exc}", 160)
        raise ReadError(f"无法打开工作簿（{detail}）", f"cannot open the workbook ({detail})") from exc
    tables = []
    for name in workbook.sheet_names:
        try:
            table = _read_sheet(workbook, name)
        except Exception as exc:  # one broken sheet must not discard the good ones
            detail = one_line(f"{type(exc).__name__}: {exc}", 160)
            tables.append(Table(name, [], error=ReadError(f"工作表无法读取（{detail}）",
                                                          f"sheet cannot be read ({detail})")))
            continue
        if table is not None:
            tables.append(table)
    if not tables:
        raise ReadError("工作簿的所有工作表都没有数据", "the workbook has no data in any sheet")
    return tables


def _read_sheet(workbook: CalamineWorkbook, name: str) -> Table | None:
    sheet = workbook.get_sheet_by_name(name)
    if sheet.width > MAX_COLUMNS:
        raise ReadError(f"列数过多（{sheet.width:,} 列）", f"too many columns ({sheet.width:,})")
    values = sheet.to_python(skip_empty_area=False)
    merges = sheet.merged_cell_ranges
    del sheet  # the reader's copy of the cells goes before ours is built
    grid = values
    for i, row in enumerate(grid):
        grid[i] = [cell_text(v) for v in row]
    _fill_merges(grid, merges)
    while grid and not any(grid[-1]):
        grid.pop()
    if not grid:
        return None
    records = sum(1 for row in grid if any(row))
    return Table(name, grid[:PREVIEW_ROWS], rows=grid, records=records)


def read_tables(path: Path, workdir: Path) -> list[Table]:
    """Every table in an export file; raises ReadError with a plain reason."""
    suffix = path.suffix.lower()
    deadline = time.monotonic() + file_time_limit()
    if suffix in SPREADSHEET_SUFFIXES:
        check_regular_file(path, MAX_XLS_BYTES if suffix == ".xls" else MAX_WORKBOOK_BYTES)
        return read_workbook(path)
    if suffix in CSV_SUFFIXES:
        check_regular_file(path, MAX_FILE_BYTES)
        return [read_csv_table(path, workdir, deadline)]
    raise ReadError(f"不支持的文件类型 {suffix or '（无扩展名）'}（应为 .csv、.xlsx 或 .xls）",
                    f"unsupported file type {suffix or '(none)'} (expected .csv, .xlsx or .xls)")
