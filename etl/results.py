"""What a load did: one ``TableResult`` per table (a CSV file or a sheet), gathered in a ``LoadResult``."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from etl.problems import LoadError, shown


@dataclass
class TableResult:
    """What happened to one table (a CSV file or one sheet) of a load."""

    file: Path
    sheet: str | None
    source: str | None = None
    rows_in: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    rows_skipped: int = 0  # totals, subtotals, signature lines and blank rows (rows_in = loaded + rejected + skipped)
    rows_blank: int = 0  # of the skipped: rows with no value in any known column
    rows_new: int = 0
    rows_replaced: int = 0
    status: str = "loaded"  # loaded, failed, or skipped (a sheet with no table beside one that loaded)
    error: str | None = None  # one line, in Chinese
    error_en: str | None = None  # the same in English
    load_id: int | None = None
    note: str | None = None
    duration_s: float = 0.0

    @property
    def ok(self) -> bool:
        return self.status in ("loaded", "skipped")

    @property
    def label(self) -> str:
        """File name (and sheet) with control characters escaped, safe to print."""
        return shown(f"{self.file.name}[{self.sheet}]" if self.sheet else self.file.name)

    def fail(self, problem: LoadError) -> None:
        self.status, self.error, self.error_en = "failed", problem.zh, problem.en


@dataclass
class LoadResult:
    warehouse: Path
    generation: Path | None
    tables: list[TableResult] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.tables) and all(t.ok for t in self.tables)
