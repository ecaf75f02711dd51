"""The `kpi` command: load exports, inspect loads and rejects, print the report, serve the app.

Heavy imports happen inside the commands, so `kpi --help` and `kpi loads` start fast.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path

import orjson

from etl.sources import SOURCES_BY_NAME
from warehouse import assessment_list, store


def _console():
    from rich.console import Console

    return Console(highlight=False, soft_wrap=True)


def _print_json(data: object) -> None:
    sys.stdout.write(orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS).decode() + "\n")


# --- load ----------------------------------------------------------------------------------

def _text(*parts: tuple[str, str] | str):
    """A rich Text from plain strings and (text, style) pairs: file text is never read as markup."""
    from rich.text import Text

    return Text.assemble(*parts)


def cmd_load(args: argparse.Namespace) -> int:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from dashboard.i18n import t
    from etl.inputs import expand_paths
    from etl.load import load_files
    from etl.problems import shown

    if args.dry_run:  # what `kpi sniff` says about every file found, nothing loaded
        args.paths, args.lang, args.json = [str(p) for p in expand_paths(Path(p) for p in args.paths)], "zh", False
        return cmd_sniff(args)
    console = _console()
    lang = _lang(args)
    warehouse = store.warehouse_path(args.warehouse)
    paths = [Path(p) for p in args.paths]
    total = len(expand_paths(paths))
    if total == 0:
        console.print(_text((t("cli.none_found", lang), "red"), ", ".join(shown(p) for p in paths)))
        return 2
    progress = Progress(
        TextColumn("[bold]loading[/bold]"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        TextColumn("{task.fields[name]}", markup=False), console=console, transient=True, disable=args.quiet,
    )
    with progress:
        task = progress.add_task("", total=total, name="")

        def on_start(file: Path) -> None:
            progress.update(task, name=shown(file.name))

        def on_file(file: Path, tables: list) -> None:
            for t in tables:
                progress.console.print(_summary_line(t, lang))
            progress.advance(task)

        result = load_files(warehouse, paths, force=args.source, on_start=on_start, on_file=on_file)
    failed = [t for t in result.tables if t.status == "failed"]
    rejected = sum(t.rows_rejected for t in result.tables)
    loaded = sum(t.rows_loaded for t in result.tables)
    rows_in = sum(t.rows_in for t in result.tables)
    published = result.generation.name if result.generation else t("cli.nothing", lang)
    console.print(_text(t("cli.load_summary", lang, files=total, rows_in=f"{rows_in:,}", loaded=f"{loaded:,}",
                          rejected=f"{rejected:,}", failed=len(failed), published=published,
                          warehouse=shown(warehouse))))
    if rejected:
        console.print(_text(f"{t('cli.see_rejects', lang)}kpi rejects --warehouse {shown(warehouse)}"))
    return 0 if result.ok else 1


def _summary_line(t, lang: str = "zh"):
    """One line per table: source detected, rows in, loaded, rejected, skipped (or the error)."""
    w = _words(lang)
    error = (t.error if lang == "zh" else t.error_en) or t.error or ""
    if t.status == "failed":
        counts = f" ({w['rows_in']} {t.rows_in:,})" if t.rows_in else ""
        return _text((w["failed"], "red"), f"  {t.label}: {error}{counts}")
    if t.status == "skipped":
        return _text((w["skipped"], "dim"), f" {t.label}: {error}")
    style = "yellow" if t.rows_rejected else "green"
    blank = f" ({w['blank']} {t.rows_blank:,})" if t.rows_blank else ""
    return _text(
        (w["loaded"], style),
        f"  {t.label}: {t.source}, {w['rows_in']} {t.rows_in:,}, {w['loaded_n']} {t.rows_loaded:,}, "
        f"{w['rejected']} {t.rows_rejected:,}, {w['skipped_n']} {t.rows_skipped:,}{blank}",
    )


def _words(lang: str) -> dict[str, str]:
    """The command line's words (``cli.*`` in the catalogue) in one language, by their short names."""
    from dashboard.i18n import CATALOGUE, t

    return {key.removeprefix("cli."): t(key, lang) for key in CATALOGUE if key.startswith("cli.")}


def _lang(args: argparse.Namespace) -> str:
    return getattr(args, "lang", None) or "zh"


def cmd_loads(args: argparse.Namespace) -> int:
    from etl.problems import shown
    from warehouse.queries import loads

    rows = [{k: v for k, v in r.items() if k != "load_id"} for r in _query(args, loads.load_log())]
    if args.json:
        _print_json(rows)
        return 0
    from rich.table import Table

    lang = _lang(args)
    w = _words(lang)
    table = Table(w["when"], w["file"], w["source"], w["rows_in"], w["loaded_n"], w["rejected"], w["skipped_n"],
                  w["status"], w["error"], "s")
    for r in rows:
        name = f"{r['file']}[{r['sheet']}]" if r["sheet"] else r["file"]
        error = (r["error"] if lang == "zh" else r["error_en"]) or r["error"] or ""
        skipped = f"{r['rows_skipped']}" + (f" ({w['blank']} {r['rows_blank']})" if r["rows_blank"] else "")
        status = w.get(f"status.{r['status']}", r["status"])
        table.add_row(
            str(r["when"])[:19], _text(shown(name)), _text(r["source"] or ""), str(r["rows_in"]),
            str(r["rows_loaded"]), str(r["rows_rejected"]), skipped, status, _text(shown(error)),
            f"{r['duration_s']:.2f}",
        )
    _console().print(table)
    return 0


def cmd_rejects(args: argparse.Namespace) -> int:
    from dashboard.i18n import t
    from dashboard.reasons import reason_text
    from etl.problems import shown
    from warehouse.queries import loads

    rows = _query(args, loads.rejects())
    if args.json:
        _print_json(rows)
        return 0
    from rich.table import Table

    lang = _lang(args)
    w = _words(lang)
    table = Table(w["file"], w["row"], w["column"], w["value"], w["reason"])
    for r in rows:
        name = f"{r['file']}[{r['sheet']}]" if r["sheet"] else r["file"]
        value = shown(r["value"] or "")
        value = value if len(value) <= 200 else value[:199] + "…"
        table.add_row(_text(shown(name)), str(r["row"]), _text(shown(r["column"] or "")), _text(value),
                      _text(reason_text(r["reason"], lang)))
    console = _console()
    console.print(table)
    console.print(_text(t("cli.rejected_values", lang, n=len(rows))))
    return 0


def _query(args: argparse.Namespace, stmt) -> list[dict]:
    from warehouse.sql import compile_query

    con = store.connect_readonly(store.warehouse_path(args.warehouse))
    try:
        cur = con.execute(*compile_query(stmt))
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
    finally:
        con.close()


# --- report --------------------------------------------------------------------------------


def cmd_report(args: argparse.Namespace) -> int:
    from dashboard import format as fmt
    from warehouse.report import REPORT_FIGURES, report, to_json

    con = store.connect_readonly(store.warehouse_path(args.warehouse))
    try:
        figures = report(con, args.year)
    finally:
        con.close()
    if args.json:  # the same bytes as the server's /api/report/<year>
        sys.stdout.write(to_json(figures).decode())
        return 0
    from rich.table import Table

    table = Table("key", "figure", str(args.year), "unit", title=f"{args.year} work-report figures")
    for fig in REPORT_FIGURES:
        shown = fmt.report(fig, figures[fig.key], "zh", with_unit=False)
        table.add_row(fig.key, fig.label_zh, shown, "" if fig.is_rate else fig.unit_zh)
    _console().print(table)
    return 0


def cmd_sniff(args: argparse.Namespace) -> int:
    """What a load would make of each file, without loading (etl/sniff.py)."""
    from etl.sniff import render, sniff_file

    reports = [r for path in args.paths for r in sniff_file(Path(path), args.source, args.lang)]
    if args.json:
        _print_json(reports)
    else:
        sys.stdout.write(render(reports, args.lang) + "\n")
    return 0 if all(r.get("source") and not r.get("would_reject") for r in reports) else 1


def cmd_assessment(args: argparse.Namespace) -> int:
    """The loaded city assessment results (warehouse/assessment_list.py)."""
    from warehouse.assessment_list import PeriodError, as_table, assessment_results

    con = store.connect_readonly(store.warehouse_path(args.warehouse))
    try:
        rows = assessment_results(con, args.period, args.item)
    except PeriodError as exc:
        sys.stderr.write(f"{exc}\n")
        return 2
    finally:
        con.close()
    if args.json:
        _print_json(rows)
        return 0
    from rich.table import Table

    headings, lines = as_table(rows, args.lang)
    table = Table(*headings)
    for line in lines:
        table.add_row(*line)
    _console().print(table)
    return 0


def cmd_migrate(args: argparse.Namespace) -> int:
    from etl.load import prepare

    warehouse = store.warehouse_path(args.warehouse)
    with store.writer_lock(warehouse):
        draft = store.start_draft(warehouse)
        con = draft.connect()
        try:
            before = store.schema_version(con)
            prepare(con)
            store.refresh_marts(con)
            con.execute("CHECKPOINT")
            after = store.schema_version(con)
        finally:
            con.close()
        store.publish(draft)
    print(f"{warehouse}: schema version {before} → {after}")
    return 0


def cmd_appdb(args: argparse.Namespace) -> int:
    """``kpi appdb upgrade``: the application database's schema to the latest revision (``dashboard.appdb``)."""
    import sqlalchemy as sa

    from dashboard import appdb
    from dashboard.i18n import t

    url = appdb.resolve_url(args.app_db, store.warehouse_path(args.warehouse))
    engine = appdb.make_engine(url)
    try:
        before = appdb.current_revision(engine)
        after = appdb.upgrade(engine) if args.action == "upgrade" else before
    finally:
        engine.dispose()
    shown = sa.make_url(url).render_as_string(hide_password=True)
    print(t("dispatch.cli_revision", _lang(args), url=shown, before=before or "—", after=after or "—"))
    return 0


# --- demo data, serving, benchmark ----------------------------------------------------------


def cmd_generate_demo(args: argparse.Namespace) -> int:
    from etl.demo import generate_demo

    until = dt.date.fromisoformat(args.until) if args.until else None
    console = _console()
    with console.status("generating demo exports…") as status:
        files = generate_demo(Path(args.out_dir), seed=args.seed, until=until, scale=args.scale,
                              progress=lambda msg: status.update(msg))
    console.print(f"wrote {len(files)} export files to {args.out_dir}")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    out_dir = Path(args.exports)
    warehouse = store.warehouse_path(args.warehouse)
    if not out_dir.exists() or not any(out_dir.rglob("*.*")):
        code = cmd_generate_demo(argparse.Namespace(out_dir=str(out_dir), seed=args.seed, until=None, scale=1.0))
        if code:
            return code
    if store.current_generation(warehouse) is None or args.reload:
        code = cmd_load(argparse.Namespace(paths=[str(out_dir)], warehouse=str(warehouse), source=None, quiet=False,
                                           lang=os.environ.get("KPI_LANG", "zh")))
        if code:
            return code
    return cmd_serve(argparse.Namespace(warehouse=str(warehouse), host=args.host, port=args.port, debug=False,
                                        app_db=args.app_db))


def cmd_serve(args: argparse.Namespace) -> int:
    try:
        from dashboard import serving
        from dashboard.app import create_app
    except ImportError:
        print("the dashboard is not part of this build yet; `kpi report --year 2022` prints the figures")
        return 2
    warehouse = store.warehouse_path(args.warehouse)
    if getattr(args, "prod", False):  # gunicorn, several workers (dashboard/prod.py, docs/DEPLOY.md)
        from dashboard import prod
        from dashboard.i18n import t

        workers = args.workers or prod.default_workers()
        os.environ["KPI_HOST"] = args.host  # the workers' open-mode rule (dashboard/wsgi.py, docs/SECURITY.md)
        if args.open:
            os.environ["KPI_OPEN"] = "1"
        print(t("cli.serve_prod", os.environ.get("KPI_LANG", "zh"), workers=workers, host=args.host, port=args.port,
                warehouse=warehouse), flush=True)
        prod.run(warehouse, args.host, args.port, workers, getattr(args, "app_db", None))
        return 0
    app = create_app(warehouse, app_db=getattr(args, "app_db", None), host=args.host,
                     open_access=getattr(args, "open", False))
    print(f"serving {warehouse} at http://{args.host}:{args.port}/", flush=True)
    serving.settle_heap()
    app.run(host=args.host, port=args.port, debug=args.debug)
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from etl.bench import run_benchmark

    return run_benchmark(rows=args.rows, workdir=Path(args.workdir), keep=args.keep, repeats=args.repeats)


# --- parser --------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kpi", description="Huancui law-enforcement bureau KPI warehouse and dashboard"
    )
    sub = parser.add_subparsers(dest="command", required=True)

    def with_lang(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
        p.add_argument("--lang", choices=("zh", "en"), default=os.environ.get("KPI_LANG", "zh"),
                       help="language of messages: zh (default) or en")
        return p

    def with_warehouse(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
        p.add_argument("--warehouse", help="warehouse path (default: $KPI_WAREHOUSE or data/warehouse.duckdb)")
        return p

    def with_app_db(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
        p.add_argument("--app-db", help="application database URL or SQLite path "
                                        "(default: $KPI_APP_DB or appdb.sqlite beside the warehouse)")
        return p

    p = with_warehouse(sub.add_parser("load", help="load export files and folders"))
    p.add_argument("paths", nargs="+", help="export files or folders (searched recursively)")
    p.add_argument("--source", choices=sorted(SOURCES_BY_NAME), metavar="NAME",
                   help="force the source instead of detecting it from the headers: " + ", ".join(SOURCES_BY_NAME))
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    with_lang(p)
    p.add_argument("--dry-run", action="store_true", help="report what a load would do (as kpi sniff), load nothing")
    p.set_defaults(func=cmd_load)

    for name, func, text in (("loads", cmd_loads, "the load log"), ("rejects", cmd_rejects, "rejected rows")):
        p = with_lang(with_warehouse(sub.add_parser(name, help=text)))
        p.add_argument("--json", action="store_true")
        p.set_defaults(func=func)

    p = with_warehouse(sub.add_parser("report", help="the work-report figures of a year"))
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("sniff", help="what a load would make of files, without loading them")
    p.add_argument("paths", nargs="+")
    p.add_argument("--source", choices=sorted(SOURCES_BY_NAME))
    p.add_argument("--lang", choices=("zh", "en"), default="zh")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_sniff)

    p = with_warehouse(sub.add_parser("assessment", help="the loaded city assessment results"))
    p.add_argument("--period", help=assessment_list.PERIOD_HELP)
    p.add_argument("--item", help=assessment_list.ITEM_HELP)
    p.add_argument("--lang", choices=("zh", "en"), default="zh")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_assessment)

    p = with_warehouse(sub.add_parser("migrate", help="upgrade a warehouse to the current schema"))
    p.set_defaults(func=cmd_migrate)

    p = sub.add_parser("appdb", help="the application database (snapshots, commitments)")
    with_app_db(with_lang(with_warehouse(p)))
    p.add_argument("action", choices=["upgrade", "current"], help="upgrade to the latest revision, or show it")
    p.set_defaults(func=cmd_appdb)

    p = sub.add_parser("generate-demo", help="write realistic demo exports of every source")
    p.add_argument("out_dir")
    p.add_argument("--seed", type=int, default=2022)
    p.add_argument("--until", help="last day of data (YYYY-MM-DD, default today)")
    p.add_argument("--scale", type=float, default=1.0, help="volume multiplier")
    p.set_defaults(func=cmd_generate_demo)

    p = with_warehouse(sub.add_parser("demo", help="generate demo exports (if absent), load them and serve"))
    with_app_db(p)
    p.add_argument("--exports", default="data/demo-exports")
    p.add_argument("--seed", type=int, default=2022)
    p.add_argument("--reload", action="store_true", help="load the exports even if a warehouse exists")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8050)
    p.set_defaults(func=cmd_demo)

    p = with_warehouse(sub.add_parser("serve", help="serve the dashboard"))
    with_app_db(p)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8050)
    p.add_argument("--debug", action="store_true")
    p.add_argument("--open", action="store_true", help="no sign-in needed to read and export, even when bound to a "
                                                        "non-loopback address (docs/SECURITY.md)")
    p.add_argument("--prod", action="store_true",
                   help="serve with gunicorn: several worker processes, bounded DuckDB memory and threads")
    p.add_argument("--workers", type=int, help="gunicorn workers with --prod (default: the cores + 1, 2 to 8)")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("bench", help="ETL benchmark: kpi load vs a bare DuckDB read_csv")
    p.add_argument("--rows", type=int, default=1_000_000)
    p.add_argument("--workdir", default="bench")
    p.add_argument("--keep", action="store_true", help="keep the generated CSV and warehouses")
    p.add_argument("--repeats", type=int, default=3, help="alternating runs of each side (medians are compared)")
    p.set_defaults(func=cmd_bench)

    from dashboard.meeting_pack.command import add_parser as add_meeting_pack  # stdlib only: --help stays fast

    add_meeting_pack(sub, lambda p: with_app_db(with_warehouse(p)))
    from dashboard.auth.command import add_parsers as add_auth  # kpi user, kpi token, kpi audit

    add_auth(sub, lambda p: with_app_db(with_warehouse(p)))
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except store.WarehouseError as exc:
        print(f"kpi: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
