"""Building a week's pack: the model from the snapshot (else live figures) and the commitments, then the files.

``load(wh, appdb, week)`` → ``WeekPack``; ``write_files(pack, out_dir, lang)`` → the three files;
``build_pack`` does both (``dashboard.meeting_pack.build_pack`` is this function, imported lazily).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from dashboard.meeting_pack.pack import WeekPack, from_figures, shift_week
from dashboard.weekly import week_span

if TYPE_CHECKING:
    from dashboard.appdb import AppDB
    from dashboard.data import Warehouse

KINDS = ("xlsx", "pptx", "pdf")


def commitments_for(appdb: AppDB, week: str) -> list[dict]:
    """The commitments a week's pack reports: every one made at this week's meeting or the one before it, and
    every one of an earlier meeting that is still open."""
    recent = {week, shift_week(week, -1)}
    rows = appdb.list_commitments(before=shift_week(week, 1))
    return [c for c in rows if c["week"] in recent or c["status"] == "open"]


def load(wh: Warehouse, appdb: AppDB | None, week: str) -> WeekPack:
    """The week's pack model: the snapshot's figures when the week's meeting froze them, else live ones; the
    commitments with their indicator's live value this week."""
    from dashboard.weekly import week_figures

    live = week_figures(wh, week)
    snap = appdb.snapshot(week) if appdb is not None else None
    commitments = commitments_for(appdb, week) if appdb is not None else []
    if snap is None:
        return from_figures(live, basis="live", commitments=commitments)
    return from_figures(snap.figures, basis="snapshot", frozen_at=snap.taken_at.isoformat(timespec="minutes"),
                        commitments=commitments, live=live)


def file_name(week: str, lang: str, kind: str) -> str:
    return f"meeting-{week}-{lang}.{kind}"


def build_pack(wh: Warehouse, appdb: AppDB | None, week: str, out_dir: Path, lang: str = "zh") -> list[Path]:
    """Write the week's XLSX, PPTX and PDF into ``out_dir/<week>/`` and return their paths (in that order).

    ``week`` is an ISO week (``2022-W48``); ValueError for anything else. The files are written under temporary
    names and renamed when complete, so a folder never holds half a pack."""
    week_span(week)  # ValueError early for a bad week
    return write_files(load(wh, appdb, week), Path(out_dir), lang)


def write_files(pack: WeekPack, out_dir: Path, lang: str = "zh") -> list[Path]:
    """The pack's three files (and its charts' PNGs) in ``out_dir/<week>/``, from the model."""
    from dashboard.meeting_pack import charts, pdf, pptx, xlsx

    folder = out_dir / pack.week
    folder.mkdir(parents=True, exist_ok=True)
    made = charts.figures(pack, lang)
    images = charts.render(made, folder / "charts", f"chart-{lang}")
    titled = [(title, image) for (title, _fig), image in zip(made, images, strict=True)]
    final = [folder / file_name(pack.week, lang, kind) for kind in KINDS]
    partial = [p.with_name(f".{p.name}.partial") for p in final]
    xlsx.write(pack, partial[0], lang)
    pptx.write(pack, partial[1], titled, lang)
    pdf.write(pack, partial[2], titled, lang)
    for tmp, path in zip(partial, final, strict=True):
        tmp.replace(path)
    return final


__all__ = ["KINDS", "build_pack", "commitments_for", "file_name", "load", "write_files"]
