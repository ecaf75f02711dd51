"""The `kpi` command: load exports, inspect loads and rejects, print the report, serve the app.

Heavy imports happen inside the commands, so `kpi --help` and `kpi loads` start fast.
"""

from __future__ import annotations

import argparse
import datetime as dt
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


def cmd_load(args: argparse.Namespace) -> int:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from etl.load import expand_paths, load_files

    if args.dry_run:  # what `kpi sniff` says about every file found, nothing loaded
        args.paths, args.lang, args.json = [str(p) for p in expand_paths(Path(p) for p in args.paths)], "zh", False
        return cmd_sniff(args)
    console = _console()
    warehouse = store.warehouse_path(args.warehouse)
    paths = [Path(p) for p in args.paths]
    total = len(expand_paths(paths))
    if total == 0:
        console.print("[red]no export files found[/red] in " + ", ".join(map(str, paths)))
        return 2
    progress = Progress(
        TextColumn("[bold]loading[/bold]"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        TextColumn("{task.description}"), console=console, transient=True, disable=args.quiet,
    )
    with progress:
        task = progress.add_task("", total=total)

        def on_start(file: Path) -> None:
            progress.update(task, description=file.name)

        def on_file(file: Path, tables: list) -> None:
            for t in tables:
                progress.console.print(_summary_line(t))
            progress.advance(task)

        result = load_files(warehouse, paths, force=args.source, on_start=on_start, on_file=on_file)
    failed = [t for t in result.tables if t.status == "failed"]
    rejected = sum(t.rows_rejected for t in result.tables)
    loaded = sum(t.rows_loaded for t in result.tables)
    console.print(
        f"{total} file(s): {loaded:,} rows loaded, {rejected:,} rejected, {len(failed)} table(s) failed; "
        f"published {result.generation.name if result.generation else 'nothing'} → {warehouse}"
    )
    if rejected:
        console.print(f"see the rejected rows with: kpi rejects --warehouse {warehouse}")
    return 0 if result.ok else 1


def _summary_line(t) -> str:
    """One line per table: source detected, rows in, loaded, rejected (or the error)."""
    if t.status == "failed":
        return f"[red]FAILED[/red]  {t.label}: {t.error}"
    if t.status == "skipped":
        return f"[dim]skipped[/dim] {t.label}: {t.error}"
    style = "yellow" if t.rows_rejected else "green"
    extra = f", skipped {t.rows_skipped} total/signature rows" if t.rows_skipped else ""
    return (
        f"[{style}]loaded[/{style}]  {t.label}: {t.source}, rows in {t.rows_in:,}, "
        f"loaded {t.rows_loaded:,}, rejected {t.rows_rejected:,}{extra}"
    )


def cmd_loads(args: argparse.Namespace) -> int:
    rows = _query(
        args,
        "SELECT file_name AS file, sheet, source, rows_in, rows_loaded, rows_rejected, rows_skipped, status, "
        "error, note, started_at AS \"when\", round(duration_s, 3) AS duration_s, file_path "
        "FROM load_log ORDER BY load_id",
    )
    if args.json:
        _print_json(rows)
        return 0
    from rich.table import Table

    table = Table("when", "file", "source", "in", "loaded", "rejected", "status", "error", "s")
    for r in rows:
        name = f"{r['file']}[{r['sheet']}]" if r["sheet"] else r["file"]
        table.add_row(
            str(r["when"])[:19], name, r["source"] or "", str(r["rows_in"]), str(r["rows_loaded"]),
            str(r["rows_rejected"]), r["status"], r["error"] or "", f"{r['duration_s']:.2f}",
        )
    _console().print(table)
    return 0


def cmd_rejects(args: argparse.Namespace) -> int:
    rows = _query(
        args,
        "SELECT file_name AS file, sheet, source, row_no AS row, header AS column, value, reason "
        "FROM rejects ORDER BY file_name, sheet, row_no, column_name",
    )
    if args.json:
        _print_json(rows)
        return 0
    from rich.table import Table

    table = Table("file", "row", "column", "value", "reason")
    for r in rows:
        name = f"{r['file']}[{r['sheet']}]" if r["sheet"] else r["file"]
        table.add_row(name, str(r["row"]), r["column"] or "", r["value"] or "", r["reason"])
    console = _console()
    console.print(table)
    console.print(f"{len(rows)} rejected value(s)")
    return 0


def _query(args: argparse.Namespace, sql: str) -> list[dict]:
    con = store.connect_readonly(store.warehouse_path(args.warehouse))
    try:
        cur = con.execute(sql)
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
    finally:
        con.close()


# --- report --------------------------------------------------------------------------------


def cmd_report(args: argparse.Namespace) -> int:
    from dashboard import format as fmt
    from warehouse.report import REPORT_FIGURES, report

    con = store.connect_readonly(store.warehouse_path(args.warehouse))
    try:
        figures = report(con, args.year)
    finally:
        con.close()
    if args.json:
        _print_json(figures)
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
        code = cmd_load(argparse.Namespace(paths=[str(out_dir)], warehouse=str(warehouse), source=None, quiet=False))
        if code:
            return code
    return cmd_serve(argparse.Namespace(warehouse=str(warehouse), host=args.host, port=args.port, debug=False))


def cmd_serve(args: argparse.Namespace) -> int:
    try:
        from dashboard.app import create_app
    except ImportError:
        print("the dashboard is not part of this build yet; `kpi report --year 2022` prints the figures")
        return 2
    warehouse = store.warehouse_path(args.warehouse)
    app = create_app(warehouse)
    print(f"serving {warehouse} at http://{args.host}:{args.port}/", flush=True)
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

    def with_warehouse(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
        p.add_argument("--warehouse", help="warehouse path (default: $KPI_WAREHOUSE or data/warehouse.duckdb)")
        return p

    p = with_warehouse(sub.add_parser("load", help="load export files and folders"))
    p.add_argument("paths", nargs="+", help="export files or folders (searched recursively)")
    p.add_argument("--source", choices=sorted(SOURCES_BY_NAME), metavar="NAME",
                   help="force the source instead of detecting it from the headers: " + ", ".join(SOURCES_BY_NAME))
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--dry-run", action="store_true", help="report what a load would do (as kpi sniff), load nothing")
    p.set_defaults(func=cmd_load)

    for name, func, text in (("loads", cmd_loads, "the load log"), ("rejects", cmd_rejects, "rejected rows")):
        p = with_warehouse(sub.add_parser(name, help=text))
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

    p = sub.add_parser("generate-demo", help="write realistic demo exports of every source")
    p.add_argument("out_dir")
    p.add_argument("--seed", type=int, default=2022)
    p.add_argument("--until", help="last day of data (YYYY-MM-DD, default today)")
    p.add_argument("--scale", type=float, default=1.0, help="volume multiplier")
    p.set_defaults(func=cmd_generate_demo)

    p = with_warehouse(sub.add_parser("demo", help="generate demo exports (if absent), load them and serve"))
    p.add_argument("--exports", default="data/demo-exports")
    p.add_argument("--seed", type=int, default=2022)
    p.add_argument("--reload", action="store_true", help="load the exports even if a warehouse exists")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8050)
    p.set_defaults(func=cmd_demo)

    p = with_warehouse(sub.add_parser("serve", help="serve the dashboard"))
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8050)
    p.add_argument("--debug", action="store_true")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("bench", help="ETL benchmark: kpi load vs a bare DuckDB read_csv")
    p.add_argument("--rows", type=int, default=1_000_000)
    p.add_argument("--workdir", default="bench")
    p.add_argument("--keep", action="store_true", help="keep the generated CSV and warehouses")
    p.add_argument("--repeats", type=int, default=3, help="alternating runs of each side (medians are compared)")
    p.set_defaults(func=cmd_bench)
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
