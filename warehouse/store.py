"""The warehouse on disk: immutable generations behind an atomically switched link.

``data/warehouse.duckdb`` is a symbolic link to ``data/warehouse.duckdb.d/gen-NNNNNN.duckdb``.
A load copies the current generation to a temporary file, changes that copy, checkpoints it
and then renames a new link over the old one (``os.replace`` is atomic). Readers open the
path read-only and keep the generation they opened; they never see a half-written file, and
a load never waits for them. A killed load leaves only a ``tmp-*`` file, swept next time.
"""

from __future__ import annotations

import contextlib
import csv
import fcntl
import os
import re
import shutil
import time
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import duckdb

DEFAULT_WAREHOUSE = Path("data/warehouse.duckdb")
KEEP_GENERATIONS = 3
_GEN_RE = re.compile(r"gen-(\d{6})\.duckdb$")


class WarehouseError(RuntimeError):
    """The warehouse is missing, unreadable or of an unknown schema; the message says what to do."""


def warehouse_path(path: str | os.PathLike[str] | None = None) -> Path:
    """The warehouse path from an argument, ``KPI_WAREHOUSE``, or the default."""
    return Path(path or os.environ.get("KPI_WAREHOUSE") or DEFAULT_WAREHOUSE)


def generations_dir(path: Path) -> Path:
    return path.with_name(path.name + ".d")


def current_generation(path: Path) -> Path | None:
    """The generation file the warehouse path points at now (None when nothing is published)."""
    if path.is_symlink():
        target = Path(os.readlink(path))
        return target if target.is_absolute() else path.parent / target
    return path if path.exists() else None


def generation_id(path: Path) -> str:
    """A short id of the published generation, cheap enough to ask on every request."""
    gen = current_generation(path)
    return gen.name if gen is not None else ""


# --- schema --------------------------------------------------------------------------------


def migrations() -> list[tuple[int, str, str]]:
    """(version, description, sql) of every migration shipped with the package, in order."""
    found = []
    for entry in resources.files("warehouse.migrations").iterdir():
        m = re.match(r"(\d{3})_(.+)\.sql$", entry.name)
        if m:
            found.append((int(m.group(1)), m.group(2).replace("_", " "), entry.read_text(encoding="utf-8")))
    return sorted(found)


def latest_version() -> int:
    return migrations()[-1][0]


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    has_table = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_version'"
    ).fetchall()[0]
    if not has_table or not has_table[0]:
        return 0
    row = con.execute("SELECT max(version) FROM schema_version").fetchall()[0]
    return int(row[0] or 0) if row else 0


def migrate(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Apply the migrations a warehouse lacks; returns the versions applied."""
    current = schema_version(con)
    if current > latest_version():
        raise WarehouseError(
            f"the warehouse has schema version {current}, newer than this program knows ({latest_version()}); "
            "upgrade the program"
        )
    applied = []
    for version, description, sql in migrations():
        if version <= current:
            continue
        con.execute("BEGIN")
        con.execute(sql)
        con.execute("INSERT INTO schema_version VALUES (?, now(), ?)", [version, description])
        con.execute("COMMIT")
        applied.append(version)
    return applied


def alias_key(text: str) -> str:
    """Lookup form of a name; must agree with the SQL macro ``kpi_key``."""
    folded = unicodedata.normalize("NFKC", text)
    return re.sub(r"\s+", "", folded).lower()


def _reference_rows(name: str) -> list[dict[str, str]]:
    with resources.files("warehouse.reference").joinpath(name).open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def town_codes() -> tuple[str, ...]:
    """The district's town codes, in reference-data order."""
    return tuple(row["town_code"] for row in _reference_rows("towns.csv"))


def refresh_reference(con: duckdb.DuckDBPyConnection) -> None:
    """Replace the reference tables with the shipped reference data files."""
    towns = _reference_rows("towns.csv")
    units = _reference_rows("city_units.csv")
    categories = _reference_rows("case_categories.csv")
    aliases: dict[tuple[str, str], str] = {}

    def add(kind: str, code: str, *names: str) -> None:
        for name in names:
            for part in name.split("|"):
                if part.strip():
                    aliases.setdefault((kind, alias_key(part)), code)

    town_rows = [
        (t["town_code"], t["town_name"], t["pinyin"], t["kind"], int(t["population"]), t["road_km"], i)
        for i, t in enumerate(towns)
    ]
    for t in towns:
        add("town", t["town_code"], t["town_name"], t["aliases"], t["town_code"])
        add("town_name", t["town_name"], t["town_name"], t["aliases"], t["town_code"])
    unit_rows = [(u["unit_code"], u["unit_name"], u["is_district"] == "true", i) for i, u in enumerate(units)]
    for u in units:
        add("unit", u["unit_code"], u["unit_name"], u["aliases"], u["unit_code"])
    category_rows = [
        (c["minor_name"], c["minor_code"], c["major_code"], c["major_name"], int(c["deadline_hours"]))
        for c in categories
    ]
    for c in categories:
        add("category", c["minor_name"], c["minor_name"], c["aliases"])
    for row in _reference_rows("bureau_aliases.csv"):
        add("bureau", "bureau", row["alias"])
    for row in _reference_rows("dcm_sources.csv"):
        add("channel", row["channel"], row["channel"], row["aliases"])
    for row in _reference_rows("dcm_stages.csv"):  # workflow nodes of the platforms → the contract's stages
        add("stage", row["stage"], row["stage"], row["aliases"])
    alias_rows = [(k, a, c) for (k, a), c in aliases.items()]
    for table, rows in (("dim_town", town_rows), ("dim_city_unit", unit_rows), ("dim_category", category_rows),
                        ("ref_alias", alias_rows)):
        con.execute(f"DELETE FROM {table}")
        insert_rows(con, table, rows)


def insert_rows(con: duckdb.DuckDBPyConnection, table: str, rows: list[tuple]) -> None:
    """Insert a few rows in one statement (reference data: tens of rows, never bulk data)."""
    if not rows:
        return
    values = ", ".join("(" + ", ".join("?" * len(rows[0])) + ")" for _ in rows)
    con.execute(f"INSERT INTO {table} VALUES {values}", [v for row in rows for v in row])


# Marts that aggregate or enrich millions of rows, materialised once per generation (publish time). Each stays
# defined by its row-level view in warehouse/marts/*.sql, kept as ``<name>_def``; the table ``<name>`` is its
# cache, built from it in the same refresh (tests/test_marts_materialised.py checks them equal). Later marts
# read the cache. Value: the ORDER BY of the cache, chosen for DuckDB's zone maps ("" keeps the facts' order). The
# case mart is stored open cases last, by 上报时间: the open-case lists then read one row group and ranges by
# 上报时间 skip the rest (the sort cost 1.6 s of a 10.5 s refresh at 1 M cases; docs/PERFORMANCE.md).
MATERIALISED: dict[str, str] = {
    "dim_period": "period_text",  # read by the target, assessment and report marts (each parse costs ~50 ms)
    "mart_dcm_case": "is_open, reported_at",
    "mart_dcm_daily": "day, town_code, community",  # what /violations and the KPI mart sum instead of every case
    "mart_kpi_daily": "day, town_code, indicator",
    "mart_report": "year, key",
    "mart_source_freshness": "source",
    "mart_target": "indicator, period_start, scope",
    "mart_city_assessment": "period_start, item, unit_code",
    "mart_snow_unit": "as_of, unit_sort",
}
DEFINITION_SUFFIX = "_def"


def _object_type(con: duckdb.DuckDBPyConnection, name: str) -> str | None:
    """'VIEW', 'BASE TABLE' or None: what ``name`` is in the main schema."""
    rows = con.execute(
        "SELECT table_type FROM information_schema.tables WHERE table_schema = 'main' AND table_name = ?", [name]
    ).fetchall()
    return rows[0][0] if rows else None


def _drop(con: duckdb.DuckDBPyConnection, name: str) -> None:
    kind = _object_type(con, name)
    if kind is not None:
        con.execute(f"DROP {'VIEW' if kind == 'VIEW' else 'TABLE'} {name}")


def refresh_marts(con: duckdb.DuckDBPyConnection) -> None:
    """(Re)create every mart from ``warehouse/marts/*.sql``, in file-name order, in one transaction; each mart
    of ``MATERIALISED`` becomes a table built from its definition, right after the file that defines it."""
    con.execute("BEGIN")
    try:
        for name in MATERIALISED:
            _drop(con, name)
            _drop(con, name + DEFINITION_SUFFIX)
        for entry in sorted(resources.files("warehouse.marts").iterdir(), key=lambda e: e.name):
            if not entry.name.endswith(".sql"):
                continue
            con.execute(entry.read_text(encoding="utf-8"))
            defined = {r[0] for r in con.execute(  # the marts to cache that this file defined (as views)
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' "
                "AND table_type = 'VIEW' AND list_contains(?, table_name)", [list(MATERIALISED)]).fetchall()}
            for name, order in MATERIALISED.items():
                if name in defined:  # keep the definition, cache it
                    definition = name + DEFINITION_SUFFIX
                    con.execute(f"ALTER VIEW {name} RENAME TO {definition}")
                    ordered = f" ORDER BY {order}" if order else ""
                    con.execute(f"CREATE TABLE {name} AS SELECT * FROM {definition}{ordered}")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


# --- generations ---------------------------------------------------------------------------


@contextlib.contextmanager
def writer_lock(path: Path) -> Iterator[None]:
    """Serialise loads of one warehouse (readers never take this lock)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(path.name + ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


@dataclass
class Draft:
    """A generation being written: a private copy of the current one, published on success."""

    warehouse: Path
    file: Path
    number: int

    def connect(self) -> duckdb.DuckDBPyConnection:
        return duckdb.connect(str(self.file))

    @property
    def workdir(self) -> Path:
        """Scratch space for this load (e.g. UTF-8 copies of GB18030 exports), swept if the load dies."""
        path = self.file.with_name(f"tmp-work-{self.number:06d}")
        path.mkdir(exist_ok=True)
        return path


def _next_number(gens: Path, current: Path | None) -> int:
    numbers = [int(m.group(1)) for p in gens.glob("gen-*.duckdb") if (m := _GEN_RE.search(p.name))]
    if current is not None and (m := _GEN_RE.search(current.name)):
        numbers.append(int(m.group(1)))
    return max(numbers, default=0) + 1


def start_draft(path: Path) -> Draft:
    """Copy the published generation (if any) to a temporary draft file. Call under ``writer_lock``."""
    gens = generations_dir(path)
    gens.mkdir(parents=True, exist_ok=True)
    for stale in [*gens.glob("tmp-*"), *path.parent.glob(f".{path.name}.*.link")]:
        if stale.is_dir():  # left by a load that was killed
            shutil.rmtree(stale, ignore_errors=True)
        else:
            stale.unlink(missing_ok=True)
    current = current_generation(path)
    number = _next_number(gens, current)
    draft = gens / f"tmp-gen-{number:06d}.duckdb"
    if current is not None:
        if not current.exists():
            raise WarehouseError(f"{path} points at {current}, which is missing")
        shutil.copyfile(current, draft)
    return Draft(path, draft, number)


def publish(draft: Draft) -> Path:
    """Make the draft the published generation (atomic), then prune old generations."""
    final = draft.file.with_name(f"gen-{draft.number:06d}.duckdb")
    with open(draft.file, "rb") as f:
        os.fsync(f.fileno())
    os.replace(draft.file, final)
    shutil.rmtree(draft.file.with_name(f"tmp-work-{draft.number:06d}"), ignore_errors=True)
    previous = current_generation(draft.warehouse)
    if previous is not None and not draft.warehouse.is_symlink():
        # A plain warehouse file from before generations: keep it as generation 0.
        legacy = generations_dir(draft.warehouse) / "gen-000000.duckdb"
        os.replace(draft.warehouse, legacy)
    link_tmp = draft.warehouse.with_name(f".{draft.warehouse.name}.{os.getpid()}.link")
    link_tmp.unlink(missing_ok=True)
    link_tmp.symlink_to(os.path.relpath(final, draft.warehouse.parent))
    os.replace(link_tmp, draft.warehouse)
    dir_fd = os.open(draft.warehouse.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
    _prune(draft.warehouse, final)
    return final


def _prune(path: Path, keep_latest: Path) -> None:
    gens = sorted(p for p in generations_dir(path).glob("gen-*.duckdb") if _GEN_RE.search(p.name))
    for old in gens[:-KEEP_GENERATIONS]:
        if old != keep_latest:
            old.unlink(missing_ok=True)
            Path(str(old) + ".wal").unlink(missing_ok=True)


def reader_config() -> dict[str, str]:
    """DuckDB settings of a reader: ``KPI_DUCKDB_MEMORY`` (e.g. ``256MB``) and ``KPI_DUCKDB_THREADS`` when set
    (``kpi serve --prod`` sets both per worker: dashboard/prod.py), else DuckDB's defaults."""
    config = {}
    if memory := os.environ.get("KPI_DUCKDB_MEMORY"):
        config["memory_limit"] = memory
    if threads := os.environ.get("KPI_DUCKDB_THREADS"):
        config["threads"] = threads
    return config


def connect_readonly(path: Path, retries: int = 3) -> duckdb.DuckDBPyConnection:
    """Open the published generation read-only, with a clear error when there is none."""
    for attempt in range(retries):
        gen = current_generation(path)
        if gen is None:
            raise WarehouseError(
                f"no warehouse at {path}: load exports first, e.g. `kpi load EXPORTS_DIR --warehouse {path}` "
                "or `kpi demo`"
            )
        try:
            con = duckdb.connect(str(gen), read_only=True, config=reader_config())
        except duckdb.IOException as exc:
            if attempt + 1 < retries and not gen.exists():  # pruned between readlink and open
                time.sleep(0.05)
                continue
            raise WarehouseError(f"cannot open warehouse {path} ({gen}): {exc}") from exc
        except duckdb.Error as exc:
            raise WarehouseError(f"{path} ({gen}) is not a readable DuckDB warehouse: {exc}") from exc
        version = schema_version(con)
        if version != latest_version():
            con.close()
            raise WarehouseError(
                f"warehouse {path} has schema version {version}, this program expects {latest_version()}: "
                f"run `kpi migrate --warehouse {path}`"
            )
        return con
    raise WarehouseError(f"cannot open warehouse {path}")
