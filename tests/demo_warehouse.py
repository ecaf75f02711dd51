"""The demo warehouse the browser tests and the figure linter run on: the demo generator's exports up to
2023-06-30, loaded by the real `kpi load`, built once and cached in ~/.cache/huancui-kpi/ by a digest of the
code that shapes its facts (etl/, the migrations, the reference data, the store)."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
UNTIL = "2023-06-30"


def sources_hash() -> str:
    """A digest of everything that shapes the demo warehouse's facts (generator, loader, schema, reference)."""
    digest = hashlib.sha256()
    for folder in ("etl", "warehouse/migrations", "warehouse/reference", "warehouse/store.py"):
        paths = [ROOT / folder] if (ROOT / folder).is_file() else (ROOT / folder).rglob("*")
        for path in sorted(paths):
            if path.suffix in (".py", ".sql", ".csv", ".yaml") and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(ROOT)).encode() + path.read_bytes())
    return digest.hexdigest()[:16]


def demo_warehouse() -> Path:
    """The cached demo warehouse (built when the cache is missing or stale; migrated to today's marts)."""
    from tests.conftest import run_kpi
    from tests.dashboard_data import load
    from warehouse import store

    cache_home = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    cache = cache_home / "huancui-kpi" / f"browser-demo-{sources_hash()}"
    warehouse = cache / "wh" / "warehouse.duckdb"
    if store.current_generation(warehouse) is None:
        for old in cache.parent.glob("browser-demo-*"):  # caches of older code
            shutil.rmtree(old, ignore_errors=True)
        run_kpi("generate-demo", str(cache / "exports"), "--until", UNTIL)
        load(cache / "exports", warehouse)
    else:
        run_kpi("migrate", "--warehouse", str(warehouse))  # today's mart views on the cached facts
    return warehouse
