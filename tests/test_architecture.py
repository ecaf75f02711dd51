"""docs/ARCHITECTURE.md stays true: the files it names exist, and its recipes for a chart and a page work as
written (a new module in the right folder is all the app needs)."""

from __future__ import annotations

import importlib
import json
import re
import sys
from pathlib import Path
from typing import Any

import dash
import pytest

import pages
from dashboard import charts, drill, i18n, shell
from dashboard.app import create_app
from dashboard.charts import violations as violation_charts
from tests.dashboard_data import small_warehouse_fixture  # noqa: F401

ROOT = Path(__file__).resolve().parents[1]
DOC = (ROOT / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")


def test_arch001_every_path_the_document_names_exists() -> None:
    named = set(re.findall(r"`((?:etl|warehouse|dashboard|pages|assets|tests|docs)/[^`*<>\s]*)`", DOC))
    named = {n.split("::")[0].split(":")[0] for n in named}
    assert len(named) > 25
    assert sorted(n for n in named if not (ROOT / n.rstrip("/")).exists()) == []


CHART_MODULE = '''"""A chart added by the recipe."""
from dashboard.charts import Chart, rows
from dashboard.figures import violations as fv
from warehouse.queries import violations as qv


def figure(ctx):
    return fv.channel_mix(ctx.wh.frame(qv.channel_mix(ctx.filters)), lang=ctx.lang)


CHART = Chart(key="vi.recipe", dim="channel", rows=rows.cases_by("channel", "reported"), figure=figure, order=99,
              width=12)
'''

PAGE_MODULE = '''"""A page added by the recipe."""
from dashboard.components import page_header
from dashboard.pagekit import PageSpec


def body(ctx):
    return [page_header(ctx.t("nav.recipe"))]


PAGE = PageSpec(path="/recipe", nav="nav.recipe", order=50, body=body)
'''


@pytest.fixture
def recipe_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setitem(i18n.CATALOGUE, "vi.recipe", ("配方图表", "Recipe chart"))
    monkeypatch.setitem(i18n.CATALOGUE, "nav.recipe", ("配方页面", "Recipe page"))
    yield tmp_path
    for name in ("dashboard.charts.violations.recipe_chart", "pages.recipe_page"):
        sys.modules.pop(name, None)
    dash.page_registry.pop("pages.recipe_page", None)
    charts.modules.cache_clear()
    drill.CHARTS = charts.drills()


def _text(component: Any) -> str:
    return json.dumps(component.to_plotly_json(), ensure_ascii=False, default=str)


def test_arch002_a_chart_is_one_module(recipe_dir: Path, small_warehouse: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    (recipe_dir / "recipe_chart.py").write_text(CHART_MODULE, encoding="utf-8")
    monkeypatch.setattr(violation_charts, "__path__", [*violation_charts.__path__, str(recipe_dir)])
    charts.modules.cache_clear()
    monkeypatch.setattr(drill, "CHARTS", charts.drills())
    assert charts.charts("violations")[-1].key == "vi.recipe"
    app = create_app(small_warehouse, warm=False)
    page = next(p for p in dash.page_registry.values() if p["path"] == "/violations")
    with app.server.test_request_context():
        text = _text(page["layout"](start="2022-01-01", end="2023-06-30"))
    assert "'type': 'rows-btn', 'key': 'vi.recipe'" in text and "配方图表" in text
    assert drill.title("vi.recipe", "en") == "Recipe chart"


def test_arch003_a_page_is_one_module(recipe_dir: Path, small_warehouse: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    (recipe_dir / "recipe_page.py").write_text(PAGE_MODULE, encoding="utf-8")
    monkeypatch.setattr(pages, "__path__", [*pages.__path__, str(recipe_dir)])
    importlib.invalidate_caches()
    app = create_app(small_warehouse, warm=False)
    assert ("/recipe", "nav.recipe") in shell.nav()
    assert app.server.test_client().get("/recipe").status_code == 200
    page = next(p for p in dash.page_registry.values() if p["path"] == "/recipe")
    with app.server.test_request_context():
        assert "配方页面" in _text(page["layout"]())
