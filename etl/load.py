"""Load export files into a new warehouse generation.

For each table of each file: detect the source from its headers, stage its text in DuckDB,
type and validate it in one vectorised query, record every rejected value, and merge the
good rows by key (per key the latest lifecycle version wins; ties break on content, so
any load order gives the same warehouse). Each table commits on its own: a bad file never
stops the rest of the batch. The generation is published only when the batch is done.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa

from etl.detect import DetectError, Detection, detect
from etl.readers import SUPPORTED_SUFFIXES, ReadError, Table, read_tables
from etl.sources import SOURCES_BY_NAME, ColumnSpec, SourceSpec
from etl.sqlgen import (
    LOOKUP_KINDS,
    MACROS,
    lit,
    problem_expression,
    typed_expression,
    version_expression,
)
from etl.text import header_key
from warehouse import store


@dataclass
class TableResult:
    """What happened to one table (a CSV file or one sheet) of a load."""

    file: Path
    sheet: str | None
    source: str | None = None
    rows_in: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    rows_skipped: int = 0
    rows_new: int = 0
    rows_replaced: int = 0
    status: str = "loaded"  # loaded, failed, or skipped (a sheet with no table beside one that loaded)
    error: str | None = None
    load_id: int | None = None
    note: str | None = None
    duration_s: float = 0.0

    @property
    def ok(self) -> bool:
        return self.status in ("loaded", "skipped")

    @property
    def label(self) -> str:
        return f"{self.file.name}[{self.sheet}]" if self.sheet else self.file.name


@dataclass
class LoadResult:
    warehouse: Path
    generation: Path | None
    tables: list[TableResult] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.tables) and all(t.ok for t in self.tables)


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """Files given, plus every export file below the folders given (sorted, hidden ones skipped)."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(
                p for p in sorted(path.rglob("*"))
                if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES
                and not any(part.startswith((".", "~$")) for part in p.relative_to(path).parts)
            )
        else:
            files.append(path)
    return files


def file_sha256(path: Path) -> str:
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


# --- per-table SQL -------------------------------------------------------------------------


def _alias_maps(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """A MAP literal per lookup kind, built from the warehouse's reference aliases."""
    maps: dict[str, list[str]] = {}
    for kind, alias, code in con.execute("SELECT kind, alias, code FROM ref_alias ORDER BY kind, alias").fetchall():
        maps.setdefault(kind, []).append(f"{lit(alias)}: {lit(code)}")
    return {kind: "MAP {" + ", ".join(items) + "}" for kind, items in maps.items()}


def _unit_scale(col: ColumnSpec, header: str | None, context: dict[str, object]) -> int:
    if col.kind != "num":
        return 1
    key = header_key(header or "")
    if "(万" in key:
        return 10000
    if col.unit and "(" in key:
        return 1
    unit = str(context.get("unit", ""))
    if col.unit == "yuan" and unit in ("万元",):
        return 10000
    if col.unit == "m2" and unit.startswith("万") and unit != "万元":
        return 10000
    return 1


def _staging_sql(
    det: Detection, source_sql: str, width: int, maps: dict[str, str], table: str = "staged", keep_text: bool = False
) -> str:
    """CREATE TEMP TABLE of typed values and the skip / ok flags of every row, in file order.

    Layers keep the expanded SQL small: trim each raw cell once (``t*``), type the text,
    then judge the typed row. The folded text (``t_*``) is kept only with ``keep_text``: it is
    needed to describe rejects, and copying every string costs as much as typing it.
    """
    spec = det.spec
    year = str(det.context["year"]) if "year" in det.context else "NULL"
    mapped = sorted(set(det.columns.values()))
    # Readers fold full-width characters (etl.text.fold_width), so trimming is all that is left.
    fold = ", ".join(f"trim(f{j}) AS t{j}" for j in mapped)
    typed: list[str] = []
    problems: list[str] = []
    for col in spec.columns:
        j = det.columns.get(col.name)
        if j is None:
            title_value = det.context.get(col.from_title) if col.from_title else None
            value = f"DATE {lit(str(title_value))}" if title_value else "NULL"
            typed.append(f"{value}::{_sql_type(col)} AS {col.name}")
            continue
        text = f"t{j}"
        scale = str(_unit_scale(col, det.headers.get(col.name), det.context))
        kind = LOOKUP_KINDS.get(col.kind)
        lookup = f"({maps.get(kind, 'MAP {}')})[kpi_key({text})]" if kind else ""
        expr = typed_expression(col, text, lookup, scale, year)
        if col.town_of:  # a town under any alias is stored under its one name, so keys agree
            expr = f"coalesce(({maps.get('town_name', 'MAP {}')})[kpi_key({text})], {expr})"
        if col.from_title and det.context.get(col.from_title):
            expr = f"coalesce({expr}, DATE {lit(str(det.context[col.from_title]))})"
        typed.append(f"{text} AS t_{col.name}, ({expr})::{_sql_type(col)} AS {col.name}")
        if col.kind == "dept":
            typed.append(f"(({maps.get('bureau', 'MAP {}')})[kpi_key({text})] IS NOT NULL) AS is_bureau")
        if col.town_of:
            typed.append(f"({maps.get('town', 'MAP {}')})[kpi_key({text})] AS town_code")
        problem = problem_expression(col, f"t_{col.name}", col.name)
        if problem:
            problems.append(problem)
    key_cols = [det.columns[k] for k in spec.key if k in det.columns]  # a key part may come from the title
    key_cell = f"t{key_cols[0]}"
    first_cells = ", ".join(f"f{j}" for j in range(min(width, 4)))  # where 合计 usually sits
    keys = ", ".join(f"t{j}" for j in key_cols)
    all_empty = " AND ".join(f"kpi_text(t{j}) IS NULL" for j in mapped)
    footer = f"kpi_is_footer(concat_ws('|', {first_cells}, {keys}))"
    skip = f"CASE WHEN kpi_text({key_cell}) IS NOT NULL THEN {footer} ELSE ({all_empty}) OR {footer} END"
    blank = f"CASE WHEN kpi_text({key_cell}) IS NOT NULL THEN FALSE ELSE ({all_empty}) AND NOT {footer} END"
    ok = f"coalesce({', '.join(problems)}) IS NULL" if problems else "TRUE"
    texts = ", ".join(f"t_{c}" for c in det.columns)
    columns = "*" if keep_text else f"* EXCLUDE ({texts})"
    return (
        f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT {columns}, {ok} AS _ok FROM ("
        f"SELECT {', '.join(typed)}, {skip} AS _skip, {blank} AS _blank FROM (SELECT {first_cells}, {fold} FROM "
        f"{source_sql}))"
    )


_TYPES = {"ts": "TIMESTAMP", "date": "DATE", "int": "BIGINT", "num": "DECIMAL(18,4)", "bool": "BOOLEAN"}


def _sql_type(col: ColumnSpec) -> str:
    return _TYPES.get(col.kind, "VARCHAR")


def _row(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> tuple:
    """The single row of a query, fully fetched (an unfinished result blocks later statements)."""
    rows = con.execute(sql, params or []).fetchall()
    return rows[0]


def fact_columns(spec: SourceSpec) -> list[str]:
    """The fact table's data columns, in table order (lineage columns excluded)."""
    names = []
    for col in spec.columns:
        names.append(col.name)
        if col.kind == "dept":
            names.append("is_bureau")
        if col.town_of:
            names.append("town_code")
    return names


def _rejects_sql(det: Detection, load_id: int, sha: str, file_name: str, sheet: str | None, offset: int) -> str:
    parts = []
    for col in det.spec.columns:
        if col.name not in det.columns:
            continue
        problem = problem_expression(col, f"t_{col.name}", col.name)
        if problem:
            parts.append(
                f"SELECT rowid + {offset} AS row_no, {lit(col.name)} AS column_name, "
                f"{lit(det.headers[col.name])} AS header, t_{col.name} AS value, {problem} AS reason "
                "FROM staged_text WHERE NOT _skip AND NOT _ok"
            )
    if not parts:
        return ""
    sheet_sql = lit(sheet) if sheet else "NULL"
    return (
        f"INSERT INTO rejects SELECT {load_id}, {lit(sha)}, {lit(file_name)}, {sheet_sql}, {lit(det.spec.name)}, "
        f"row_no, column_name, header, value, reason FROM ({' UNION ALL '.join(parts)}) WHERE reason IS NOT NULL"
    )


def _merge(con: duckdb.DuckDBPyConnection, spec: SourceSpec, load_id: int, offset: int) -> tuple[int, int]:
    """Merge staged good rows into the fact table; returns (new keys, replaced rows).

    Per key the greatest (_version, _row_hash) wins, within the file and against the table, so
    the result does not depend on load order. An empty fact table takes the rows directly.
    """
    cols = fact_columns(spec)
    col_list = ", ".join(cols)
    version = version_expression(spec, {c: c for c in cols})
    key_list = ", ".join(spec.key)
    keys = " AND ".join(f"f.{k} = w.{k}" for k in spec.key)
    good = (
        f"SELECT {col_list}, rowid + {offset} AS _row_no, {version} AS _version, hash({col_list}) AS _row_hash "
        "FROM staged WHERE NOT _skip AND _ok"
    )
    dups = _row(con, f"SELECT count(*) - count(DISTINCT ({key_list})) FROM staged WHERE NOT _skip AND _ok")[0]
    if dups:
        good = f"{good} QUALIFY row_number() OVER (PARTITION BY {key_list} ORDER BY _version DESC, _row_hash DESC) = 1"
    insert = f"INSERT INTO {spec.table} ({col_list}, _row_no, _version, _row_hash, _load_id) "
    if _row(con, f"SELECT NOT EXISTS (SELECT 1 FROM {spec.table})")[0]:
        inserted = _row(con, f"{insert} SELECT *, {load_id} FROM ({good})")[0]
        return inserted, 0
    con.execute(f"CREATE OR REPLACE TEMP TABLE winners AS {good}")
    replaced = _row(
        con,
        f"DELETE FROM {spec.table} AS f USING winners AS w WHERE {keys} AND "
        "(w._version > f._version OR (w._version = f._version AND w._row_hash > f._row_hash))",
    )[0]
    inserted = _row(
        con,
        f"{insert} SELECT w.*, {load_id} FROM winners AS w "
        f"WHERE NOT EXISTS (SELECT 1 FROM {spec.table} AS f WHERE {keys})",
    )[0]
    return inserted - replaced, replaced


def _source_width(table: Table, det: Detection) -> int:
    return max(table.width, max(det.columns.values()) + 1)


def _source_sql(con: duckdb.DuckDBPyConnection, table: Table, det: Detection) -> str:
    width = _source_width(table, det)
    if table.rows is not None:
        body = table.rows[det.data_start:]
        arrays = {f"f{j}": pa.array([r[j] if j < len(r) else None for r in body], pa.string()) for j in range(width)}
        con.register("sheet_rows", pa.table(arrays))
        return "sheet_rows"
    columns = "{" + ", ".join(f"'f{j}': 'VARCHAR'" for j in range(width)) + "}"
    return (
        f"read_csv({lit(str(table.csv_path))}, header = false, skip = {det.data_start}, columns = {columns}, "
        f"delim = {lit(table.csv_delimiter)}, quote = '\"', escape = '\"', auto_detect = false, "
        "null_padding = true, strict_mode = false, max_line_size = 10000000)"
    )


def _load_table(
    con: duckdb.DuckDBPyConnection, table: Table, file: Path, sha: str, batch: str, force: str | None,
    maps: dict[str, str],
) -> TableResult:
    result = TableResult(file, table.sheet)
    started = time.perf_counter()
    started_at = dt.datetime.now()
    load_id = result.load_id = _row(con, "SELECT nextval('load_id_seq')")[0]
    try:
        det = detect(table.preview, force)
        result.source = det.spec.name
        notes = list(table.notes)
        if det.ignored:
            notes.append("ignored columns: " + "、".join(det.ignored))
        result.note = "; ".join(notes) or None
        offset = det.data_start + 1  # rowid 0 is the first data row; row numbers count from 1
        in_transaction = False
        try:
            # Staged outside the transaction: rowids of a committed temp table count rows from 0.
            source, width = _source_sql(con, table, det), _source_width(table, det)
            con.execute(_staging_sql(det, source, width, maps))
            counts = _row(
                con,
                "SELECT count(*) FILTER (WHERE NOT _skip AND _ok), count(*) FILTER (WHERE NOT _skip AND NOT _ok), "
                "count(*) FILTER (WHERE _skip AND NOT _blank) FROM staged",
            )
            result.rows_loaded, result.rows_rejected, result.rows_skipped = (int(v) for v in counts)
            result.rows_in = result.rows_loaded + result.rows_rejected
            rejects = _rejects_sql(det, load_id, sha, file.name, table.sheet, offset)
            if rejects and result.rows_rejected:
                # Read the table again, keeping text, only when there is something to describe.
                con.execute(_staging_sql(det, source, width, maps, "staged_text", keep_text=True))
            con.execute("BEGIN")
            in_transaction = True
            con.execute("DELETE FROM rejects WHERE file_sha256 = ? AND coalesce(sheet, '') = ?",
                        [sha, table.sheet or ""])
            if rejects and result.rows_rejected:
                con.execute(rejects)
            result.rows_new, result.rows_replaced = _merge(con, det.spec, load_id, offset)
            result.duration_s = time.perf_counter() - started
            _log(con, load_id, batch, file, sha, result, started_at)
            con.execute("COMMIT")
            in_transaction = False
        except BaseException:
            if in_transaction:
                con.execute("ROLLBACK")
            raise
        finally:
            con.execute("DROP TABLE IF EXISTS staged; DROP TABLE IF EXISTS staged_text; DROP TABLE IF EXISTS winners")
            if table.rows is not None:
                con.unregister("sheet_rows")
    except Exception as exc:  # one table's failure must never lose the rest of the batch
        result.status, result.error = "failed", _plain_error(exc)
        result.rows_in = result.rows_loaded = result.rows_rejected = result.rows_new = result.rows_replaced = 0
        result.duration_s = time.perf_counter() - started
        _log(con, load_id, batch, file, sha, result, started_at)
    return result


def _plain_error(exc: Exception) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text if isinstance(exc, DetectError | ReadError) else f"{type(exc).__name__}: {text}"


def _log(con: duckdb.DuckDBPyConnection, load_id: int, batch: str, file: Path, sha: str | None,
         r: TableResult, started_at: dt.datetime) -> None:
    con.execute(
        "INSERT INTO load_log VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [load_id, batch, str(file.resolve()), file.name, sha, r.sheet, r.source, r.rows_in, r.rows_loaded,
         r.rows_rejected, r.rows_skipped, r.rows_new, r.rows_replaced, r.status, r.error, r.note, started_at,
         r.duration_s],
    )


def prepare(con: duckdb.DuckDBPyConnection) -> None:
    """Bring a draft up to date: schema, reference data, macros."""
    store.migrate(con)
    store.refresh_reference(con)
    con.execute(MACROS)


def load_files(
    warehouse: Path,
    paths: Iterable[Path],
    force: str | None = None,
    on_start: Callable[[Path], None] | None = None,
    on_file: Callable[[Path, list[TableResult]], None] | None = None,
) -> LoadResult:
    """Load files and folders into a new warehouse generation and publish it."""
    if force is not None and force not in SOURCES_BY_NAME:
        raise ValueError(f"unknown source {force!r}; known: {', '.join(SOURCES_BY_NAME)}")
    files = expand_paths(paths)
    batch = uuid.uuid4().hex[:12]
    with store.writer_lock(warehouse):
        draft = store.start_draft(warehouse)
        result = LoadResult(warehouse, None)
        con = draft.connect()
        try:
            prepare(con)
            maps = _alias_maps(con)
            for file in files:
                if on_start:
                    on_start(file)
                tables = _load_file(con, file, draft.workdir, batch, force, maps)
                result.tables.extend(tables)
                if on_file:
                    on_file(file, tables)
            store.refresh_marts(con)
            con.execute("CHECKPOINT")
        finally:
            con.close()
        result.generation = store.publish(draft)
    return result


def _load_file(
    con: duckdb.DuckDBPyConnection, file: Path, workdir: Path, batch: str, force: str | None, maps: dict[str, str]
) -> list[TableResult]:
    started = time.perf_counter()
    sha: str | None = None
    try:
        if not file.exists():
            raise ReadError("no such file")
        if file.is_dir():
            raise ReadError("is a folder with no export files")
        sha = file_sha256(file)
        tables = read_tables(file, workdir)
    except (ReadError, OSError) as exc:
        failed = TableResult(file, None, status="failed", error=_plain_error(exc))
        failed.duration_s = time.perf_counter() - started
        load_id = _row(con, "SELECT nextval('load_id_seq')")[0]
        _log(con, load_id, batch, file, sha, failed, dt.datetime.now())
        return [failed]
    results = [_load_table(con, t, file, sha, batch, force, maps) for t in tables]
    if len(results) > 1 and any(r.ok for r in results):
        # Sheets that hold no table (notes, charts) are not failures when another sheet loaded.
        for r in results:
            if not r.ok and r.error and r.error.startswith(("headers match no known", "no data")):
                r.status = "skipped"
                con.execute("UPDATE load_log SET status = 'skipped' WHERE load_id = ?", [r.load_id])
    return results
