"""``kpi sniff``: what the loader would make of a file, without loading it.

Per table (a CSV or a sheet): the source and platform variant detected, where the header is, which
header feeds which field, the columns it will ignore, sample values, and the problems a clerk must fix
(a missing required column with the closest header, values that would be rejected, check characters
that do not match). Runs the loader's own detection and staging SQL in a throw-away in-memory DuckDB.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import duckdb

from etl.detect import DetectError, detect
from etl.problems import LoadError, one_line
from etl.readers import read_tables
from etl.sqlgen import problem_expression

SAMPLES = 3
TEXT = {  # every user-visible string: (中文, English)
    "file": ("文件", "file"), "source": ("识别为", "detected as"), "variant": ("格式", "variant"),
    "header": ("表头位置", "header"), "rows": ("第 {start} 行起，共 {depth} 行", "row {start}, {depth} row(s) deep"),
    "mapping": ("表头 → 字段", "header → field"), "unmapped": ("不使用的列（加载时记录，不影响加载）",
                                                       "unused columns (noted on load, never fatal)"),
    "supplied": ("文件中没有、另行取得的字段", "fields the file lacks, supplied otherwise"),
    "problems": ("问题", "problems"), "none": ("无", "none"), "samples": ("示例", "e.g."),
    "counts": ("将加载 {ok} 行，拒收 {bad} 行，跳过合计/签名行 {skip} 行", "would load {ok} rows, reject {bad}, "
               "skip {skip} total/signature rows"),
    "rejects": ("{n} 行的“{header}”将被拒收：{reason}（如 {value!r}）", "{n} row(s) rejected in {header!r}: {reason} "
                "(e.g. {value!r})"),
    "bad_code": ("“{header}”中 {n} 个代码校验位不符（如 {value}）", "{n} code(s) in {header!r} fail the check "
                 "character (e.g. {value})"),
    "by_default": ("取默认值", "default"), "by_title": ("取自标题行", "from the title rows"),
    "by_fallback": ("取自", "from"), "by_derive": ("从…中识别", "found in"), "by_compose": ("由…组合", "joined from"),
    "generic": ("通用格式", "generic"),
}


def t(key: str, lang: str, **kw: object) -> str:
    zh, en = TEXT[key]
    return (en if lang == "en" else zh).format(**kw)


def _supplied(det, lang: str) -> dict[str, str]:
    out: dict[str, str] = {}
    defaults = det.variant.defaults if det.variant else {}
    for col in det.spec.columns:
        if col.name in det.columns:
            continue
        if col.name in defaults:
            out[col.name] = f"{t('by_default', lang)} {defaults[col.name]}"
        elif col.from_title and col.from_title in det.context:
            out[col.name] = f"{t('by_title', lang)}: {det.context[col.from_title]}"
        elif any(f in det.columns for f in col.fallback):
            out[col.name] = f"{t('by_fallback', lang)} " + "、".join(det.headers[f] for f in col.fallback
                                                                  if f in det.headers)
        elif col.derive and col.derive in det.columns:
            out[col.name] = f"{t('by_derive', lang)} {det.headers[col.derive]}"
        elif any(c in det.columns for c in col.compose):
            out[col.name] = f"{t('by_compose', lang)} " + "+".join(det.headers[c] for c in col.compose
                                                                if c in det.headers)
    return out


def _stage_problems(con: duckdb.DuckDBPyConnection, table, det, lang: str) -> tuple[dict[str, int], list[str]]:
    """Stage the table as a load would (no merge) and describe the values a load would reject."""
    from etl.load import (  # the loader's SQL
        TableResult,
        _alias_maps,
        _Part,
        _source_width,
        _staging_sql,
        copy_raw_rows,
        prepare,
    )

    prepare(con)
    maps = _alias_maps(con)
    part = _Part(Path("."), "", table, det, TableResult(Path("."), table.sheet), None)  # type: ignore[arg-type]
    source = copy_raw_rows(con, [part])
    con.execute(_staging_sql(det, source, _source_width(table, det), maps, "staged_text", keep_text=True))
    ok, bad, skip = con.execute(
        "SELECT count(*) FILTER (NOT _skip AND _ok), count(*) FILTER (NOT _skip AND NOT _ok), "
        "count(*) FILTER (_skip AND NOT _blank) FROM staged_text").fetchone()
    problems = []
    for col in det.spec.columns:
        if col.name not in det.columns:
            continue
        expr = problem_expression(col, f"t_{col.name}", col.name)
        if expr:
            for reason, value, n in con.execute(
                f"SELECT {expr} AS r, any_value(t_{col.name}), count(*) FROM staged_text WHERE NOT _skip "
                f"AND r IS NOT NULL GROUP BY r ORDER BY 3 DESC"
            ).fetchall():
                problems.append(t("rejects", lang, n=n, header=det.headers[col.name], reason=reason, value=value))
        if col.kind == "party_code":
            value, n = con.execute(
                f"SELECT any_value({col.name}), count(*) FROM staged_text WHERE NOT _skip "
                f"AND kpi_code_ok({col.name}) = FALSE").fetchone()
            if n:
                problems.append(t("bad_code", lang, n=n, header=det.headers[col.name], value=value))
    if table.rows is not None:
        con.unregister("sheet_rows")
    return {"would_load": ok, "would_reject": bad, "would_skip": skip}, problems


def _read_problem(table, lang: str) -> list[str]:
    """What the reader found that fails the table on load (an unclosed quote, a damaged sheet), if anything."""
    if table.error is None:
        return []
    return [table.error.en if lang == "en" else table.error.zh]


def sniff_file(path: Path, force: str | None = None, lang: str = "zh") -> list[dict[str, object]]:
    """One report per table of the file (a failed read is one report with its problem)."""
    reports: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory() as work:
        try:
            tables = read_tables(path, Path(work))
        except (LoadError, OSError) as exc:  # unreadable, or over a limit (a zip bomb): said, never raised
            message = (exc.en if lang == "en" else exc.zh) if isinstance(exc, LoadError) else str(exc)
            return [{"file": str(path), "sheet": None, "source": None, "problems": [message]}]
        for table in tables:
            report: dict[str, object] = {"file": str(path), "sheet": table.sheet}
            try:
                det = detect(table.preview, force)
            except DetectError as exc:
                report |= {"source": None, "problems": [*_read_problem(table, lang), str(exc)]}
                reports.append(report)
                continue
            spec = det.spec
            body = (table.rows if table.rows is not None else table.preview)[det.data_start:]
            mapping = []
            for col in spec.columns:
                if col.name not in det.columns:
                    continue
                j = det.columns[col.name]
                samples = list(dict.fromkeys(r[j] for r in body if j < len(r) and r[j]))[:SAMPLES]
                mapping.append({"header": det.headers[col.name], "field": col.name, "column": j + 1,
                                "samples": samples})
            counts, problems = {}, []
            if table.error is None:  # a table the reader could not finish fails on load: its problem says why
                con = duckdb.connect()
                try:
                    counts, problems = _stage_problems(con, table, det, lang)
                except Exception as exc:  # a sniff never fails: the error is the problem
                    counts, problems = {}, [f"{type(exc).__name__}: {one_line(str(exc))}"]
                finally:
                    con.close()
            variant = det.variant
            report |= {
                "source": spec.name, "source_label": spec.label if lang != "en" else (spec.label_en or spec.label),
                "variant": variant.name if variant else None,
                "variant_label": (variant.label if lang != "en" else (variant.label_en or variant.label))
                if variant else t("generic", lang),
                "header_row": det.header_row + 1, "header_depth": det.depth, "mapping": mapping,
                "supplied": _supplied(det, lang), "unmapped": det.ignored,
                "missing_optional": [c.name for c in spec.columns if c.name not in det.columns
                                     and c.name not in _supplied(det, lang)],
                **counts, "problems": [*_read_problem(table, lang), *problems],
            }
            reports.append(report)
    return reports


def render(reports: list[dict[str, object]], lang: str = "zh") -> str:
    """The reports as the text a clerk reads."""
    lines: list[str] = []
    for r in reports:
        where = f"{r['file']}" + (f"［{r['sheet']}］" if r.get("sheet") else "")
        lines.append(f"{t('file', lang)}: {where}")
        if r.get("source"):
            lines.append(f"  {t('source', lang)}: {r['source_label']} ({r['source']})")
            lines.append(f"  {t('variant', lang)}: {r['variant_label']}")
            lines.append(f"  {t('header', lang)}: " + t("rows", lang, start=r["header_row"], depth=r["header_depth"]))
            lines.append(f"  {t('mapping', lang)}:")
            for m in r["mapping"]:  # type: ignore[union-attr]
                sample = "、".join(map(str, m["samples"]))
                shown = f"  ({t('samples', lang)} {sample})" if sample else ""
                lines.append(f"    {m['header']} → {m['field']}{shown}")
            for field_name, how in r["supplied"].items():  # type: ignore[union-attr]
                lines.append(f"    [{how}] → {field_name}")
            lines.append(f"  {t('unmapped', lang)}: " + ("、".join(r["unmapped"]) or t("none", lang)))  # type: ignore
            if "would_load" in r:
                lines.append("  " + t("counts", lang, ok=r["would_load"], bad=r["would_reject"], skip=r["would_skip"]))
        problems = r.get("problems") or []
        lines.append(f"  {t('problems', lang)}: " + (t("none", lang) if not problems else ""))
        lines.extend(f"    - {p}" for p in problems)  # type: ignore[union-attr]
    return "\n".join(lines)
