"""Load export files into a new warehouse generation.

For each table of each file: detect the source from its headers, stage its text in DuckDB,
type and validate it in one vectorised query, record every rejected value, and merge the
good rows by key (per key the latest lifecycle version wins; ties break on content, so
any load order gives the same warehouse). Each table commits on its own: a bad file never
stops the rest of the batch. The generation is published only when the batch is done.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb

from etl.detect import DetectError, Detection, detect
from etl.inputs import expand_inputs, file_sha256, outside_link
from etl.limits import LOAD_MEMORY_LIMIT, LOAD_THREADS, MAX_FILE_BYTES, file_time_limit
from etl.problems import LoadError, detect_zh, engine_error, one_line
from etl.readers import ReadError, Table, check_regular_file, read_tables
from etl.results import LoadResult, TableResult
from etl.sources import SOURCES_BY_NAME, ColumnSpec, SourceSpec, mappings_file, using_mappings
from etl.sqlgen import (
    LOOKUP_KINDS,
    MACROS,
    absent_text,
    key_lookup,
    lit,
    lookup_expression,
    problem_expression,
    typed_expression,
    version_expression,
)
from etl.text import header_key
from warehouse import store

# --- per-table SQL -------------------------------------------------------------------------


def _alias_maps(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """A MAP literal per lookup kind, built from the warehouse's reference aliases."""
    maps: dict[str, list[str]] = {}
    for kind, alias, code in con.execute("SELECT kind, alias, code FROM ref_alias ORDER BY kind, alias").fetchall():
        maps.setdefault(kind, []).append(f"{lit(alias)}: {lit(code)}")
    result = {kind: "MAP {" + ", ".join(items) + "}" for kind, items in maps.items()}
    # Towns named inside an address (双公示 publications have no 镇街 column): longest alias first.
    towns = [a for (a,) in con.execute("SELECT alias FROM ref_alias WHERE kind = 'town' AND NOT regexp_matches(alias, "
                                       "'^[0-9a-z]+$')").fetchall()]
    result["town_pattern"] = "(" + "|".join(re.escape(a) for a in sorted(towns, key=len, reverse=True)) + ")"
    return result


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
    det: Detection, source_sql: str, width: int, maps: dict[str, str], table: str = "staged", keep_text: bool = False,
    replaced: bool = False,
) -> str:
    """CREATE TEMP TABLE of typed values and the skip / ok flags of every row, with its ``_rowid``.

    ``source_sql`` yields the raw cells with ``_rowid``, the row's place in the group (file order), so
    the rows may be stored in any order. Layers keep the expanded SQL small: trim each raw cell once
    (``t*``), type the text, then judge the typed row. The folded text (``t_*``) is kept only with
    ``keep_text``: it is needed to describe rejects, and copying every string costs as much as typing it.
    """
    spec = det.spec
    year = str(det.context["year"]) if "year" in det.context else "NULL"
    mapped = sorted(set(det.columns.values()))
    # Plain trim() is cheap; values that may carry full-width spaces or digits are folded per kind.
    fold = ", ".join(f"trim(f{j}) AS t{j}" for j in mapped)
    typed: list[str] = []
    problems: list[str] = []
    texts = {name: f"t{j}" for name, j in det.columns.items()}
    defaults = det.variant.defaults if det.variant else {}
    exprs: dict[str, str] = {}
    for col in spec.columns:  # the typed value of every column, mapped or supplied otherwise (absent_text)
        j = det.columns.get(col.name)
        text = texts.get(col.name) or absent_text(col, texts, defaults, maps, det.context)
        if text is None:
            title_value = det.context.get(col.from_title) if col.from_title == "as_of" else None
            exprs[col.name] = f"DATE {lit(str(title_value))}" if title_value else "NULL"
            continue
        scale = str(_unit_scale(col, det.headers.get(col.name), det.context))
        kind = LOOKUP_KINDS.get(col.kind)
        lookup = lookup_expression(col.kind, text, maps) if kind else ""
        expr = typed_expression(col, text, lookup, scale, year)
        if col.town_of:  # a town under any alias is stored under its one name, so keys agree
            expr = f"coalesce({key_lookup(maps.get('town_name', 'MAP {}'), text)}, {expr})"
        if col.from_title == "as_of" and det.context.get("as_of"):
            expr = f"coalesce({expr}, DATE {lit(str(det.context['as_of']))})"
        exprs[col.name] = expr
    for col in spec.columns:
        j = det.columns.get(col.name)
        expr = exprs[col.name]
        if col.fallback:  # e.g. 立案日期, else 处罚决定日期
            expr = f"coalesce(({expr})::{_sql_type(col)}, {', '.join(f'({exprs[f]})' for f in col.fallback)})"
        if j is None:
            typed.append(f"({expr})::{_sql_type(col)} AS {col.name}")
            text = texts.get(col.name) or absent_text(col, texts, defaults, maps, det.context) or "NULL"
        else:
            text = f"t{j}"
            typed.append(f"{text} AS t_{col.name}, ({expr})::{_sql_type(col)} AS {col.name}")
            problem = _problem(col, replaced)
            if problem:
                problems.append(problem)
        if col.kind == "dept":
            typed.append(f"({key_lookup(maps.get('bureau', 'MAP {}'), text)} IS NOT NULL) AS is_bureau")
        if col.town_of:
            typed.append(f"{key_lookup(maps.get('town', 'MAP {}'), text)} AS town_code")
        if col.kind == "stage":  # the workflow node as written, full-width punctuation kept
            typed.append(f"kpi_text({text}) AS stage_name")
    key_cols = [det.columns[k] for k in spec.key if k in det.columns]  # a key part may come from the title
    if not key_cols:  # a key composed of other columns (a hand-kept ledger without numbers)
        key_cols = [det.columns[c] for k in spec.key for c in spec.column(k).compose if c in det.columns]
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
    # A row whose every cell is blank is not a row at all (the reader does not count it either).
    # Most rows have a key, so the test of every cell runs only for the few that do not.
    cells = "coalesce(" + ", ".join(f"nullif(trim(f{j}, ' \t'), '')" for j in range(width)) + ") IS NULL"
    k = key_cols[0]
    empty = f"CASE WHEN trim(f{k}, ' \t') <> '' THEN FALSE ELSE {cells} END"
    return (
        f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT {columns}, {ok} AS _ok FROM ("
        f"SELECT _part, _rowid, _empty, {', '.join(typed)}, {skip} OR _empty AS _skip, "
        f"{blank} AND NOT _empty AS _blank "
        f"FROM (SELECT _part, _rowid, {empty} AS _empty, {first_cells}, {fold} FROM {source_sql}))"
    )


def _problem(col: ColumnSpec, replaced: bool) -> str | None:
    """Why a staged value is unusable; undecodable bytes (U+FFFD from the reader) come first."""
    problem = problem_expression(col, f"t_{col.name}", col.name)
    if replaced:
        bad = f"CASE WHEN contains(t_{col.name}, '\ufffd') THEN 'undecodable bytes in the text' END"
        problem = f"coalesce({bad}, {problem})" if problem else bad
    return problem


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
        if col.kind == "stage":
            names.append("stage_name")
    return names


def _rejects_sql(det: Detection, offset: int, replaced: bool = False) -> str:
    """INSERT of every unusable value of staged_text, with its part's load id and row number."""
    selects = []
    for col in det.spec.columns:
        if col.name not in det.columns:
            continue
        problem = _problem(col, replaced)
        if problem:
            selects.append(
                f"SELECT _part, _rowid, {lit(col.name)} AS column_name, "
                f"{lit(det.headers[col.name])} AS header, t_{col.name} AS value, {problem} AS reason "
                "FROM staged_text WHERE NOT _skip AND NOT _ok"
            )
    if not selects:
        return ""
    return (
        "INSERT INTO rejects SELECT p.load_id, p.sha, p.file_name, p.sheet, p.source, "
        f"r._rowid - p.first_rowid + {offset}, r.column_name, r.header, r.value, r.reason "
        f"FROM ({' UNION ALL '.join(selects)}) AS r JOIN parts AS p USING (_part) WHERE r.reason IS NOT NULL"
    )


def _merge(con: duckdb.DuckDBPyConnection, spec: SourceSpec, offset: int) -> dict[int, tuple[int, int]]:
    """Merge staged good rows into the fact table; per part: (new keys, replaced rows).

    Per key the greatest (_version, _row_hash) wins, within the batch and against the table, so
    the result does not depend on load order. When no staged key is in the fact table, the rows go in directly.
    """
    cols = fact_columns(spec)
    col_list = ", ".join(cols)
    version = version_expression(spec, {c: c for c in cols})
    key_list = ", ".join(spec.key)
    keys = " AND ".join(f"f.{k} = w.{k}" for k in spec.key)
    good = (
        f"SELECT {col_list}, s._rowid - p.first_rowid + {offset} AS _row_no, {version} AS _version, "
        f"hash({col_list}) AS _row_hash, p.load_id AS _load_id "
        "FROM staged AS s JOIN parts AS p USING (_part) WHERE NOT s._skip AND s._ok"
    )
    dups = _row(con, f"SELECT count(*) - count(DISTINCT ({key_list})) FROM staged WHERE NOT _skip AND _ok")[0]
    if dups:
        good = f"{good} QUALIFY row_number() OVER (PARTITION BY {key_list} ORDER BY _version DESC, _row_hash DESC) = 1"
    insert = f"INSERT INTO {spec.table} ({col_list}, _row_no, _version, _row_hash, _load_id) "
    overlap = " AND ".join(f"f.{k} = s.{k}" for k in spec.key)
    if _row(con, f"SELECT NOT EXISTS (SELECT 1 FROM staged AS s JOIN {spec.table} AS f ON {overlap} "
                 "WHERE NOT s._skip AND s._ok)")[0]:
        # No staged key is in the table yet (an empty table, a new month of exports, the benchmark): every row is
        # new, so the rows go straight in, without the winners table, the delete and the anti-join below.
        con.execute(f"{insert} {good}")
        return {
            lid: (n, 0) for lid, n in con.execute(
                f"SELECT _load_id, count(*) FROM {spec.table} WHERE _load_id IN (SELECT load_id FROM parts) GROUP BY 1"
            ).fetchall()
        }
    con.execute(f"CREATE OR REPLACE TEMP TABLE winners AS {good}")
    newer = "(w._version > f._version OR (w._version = f._version AND w._row_hash > f._row_hash))"
    counts = {
        lid: (int(new), int(replaced)) for lid, new, replaced in con.execute(
            f"SELECT w._load_id, count(*) FILTER (f.{spec.key[0]} IS NULL), count(*) FILTER ({newer}) "
            f"FROM winners AS w LEFT JOIN {spec.table} AS f ON {keys} GROUP BY 1"
        ).fetchall()
    }
    con.execute(f"DELETE FROM {spec.table} AS f USING winners AS w WHERE {keys} AND {newer}")
    con.execute(
        f"{insert} SELECT w.* FROM winners AS w WHERE NOT EXISTS (SELECT 1 FROM {spec.table} AS f WHERE {keys})"
    )
    return counts


@dataclass
class _Part:
    """One detected table waiting to be loaded."""

    file: Path
    sha: str
    table: Table
    det: Detection
    result: TableResult
    started_at: dt.datetime

    def layout(self) -> tuple:
        """Tables with the same layout (columns, header rows, title facts) load in one statement."""
        d = self.det
        kind = "csv" if self.table.csv_path is not None else "sheet"
        t = self.table
        return (kind, d.spec.name, tuple(sorted(d.columns.items())), tuple(sorted(d.headers.items())),
                d.data_start, tuple(sorted((k, str(v)) for k, v in d.context.items())), t.csv_delimiter,
                t.csv_quote, t.csv_multiline, t.replaced, t.width)


def _source_width(table: Table, det: Detection) -> int:
    return max(table.width, max(det.columns.values()) + 1)


def _source_sql(con: duckdb.DuckDBPyConnection, parts: list[_Part]) -> str:
    """A relation of raw text columns f0… plus _part, the index of the part each row came from."""
    first = parts[0]
    width = _source_width(first.table, first.det)
    if first.table.rows is not None:
        import pyarrow as pa  # spreadsheets only

        bodies = [(i, p.table.rows[p.det.data_start:]) for i, p in enumerate(parts) if p.table.rows is not None]
        arrays = {
            f"f{j}": pa.array([r[j] if j < len(r) else None for _, body in bodies for r in body], pa.string())
            for j in range(width)
        }
        arrays["_part"] = pa.array([i for i, body in bodies for _ in body], pa.int64())
        con.register("sheet_rows", pa.table(arrays))
        return "sheet_rows"
    files = "[" + ", ".join(lit(str(p.table.csv_path)) for p in parts) + "]"
    columns = "{" + ", ".join(f"'f{j}': 'VARCHAR'" for j in range(width)) + "}"
    index = "CASE filename " + " ".join(f"WHEN {lit(str(p.table.csv_path))} THEN {i}" for i, p in enumerate(parts))
    return (
        f"(SELECT * EXCLUDE (filename), {index} END AS _part FROM read_csv({files}, header = false, "
        f"skip = {first.det.data_start}, columns = {columns}, delim = {lit(first.table.csv_delimiter)}, "
        f"quote = {lit(first.table.csv_quote)}, escape = {lit(first.table.csv_quote)}, auto_detect = false, "
        "null_padding = true, strict_mode = false, max_line_size = 20000000, filename = true"
        f"{', parallel = false' if first.table.csv_multiline else ''}))"
    )


def copy_raw_rows(con: duckdb.DuckDBPyConnection, parts: list[_Part]) -> str:
    """Copy the group's raw cells in file order (cheap) to ``raw_rows``: staging reads them with ``_rowid``, each
    row's place in the group, so it may type them on every core and store them in any order (``_any_order``)."""
    con.execute(f"CREATE OR REPLACE TEMP TABLE raw_rows AS SELECT * FROM {_source_sql(con, parts)}")
    return "(SELECT rowid AS _rowid, * FROM raw_rows)"


@contextmanager
def _any_order(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Let DuckDB store a statement's rows in any order: an ordered insert runs on one core (7.2 → 4.5 s at 1 M)."""
    con.execute("SET preserve_insertion_order = false")
    try:
        yield
    finally:
        con.execute("SET preserve_insertion_order = true")


def _load_parts(con: duckdb.DuckDBPyConnection, parts: list[_Part], batch: str, maps: dict[str, str]) -> None:
    """Stage, validate and merge tables of one layout in one transaction; results go into each part."""
    started = time.perf_counter()
    det = parts[0].det
    width = _source_width(parts[0].table, det)
    offset = det.data_start + 1  # the first data row's number in its file (rows count from 1)
    replaced = parts[0].table.replaced
    in_transaction = False
    timer = threading.Timer(file_time_limit() * len(parts), con.interrupt)
    timer.start()
    try:
        source = copy_raw_rows(con, parts)
        with _any_order(con):
            con.execute(_staging_sql(det, source, width, maps, replaced=replaced))
        stats = {
            part: row for part, *row in con.execute(
                "SELECT _part, min(_rowid), count(*) FILTER (WHERE NOT _skip AND _ok), "
                "count(*) FILTER (WHERE NOT _skip AND NOT _ok), "
                "count(*) FILTER (WHERE _skip AND NOT _blank AND NOT _empty), count(*) FILTER (WHERE _blank) "
                "FROM staged GROUP BY _part"
            ).fetchall()
        }
        for i, part in enumerate(parts):
            _account(part.result, det.spec.name, *stats.get(i, (0, 0, 0, 0, 0))[1:])
        rejects = _rejects_sql(det, offset, replaced)
        any_rejects = any(row[2] for row in stats.values())
        if rejects and any_rejects:
            # Stage again keeping the text, only when there is something to describe.
            with _any_order(con):
                con.execute(_staging_sql(det, source, width, maps, "staged_text", keep_text=True, replaced=replaced))
        con.execute("DROP TABLE raw_rows")
        con.execute("BEGIN")
        in_transaction = True
        part_rows = []
        for i, part in enumerate(parts):
            first_rowid, r = stats.get(i, (0,))[0], part.result
            part_rows.append((i, r.load_id, first_rowid, part.sha, part.file.name, part.table.sheet, det.spec.name))
        con.execute(
            "CREATE OR REPLACE TEMP TABLE parts (_part BIGINT, load_id BIGINT, first_rowid BIGINT, sha VARCHAR, "
            "file_name VARCHAR, sheet VARCHAR, source VARCHAR)"
        )
        store.insert_rows(con, "parts", part_rows)
        con.execute(
            "DELETE FROM rejects USING parts AS p WHERE rejects.file_sha256 = p.sha "
            "AND coalesce(rejects.sheet, '') = coalesce(p.sheet, '')"
        )
        if rejects and any_rejects:
            con.execute(rejects)
        counts = _merge(con, det.spec, offset)
        share = (time.perf_counter() - started) / len(parts)  # a group's time, shared by its tables
        for part in parts:
            r = part.result
            r.rows_new, r.rows_replaced = counts.get(r.load_id, (0, 0))
            r.duration_s = share
            _log(con, r.load_id, batch, part.file, part.sha, r, part.started_at)
        con.execute("COMMIT")
        in_transaction = False
    except BaseException:
        if in_transaction:
            con.execute("ROLLBACK")
        raise
    finally:
        timer.cancel()
        con.execute("DROP TABLE IF EXISTS raw_rows; DROP TABLE IF EXISTS staged; DROP TABLE IF EXISTS staged_text; "
                    "DROP TABLE IF EXISTS winners; DROP TABLE IF EXISTS parts")
        if parts[0].table.rows is not None:
            con.unregister("sheet_rows")


def _account(r: TableResult, source: str, loaded: int, rejected: int, skipped: int, blank: int) -> None:
    """Fill a table's counts from staging; raise when they do not add up to the rows the reader counted."""
    r.source = source
    r.rows_loaded, r.rows_rejected = int(loaded), int(rejected)
    r.rows_skipped, r.rows_blank = int(skipped) + int(blank), int(blank)
    staged = r.rows_loaded + r.rows_rejected + r.rows_skipped
    if staged != r.rows_in:
        raise LoadError(
            f"行数对不上：文件中有 {r.rows_in:,} 行，读入 {staged:,} 行（载入 {r.rows_loaded:,}、拒绝 "
            f"{r.rows_rejected:,}、跳过 {r.rows_skipped:,}）；整个文件未载入",
            f"rows do not add up: the file has {r.rows_in:,} rows, {staged:,} were read (loaded "
            f"{r.rows_loaded:,}, rejected {r.rows_rejected:,}, skipped {r.rows_skipped:,}); nothing of it loaded",
        )
    if r.rows_loaded == 0 and r.rows_rejected > 0:
        r.status = "failed"
        r.error, r.error_en = (f"全部 {r.rows_rejected:,} 行都被拒绝（见 kpi rejects）",
                               f"every one of its {r.rows_rejected:,} rows was rejected (see kpi rejects)")


def _plain_error(exc: BaseException) -> LoadError:
    """A one-line message in both languages for any error (header matching, reading, the engine)."""
    if isinstance(exc, DetectError) and not isinstance(exc, LoadError):
        en = one_line(str(exc))
        return LoadError(detect_zh(en), en)
    return engine_error(exc)


_LOG_COLUMNS = (
    "load_id, batch_id, file_path, file_name, file_sha256, sheet, source, rows_in, rows_loaded, rows_rejected, "
    "rows_skipped, rows_blank, rows_new, rows_replaced, status, error, error_en, note, started_at, duration_s"
)


def _log(con: duckdb.DuckDBPyConnection, load_id: int, batch: str, file: Path, sha: str | None,
         r: TableResult, started_at: dt.datetime) -> None:
    con.execute(
        f"INSERT INTO load_log ({_LOG_COLUMNS}) VALUES ({', '.join('?' * 20)})",
        [load_id, batch, str(file.absolute()), file.name, sha, r.sheet, r.source, r.rows_in, r.rows_loaded,
         r.rows_rejected, r.rows_skipped, r.rows_blank, r.rows_new, r.rows_replaced, r.status, r.error, r.error_en,
         r.note, started_at, r.duration_s],
    )


def prepare(con: duckdb.DuckDBPyConnection) -> None:
    """Bring a draft up to date: schema, reference data, macros."""
    store.migrate(con)
    store.refresh_reference(con)
    con.execute(MACROS)
    # DuckDB turns each constant list test into a hash join of its own; staging has dozens of them.
    con.execute("SET disabled_optimizers = 'in_clause'")
    con.execute(f"SET memory_limit = '{LOAD_MEMORY_LIMIT}'")  # beyond it DuckDB spills to disk (<draft>.tmp)
    con.execute(f"SET threads = {LOAD_THREADS}")


MAX_PARTS_PER_STATEMENT = 64


def load_files(
    warehouse: Path,
    paths: Iterable[Path],
    force: str | None = None,
    on_start: Callable[[Path], None] | None = None,
    on_file: Callable[[Path, list[TableResult]], None] | None = None,
) -> LoadResult:
    """Load files and folders into a new warehouse generation and publish it.

    Every file is read and its tables detected first; tables of one layout (monthly exports of
    one system, say) then load together in one statement and one transaction. If such a group
    fails, its tables are retried one by one, so a bad file never takes good ones with it.
    """
    if force is not None and force not in SOURCES_BY_NAME:
        raise ValueError(f"unknown source {force!r}; known: {', '.join(SOURCES_BY_NAME)}")
    inputs = expand_inputs(paths)
    batch = uuid.uuid4().hex[:12]
    with store.writer_lock(warehouse), using_mappings(mappings_file(warehouse)):  # its saved user mappings
        draft = store.start_draft(warehouse)
        result = LoadResult(warehouse, None)
        con = draft.connect()
        try:
            prepare(con)
            maps = _alias_maps(con)
            by_file: dict[Path, list[TableResult]] = {}
            waiting: dict[Path, int] = {}
            groups: dict[tuple, list[_Part]] = {}
            for file, root in inputs:
                if on_start:
                    on_start(file)
                results, parts = _read_file(con, file, root, draft.workdir, batch, force)
                by_file[file] = results
                waiting[file] = len(parts)
                for part in parts:
                    groups.setdefault(part.layout(), []).append(part)
                if not parts:
                    _finish_file(con, file, results, on_file)
            for group in groups.values():
                for i in range(0, len(group), MAX_PARTS_PER_STATEMENT):
                    chunk = group[i:i + MAX_PARTS_PER_STATEMENT]
                    _load_chunk(con, chunk, batch, maps)
                    for part in chunk:
                        waiting[part.file] -= 1
                        if waiting[part.file] == 0:
                            _finish_file(con, part.file, by_file[part.file], on_file)
            result.tables = [r for results in by_file.values() for r in results]
            store.refresh_marts(con)
            con.execute("CHECKPOINT")
        finally:
            con.close()
        result.generation = store.publish(draft)
    return result


def _load_chunk(con: duckdb.DuckDBPyConnection, chunk: list[_Part], batch: str, maps: dict[str, str]) -> None:
    """Load a group of same-layout tables; on failure retry them one by one, recording each failure."""
    try:
        _load_parts(con, chunk, batch, maps)
        return
    except Exception as exc:  # one table's failure must never lose the rest of the batch
        if len(chunk) == 1:
            _fail(con, chunk[0], batch, exc)
            return
    for part in chunk:
        try:
            _load_parts(con, [part], batch, maps)
        except Exception as exc:
            _fail(con, part, batch, exc)


def _fail(con: duckdb.DuckDBPyConnection, part: _Part, batch: str, exc: Exception) -> None:
    """Record a table that failed; it keeps the rows in the reader counted (nothing of it loaded)."""
    r = part.result
    r.fail(_plain_error(exc))
    r.rows_loaded = r.rows_rejected = r.rows_skipped = r.rows_blank = r.rows_new = r.rows_replaced = 0
    _log(con, r.load_id, batch, part.file, part.sha, r, part.started_at)


def _finish_file(
    con: duckdb.DuckDBPyConnection, file: Path, results: list[TableResult],
    on_file: Callable[[Path, list[TableResult]], None] | None,
) -> None:
    if len(results) > 1 and any(r.status == "loaded" for r in results):
        # Sheets that hold no table (notes, charts) are not failures when another sheet loaded.
        for r in results:
            if r.status == "failed" and r.error_en and r.error_en.startswith(("headers match no known", "no data")):
                r.status = "skipped"
                con.execute("UPDATE load_log SET status = 'skipped' WHERE load_id = ?", [r.load_id])
    if on_file:
        on_file(file, results)


def _read_file(
    con: duckdb.DuckDBPyConnection, file: Path, root: Path | None, workdir: Path, batch: str, force: str | None
) -> tuple[list[TableResult], list[_Part]]:
    """Read a file and detect its tables; failures are logged at once, the rest become parts to load.

    Whatever goes wrong with one file or sheet (unreadable, too big, a parser or engine error) fails that
    file or sheet only, with a one-line message; the batch goes on.
    """
    started = time.perf_counter()
    started_at = dt.datetime.now()
    sha: str | None = None
    try:
        if outside_link(file, root):
            raise ReadError("是指向所选文件夹之外的链接，未读取", "is a link to outside the folder given: not followed")
        check_regular_file(file, MAX_FILE_BYTES)
        sha = file_sha256(file)
        tables = read_tables(file, workdir)
    except Exception as exc:  # any error of one file fails that file only
        failed = TableResult(file, None)
        failed.fail(_plain_error(exc))
        failed.load_id = _row(con, "SELECT nextval('load_id_seq')")[0]
        failed.duration_s = time.perf_counter() - started
        _log(con, failed.load_id, batch, file, sha, failed, started_at)
        return [failed], []
    results: list[TableResult] = []
    parts: list[_Part] = []
    for table in tables:
        r = TableResult(file, table.sheet, load_id=_row(con, "SELECT nextval('load_id_seq')")[0])
        results.append(r)
        try:
            if table.error is not None and not table.preview:
                raise table.error
            det = detect(table.preview, force)
            r.rows_in = table.records_below(det.data_start)
            r.source = det.spec.name
            if table.error is not None:  # counted, but not loadable (an unclosed quote, say)
                raise table.error
        except Exception as exc:
            if r.source is None:
                r.rows_in = table.records
            r.fail(_plain_error(exc))
            r.duration_s = time.perf_counter() - started
            _log(con, r.load_id, batch, file, sha, r, started_at)
            continue
        notes = [*table.notes, *(["ignored columns: " + "、".join(det.ignored)] if det.ignored else [])]
        r.note = "; ".join(notes) or None
        parts.append(_Part(file, sha, table, det, r, started_at))
    return results, parts
