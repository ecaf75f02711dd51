"""Mappings a clerk saves for an export layout the loader does not know: data, not code.

A mapping names a source and, for each of its fields, the header the file uses. It is saved in the
warehouse's overlay (``etl.sources.mappings_file``: ``<warehouse>.mappings.yaml``), which detection reads
through ``etl.sources.active_sources``: the headers become aliases of their fields and the layout a variant
of the source, exactly as a variant in ``etl/specs/*.yaml``. ``kpi load`` and ``kpi sniff`` see it too.
"""

from __future__ import annotations

import datetime as dt
import fcntl
from pathlib import Path

import yaml

from dashboard.desk.config import write_atomic
from dashboard.desk.uploads import Refused
from dashboard.i18n import t
from etl.sources import SOURCES_BY_NAME, ColumnSpec, SourceSpec, mappings_file, read_mappings

MAX_HEADER_CHARS = 100


def needs_mapping(col: ColumnSpec) -> bool:
    """A required field that only a column of the file can give (no title row, fallback or composition)."""
    return col.required and not (col.from_title or col.fallback or col.derive or col.compose)


def fields(source: str) -> tuple[ColumnSpec, ...]:
    return SOURCES_BY_NAME[source].columns if source in SOURCES_BY_NAME else ()


def validate(source: str, columns: dict[str, str]) -> tuple[SourceSpec, dict[str, str]]:
    """The source and the mapping (field → header) cleaned; raises ``Refused`` saying what is wrong."""
    spec = SOURCES_BY_NAME.get(source)
    if spec is None:
        raise Refused.because("desk.no_source")
    chosen = {str(f): str(h).strip() for f, h in (columns or {}).items() if h is not None and str(h).strip()}
    known = {c.name for c in spec.columns}
    if unknown := sorted(set(chosen) - known):
        raise Refused.because("desk.unknown_fields", names=", ".join(unknown))
    if too_long := [h for h in chosen.values() if len(h) > MAX_HEADER_CHARS]:
        raise Refused.because("desk.header_long", limit=MAX_HEADER_CHARS, header=too_long[0][:20])
    headers = list(chosen.values())
    if dup := sorted({h for h in headers if headers.count(h) > 1}):
        raise Refused.because("desk.header_twice", names=", ".join(dup))
    if missing := [c for c in spec.columns if needs_mapping(c) and c.name not in chosen]:
        raise Refused(t("desk.required", "zh", names=t("common.list_sep", "zh").join(c.header for c in missing)),
                      t("desk.required", "en", names=", ".join(c.label_en or c.name for c in missing)))
    return spec, chosen


def save(warehouse: Path, source: str, columns: dict[str, str], actor: str, label: str = "") -> dict[str, object]:
    """Check and append a mapping to the warehouse's overlay; returns the mapping as saved. Savers take the
    overlay's own lock; the file is replaced atomically, so a load reads the old or the new one whole."""
    spec, chosen = validate(source, columns)
    path = mappings_file(warehouse)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(path.name + ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        existing = read_mappings(path)
        name = f"desk_{len(existing) + 1:03d}"
        mapping = {
            "name": name, "source": spec.name,
            "label": label.strip()[:60] or t("desk.custom", "zh", source=spec.label, name=name),
            "label_en": label.strip()[:60] or t("desk.custom", "en", source=spec.label_en or spec.name, name=name),
            "columns": chosen, "created_by": str(actor), "created_at": dt.datetime.now().isoformat(timespec="seconds"),
        }
        text = yaml.safe_dump({"mappings": [*existing, mapping]}, allow_unicode=True, sort_keys=False)
        write_atomic(path, "# Saved on the data desk (/data); the same effect as a variant in etl/specs/*.yaml.\n"
                     + text)
    return mapping


def saved(warehouse: Path) -> list[dict]:
    return read_mappings(mappings_file(warehouse))
