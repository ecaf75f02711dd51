"""The demo export generator: ``generate_demo`` writes every source's exports into one folder."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path

from etl.demo import (
    assessment,
    coastal,
    construction,
    dcm,
    fume,
    penalty,
    permits,
    refined,
    snow,
    targets,
    video_ai,
    village,
)
from etl.demo.context import FIRST_DAY, Ctx

#: (sub-folders a module writes, its writer); sub-folders are emptied before writing
WRITERS: tuple[tuple[tuple[str, ...], Callable[[Ctx], None]], ...] = (
    (("targets",), targets.write),
    (("city_assessment",), assessment.write),
    (("dcm_cases",), dcm.write),
    (("village_cases",), village.write_cases),
    (("village_inspections",), village.write_inspections),
    (("illegal_construction",), construction.write),
    (("penalty_cases",), penalty.write),
    (("refined_city_issues",), refined.write),
    (("fume_records",), fume.write),
    (("snow_roster", "snow_events"), snow.write),
    (("coastal_projects", "coastal_logs"), coastal.write),
    (("permits", "service_log"), permits.write),
    (("video_ai_events",), video_ai.write),
)


def generate_demo(out_dir: Path, seed: int = 2022, until: date | None = None, scale: float = 1.0,
                  progress: Callable[[str], None] | None = None) -> list[Path]:
    """Write realistic exports of all 13 sources from 2021-01-01 to ``until`` (default today) into
    ``out_dir`` (one sub-folder per source) and return the files written, in writing order.

    Output depends only on ``seed``, ``until`` and ``scale``. ``scale`` multiplies the event streams
    (digital urban management and village cases, permits, service log, video AI events); the 2022
    figures of the bureau's work report come out exactly at any scale. Sub-folders this generator owns
    are emptied first; anything else in ``out_dir`` is left alone.
    """
    until = until or date.today()
    if until < FIRST_DAY:
        raise ValueError(f"until must be on or after {FIRST_DAY}")
    if scale <= 0:
        raise ValueError("scale must be positive")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    ctx = Ctx(out_dir, seed, until, float(scale), progress)
    for folders, write in WRITERS:
        for folder in folders:
            shutil.rmtree(out_dir / folder, ignore_errors=True)
        write(ctx)
    return list(ctx.files)
