"""Count a CSV's records from the file itself, independently of the loader, and find swallowed quotes.

The count is what a standards-following parser (Python's ``csv``) sees, records whose every field is
blank left out; DuckDB's count of the same rows must agree, or the file fails. Physical lines are
counted too: when a quoted field runs over lines that look like whole records of the table, a quote was
left open and swallowed them, and the file fails with the line where it happened.

Files without a quote character take a fast path over bytes (no per-field work): records are lines.
"""

from __future__ import annotations

import csv
import re
import time
from dataclasses import dataclass
from pathlib import Path

from etl.limits import MAX_FIELD_BYTES
from etl.problems import LoadError

_CHUNK = 1 << 24


@dataclass
class Scan:
    records: int  # records with at least one non-blank field
    lines: int  # physical lines
    multiline: bool  # some quoted field holds a line break (DuckDB must read it serially)
    valid_utf8: bool = True


class _TooSlow(LoadError):
    pass


def _check_deadline(deadline: float | None) -> None:
    if deadline is not None and time.monotonic() > deadline:
        raise _TooSlow("读取超时，已停止", "reading took too long and was stopped (time limit)")


def scan_csv(path: Path, delimiter: str, quote: str, width: int, deadline: float | None = None) -> Scan:
    """Records and lines of a UTF-8 CSV; raises LoadError on a swallowed quote or a runaway field."""
    fast = _scan_bytes(path, delimiter, quote, deadline)
    if fast is not None:
        return fast
    return _scan_records(path, delimiter, quote, width, deadline)


def count_lines(path: Path, delimiter: str) -> Scan:
    """Non-blank physical lines, quotes ignored: what a file holds when its records cannot be trusted."""
    scan = _scan_bytes(path, delimiter, "", None)
    assert scan is not None
    return scan


def _scan_bytes(path: Path, delimiter: str, quote: str, deadline: float | None) -> Scan | None:
    """Lines and non-blank lines, for a file with no quote character (None if it has one)."""
    # A blank line: only spaces, tabs, delimiters before its end (found after the line end before it: fast).
    spaces = rb"[ \t" + re.escape(delimiter.encode()) + rb"\r]*"
    blank = re.compile(rb"\n" + spaces + rb"(?=\n)")
    blank_first = re.compile(spaces + rb"\n")
    lines = blanks = 0
    valid = True
    rest = b""
    qb = quote.encode()
    with open(path, "rb") as f:
        while chunk := f.read(_CHUNK):
            _check_deadline(deadline)
            if qb and qb in chunk:
                return None
            block = rest + chunk
            cut = block.rfind(b"\n") + 1
            whole, rest = block[:cut], block[cut:]
            if valid:
                try:
                    whole.decode("utf-8")
                except UnicodeDecodeError:
                    valid = False
            count = whole.count(b"\n")
            if len(whole) > MAX_FIELD_BYTES and len(whole) > 4096 * count:  # long lines: find any too long
                _check_line_lengths(whole, lines)
            lines += count
            blanks += len(blank.findall(whole)) + (1 if whole and blank_first.match(whole) else 0)
            if len(rest) > MAX_FIELD_BYTES:
                raise LoadError(f"第 {lines + 1} 行超过 {MAX_FIELD_BYTES >> 20} MB",
                                f"line {lines + 1} is over {MAX_FIELD_BYTES >> 20} MB long")
    if rest:
        lines += 1
        if valid:
            try:
                rest.decode("utf-8")
            except UnicodeDecodeError:
                valid = False
        if not rest.strip(b" \t\r" + delimiter.encode()):
            blanks += 1
    return Scan(lines - blanks, lines, False, valid)


def _check_line_lengths(block: bytes, lines_before: int) -> None:
    for i, line in enumerate(block.split(b"\n")):
        if len(line) > MAX_FIELD_BYTES:
            raise LoadError(f"第 {lines_before + i + 1} 行超过 {MAX_FIELD_BYTES >> 20} MB",
                            f"line {lines_before + i + 1} is over {MAX_FIELD_BYTES >> 20} MB long")


def _scan_records(path: Path, delimiter: str, quote: str, width: int, deadline: float | None) -> Scan:
    """Records as Python's csv module parses them; a swallowed quote or a runaway field raises LoadError."""
    records = 0
    multiline = False
    previous_line = 0
    crowded = max(1, width - 2)  # delimiters on a line that make it look like a whole record
    csv.field_size_limit(MAX_FIELD_BYTES)
    try:
        _check_closed(path, delimiter, quote)
        with open(path, encoding="utf-8", errors="strict", newline="") as f:
            reader = csv.reader(f, delimiter=delimiter, quotechar=quote or None,
                                quoting=csv.QUOTE_MINIMAL if quote else csv.QUOTE_NONE, strict=False)
            for row in reader:
                if reader.line_num - previous_line > 1:
                    multiline = True
                    _check_swallowed(row, delimiter, crowded, previous_line + 1)
                previous_line = reader.line_num
                if any(field.strip(" \t") for field in row):
                    records += 1
                if records % 65536 == 0:
                    _check_deadline(deadline)
            lines = reader.line_num
    except UnicodeDecodeError:
        return Scan(0, 0, False, valid_utf8=False)
    except csv.Error as exc:
        line = previous_line + 1
        raise LoadError(
            f"第 {line} 行起的引号没有闭合（一个单元格超过 {MAX_FIELD_BYTES >> 20} MB 或到文件末尾仍未结束）",
            f"unclosed quote from line {line} (a cell over {MAX_FIELD_BYTES >> 20} MB or open at the end): {exc}",
        ) from exc
    return Scan(records, lines, multiline)


def _check_closed(path: Path, delimiter: str, quote: str) -> None:
    """Raise LoadError when a quoted field is still open at the end of the file (a strict parse says so)."""
    if not quote:
        return
    line = 0
    with open(path, encoding="utf-8", errors="replace", newline="") as f:
        reader = csv.reader(f, delimiter=delimiter, quotechar=quote, strict=True)
        try:
            for _ in reader:
                line = reader.line_num
        except csv.Error as exc:
            if "unexpected end of data" in str(exc):
                raise LoadError(f"第 {line + 1} 行起的引号到文件末尾仍未闭合",
                                f"unclosed quote from line {line + 1} to the end of the file") from exc
            if "field larger" in str(exc):
                raise
            # any other strictness (a character after a closing quote) is fine for a lenient reader


def _check_swallowed(row: list[str], delimiter: str, crowded: int, line: int) -> None:
    for field in row:
        if "\n" not in field and "\r" not in field:
            continue
        inner = field.splitlines()[1:]
        swallowed = [text for text in inner if text.count(delimiter) >= crowded]
        if swallowed:
            raise LoadError(
                f"第 {line} 行的引号没有闭合：其后 {len(inner)} 行被并入一个单元格，"
                f"其中 {len(swallowed)} 行像是完整记录",
                f"unclosed quote at line {line}: the next {len(inner)} lines run into one cell, "
                f"{len(swallowed)} of them look like whole records",
            )
