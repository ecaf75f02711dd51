"""The load log and the rejected values: what ``kpi loads`` / ``kpi rejects`` print and /data shows.

Result columns:

``load_log()`` — load_id, file, sheet, source, rows_in, rows_loaded, rows_rejected, rows_skipped, rows_blank,
    status, error, error_en, note, when, duration_s, file_path (oldest first, as ``kpi loads``).
``rejects(limit, offset)`` — file, sheet, source, row, column, value, reason (as ``kpi rejects``: by file,
    sheet, row and column), ``limit`` rows from ``offset`` (all of them when ``limit`` is None).
``rejects_count()`` — n.
"""

from __future__ import annotations

import sqlalchemy as sa

from warehouse.sql import view

LOG = view("load_log", "load_id", "file_name", "sheet", "source", "rows_in", "rows_loaded", "rows_rejected",
           "rows_skipped", "rows_blank", "status", "error", "error_en", "note", "started_at", "duration_s",
           "file_path")
REJ = view("rejects", "file_name", "sheet", "source", "row_no", "column_name", "header", "value", "reason")


def load_log() -> sa.Select:
    c = LOG.c
    return sa.select(
        c.load_id, c.file_name.label("file"), c.sheet, c.source, c.rows_in, c.rows_loaded, c.rows_rejected,
        c.rows_skipped, c.rows_blank, c.status, c.error, c.error_en, c.note, c.started_at.label("when"),
        sa.func.round(c.duration_s, 3).label("duration_s"), c.file_path,
    ).order_by(c.load_id)


def rejects(limit: int | None = None, offset: int = 0) -> sa.Select:
    c = REJ.c
    stmt = sa.select(
        c.file_name.label("file"), c.sheet, c.source, c.row_no.label("row"), c.header.label("column"), c.value,
        c.reason,
    ).order_by(c.file_name, c.sheet, c.row_no, c.column_name)
    if limit is not None:
        stmt = stmt.limit(limit).offset(offset)
    return stmt


def rejects_count() -> sa.Select:
    return sa.select(sa.func.count().label("n")).select_from(REJ)
