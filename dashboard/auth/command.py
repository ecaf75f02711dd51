"""``kpi user``, ``kpi token`` and ``kpi audit``: accounts, kiosk tokens and the audit trail, from the shell.

    kpi user add NAME --role viewer|analyst|admin [--town CODE] [--password-stdin]
    kpi user remove NAME | passwd NAME [--password-stdin] | disable NAME | enable NAME | list [--json]
    kpi token add --name wall1 [--role viewer] | revoke --name wall1 | list [--json]
    kpi audit [--json] [--limit N] [--action A]

Passwords are read from a prompt (twice, not echoed) or one line of standard input (``--password-stdin``),
never from the command line. Messages in Chinese; ``--lang en`` for English. Every change is audited with the
actor ``cli:<login name>``. Exit status 0 on success, 1 for a refused change.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable
from typing import Any

AddStores = Callable[[argparse.ArgumentParser], argparse.ArgumentParser]


def add_parsers(sub: argparse._SubParsersAction, with_stores: AddStores) -> None:
    """``user``, ``token`` and ``audit`` on the ``kpi`` parser; ``with_stores`` adds --warehouse and --app-db."""

    def common(p: argparse.ArgumentParser, json: bool = False) -> argparse.ArgumentParser:
        with_stores(p)
        p.add_argument("--lang", choices=("zh", "en"), default=os.environ.get("KPI_LANG", "zh"),
                       help="language of messages: zh (default) or en")
        if json:
            p.add_argument("--json", action="store_true")
        return p

    user = sub.add_parser("user", help="dashboard accounts: add, remove, list, passwd, disable, enable")
    users = user.add_subparsers(dest="action", required=True)
    p = common(users.add_parser("add", help="add an account"))
    p.add_argument("name")
    p.add_argument("--role", required=True, choices=("viewer", "analyst", "admin"))
    p.add_argument("--town", help="town code: the account sees only that town's rows")
    p.add_argument("--password-stdin", action="store_true", help="read the password from one line of stdin")
    for action in ("remove", "passwd", "disable", "enable"):
        p = common(users.add_parser(action))
        p.add_argument("name")
        if action == "passwd":
            p.add_argument("--password-stdin", action="store_true")
    common(users.add_parser("list"), json=True)
    user.set_defaults(func=run_user)

    token = sub.add_parser("token", help="kiosk tokens (view-only links for the wall screen): add, list, revoke")
    tokens = token.add_subparsers(dest="action", required=True)
    p = common(tokens.add_parser("add"))
    p.add_argument("--name", required=True)
    p.add_argument("--role", default="viewer", choices=("viewer", "analyst", "admin"))
    p = common(tokens.add_parser("revoke"))
    p.add_argument("--name", required=True)
    common(tokens.add_parser("list"), json=True)
    token.set_defaults(func=run_token)

    p = common(sub.add_parser("audit", help="the audit trail: sign-ins, tokens, user and data changes"), json=True)
    p.add_argument("--limit", type=int, default=200, help="newest N entries (default 200; 0: all)")
    p.add_argument("--action", help="only this action, e.g. sign_in_failed")
    p.set_defaults(func=run_audit)


def _db(args: argparse.Namespace) -> Any:
    from dashboard.appdb import AppDB, resolve_url
    from warehouse import store

    return AppDB(resolve_url(args.app_db, store.warehouse_path(args.warehouse)))


def _cli_actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except Exception:
        return "cli"


def _password(args: argparse.Namespace, lang: str) -> str:
    from dashboard.auth.store import AuthError
    from dashboard.i18n import t

    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass(t("auth.cli.prompt", lang))
    if getpass.getpass(t("auth.cli.prompt2", lang)) != first:
        raise AuthError("auth.err.mismatch")
    return first


def _print_json(rows: list[dict[str, Any]]) -> None:
    import orjson

    sys.stdout.write(orjson.dumps(rows, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS).decode() + "\n")


def _table(lang: str, columns: list[tuple[str, str]], rows: list[dict[str, Any]]) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from dashboard.i18n import t
    from etl.problems import shown

    table = Table(*(t(f"auth.col.{c}", lang) for c, _ in columns))
    for row in rows:
        table.add_row(*(Text(shown("" if row.get(field) is None else str(row[field]))) for _, field in columns))
    Console(highlight=False, soft_wrap=True).print(table)


def _refused(exc: Exception, lang: str) -> int:
    from dashboard.auth.store import AuthError
    from dashboard.i18n import t

    if isinstance(exc, AuthError):
        print(t(exc.key, lang, **exc.values), file=sys.stderr)
    else:
        print(str(exc), file=sys.stderr)
    return 1


def run_user(args: argparse.Namespace) -> int:
    from dashboard.auth import audit, store
    from dashboard.auth.store import AuthError
    from dashboard.i18n import t
    from dashboard.state import TOWN_CODES

    lang, db, who = args.lang, _db(args), _cli_actor()
    try:
        if args.action == "list":
            rows = store.list_users(db)
            if args.json:
                _print_json(rows)
            elif not rows:
                print(t("auth.cli.no_users", lang))
            else:
                _table(lang, [("username", "username"), ("role", "role"), ("town", "town_code"),
                              ("disabled", "disabled"), ("created", "created_at")], rows)
            return 0
        name = args.name
        if args.action == "add":
            if args.town and args.town not in TOWN_CODES:
                raise AuthError("auth.err.town", code=args.town)
            store.check_username(name)
            row = store.add_user(db, name, _password(args, lang), args.role, args.town)
            audit.record(who, "user_add", {"user": name, "role": row["role"], "town": row["town_code"]}, db)
            print(t("auth.cli.added", lang, name=name, role=row["role"]))
        elif args.action == "remove":
            store.remove_user(db, name)
            audit.record(who, "user_remove", {"user": name}, db)
            print(t("auth.cli.removed", lang, name=name))
        elif args.action == "passwd":
            if store.get_user(db, name) is None:
                raise AuthError("auth.err.no_user", name=name)
            store.set_password(db, name, _password(args, lang))
            audit.record(who, "user_passwd", {"user": name}, db)
            print(t("auth.cli.passwd", lang, name=name))
        else:  # disable / enable
            store.set_disabled(db, name, args.action == "disable")
            audit.record(who, f"user_{args.action}", {"user": name}, db)
            print(t(f"auth.cli.{args.action}d", lang, name=name))
    except (AuthError, ValueError) as exc:
        return _refused(exc, lang)
    finally:
        db.dispose()
    return 0


def run_token(args: argparse.Namespace) -> int:
    from dashboard.auth import audit, store
    from dashboard.auth.store import AuthError
    from dashboard.i18n import t

    lang, db, who = args.lang, _db(args), _cli_actor()
    try:
        if args.action == "list":
            rows = store.list_tokens(db)
            if args.json:
                _print_json(rows)
            elif not rows:
                print(t("auth.cli.no_tokens", lang))
            else:
                _table(lang, [("name", "name"), ("role", "role"), ("created", "created_at"),
                              ("last_used", "last_used_at"), ("revoked", "revoked_at")], rows)
            return 0
        if args.action == "add":
            token = store.add_token(db, args.name, args.role)
            audit.record(who, "token_add", {"token": args.name, "role": args.role}, db)
            print(t("auth.cli.token_added", lang, name=args.name, role=args.role))
            print(token)
            print(t("auth.cli.token_url", lang) + f"/wall?token={token}")
            return 0
        if not store.revoke_token(db, args.name):
            raise AuthError("auth.err.no_token", name=args.name)
        audit.record(who, "token_revoke", {"token": args.name}, db)
        print(t("auth.cli.token_revoked", lang, name=args.name))
    except (AuthError, ValueError) as exc:
        return _refused(exc, lang)
    finally:
        db.dispose()
    return 0


def run_audit(args: argparse.Namespace) -> int:
    from dashboard.auth import audit
    from dashboard.i18n import t

    db = _db(args)
    try:
        rows = audit.entries(db, limit=args.limit or None, action=args.action)
    finally:
        db.dispose()
    if args.json:
        _print_json(rows)
    elif not rows:
        print(t("auth.cli.no_audit", args.lang))
    else:
        import orjson

        shown = [{**r, "detail": orjson.dumps(r["detail"]).decode()} for r in rows]
        _table(args.lang, [("at", "at"), ("actor", "actor"), ("action", "action"), ("detail", "detail"),
                           ("addr", "remote_addr")], shown)
    return 0
