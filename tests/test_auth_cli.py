"""``kpi user``, ``kpi token`` and ``kpi audit`` as a user runs them (subprocesses): passwords from stdin, never
argv; tokens printed once and stored as hashes; every change audited; Chinese first, English with --lang en."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa

from dashboard.appdb import AppDB
from dashboard.auth import store


def kpi(tmp: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "dashboard.cli", *args, "--app-db", str(tmp / "app.sqlite")],
                          input=stdin, capture_output=True, text=True, timeout=300)


def test_cli001_users(tmp_path: Path) -> None:
    added = kpi(tmp_path, "user", "add", "张三", "--role", "analyst", "--password-stdin", stdin="correct horse 1\n")
    assert (added.returncode, added.stdout) == (0, "已添加用户 张三（analyst）。\n")
    again = kpi(tmp_path, "user", "add", "张三", "--role", "viewer", "--password-stdin", "--lang", "en",
                stdin="another-pass\n")
    assert (again.returncode, again.stderr) == (1, 'The user "张三" exists already.\n')
    short = kpi(tmp_path, "user", "add", "li", "--role", "viewer", "--password-stdin", stdin="1234567\n")
    assert (short.returncode, short.stderr) == (1, "密码至少需要 8 个字符。\n")
    bad_name = kpi(tmp_path, "user", "add", "a b;--", "--role", "viewer", "--password-stdin", stdin="whatever-1\n")
    assert bad_name.returncode == 1
    argv = kpi(tmp_path, "user", "add", "li", "--role", "viewer", "--password", "secret-123")
    assert argv.returncode == 2  # no such option: a password never goes on the command line
    town = kpi(tmp_path, "user", "add", "wang", "--role", "viewer", "--town", "999", "--password-stdin",
               stdin="whatever-1\n")
    assert (town.returncode, town.stderr) == (1, "没有镇街代码“999”。\n")
    listed = json.loads(kpi(tmp_path, "user", "list", "--json").stdout)
    assert [(u["username"], u["role"], u["town_code"], u["disabled"]) for u in listed] == [("张三", "analyst", None,
                                                                                           False)]
    assert "password_hash" not in listed[0]
    db = AppDB(f"sqlite:///{tmp_path / 'app.sqlite'}")
    assert store.check_password(db, "张三", "correct horse 1")["username"] == "张三"
    with db.engine.connect() as conn:
        stored = conn.exec_driver_sql("SELECT password_hash FROM app_user").scalar_one()
    assert stored.startswith("$argon2id$") and "correct horse" not in stored
    passwd = kpi(tmp_path, "user", "passwd", "张三", "--password-stdin", "--lang", "en", stdin="battery staple 2\n")
    assert (passwd.returncode, passwd.stdout) == (0, "Changed the password of 张三; all of their sessions have "
                                                     "ended.\n")
    assert store.check_password(db, "张三", "correct horse 1") is None
    assert kpi(tmp_path, "user", "disable", "张三").returncode == 0
    assert store.check_password(db, "张三", "battery staple 2") is None
    removed = kpi(tmp_path, "user", "remove", "张三")
    assert (removed.returncode, removed.stdout) == (0, "已删除用户 张三。\n")
    assert kpi(tmp_path, "user", "remove", "张三").returncode == 1
    actions = [(e["action"], e["detail"]) for e in reversed(json.loads(kpi(tmp_path, "audit", "--json").stdout))]
    assert actions == [("user_add", {"user": "张三", "role": "analyst", "town": None}),
                       ("user_passwd", {"user": "张三"}), ("user_disable", {"user": "张三"}),
                       ("user_remove", {"user": "张三"})]
    db.dispose()


def test_cli002_tokens(tmp_path: Path) -> None:
    added = kpi(tmp_path, "token", "add", "--name", "wall1", "--lang", "en")
    lines = added.stdout.splitlines()
    assert (added.returncode, lines[0]) == (0, "Created token wall1 (viewer). Copy it now: it is not shown again:")
    token = lines[1]
    assert len(token) == 43
    assert lines[2] == f"Wall link: /wall?token={token}"
    db = AppDB(f"sqlite:///{tmp_path / 'app.sqlite'}")
    with db.engine.connect() as conn:
        assert token not in json.dumps([list(r) for r in conn.execute(sa.text("SELECT * FROM kiosk_token"))],
                                       default=str)
    assert store.token_row(db, token)["name"] == "wall1"
    listed = json.loads(kpi(tmp_path, "token", "list", "--json").stdout)
    assert [(t["name"], t["role"], t["revoked_at"]) for t in listed] == [("wall1", "viewer", None)]
    revoked = kpi(tmp_path, "token", "revoke", "--name", "wall1")
    assert (revoked.returncode, revoked.stdout) == (0, "已撤销令牌 wall1。\n")
    assert store.token_row(db, token) is None
    assert kpi(tmp_path, "token", "revoke", "--name", "wall1").returncode == 1  # already revoked
    assert [e["action"] for e in reversed(json.loads(kpi(tmp_path, "audit", "--json").stdout))] == [
        "token_add", "token_revoke"]
    db.dispose()


def test_cli003_audit_record_for_other_modules(tmp_path: Path) -> None:
    from dashboard.auth import audit

    db = AppDB(f"sqlite:///{tmp_path / 'app.sqlite'}")
    audit.record("admin", "data_load", {"file": "cases.csv", "rows": 120}, db)
    audit.record("admin", "data_load", "x" * 10_000, db)  # long details are clipped, not refused
    rows = audit.entries(db)
    assert [(r["actor"], r["action"]) for r in rows] == [("admin", "data_load"), ("admin", "data_load")]
    assert rows[1]["detail"] == {"file": "cases.csv", "rows": 120}
    assert len(rows[0]["detail"]["text"]) == 4000
    table = kpi(tmp_path, "audit", "--lang", "en")
    assert "data_load" in table.stdout and "cases.csv" in table.stdout
    db.dispose()


def test_cli004_revision_0003_adds_the_sign_in_tables_on_top_of_0002_and_goes_back(tmp_path: Path) -> None:
    from dashboard import appdb

    engine = appdb.make_engine(f"sqlite:///{tmp_path / 'a.sqlite'}")
    appdb.upgrade(engine, "0002")
    before = set(sa.inspect(engine).get_table_names())
    assert appdb.upgrade(engine, "0003") == "0003"
    assert set(sa.inspect(engine).get_table_names()) - before == {"app_user", "kiosk_token", "audit_log",
                                                                  "app_secret"}
    with engine.begin() as conn:
        appdb.command.downgrade(appdb.alembic_config(conn), "0002")
    assert set(sa.inspect(engine).get_table_names()) == before
    engine.dispose()
