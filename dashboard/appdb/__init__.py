"""The application database: what users write (meeting snapshots, commitments), kept apart from the warehouse.

The warehouse is read-only and rebuilt by every load; user data lives here, through SQLAlchemy, so any
SQLAlchemy URL works (SQLite by default, PostgreSQL in production). The schema is versioned by Alembic
(``dashboard/appdb/migrations/``, revision ``0001``: ``snapshot`` and ``commitment``; tables in
``dashboard.appdb.schema``); ``AppDB(url)`` upgrades to head when it opens, as does ``kpi appdb upgrade``.

Where it is (``resolve_url``): ``--app-db URL`` or the environment variable ``KPI_APP_DB``, else the SQLite
file ``appdb.sqlite`` in the warehouse's folder (``data/appdb.sqlite`` beside ``data/warehouse.duckdb``,
outside the generation files a load replaces). A plain path is taken as a SQLite file.

API (every function opens its own short transaction; safe from several threads and processes)::

    db = AppDB(url)                                   # upgrades the schema to head
    db.save_snapshot(week, figures, by) -> Snapshot   # freezes a week's figures (dashboard.weekly.week_figures);
                                                      # a week is frozen once: a second save returns the first
                                                      # snapshot with created=False, figures unchanged
    db.snapshot(week) -> Snapshot | None              # Snapshot(week, figures, generation, taken_by, taken_at, created)
    db.previous_snapshot(week) -> Snapshot | None     # the latest snapshot of a week before ``week``
    db.snapshot_weeks() -> list[str]                  # weeks with a snapshot, newest first
    db.add_commitment(week, town_code, indicator, owner, due_on, text, by, baseline=None) -> dict
    db.list_commitments(status=None, week=None, before=None, town_code=None) -> list[dict]
                                                      # ``before``: made at a meeting before that week
    db.commitment(id) -> dict | None
    db.close_commitment(id, note, expected_version, by="") -> CloseResult(commitment, conflict, theirs)

A commitment is a dict of the ``commitment`` columns: id, week, town_code (None = the district), indicator,
owner, due_on (date), text, baseline (the indicator's value for the town in the meeting's week), status
(open / closed), created_by, created_at, closed_note, closed_by, closed_at, version.

Concurrency: ``close_commitment`` is optimistic. It updates the row only if its ``version`` is still the one the
caller read. If another edit came first, nothing is overwritten: the call re-reads the row, merges (a second
closing note is appended to the first, both authors named) and retries, and reports ``conflict=True`` with the
row as the other edit left it (``theirs``), so the page can say so. On SQLite every transaction starts with
``BEGIN IMMEDIATE`` and waits up to 30 s for the lock (WAL journal), so two writers queue instead of failing.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext

from dashboard.appdb.schema import METADATA, commitment, snapshot

ENV = "KPI_APP_DB"
DEFAULT_NAME = "appdb.sqlite"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
HEAD = "head"
_RETRIES = 10


def default_url(warehouse_path: str | Path) -> str:
    """The SQLite file ``appdb.sqlite`` in the warehouse's folder."""
    return f"sqlite:///{Path(warehouse_path).absolute().parent / DEFAULT_NAME}"


def resolve_url(url: str | None, warehouse_path: str | Path) -> str:
    """``url`` (``--app-db``), else ``$KPI_APP_DB``, else ``default_url``; a plain path means a SQLite file."""
    chosen = url or os.environ.get(ENV) or default_url(warehouse_path)
    return chosen if "://" in chosen else f"sqlite:///{Path(chosen).absolute()}"


def make_engine(url: str) -> sa.Engine:
    """An engine for ``url``; SQLite gets WAL, a 30 s lock wait and ``BEGIN IMMEDIATE`` transactions."""
    if not url.startswith("sqlite"):
        return sa.create_engine(url, pool_pre_ping=True)
    if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

    @sa.event.listens_for(engine, "connect")
    def _connect(dbapi_con: Any, _record: Any) -> None:
        dbapi_con.isolation_level = None  # SQLAlchemy's begin event below opens the transactions
        cur = dbapi_con.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.close()

    @sa.event.listens_for(engine, "begin")
    def _begin(conn: sa.Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def alembic_config(connection: sa.Connection | None = None) -> Config:
    """Alembic's configuration for these migrations (on ``connection`` when given)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def upgrade(engine: sa.Engine, revision: str = HEAD) -> str | None:
    """Upgrade the schema to ``revision`` (default: head); returns the revision it is at then."""
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), revision)
    return current_revision(engine)


def current_revision(engine: sa.Engine) -> str | None:
    """The revision the database is at (None when it has never been upgraded)."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


@dataclass(frozen=True)
class Snapshot:
    """A week's frozen figures."""

    week: str
    figures: dict[str, Any]
    generation: str | None
    taken_by: str
    taken_at: dt.datetime
    created: bool = False  # True only from the save_snapshot call that froze it


@dataclass(frozen=True)
class CloseResult:
    """What ``close_commitment`` did: the row as it is now, whether another edit came first, and that edit."""

    commitment: dict[str, Any]
    conflict: bool
    theirs: dict[str, Any] | None = None


class AppDB:
    """The application database at ``url`` (schema upgraded to head on opening unless ``migrate=False``)."""

    def __init__(self, url: str, migrate: bool = True) -> None:
        self.url = url
        self.engine = make_engine(url)
        if migrate:
            upgrade(self.engine)

    def dispose(self) -> None:
        self.engine.dispose()

    # --- snapshots ---------------------------------------------------------------------------------------

    @staticmethod
    def _snapshot(row: sa.Row | None, created: bool = False) -> Snapshot | None:
        if row is None:
            return None
        return Snapshot(row.week, row.figures, row.generation, row.taken_by, row.taken_at, created)

    def snapshot(self, week: str) -> Snapshot | None:
        """The frozen figures of ``week``, if the meeting was held."""
        with self.engine.connect() as conn:
            return self._snapshot(conn.execute(sa.select(snapshot).where(snapshot.c.week == week)).first())

    def previous_snapshot(self, week: str) -> Snapshot | None:
        """The latest snapshot of a week before ``week`` (week ids sort as text: 2022-W52 < 2023-W01)."""
        stmt = sa.select(snapshot).where(snapshot.c.week < week).order_by(snapshot.c.week.desc()).limit(1)
        with self.engine.connect() as conn:
            return self._snapshot(conn.execute(stmt).first())

    def snapshot_weeks(self) -> list[str]:
        with self.engine.connect() as conn:
            return list(conn.execute(sa.select(snapshot.c.week).order_by(snapshot.c.week.desc())).scalars())

    def save_snapshot(self, week: str, figures: dict[str, Any], by: str) -> Snapshot:
        """Freeze ``figures`` as ``week``'s snapshot; if the week is frozen already, return that one unchanged."""
        try:
            with self.engine.begin() as conn:
                conn.execute(snapshot.insert().values(week=week, figures=figures, generation=figures.get("generation"),
                                                      taken_by=by, taken_at=_now()))
        except sa.exc.IntegrityError:
            pass  # another meeting screen froze it first: theirs stands
        else:
            found = self.snapshot(week)
            assert found is not None
            return Snapshot(**{**found.__dict__, "created": True})
        found = self.snapshot(week)
        assert found is not None
        return found

    # --- commitments -------------------------------------------------------------------------------------

    def add_commitment(self, week: str, town_code: str | None, indicator: str, owner: str, due_on: dt.date | None,
                       text: str, by: str, baseline: float | None = None) -> dict[str, Any]:
        """Record an action item made at ``week``'s meeting; returns it (version 1, open)."""
        with self.engine.begin() as conn:
            new_id = conn.execute(commitment.insert().values(
                week=week, town_code=town_code or None, indicator=indicator, owner=owner, due_on=due_on, text=text,
                baseline=baseline, status="open", created_by=by, created_at=_now(), version=1,
            )).inserted_primary_key[0]
        found = self.commitment(int(new_id))
        assert found is not None
        return found

    def commitment(self, commitment_id: int) -> dict[str, Any] | None:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(commitment).where(commitment.c.id == commitment_id)).first()
        return None if row is None else dict(row._mapping)

    def list_commitments(self, status: str | None = None, week: str | None = None, before: str | None = None,
                         town_code: str | None = None) -> list[dict[str, Any]]:
        """Commitments, oldest meeting first (then by id), filtered by status, meeting week, earlier weeks, town."""
        c = commitment.c
        stmt = sa.select(commitment).order_by(c.week, c.id)
        if status is not None:
            stmt = stmt.where(c.status == status)
        if week is not None:
            stmt = stmt.where(c.week == week)
        if before is not None:
            stmt = stmt.where(c.week < before)
        if town_code is not None:
            stmt = stmt.where(c.town_code == town_code)
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(stmt)]

    def close_commitment(self, commitment_id: int, note: str, expected_version: int, by: str = "") -> CloseResult:
        """Close a commitment with a note, if nobody edited it since ``expected_version``; else merge and retry."""
        c = commitment.c
        theirs: dict[str, Any] | None = None
        version = expected_version
        for _ in range(_RETRIES):
            with self.engine.begin() as conn:
                row = conn.execute(sa.select(commitment).where(c.id == commitment_id)).first()
                if row is None:
                    raise KeyError(f"no commitment {commitment_id}")
                current = dict(row._mapping)
                if current["version"] != version:  # someone else edited it since it was read
                    theirs, version = current, current["version"]
                values = self._closing(current, note, by) if theirs is not None else {
                    "status": "closed", "closed_note": note, "closed_by": by, "closed_at": _now()}
                done = conn.execute(
                    commitment.update().where(c.id == commitment_id, c.version == version)
                    .values(**values, version=version + 1)
                ).rowcount
            if done == 1:
                found = self.commitment(commitment_id)
                assert found is not None
                return CloseResult(found, theirs is not None, theirs)
        raise RuntimeError(f"commitment {commitment_id}: still changing after {_RETRIES} attempts")

    @staticmethod
    def _closing(current: dict[str, Any], note: str, by: str) -> dict[str, Any]:
        """The values that close ``current`` with ``note`` without losing an earlier closing note."""
        if current["status"] != "closed":
            return {"status": "closed", "closed_note": note, "closed_by": by, "closed_at": _now()}
        old_note, old_by = current["closed_note"] or "", current["closed_by"] or ""
        merged = old_note if note.strip() in ("", old_note.strip()) else f"{old_note}\n{note}".strip()
        authors = old_by if by in ("", old_by) else ", ".join(x for x in (old_by, by) if x)
        return {"closed_note": merged, "closed_by": authors}


def check_drift(engine: sa.Engine) -> list[Any]:
    """Differences between the database's schema and ``schema.METADATA`` (Alembic's autogenerate; [] = none)."""
    from alembic.autogenerate import compare_metadata

    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        return list(compare_metadata(ctx, METADATA))
