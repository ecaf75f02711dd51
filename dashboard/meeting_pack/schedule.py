"""Scheduled packs: each Monday morning, the pack of the week that just ended, written once.

``run(wh, appdb, root, today, langs)`` writes the pack of the last complete ISO week
(``dashboard.weekly.last_complete_week``: the latest week whose Sunday is on or before ``today``) into
``root/<week>/`` unless all its files are there already, so a cron job or a systemd timer may run it as
often as it likes (``kpi meeting-pack --schedule DIR``; the cron line and the timer unit are in
docs/MEETING_PACK.md). A pack is built from the week's frozen snapshot when the meeting was held, else from
live figures; files appear only complete (``build_pack`` renames them into place).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from dashboard.meeting_pack.build import KINDS, build_pack, file_name

if TYPE_CHECKING:
    from dashboard.appdb import AppDB
    from dashboard.data import Warehouse


@dataclass(frozen=True)
class Outcome:
    week: str
    folder: Path
    written: list[Path]  # empty when the pack was there already


def due_week(today: dt.date) -> str:
    from dashboard.weekly import last_complete_week

    return last_complete_week(today)


def run(wh: Warehouse, appdb: AppDB | None, root: Path, today: dt.date, langs: Sequence[str] = ("zh",)) -> Outcome:
    """The last complete week's pack in ``root/<week>/`` for each language, unless it is there already."""
    week = due_week(today)
    folder = Path(root) / week
    written: list[Path] = []
    for lang in langs:
        if all((folder / file_name(week, lang, kind)).exists() for kind in KINDS):
            continue
        written += build_pack(wh, appdb, week, Path(root), lang)
    return Outcome(week, folder, written)
