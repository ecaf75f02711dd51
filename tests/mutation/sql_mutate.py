"""A small mutation harness for the mart SQL files (warehouse/marts/*.sql).

Each mutant changes one thing in one mart file: a comparison swapped (``<=`` ↔ ``<``, ``>=`` ↔ ``>``),
a conjunct dropped (``AND x`` removed), a numeric constant nudged (its last digit + 1), a ``CASE`` branch
removed, or a ``NOT`` dropped. Comments and string literals are never touched. Every mutant runs against
the tests that exercise its file (``TESTS``), in a copy of the project so the working tree is never
changed; a mutant is killed when those tests fail (an SQL error counts, and is reported apart).

    python -m tests.mutation.sql_mutate                      # every mart, every mutant
    python -m tests.mutation.sql_mutate --files 20_dcm.sql --sample 40 --budget 1200
    python -m tests.mutation.sql_mutate --src-ref main       # the committed code of a branch
    python -m tests.mutation.sql_mutate --files 90_report.sql --tests test_marts_report_edges.py  # a fast subset
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from itertools import zip_longest
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Which tests exercise which mart file (the marts build on each other, so later files add earlier ones' tests
# only where they read them). Patterns are globs under tests/; missing files are ignored (before/after runs).
TESTS: dict[str, list[str]] = {  # fastest and most pointed first: pytest -x stops at the first failure
    "10_calendar.sql": ["test_rules_calendar.py", "test_rules_calendar_targets.py", "test_rules_targets.py"],
    "20_dcm.sql": ["test_rules_on_time.py", "test_rules_lifecycle.py", "test_marts_dcm.py",
                   "test_rules_calendar_targets.py"],
    "30_construction.sql": ["test_marts_construction_edges.py", "test_marts_construction.py"],
    "40_snow.sql": ["test_marts_snow_units.py", "test_marts_snow.py", "test_boundaries_aliases.py"],
    "45_assessment.sql": ["test_marts_assessment_edges.py", "test_marts_rankings.py"],
    "50_kpi.sql": ["test_marts_kpi_edges.py", "test_rules_kpi_mart.py", "test_rules_on_time.py",
                   "test_marts_rankings.py"],
    "60_town_indicators.sql": ["test_marts_town_month.py", "test_rules_on_time.py", "test_marts_rankings.py"],
    "90_report.sql": ["test_marts_report_edges.py", "test_marts_dcm.py", "test_boundaries_aliases.py",
                      "test_demo_calibration.py"],
}
COPY = ("etl", "warehouse", "dashboard", "pages", "assets", "tests", "pyproject.toml")

_TOKEN = re.compile(
    r"(?P<comment>--[^\n]*)|(?P<string>'(?:[^']|'')*')|(?P<num>(?<![\w.])\d+(?:\.\d+)?(?![\w.]))"
    r"|(?P<op><=|>=|<>|!=|::|<|>)|(?P<word>[A-Za-z_][A-Za-z_0-9]*)|(?P<open>\()|(?P<close>\))|(?P<comma>,)|(?P<semi>;)"
)
_STOP = {"AND", "OR", "THEN", "WHEN", "ELSE", "END", "AS", "FROM", "WHERE", "GROUP", "ORDER", "SELECT", "ON",
         "UNION", "HAVING", "QUALIFY", "LEFT", "JOIN", "USING"}


@dataclass
class Mutant:
    file: str
    line: int
    kind: str
    before: str
    after: str
    start: int
    end: int
    replacement: str
    status: str = "pending"  # killed / killed-error / survived / timeout
    seconds: float = 0.0
    killed_by: str = ""  # the first test that failed (pytest -x stops there)

    def label(self) -> str:
        return f"{self.file}:{self.line} {self.kind}: {self.before!r} → {self.after!r}"


def _tokens(sql: str) -> list[tuple[str, str, int, int]]:
    return [(m.lastgroup or "", m.group(), m.start(), m.end()) for m in _TOKEN.finditer(sql)]


def _nudge(number: str) -> str:
    """The constant with its last digit + 1 (0.9 → 1.0, 100 → 101, 3600.0 → 3600.1)."""
    if "." in number:
        decimals = len(number.split(".")[1])
        return f"{float(number) + 10 ** -decimals:.{decimals}f}"
    return str(int(number) + 1)


def mutants_of(name: str, sql: str) -> list[Mutant]:
    """Every mutant of one SQL file."""
    toks = [t for t in _tokens(sql) if t[0] != "comment"]
    out: list[Mutant] = []

    def add(kind: str, start: int, end: int, replacement: str) -> None:
        line = sql.count("\n", 0, start) + 1
        before = " ".join(sql[start:end].split())
        out.append(Mutant(name, line, kind, before[:80], replacement, start, end, replacement))

    depth = 0
    between_at: set[int] = set()  # paren depths with an open BETWEEN waiting for its AND
    case_stack: list[int] = []  # paren depth of each open CASE
    for i, (kind, text, start, end) in enumerate(toks):
        upper = text.upper()
        if kind == "open":
            depth += 1
        elif kind == "close":
            depth -= 1
        elif kind == "op":
            swap = {"<=": "<", "<": "<=", ">=": ">", ">": ">="}.get(text)
            if swap:
                add("comparison", start, end, swap)
        elif kind == "num":
            add("constant", start, end, _nudge(text))
        elif kind == "word" and upper == "BETWEEN":
            between_at.add(depth)
        elif kind == "word" and upper == "AND":
            if depth in between_at:
                between_at.discard(depth)
                continue
            # drop "AND <operand>": up to the next boolean or clause word at this depth
            d, j = depth, i + 1
            while j < len(toks):
                k2, t2 = toks[j][0], toks[j][1].upper()
                if k2 == "open":
                    d += 1
                elif k2 == "close":
                    if d == depth:
                        break
                    d -= 1
                elif d == depth and (t2 in _STOP or k2 in ("comma", "semi")):
                    break
                j += 1
            stop = toks[j][2] if j < len(toks) else len(sql)
            add("and-dropped", start, stop, "")
            # and "<operand> AND": back to the previous boolean or clause word at this depth
            d, j = depth, i - 1
            while j >= 0:
                k2, t2 = toks[j][0], toks[j][1].upper()
                if k2 == "close":
                    d += 1
                elif k2 == "open":
                    if d == depth:
                        break
                    d -= 1
                elif d == depth and (t2 in _STOP or k2 in ("comma", "semi")):
                    break
                j -= 1
            if j >= 0 and toks[j][1].upper() not in ("AND", "OR"):
                add("and-dropped", toks[j][3], end, "")
        elif kind == "word" and upper == "NOT":
            add("not-dropped", start, end, "")
        elif kind == "word" and upper == "CASE":
            case_stack.append(depth)
        elif kind == "word" and upper == "END" and case_stack and case_stack[-1] == depth:
            case_stack.pop()
        if kind == "word" and upper in ("WHEN", "ELSE") and case_stack and case_stack[-1] == depth:
            d, j = depth, i + 1
            while j < len(toks):
                k2, t2 = toks[j][0], toks[j][1].upper()
                if k2 == "open":
                    d += 1
                elif k2 == "close":
                    d -= 1
                elif t2 == "CASE":
                    d += 100  # a nested CASE: skip to its END
                elif t2 == "END" and d >= 100:
                    d -= 100
                elif d == depth and t2 in ("WHEN", "ELSE", "END"):
                    break
                j += 1
            if j < len(toks):
                add("case-branch-removed", start, toks[j][2], "")
    # a CASE left with no WHEN is a syntax error, not a mutant worth running: drop those
    return [m for m in out if not _lonely_case(sql, m)]


def _lonely_case(sql: str, m: Mutant) -> bool:
    if m.kind != "case-branch-removed" or not m.before.upper().startswith("WHEN"):
        return False
    mutated = sql[:m.start] + m.replacement + sql[m.end:]
    return bool(re.search(r"\bCASE\s+(?:[\w.]+\s+)?(?:ELSE|END)\b", mutated[max(0, m.start - 200):m.start + 40],
                          re.IGNORECASE))


def _copy_project(src: Path | None, ref: str | None, dest: Path) -> None:
    if ref:
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", ref], check=True, capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True)
        # this harness itself may not exist on the ref: the tests it runs are the ref's own
        return
    base = src or ROOT
    for name in COPY:
        p = base / name
        if p.is_dir():
            shutil.copytree(p, dest / name, ignore=shutil.ignore_patterns("__pycache__", ".pytest_cache"))
        elif p.exists():
            shutil.copy2(p, dest / name)


def _tests_for(work: Path, file: str) -> list[str]:
    found: list[str] = []
    for pattern in TESTS.get(file, []):
        found += sorted(str(p.relative_to(work)) for p in (work / "tests").glob(pattern))
    return found


def _run(work: Path, tests: list[str], timeout: float) -> tuple[str, float, str]:
    """(status, seconds, the first failing test) of one pytest run over ``tests``."""
    started = time.perf_counter()
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", "-m", "not browser", *tests],
            cwd=work, capture_output=True, text=True, timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return "timeout", time.perf_counter() - started, ""  # subprocess.run kills the child on timeout
    seconds = time.perf_counter() - started
    if proc.returncode == 0:
        return "survived", seconds, ""
    out = proc.stdout + proc.stderr
    first = re.search(r"^(?:FAILED|ERROR) (\S+)", out, re.MULTILINE)
    by = first.group(1) if first else ""
    if re.search(r"(Parser|Binder|Catalog|Conversion|InvalidInput|Invalid Input) Error", out):
        return "killed-error", seconds, by
    return "killed", seconds, by


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--files", nargs="*", help="mart file names (default: all)")
    ap.add_argument("--src-ref", help="run on the committed tree of this git ref (e.g. main)")
    ap.add_argument("--sample", type=int, help="at most this many mutants per file, drawn at random")
    ap.add_argument("--seed", type=int, default=19)
    ap.add_argument("--budget", type=float, default=1200, help="stop starting mutants after this many seconds")
    ap.add_argument("--timeout", type=float, default=600)
    ap.add_argument("--tests", nargs="*", help="test files (globs under tests/) instead of the file's TESTS")
    ap.add_argument("--list", action="store_true", help="only list the mutants")
    ap.add_argument("--json", type=Path, help="write the results here")
    args = ap.parse_args(argv)
    if args.tests:
        for name in args.files or TESTS:
            TESTS[name] = args.tests

    with tempfile.TemporaryDirectory(prefix="sqlmut-") as tmp:
        work = Path(tmp)
        _copy_project(None, args.src_ref, work)
        marts = work / "warehouse" / "marts"
        names = args.files or sorted(p.name for p in marts.glob("*.sql"))
        plan: list[Mutant] = []
        for name in names:
            ms = mutants_of(name, (marts / name).read_text(encoding="utf-8"))
            if args.sample and len(ms) > args.sample:
                ms = sorted(random.Random(f"{args.seed}:{name}").sample(ms, args.sample), key=lambda m: m.start)
            plan += ms
        # round robin over the files, so that a run cut short by --budget samples every file alike
        by_file = [[m for m in plan if m.file == name] for name in names]
        plan = [m for group in zip_longest(*by_file) for m in group if m is not None]
        if args.list:
            for m in plan:
                print(m.label())
            print(f"{len(plan)} mutants")
            return 0
        for name in names:
            status, seconds, _ = _run(work, _tests_for(work, name), args.timeout)
            print(f"baseline {name}: {status} ({seconds:.0f} s, {len(_tests_for(work, name))} test files)", flush=True)
            if status != "survived":
                print("the unmutated tests fail: fix them first", file=sys.stderr)
                return 2
        started = time.perf_counter()
        for m in plan:
            if time.perf_counter() - started > args.budget:
                break
            path = marts / m.file
            original = path.read_text(encoding="utf-8")
            path.write_text(original[:m.start] + m.replacement + original[m.end:], encoding="utf-8")
            try:
                m.status, m.seconds, m.killed_by = _run(work, _tests_for(work, m.file), args.timeout)
            finally:
                path.write_text(original, encoding="utf-8")
            print(f"{m.status:13} {m.seconds:5.0f}s  {m.label()}" + (f"  [{m.killed_by}]" if m.killed_by else ""),
                  flush=True)
    report(plan)
    if args.json:
        args.json.write_text(json.dumps([asdict(m) for m in plan], ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


def report(plan: list[Mutant]) -> None:
    """Score per file: killed / (run − timeouts counted as killed), survivors listed."""
    print("\nfile | mutants run | killed (by SQL error) | survived | score")
    for name in sorted({m.file for m in plan}):
        ran = [m for m in plan if m.file == name and m.status != "pending"]
        if not ran:
            continue
        killed = [m for m in ran if m.status in ("killed", "killed-error", "timeout")]
        errors = [m for m in ran if m.status == "killed-error"]
        print(f"{name} | {len(ran)} | {len(killed)} ({len(errors)}) | {len(ran) - len(killed)} | "
              f"{100 * len(killed) / len(ran):.0f}%")
    for m in plan:
        if m.status == "survived":
            print("  survivor:", m.label())


if __name__ == "__main__":
    raise SystemExit(main())
