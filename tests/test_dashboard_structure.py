"""The dashboard's structure, checked from the code itself: no import cycles, no global service locator,
a WSGI entry, pages registered from ``pages/``, and every callback id present in some layout."""

from __future__ import annotations

import ast
import importlib
import json
import sys
from pathlib import Path
from typing import Any

import dash
import pytest
from dash._utils import split_callback_id

from dashboard import shell
from dashboard.app import create_app, layout_ids, page_modules
from dashboard.i18n import CATALOGUE
from tests.dashboard_data import blank_warehouse_fixture, small_warehouse_fixture  # noqa: F401

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("dashboard", "pages", "etl", "warehouse")


def _modules() -> dict[str, Path]:
    out = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            out[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return out


def import_graph(modules: dict[str, Path]) -> dict[str, set[str]]:
    """Module → the project modules it imports (anywhere in the file, deferred imports included)."""
    graph: dict[str, set[str]] = {m: set() for m in modules}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    up = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*up, base] if base else up)
                targets = [base] + [f"{base}.{a.name}" for a in node.names]
            else:
                continue
            for target in targets:
                while target and target not in modules:
                    target = target.rpartition(".")[0]
                if target and target != name and not name.startswith(target + "."):
                    graph[name].add(target)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    sys.setrecursionlimit(10_000)
    for v in graph:
        if v not in index:
            visit(v)
    return found


def test_dstr001_cycle_finder_finds_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_dstr002_no_import_cycles() -> None:
    assert cycles(import_graph(_modules())) == []


def test_dstr003_only_the_entry_points_import_the_app_and_nothing_imports_the_cli() -> None:
    graph = import_graph(_modules())
    importers = {m: sorted(k for k, v in graph.items() if m in v) for m in ("dashboard.app", "dashboard.cli")}
    assert importers == {"dashboard.app": ["dashboard.cli", "dashboard.wsgi"], "dashboard.cli": []}


def test_dstr004_no_global_service_locator() -> None:
    """Pages and callbacks get the warehouse from the services the app factory binds, never from Flask."""
    offenders = [
        str(p.relative_to(ROOT))
        for package in ("dashboard", "pages")
        for p in (ROOT / package).rglob("*.py")
        if "current_app" in p.read_text(encoding="utf-8") or "def warehouse()" in p.read_text(encoding="utf-8")
    ]
    assert offenders == []


def test_dstr005_wsgi_entry_serves_the_warehouse_named_by_kpi_warehouse(
    small_warehouse: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dashboard import serving

    settled: list[bool] = []  # each worker freezes its heap once its app is built (not this test process's, though)
    monkeypatch.setattr(serving, "settle_heap", lambda: settled.append(True))
    monkeypatch.setenv("KPI_WAREHOUSE", str(small_warehouse))
    monkeypatch.setenv("KPI_HOST", "127.0.0.1")  # bound to loopback, no users: open (docs/SECURITY.md)
    sys.modules.pop("dashboard.wsgi", None)
    wsgi = importlib.import_module("dashboard.wsgi")
    assert settled == [True]
    try:
        client = wsgi.server.test_client()
        assert client.get("/").status_code == 200
        assert client.get("/no-such-page").status_code == 404
        page = next(p for p in dash.page_registry.values() if p["path"] == "/violations")
        with wsgi.server.test_request_context():
            text = json.dumps(page["layout"]().to_plotly_json(), ensure_ascii=False, default=str)
        assert "wh-error" not in text and "vi.trend" in text
    finally:
        sys.modules.pop("dashboard.wsgi", None)
    monkeypatch.delenv("KPI_HOST")  # a WSGI server that does not say where it is bound: sign-in required
    wsgi = importlib.import_module("dashboard.wsgi")
    try:
        assert wsgi.server.test_client().get("/").headers["Location"] == "/login?next=/"
    finally:
        sys.modules.pop("dashboard.wsgi", None)


def test_dstr006_every_page_module_is_registered_and_in_the_navigation(small_warehouse: Path) -> None:
    create_app(small_warehouse, warm=False)
    modules = {m.__name__: m.PAGE for m in page_modules()}
    files = {p.stem for p in (ROOT / "pages").iterdir() if not p.name.startswith("_") and p.suffix in (".py", "")}
    files.discard("__pycache__")
    assert {name.split(".")[1] for name in modules} == files
    registry = {p["module"]: p["path"] for p in dash.page_registry.values()}
    assert {name: registry.get(name) for name in modules} == {name: spec.path for name, spec in modules.items()}
    navigable = [spec.path for spec in sorted(modules.values(), key=lambda s: s.order) if spec.nav]
    assert [path for path, _ in shell.nav()] == navigable
    assert all(key in CATALOGUE for _, key in shell.nav())


def _matches(pattern: dict[str, Any], candidate: Any) -> bool:
    if not isinstance(candidate, dict) or set(candidate) != set(pattern):
        return False
    return all(isinstance(v, list) or candidate[k] == v for k, v in pattern.items())  # ["ALL"], ["MATCH"]: any


@pytest.mark.parametrize("which", ["small", "blank", "missing"])
def test_dstr007_every_callback_id_is_in_the_validation_layout(
    which: str, small_warehouse: Path, blank_warehouse: Path, tmp_path: Path
) -> None:
    """No ``suppress_callback_exceptions``: the browser checks every Input, Output and State against the
    validation layout Dash pages builds at the first request, with data and without (an empty or missing
    warehouse leaves the pages without their controls; their skeletons stand in)."""
    path = {"small": small_warehouse, "blank": blank_warehouse, "missing": tmp_path / "none" / "wh.duckdb"}[which]
    app = create_app(path, warm=False)
    assert app.config.suppress_callback_exceptions is False
    assert app.server.test_client().get("/").status_code == 200  # the first request builds the layout
    ids = [json.loads(i) if i.startswith("{") else i for i in layout_ids(app.validation_layout)]
    strings = {i for i in ids if isinstance(i, str)}
    dicts = [i for i in ids if isinstance(i, dict)]
    missing = []
    for callback in app._callback_list:
        outputs = split_callback_id(callback["output"])
        specs = (outputs if isinstance(outputs, list) else [outputs]) + callback["inputs"] + callback["state"]
        for spec in specs:
            cid = spec["id"]
            if cid.startswith("{"):
                pattern = json.loads(cid)
                if not any(_matches(pattern, d) for d in dicts):
                    missing.append(cid)
            elif cid not in strings:
                missing.append(cid)
    assert missing == []


def test_dstr008_every_page_carries_the_validation_layout_as_bare_ids(small_warehouse: Path) -> None:
    """The validation layout travels in every page's HTML: each component with an id, of its own type, holding
    its id alone — every id of the pages and the shell, none of their figures, rows or texts."""
    import re

    from dash import html

    app = create_app(small_warehouse, warm=False)
    page = app.server.test_client().get("/violations").get_data(as_text=True)
    config = json.loads(re.search(r'<script id="_dash-config" type="application/json">(.*?)</script>', page,
                                  re.S).group(1))
    components = config["validation_layout"]["props"]["children"]
    assert all(set(c["props"]) == {"id"} for c in components)
    got = {json.dumps(c["props"]["id"], sort_keys=True) if isinstance(c["props"]["id"], dict) else c["props"]["id"]
           for c in components}
    with app.server.test_request_context("/"):
        views = [p["layout"]() for p in dash.page_registry.values()] + [app.layout()]
    assert layout_ids(html.Div(views)) <= got
    kinds = {c["props"]["id"]: c["type"] for c in components if isinstance(c["props"]["id"], str)}
    assert (kinds["rk-bump-graph"], kinds["_pages_content"], kinds["gen-store"]) == ("Graph", "Div", "Store")
    assert len(page) < 100_000  # 526 kB when the layout went whole
