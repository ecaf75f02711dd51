"""The query executor: the only part of the dashboard that touches the warehouse.

``Warehouse`` opens the published generation read-only (``warehouse.store.connect_readonly``),
runs SQLAlchemy selects compiled by ``warehouse.sql.compile_query`` and caches the resulting
DataFrames per generation: when a load publishes a new generation, the next request opens it and
the old cache is dropped, without a restart. Returned frames are shared: treat them as read-only.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import sqlalchemy as sa

from warehouse import store
from warehouse.sql import compile_query

CACHE_SIZE = 512


class DataUnavailable(RuntimeError):
    """The warehouse cannot answer (missing, corrupt, old schema); the message says what to do."""


@dataclass
class QueryStats:
    """Counters for tests and the latency report."""

    queries: int = 0
    cache_hits: int = 0
    seconds: float = 0.0


class Warehouse:
    """Read-only access to the published warehouse generation, with a per-generation cache."""

    def __init__(self, path: str | Path) -> None:
        self.path = store.warehouse_path(path).absolute()
        self._lock = threading.Lock()
        self._generation = ""
        self._con: duckdb.DuckDBPyConnection | None = None
        self._cache: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
        self.stats = QueryStats()

    # --- connection -----------------------------------------------------------------------

    def generation(self) -> str:
        """Id of the published generation ('' when nothing is published)."""
        return store.generation_id(self.path)

    def _cursor(self) -> tuple[str, duckdb.DuckDBPyConnection]:
        gen = self.generation()
        with self._lock:
            if self._con is None or gen != self._generation:
                try:
                    con = store.connect_readonly(self.path)
                except store.WarehouseError as exc:
                    raise DataUnavailable(str(exc)) from exc
                # The old connection is not closed here: a request may still be reading it. It closes
                # when its last cursor is gone; the pruned generation file goes with it.
                self._con, self._generation = con, gen
                self._cache.clear()
            return self._generation, self._con.cursor()

    def check(self) -> str | None:
        """None when the warehouse can be read, else a message naming the file and how to load one."""
        try:
            self._cursor()[1].close()
        except DataUnavailable as exc:
            return str(exc)
        return None

    # --- queries --------------------------------------------------------------------------

    def _cached(self, key: tuple[Any, ...], run: Callable[[duckdb.DuckDBPyConnection], Any]) -> Any:
        gen, cur = self._cursor()
        full_key = (gen, *key)
        with self._lock:
            if full_key in self._cache:
                self._cache.move_to_end(full_key)
                self.stats.cache_hits += 1
                cur.close()
                return self._cache[full_key]
        started = time.perf_counter()
        try:
            result = run(cur)
        except (duckdb.CatalogException, duckdb.BinderException) as exc:
            first_line = str(exc).splitlines()[0]
            raise DataUnavailable(
                f"warehouse {self.path} does not have the views this version needs ({first_line}); "
                f"run `kpi migrate --warehouse {self.path}`"
            ) from exc
        finally:
            cur.close()
        with self._lock:
            self.stats.queries += 1
            self.stats.seconds += time.perf_counter() - started
            self._cache[full_key] = result
            while len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
        return result

    def frame(self, stmt: sa.sql.Executable) -> pd.DataFrame:
        """The rows of a SQLAlchemy select as a DataFrame (cached per generation)."""
        sql, params = compile_query(stmt)
        return self._cached(("sql", sql, repr(params)), lambda cur: cur.execute(sql, params).df())

    def rows(self, stmt: sa.sql.Executable) -> pd.DataFrame:
        """The rows of a select, not cached: for large one-off reads such as an export."""
        sql, params = compile_query(stmt)
        _gen, cur = self._cursor()
        try:
            return cur.execute(sql, params).df()
        finally:
            cur.close()

    def memo(self, key: tuple[Any, ...], compute: Callable[[], Any]) -> Any:
        """``compute()`` (which reads this warehouse) cached per generation under ``key``, like a query:
        for results derived from several frames, such as a scored league table."""
        return self._cached(("memo", *key), lambda _cur: compute())

    def report(self, year: int) -> dict[str, float | None]:
        """Every work-report figure of a year (``warehouse.report.report``), cached per generation."""
        from warehouse.report import report

        return self._cached(("report", year), lambda cur: report(cur, year))

    def report_rows(self, year: int) -> dict[str, int]:
        """How many source rows are behind each work-report figure (``warehouse.report.rows_behind``)."""
        from warehouse.report import rows_behind

        return self._cached(("report_rows", year), lambda cur: rows_behind(cur, year))

    def report_years(self) -> list[int]:
        """Years that have report figures, newest first."""
        return self._cached(
            ("report_years",),
            lambda cur: [
                int(r[0])
                for r in cur.execute("SELECT DISTINCT year FROM mart_report ORDER BY 1 DESC").fetchall()
                if r[0] is not None
            ],
        )

    def forget(self) -> None:
        """Drop every cached result (the connection stays open): the next requests query cold (tools/bench.py)."""
        with self._lock:
            self._cache.clear()

    def close(self) -> None:
        with self._lock:
            if self._con is not None:
                self._con.close()
            self._con, self._generation = None, ""
            self._cache.clear()
