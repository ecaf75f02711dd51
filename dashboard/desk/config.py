"""Where the desk keeps its files, how it replaces them, and how big an upload may be (one place; environment
overrides)."""

from __future__ import annotations

import os
import threading
from pathlib import Path

MAX_UPLOAD_BYTES = int(float(os.environ.get("KPI_UPLOAD_MAX_MB", "50")) * (1 << 20))  # per file
MAX_DROP_FILES = 50  # files of one drop the page previews and loads together
MAX_DROP_BYTES = int(float(os.environ.get("KPI_UPLOAD_DROP_MB", "100")) * (1 << 20))  # all files of one drop


def spool_dir(warehouse: Path) -> Path:
    """The desk's spool beside the warehouse (``data/warehouse.duckdb.spool/``), outside the web root."""
    return warehouse.with_name(warehouse.name + ".spool")


def max_request_bytes() -> int:
    """The largest request body the server accepts: a full drop, base64-encoded, plus room for the form."""
    return MAX_DROP_BYTES * 4 // 3 + (1 << 20)


def write_atomic(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` in one step: a reader (another worker process) sees the old file or the new
    one whole, never half of it."""
    temp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    temp.write_text(text, encoding="utf-8")
    os.replace(temp, path)
