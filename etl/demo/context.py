"""Generation context: output folder, seeded random streams, the ``until`` cut and progress."""

from __future__ import annotations

import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

import numpy as np

from etl.demo.vocab import Vocab, load_vocab

FIRST_DAY = date(2021, 1, 1)
#: the last export of a run is taken at this time of day on ``until``
EXPORT_TIME_OF_DAY = time(18, 0)


def _key_int(key: str | int) -> int:
    if isinstance(key, str):
        return zlib.crc32(key.encode("utf-8"))
    return int(key) & 0xFFFFFFFF


def child_rng(seed: int, *keys: str | int) -> np.random.Generator:
    """An independent generator for ``(seed, *keys)``, stable across runs and Python processes."""
    entropy = [int(seed) & 0xFFFFFFFFFFFFFFFF, *(_key_int(k) for k in keys)]
    return np.random.default_rng(np.random.SeedSequence(entropy))


@dataclass
class Ctx:
    """Everything a source module needs to write its exports."""

    out_dir: Path
    seed: int
    until: date
    scale: float
    progress: Callable[[str], None] | None = None
    vocab: Vocab = field(default_factory=load_vocab)
    files: list[Path] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)

    def rng(self, *keys: str | int) -> np.random.Generator:
        """A random stream for one purpose (e.g. ``ctx.rng("dcm", 2022, 3)``)."""
        return child_rng(self.seed, *keys)

    @property
    def t_end(self) -> datetime:
        """The moment of the last export: ``until`` at 18:00."""
        return datetime.combine(self.until, EXPORT_TIME_OF_DAY)

    @property
    def years(self) -> range:
        """Calendar years with data."""
        return range(FIRST_DAY.year, self.until.year + 1)

    def scaled(self, n: float) -> float:
        """A volume multiplied by ``scale``."""
        return n * self.scale

    def path(self, *parts: str) -> Path:
        """A file path under the output folder; parent folders are created."""
        p = self.out_dir.joinpath(*parts)
        p.parent.mkdir(parents=True, exist_ok=True)
        return p

    def emit(self, path: Path, source: str, rows: int) -> None:
        """Record a written file and report progress."""
        self.files.append(path)
        self.rows[source] = self.rows.get(source, 0) + rows
        if self.progress is not None:
            self.progress(f"{path.relative_to(self.out_dir)} ({rows} rows)")
