"""One catalogue holds every word the UI shows: both languages for every key, no Chinese literal left in the
dashboard's code (data values excepted), every key the code asks for present."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

from dashboard import i18n

ROOT = Path(__file__).resolve().parents[1]
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
# values of the data (a ledger's kind, the excluded case states), not words of the UI
DATA_VALUES = {"存量", "新增", "作废", "缓办", "挂账"}
# One language may leave out a field of the call (Chinese measure words: {unit}); these take different ones
# (English names the month, Chinese numbers it).
OWN_FIELDS: set[str] = set()


def _code_files() -> list[Path]:
    files = [*(ROOT / "dashboard").rglob("*.py"), *(ROOT / "pages").rglob("*.py")]
    return sorted(p for p in files if p.name != "i18n.py")


def _string_literals(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
    ]


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_i18n001_every_key_has_both_languages_with_matching_placeholders() -> None:
    bad = [
        key
        for key, (zh, en) in i18n.CATALOGUE.items()
        if not zh.strip()
        or not en.strip()
        or not (_fields(en) <= _fields(zh) or _fields(zh) <= _fields(en) or key in OWN_FIELDS)
    ]
    assert bad == []


def test_i18n002_no_chinese_literal_outside_the_catalogue() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{line}: {text}"
        for path in _code_files()
        for line, text in _string_literals(path)
        if CJK.search(text) and text not in DATA_VALUES
    ]
    assert found == []


def test_i18n003_every_key_the_code_asks_for_is_in_the_catalogue() -> None:
    """Literal keys of ``t(...)`` and ``ctx.t(...)`` calls."""
    asked = set()
    for path in _code_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and (getattr(node.func, "id", None) == "t" or getattr(node.func, "attr", None) == "t")
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                asked.add(node.args[0].value)
    assert len(asked) > 150
    assert sorted(asked - set(i18n.CATALOGUE)) == []


def test_i18n004_reference_values_have_english_words_and_colours() -> None:
    assert i18n.value_label("channel", "视频AI", "en") == "Video AI"
    assert i18n.value_label("channel", "视频AI", "zh") == "视频AI"
    assert i18n.value_label("channel", "新渠道", "en") == "新渠道"  # unknown: itself
    assert i18n.value_color("construction_kind", "新增", "#000000") == "#e45756"
    assert i18n.value_color("stage", "上报", "#000000") == "#000000"  # no colour given
    assert i18n.paren("3 处", "zh") == "（3 处）" and i18n.paren("3", "en") == " (3)"
