"""The weekly dispatch meeting's pack: the drafted brief (周报) and the files to hand out (XLSX, PPTX, PDF).

API (for the CLI, the schedule and /dispatch's download button)::

    build_pack(wh, appdb, week, out_dir, lang="zh") -> list[Path]
        # writes <out_dir>/<week>/meeting-<week>-<lang>.{xlsx,pptx,pdf} (and the charts' PNGs beside them)
        # from the week's frozen snapshot when the meeting was held, else from live figures
    build.load(wh, appdb, week) -> WeekPack     # the model (dashboard.meeting_pack.pack), nothing written
    brief.draft(pack, lang) -> list[Paragraph]   # the brief; brief.as_text / brief.as_html
    schedule.run(wh, appdb, root, today, langs)  # the last complete week's pack if absent (idempotent)

``wh`` is a ``dashboard.data.Warehouse``; ``appdb`` a ``dashboard.appdb.AppDB`` (or None: live figures, no
commitments). Modules: ``build`` (load + write_files), ``pack`` (model), ``brief`` (templates → text),
``sections`` (the tables), ``charts`` (plotly → PNG with Kaleido), ``xlsx`` (openpyxl), ``pptx`` (python-pptx),
``pdf`` (HTML print view → headless Chromium), ``schedule``, ``command`` (``kpi meeting-pack``). This module
imports nothing heavy, so the CLI's ``--help`` stays fast. docs/MEETING_PACK.md says how it is built and
scheduled.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dashboard.appdb import AppDB
    from dashboard.data import Warehouse


def build_pack(wh: Warehouse, appdb: AppDB | None, week: str, out_dir: Path, lang: str = "zh") -> list[Path]:
    """Write the week's XLSX, PPTX and PDF into ``out_dir/<week>/`` and return their paths (in that order);
    ValueError for a week that is not an ISO week (``2022-W48``)."""
    from dashboard.meeting_pack.build import build_pack as build

    return build(wh, appdb, week, out_dir, lang)


__all__ = ["build_pack"]
