"""The application database (``dashboard.appdb``): migrations from empty without drift, frozen snapshots,
commitments that survive a restart, and concurrent edits that both survive."""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa

from dashboard import appdb
from dashboard.appdb import AppDB
from tests.conftest import run_kpi

FIGS = {"week": "2023-W10", "generation": "gen-000003.duckdb", "indicators": [{"key": "dcm.filed", "value": 12.0}]}


def _url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'app.sqlite'}"


def test_adb001_upgrade_from_empty_creates_the_tables_and_matches_the_schema(tmp_path: Path) -> None:
    engine = appdb.make_engine(_url(tmp_path))
    assert appdb.current_revision(engine) is None
    assert appdb.upgrade(engine) == "0003"
    names = set(sa.inspect(engine).get_table_names())
    assert {"snapshot", "commitment", "saved_view", "app_user", "kiosk_token", "audit_log", "app_secret",
            "alembic_version"} <= names
    assert appdb.check_drift(engine) == []  # `alembic check`: the migrations build exactly schema.METADATA
    assert appdb.upgrade(engine) == "0003"  # again: nothing to do
    engine.dispose()


def test_adb002_drift_is_noticed(tmp_path: Path) -> None:
    engine = appdb.make_engine(_url(tmp_path))
    appdb.upgrade(engine)
    with engine.begin() as conn:
        conn.exec_driver_sql("ALTER TABLE commitment ADD COLUMN stray TEXT")
    diffs = appdb.check_drift(engine)
    assert [d[0] for d in diffs] == ["remove_column"]
    engine.dispose()


def test_adb003_the_url_from_the_flag_the_environment_or_beside_the_warehouse(tmp_path: Path,
                                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    wh = tmp_path / "data" / "warehouse.duckdb"
    monkeypatch.delenv(appdb.ENV, raising=False)
    assert appdb.resolve_url(None, wh) == f"sqlite:///{tmp_path / 'data' / 'appdb.sqlite'}"
    monkeypatch.setenv(appdb.ENV, "postgresql+psycopg://kpi@db/kpi")
    assert appdb.resolve_url(None, wh) == "postgresql+psycopg://kpi@db/kpi"
    assert appdb.resolve_url("sqlite:////srv/app.sqlite", wh) == "sqlite:////srv/app.sqlite"
    assert appdb.resolve_url(str(tmp_path / "x.sqlite"), wh) == f"sqlite:///{tmp_path / 'x.sqlite'}"


def test_adb004_a_week_is_frozen_once(tmp_path: Path) -> None:
    db = AppDB(_url(tmp_path))
    first = db.save_snapshot("2023-W10", FIGS, "张主任")
    assert (first.created, first.figures, first.generation, first.taken_by) == (True, FIGS, "gen-000003.duckdb",
                                                                                "张主任")
    later = {**FIGS, "indicators": [{"key": "dcm.filed", "value": 15.0}]}
    again = db.save_snapshot("2023-W10", later, "李科长")
    assert (again.created, again.figures, again.taken_by) == (False, FIGS, "张主任")
    db.save_snapshot("2022-W52", {**FIGS, "week": "2022-W52"}, "张主任")
    db.save_snapshot("2023-W01", {**FIGS, "week": "2023-W01"}, "张主任")
    assert db.snapshot_weeks() == ["2023-W10", "2023-W01", "2022-W52"]
    assert db.previous_snapshot("2023-W10").week == "2023-W01"  # type: ignore[union-attr]
    assert db.previous_snapshot("2023-W01").week == "2022-W52"  # type: ignore[union-attr]
    assert db.previous_snapshot("2022-W52") is None
    assert db.snapshot("2023-W11") is None


def test_adb005_commitments_survive_a_restart(tmp_path: Path) -> None:
    db = AppDB(_url(tmp_path))
    made = db.add_commitment("2023-W10", "371002100", "dcm.on_time_due_rate", "张村镇城管中队",
                             dt.date(2023, 3, 17), "逐件核查超期案件", "张主任", baseline=17 / 23)
    db.add_commitment("2023-W11", None, "dcm.filed", "指挥中心", None, "全区", "张主任")
    db.dispose()
    again = AppDB(_url(tmp_path))  # a new engine on the same file, as after a server restart
    rows = again.list_commitments()
    assert [(r["id"], r["week"], r["town_code"], r["owner"], r["due_on"], r["status"], r["version"]) for r in rows] == [
        (made["id"], "2023-W10", "371002100", "张村镇城管中队", dt.date(2023, 3, 17), "open", 1),
        (made["id"] + 1, "2023-W11", None, "指挥中心", None, "open", 1)]
    assert rows[0]["baseline"] == 17 / 23
    assert [r["week"] for r in again.list_commitments(before="2023-W11")] == ["2023-W10"]
    assert [r["week"] for r in again.list_commitments(town_code="371002100")] == ["2023-W10"]
    assert again.list_commitments(status="closed") == []


def test_adb006_closing_with_the_version_read(tmp_path: Path) -> None:
    db = AppDB(_url(tmp_path))
    c = db.add_commitment("2023-W10", "371002100", "dcm.close_rate", "张村镇", None, "清零", "张主任")
    done = db.close_commitment(c["id"], "已清零", expected_version=1, by="李科长")
    assert (done.conflict, done.theirs) == (False, None)
    row = done.commitment
    assert (row["status"], row["closed_note"], row["closed_by"], row["version"]) == ("closed", "已清零", "李科长", 2)
    with pytest.raises(KeyError):
        db.close_commitment(999, "x", 1)


def test_adb007_two_closings_from_two_threads_both_survive(tmp_path: Path) -> None:
    db = AppDB(_url(tmp_path))
    c = db.add_commitment("2023-W10", "371002100", "dcm.close_rate", "张村镇", None, "清零", "张主任")
    barrier = threading.Barrier(2)
    results = []

    def close(note: str, by: str) -> None:
        other = AppDB(_url(tmp_path), migrate=False)  # its own engine and connection, as another server worker
        barrier.wait()
        results.append(other.close_commitment(c["id"], note, expected_version=1, by=by))
        other.dispose()

    threads = [threading.Thread(target=close, args=args) for args in (("甲的备注", "甲"), ("乙的备注", "乙"))]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    final = db.commitment(c["id"])
    assert final is not None
    assert sorted(r.conflict for r in results) == [False, True]  # one came second, and was told so
    assert sorted(final["closed_note"].split("\n")) == ["乙的备注", "甲的备注"]
    assert sorted(final["closed_by"].split(", ")) == ["乙", "甲"]
    assert (final["status"], final["version"]) == ("closed", 3)
    second = next(r for r in results if r.conflict)
    assert second.theirs is not None and second.theirs["version"] == 2


def test_adb008_adds_from_two_connections_at_once_both_survive(tmp_path: Path) -> None:
    AppDB(_url(tmp_path)).dispose()
    barrier = threading.Barrier(4)

    def add(i: int) -> None:
        db = AppDB(_url(tmp_path), migrate=False)
        barrier.wait()
        for j in range(5):
            db.add_commitment("2023-W10", None, "dcm.filed", f"owner{i}", None, f"text {i}-{j}", "x")
        db.dispose()

    threads = [threading.Thread(target=add, args=(i,)) for i in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    texts = sorted(r["text"] for r in AppDB(_url(tmp_path)).list_commitments())
    assert texts == sorted(f"text {i}-{j}" for i in range(4) for j in range(5))


def test_adb009_kpi_appdb_upgrade(tmp_path: Path) -> None:
    target = tmp_path / "meeting.sqlite"
    out = run_kpi("appdb", "upgrade", "--app-db", str(target), "--lang", "en").stdout
    assert out.strip() == f"application database sqlite:///{target}: revision — → 0003"
    out = run_kpi("appdb", "current", "--app-db", str(target)).stdout
    assert out.strip() == f"应用数据库 sqlite:///{target}：版本 0003 → 0003"
    con = sqlite3.connect(target)
    assert con.execute("SELECT version_num FROM alembic_version").fetchall() == [("0003",)]
    con.close()


def test_adb010_the_app_upgrades_its_database_on_startup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from dashboard.app import create_app
    from tests.dashboard_data import empty_warehouse

    monkeypatch.delenv(appdb.ENV, raising=False)
    wh = empty_warehouse(tmp_path / "wh" / "warehouse.duckdb")
    create_app(wh, warm=False)  # no --app-db, no KPI_APP_DB: appdb.sqlite beside the warehouse
    beside = tmp_path / "wh" / "appdb.sqlite"
    con = sqlite3.connect(beside)
    assert con.execute("SELECT version_num FROM alembic_version").fetchall() == [("0003",)]
    con.close()
