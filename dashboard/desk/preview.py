"""The validation preview of an upload: exactly the report of ``kpi sniff`` (``etl.sniff.sniff_file``), run with
the warehouse's saved mappings, plus the file's header cells for mapping an unknown variant."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from dashboard.desk.config import write_atomic
from dashboard.desk.uploads import Upload
from etl.problems import LoadError
from etl.readers import read_tables
from etl.sniff import sniff_file
from etl.sources import mappings_file, using_mappings

HEADER_ROWS_SEARCHED = 20


def preview(warehouse: Path, upload: Upload, lang: str = "zh") -> list[dict[str, object]]:
    """One sniff report per table of the upload, its file named by the upload's label."""
    with using_mappings(mappings_file(warehouse)):
        reports = sniff_file(upload.path, None, lang)
    return [{**r, "file": upload.label, "upload": upload.id} for r in reports]


def kept_preview(warehouse: Path, upload: Upload, lang: str = "zh", again: bool = False) -> list[dict[str, object]]:
    """The preview kept beside the upload in the spool (computed on first use, or ``again`` after a mapping is
    saved): the browser holds only upload ids, never reports it could alter."""
    path = upload.path.with_name(f"{upload.id}.preview.{'en' if lang == 'en' else 'zh'}.json")
    if not again:
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            pass
    reports = preview(warehouse, upload, lang)
    write_atomic(path, json.dumps(reports, ensure_ascii=False, default=str))
    return reports


def loadable(report: dict[str, object]) -> bool:
    """A table the loader recognises (it may still have rows that would be rejected)."""
    return bool(report.get("source"))


def clean(report: dict[str, object]) -> bool:
    """Recognised, and nothing would be rejected: what ``kpi sniff`` exits 0 for."""
    return loadable(report) and not report.get("would_reject")


def file_headers(upload: Upload) -> list[str]:
    """The header cells of the upload's first table, for mapping them to fields: the first of its top rows with
    the most filled cells (title rows above a table have one or two). Empty when the file cannot be read."""
    with tempfile.TemporaryDirectory() as work:
        try:
            tables = read_tables(upload.path, Path(work))
        except (LoadError, OSError):
            return []
    rows = [[str(c).strip() for c in row if c is not None and str(c).strip()]
            for t in tables[:1] for row in t.preview[:HEADER_ROWS_SEARCHED]]
    best = max(rows, key=len, default=[])
    return list(dict.fromkeys(best))
