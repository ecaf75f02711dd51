"""``kpi meeting-pack``: the week's pack into a folder, or the scheduled run (``--schedule DIR``).

    kpi meeting-pack --week 2022-W48 --out DIR [--lang zh|en] [--warehouse PATH] [--app-db URL]
    kpi meeting-pack --schedule DIR [--today YYYY-MM-DD] [--lang zh|en] ...

``--lang`` is the language of the files and of the messages. ``--today`` (default: today) is the day the
schedule counts from: it writes the last ISO week that ended on or before it. Exit 0 when written (or already
there), 2 for a bad week or a warehouse that cannot be read, 1 when a file could not be made.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Callable
from pathlib import Path


def add_parser(sub: argparse._SubParsersAction,
               with_stores: Callable[[argparse.ArgumentParser], argparse.ArgumentParser]) -> None:
    """``meeting-pack`` on the ``kpi`` parser; ``with_stores`` adds the CLI's --warehouse and --app-db."""
    p = with_stores(sub.add_parser("meeting-pack", help="the weekly meeting pack (XLSX, PPTX, PDF)"))
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument("--week", help="ISO week, e.g. 2022-W48")
    what.add_argument("--schedule", metavar="DIR", help="write the last complete week's pack into DIR if absent")
    p.add_argument("--out", default="data/meeting-packs", help="folder for --week (default: data/meeting-packs)")
    p.add_argument("--today", help="--schedule: the day to count from (YYYY-MM-DD, default today)")
    p.add_argument("--lang", choices=("zh", "en"), default=os.environ.get("KPI_LANG", "zh"),
                   help="language of the pack and the messages: zh (default) or en")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from dashboard.appdb import AppDB, resolve_url
    from dashboard.data import DataUnavailable, Warehouse
    from dashboard.exports import PrintError
    from dashboard.i18n import t
    from dashboard.meeting_pack import build_pack, schedule
    from dashboard.weekly import week_span
    from warehouse import store

    lang = args.lang
    path = store.warehouse_path(args.warehouse)
    if args.week:
        try:
            week_span(args.week)
        except ValueError:
            print(t("meeting.cli.bad_week", lang, week=args.week), file=sys.stderr)
            return 2
    wh = Warehouse(path)
    problem = wh.check()
    if problem:
        print(f"kpi: {problem}", file=sys.stderr)
        return 2
    appdb = AppDB(resolve_url(args.app_db, path))
    try:
        if args.schedule:
            today = dt.date.fromisoformat(args.today) if args.today else dt.date.today()
            outcome = schedule.run(wh, appdb, Path(args.schedule), today, (lang,))
            if not outcome.written:
                print(t("meeting.cli.exists", lang, week=outcome.week, dir=outcome.folder))
                return 0
            files = outcome.written
        else:
            files = build_pack(wh, appdb, args.week, Path(args.out), lang)
    except (DataUnavailable, PrintError) as exc:
        print(f"kpi: {exc}", file=sys.stderr)
        return 1
    finally:
        appdb.dispose()
        wh.close()
    print(t("meeting.cli.wrote", lang, n=len(files)))
    for f in files:
        print(f"  {f}")
    return 0
