"""The subtle bugs of the test-quality review, planted one at a time in a copy of the project: each must be caught.

Every entry is (bug, file, text, replacement, the named tests that must fail). The project itself is never
changed: each bug is planted in a temporary copy, its tests run there, and the copy is thrown away.

    python -m tests.mutation.planted_bugs            # every bug, with its named tests
    python -m tests.mutation.planted_bugs --suite    # every bug against the whole non-browser suite (slow)
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from tests.mutation.sql_mutate import COPY, ROOT


@dataclass(frozen=True)
class Bug:
    name: str
    file: str
    text: str
    replacement: str
    tests: tuple[str, ...]


BUGS = (
    Bug("on-time flag counts a case handled but not closed", "warehouse/marts/20_dcm.sql",
        "b.is_closed AND b.deadline_at IS NOT NULL", "b.deadline_at IS NOT NULL",
        ("tests/test_rules_on_time.py::test_rule_on_time003_handled_but_not_closed_is_not_on_time",)),
    Bug("on-time deadline <= becomes <", "warehouse/marts/20_dcm.sql",
        "coalesce(b.handled_at, b.closed_at) <= b.deadline_at", "coalesce(b.handled_at, b.closed_at) < b.deadline_at",
        ("tests/test_rules_on_time.py::test_rule_on_time002_exactly_at_the_deadline_is_on_time",)),
    Bug("merge tie-break on the content hash removed", "etl/load.py",
        "(w._version > f._version OR (w._version = f._version AND w._row_hash > f._row_hash))",
        "(w._version > f._version)",
        ("tests/test_merge_order_property.py::test_merge_order002_separate_loads_opposite_orders_same_winner",)),
    Bug("amber band 0.9 becomes 0.8", "warehouse/rules/status.py", "AMBER_BAND = 0.10", "AMBER_BAND = 0.20",
        ("tests/test_rules_status_bands.py::test_rule_band005_town_colours",)),
    Bug("the 2023Q1 period spelling dropped", "warehouse/marts/10_calendar.sql", "|Q[1-4])')", ")')",
        ("tests/test_rules_calendar_targets.py::test_rule_period001_every_spelling_covers_its_dates",)),
    # U+3000 is folded twice (kpi_key drops it; on a miss kpi_fold turns it into a space first), so the bug drops
    # it from both: every "\u3000\u00a0" of the file becomes "\u00a0\u00a0" (lengths kept for translate)
    Bug("town alias key no longer folds U+3000", "etl/sqlgen.py", "\\u3000\\u00a0", "\\u00a0\\u00a0",
        ("tests/test_boundaries_aliases.py::test_alias001_every_form_resolves_to_the_town",)),
    Bug("retry one by one after a failed group removed", "etl/load.py",
        "        if len(chunk) == 1:\n            _fail(con, chunk[0], batch, exc)\n            return\n",
        "        for part in chunk:\n            _fail(con, part, batch, exc)\n        return\n",
        ("tests/test_boundaries_load_retry.py::test_retry002_injected_merge_failure_is_retried_one_by_one",)),
    Bug("town-name canonicalisation removed", "etl/load.py",
        "            expr = f\"coalesce(({maps.get('town_name', 'MAP {}')})[kpi_key({text})], {expr})\"\n",
        "            pass\n",
        ("tests/test_boundaries_aliases.py::test_alias004_the_same_unit_in_two_loads_merges_by_its_canonical_name",)),
)


def _copy(dest: Path) -> None:
    import shutil

    for name in COPY:
        p = ROOT / name
        if p.is_dir():
            shutil.copytree(p, dest / name, ignore=shutil.ignore_patterns("__pycache__", ".pytest_cache"))
        elif p.exists():
            shutil.copy2(p, dest / name)


def _pytest(work: Path, args: list[str]) -> bool:
    proc = subprocess.run([sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", "-m", "not browser",
                           *args], cwd=work, capture_output=True, text=True)
    return proc.returncode == 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--suite", action="store_true", help="run the whole non-browser suite for each bug")
    args = ap.parse_args(argv)
    missed = 0
    with tempfile.TemporaryDirectory(prefix="planted-") as tmp:
        work = Path(tmp)
        _copy(work)
        for bug in BUGS:
            target = work / bug.file
            original = target.read_text(encoding="utf-8")
            if bug.text not in original:
                print(f"NOT PLANTED  {bug.name}: text not found in {bug.file}")
                missed += 1
                continue
            target.write_text(original.replace(bug.text, bug.replacement), encoding="utf-8")
            started = time.perf_counter()
            try:
                passed = _pytest(work, [] if args.suite else list(bug.tests))
            finally:
                target.write_text(original, encoding="utf-8")
            missed += passed
            verdict = "MISSED" if passed else "caught"
            print(f"{verdict:12} {bug.name} ({time.perf_counter() - started:.0f} s) by {', '.join(bug.tests)}",
                  flush=True)
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
