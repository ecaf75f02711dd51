"""Resource limits of a load, checked before a file is read (one place, documented in the README).

A load must stay bounded whatever it is given: a workbook that declares a million rows of 16,384 columns,
a zip bomb, a cell of megabytes, a FIFO or a device. Each limit below refuses the file (or rejects the row,
for a long cell) with a clear message instead of trying.
"""

from __future__ import annotations

import os

MAX_FILE_BYTES = 2 << 30  # a CSV export over 2 GiB is refused
MAX_WORKBOOK_BYTES = 100 << 20  # an .xlsx file over 100 MiB is refused
MAX_XLS_BYTES = 30 << 20  # a legacy .xls over 30 MiB is refused (its cells cannot be counted cheaply)
MAX_UNZIPPED_BYTES = 256 << 20  # an .xlsx whose parts decompress to more than this is refused (zip bombs)
MAX_CELL_TEXT_BYTES = 128 << 20  # shared text the cells of a workbook refer to (one long string used 4M times)
MAX_SHEET_CELLS = 2_000_000  # rows × columns the sheets of a workbook span together (each is read whole)
MAX_MERGED_CELLS = 2_000_000  # cells covered by a sheet's merged ranges (each one is filled in)
MAX_COLUMNS = 1024  # columns of a table (CSV or sheet)
MAX_CELL_CHARS = 32_767  # Excel's own cell limit: a longer value rejects its row
MAX_FIELD_BYTES = 16 << 20  # a CSV field over 16 MiB stops the file (an unclosed quote swallowing the rest)


LOAD_MEMORY_LIMIT = os.environ.get("KPI_LOAD_MEMORY", "512MB")  # DuckDB's memory in a load (spills beyond it)
# DuckDB's threads in a load: every core by default (a load is the machine's one writer); KPI_LOAD_THREADS=1 leaves
# the other cores to a server on the same machine. Memory per thread stays under LOAD_MEMORY_LIMIT either way.
LOAD_THREADS = max(1, int(os.environ.get("KPI_LOAD_THREADS") or os.cpu_count() or 1))


def file_time_limit() -> float:
    """Seconds a file may take to read and load before it is failed (``KPI_FILE_TIME_LIMIT``, default 600)."""
    return float(os.environ.get("KPI_FILE_TIME_LIMIT", "600"))
