"""Find the header of a table and the source it belongs to, from header text alone.

Headers may sit below title rows and span up to three rows (a group header merged over its
sub-headers). Every candidate (start row, depth) is matched against every source; the best
complete match wins. A near miss becomes an error naming the missing column and the
closest header that was found.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from etl.sources import ColumnSpec, SourceSpec, Variant, active_sources
from etl.text import header_key, title_context
from etl.vocab import assessment_item

MAX_HEADER_START = 20
MAX_HEADER_DEPTH = 3


class DetectError(ValueError):
    """No source matches the table's headers; the message says why in plain words."""


@dataclass
class Detection:
    spec: SourceSpec
    header_row: int  # 0-based index of the first header row
    depth: int  # number of header rows
    columns: dict[str, int]  # column name → 0-based column index
    headers: dict[str, str]  # column name → header text as found
    ignored: list[str] = field(default_factory=list)  # headers of no known column
    context: dict[str, object] = field(default_factory=dict)  # facts from the title rows
    variant: Variant | None = None  # the platform layout recognised, if any

    @property
    def data_start(self) -> int:
        return self.header_row + self.depth


def _candidates(preview: list[list[str | None]], start: int, depth: int, width: int) -> list[list[str]]:
    """Per column, the header texts to try: bottom cell first, then joined cells."""
    result = []
    for j in range(width):
        parts: list[str] = []
        for r in range(start, start + depth):
            row = preview[r]
            cell = row[j] if j < len(row) else None
            if cell and (not parts or parts[-1] != cell):
                parts.append(cell)
        options = list(reversed(parts))
        if len(parts) > 1:
            options.append("".join(parts))
            options.append("".join(parts[-2:]))
        result.append(options)
    return result


def _match(
    spec: SourceSpec, candidates: list[list[str]], keyed: list[list[str]]
) -> tuple[dict[str, int], dict[str, str]]:
    taken: set[int] = set()
    columns: dict[str, int] = {}
    headers: dict[str, str] = {}
    for col in spec.columns:
        wanted = col.header_keys()
        found = None
        for want in wanted:  # preference: canonical header, then aliases in order
            for j, keys in enumerate(keyed):
                if j not in taken and want in keys:
                    found = j
                    headers[col.name] = candidates[j][keys.index(want)]
                    break
            if found is not None:
                break
        if found is not None:
            columns[col.name] = found
            taken.add(found)
    return columns, headers


def supplied(col: ColumnSpec, columns: dict[str, int], context: dict[str, object], variant: Variant | None) -> bool:
    """Whether a column the table lacks gets its value elsewhere: title, variant default, other columns."""
    return bool(
        (col.from_title and col.from_title in context)
        or (variant is not None and col.name in variant.defaults)
        or any(f in columns for f in col.fallback)
        or (col.derive and col.derive in columns)
        or any(c in columns for c in col.compose)
    )


def _seen(
    spec: SourceSpec, col: ColumnSpec, present: set[str], context: dict[str, object], variant: Variant | None
) -> bool:
    """Cheap test: the column's header, or what supplies it, occurs among the header keys present."""
    if any(k in present for k in col.header_keys()) or (col.from_title and col.from_title in context):
        return True
    if variant is not None and col.name in variant.defaults:
        return True
    others = (*col.fallback, *col.compose, *([col.derive] if col.derive else []))
    return any(k in present for o in others for k in spec.column(o).header_keys())


def _missing_required(
    spec: SourceSpec, columns: dict[str, int], context: dict[str, object], variant: Variant | None = None
) -> list[ColumnSpec]:
    return [c for c in spec.required if c.name not in columns and not supplied(c, columns, context, variant)]


def detect(preview: list[list[str | None]], force: str | None = None) -> Detection:
    """The source, header position and column mapping of a table."""
    specs = active_sources()
    if force is not None:
        specs = tuple(s for s in specs if s.name == force)
    width = max((len(r) for r in preview), default=0)
    best: tuple[tuple[int, int, int], Detection] | None = None
    near: tuple[int, SourceSpec, list[ColumnSpec], list[str]] | None = None
    limit = min(MAX_HEADER_START, len(preview))
    for start in range(limit):
        if not any(preview[start]):
            continue
        title_lines = [" ".join(c for c in row if c) for row in preview[:start]]
        context = title_context(title_lines)
        if item := assessment_item(title_lines):
            context["item"] = item
        for depth in range(1, MAX_HEADER_DEPTH + 1):
            if start + depth > len(preview):
                break
            candidates = _candidates(preview, start, depth, width)
            keyed = [[header_key(o) for o in opts] for opts in candidates]
            present = {k for keys in keyed for k in keys}
            for spec in specs:
                if force is None and spec.exclude_keys & present:
                    continue  # a header this source never has (诉求内容 in a permit list)
                variant = spec.variant_for(present)
                # Cheap test first: a source is a candidate only if its required headers occur at all.
                required_seen = sum(1 for c in spec.required if _seen(spec, c, present, context, variant))
                if required_seen < len(spec.required) and (
                    required_seen == 0 or (near is not None and required_seen <= near[0])
                ):
                    continue  # cannot match, and cannot be a closer near miss than one already seen
                columns, headers = _match(spec, candidates, keyed)
                missing = _missing_required(spec, columns, context, variant)
                if missing:
                    found_required = len(spec.required) - len(missing)
                    if found_required and (near is None or found_required > near[0]):
                        texts = [o[0] for o in candidates if o]
                        near = (found_required, spec, missing, texts)
                    continue
                score = (len(columns), -depth, -start)
                if best is None or score > best[0]:
                    used = set(columns.values())
                    ignored = [o[0] for j, o in enumerate(candidates) if o and j not in used]
                    best = (score, Detection(spec, start, depth, columns, headers, ignored, context, variant))
    if best is not None:
        return best[1]
    if near is not None and (force is not None or near[0] * 2 >= len(near[1].required)):
        _, spec, missing, texts = near
        col = missing[0]
        close = difflib.get_close_matches(col.header, texts, n=1, cutoff=0.0)
        names = "、".join(c.header for c in missing)
        hint_zh = f"；最接近的表头：“{close[0]}”" if close else ""
        hint = f"; closest header found: {close[0]!r}" if close else ""
        raise DetectError(f"像是{spec.label}，但缺少必需的列 {names}{hint_zh} / "
                          f"looks like {spec.name} ({spec.label}) but lacks required column {names}{hint}")
    # These two start in English: the loader recognises them to skip sheets that hold no table.
    if not any(any(row) for row in preview):
        raise DetectError("no data: the table is empty / 没有数据：表格为空")
    raise DetectError("headers match no known export (use --source NAME to force one) / "
                      "表头不符合任何已知的导出格式（可用 --source 指定来源）")
