"""The UI's words, in one catalogue: 简体中文 (default) and English.

``t(key, lang)`` returns the label; ``{name}`` placeholders are filled from keyword arguments.
The words are data: ``dashboard/catalogue/keys/<area>.csv`` (``key,zh,en``; one file per page or area, so
a new page adds its own file), ``catalogue/sources.csv`` (source names) and ``catalogue/columns.csv``
(row-table column headers).
Indicator labels and units come from ``warehouse.indicators``; report labels from
``warehouse.report``; everything else a page or component shows comes from here.
"""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"


def _read(name: str) -> dict[str, tuple[str, str]]:
    """One catalogue file (first column the key, then ``zh`` and ``en``) as key → (zh, en)."""
    with _CATALOGUE_DIR.joinpath(name).open(encoding="utf-8") as f:
        rows = list(csv.reader(f))
    return {key: (zh, en) for key, zh, en in rows[1:]}


def _load_keys() -> dict[str, tuple[str, str]]:
    """Every ``catalogue/keys/<area>.csv`` merged; a key defined in two files is an error, not a silent override."""
    merged: dict[str, tuple[str, str]] = {}
    for entry in sorted(_CATALOGUE_DIR.joinpath("keys").iterdir(), key=lambda p: p.name):
        if not entry.name.endswith(".csv"):
            continue
        for key, pair in _read(f"keys/{entry.name}").items():
            if key in merged:
                raise ValueError(f"catalogue key {key!r} defined twice (again in keys/{entry.name})")
            merged[key] = pair
    return merged


_CATALOGUE_DIR = resources.files("dashboard").joinpath("catalogue")
CATALOGUE: dict[str, tuple[str, str]] = _load_keys()
SOURCE_LABELS: dict[str, tuple[str, str]] = _read("sources.csv")
COLUMNS: dict[str, tuple[str, str]] = _read("columns.csv")


def norm_lang(lang: str | None) -> str:
    return lang if lang in LANGS else DEFAULT_LANG


def t(key: str, lang: str | None = DEFAULT_LANG, **values: object) -> str:
    """The label of ``key`` in ``lang``; a missing key raises KeyError (tests catch typos)."""
    zh, en = CATALOGUE[key]
    text = en if norm_lang(lang) == "en" else zh
    return text.format(**values) if values else text


def paren(text: str, lang: str | None = DEFAULT_LANG) -> str:
    """``text`` in brackets after what precedes it: full-width in Chinese, ``" (…)"`` in English."""
    return f" ({text})" if norm_lang(lang) == "en" else f"（{text}）"


def source_label(source: str, lang: str | None = DEFAULT_LANG) -> str:
    zh, en = SOURCE_LABELS.get(source, (source, source))
    return en if norm_lang(lang) == "en" else zh


def town_label(name_zh: str, pinyin: str | None, lang: str | None) -> str:
    """Towns show their Chinese name; in English the pinyin (the official romanisation)."""
    return (pinyin or name_zh) if norm_lang(lang) == "en" else name_zh


@cache
def _value_labels() -> dict[tuple[str, str], tuple[str, str, str]]:
    """(kind, value) → (English label, colour, short English label) from ``dashboard/value_labels.csv``: the
    reference values (stages, channels, categories, machine types, departments) the figures name and colour."""
    with resources.files("dashboard").joinpath("value_labels.csv").open(encoding="utf-8") as f:
        return {(r["kind"], r["value"]): (r["en"], r["color"], r["short"] or r["en"]) for r in csv.DictReader(f)}


def value_label(kind: str, value: object, lang: str | None = DEFAULT_LANG, short: bool = False) -> str:
    """A reference value as the UI shows it: itself in Chinese, its English label in English (itself if none);
    ``short`` gives the short English label a chart axis has room for (the full one where none is set)."""
    text = str(value)
    if norm_lang(lang) != "en":
        return text
    return _value_labels().get((kind, text), (text, "", text))[2 if short else 0] or text


def value_color(kind: str, value: object, default: str) -> str:
    """A reference value's fixed colour (``default`` when it has none)."""
    return _value_labels().get((kind, str(value)), ("", "", ""))[1] or default


def column_label(name: str, lang: str | None = DEFAULT_LANG) -> str:
    zh, en = COLUMNS.get(name, (name, name))
    return en if norm_lang(lang) == "en" else zh


# AG Grid's own words in Chinese (its defaults are the English ones)
AG_LOCALE_ZH = {
    "page": "页", "of": "共", "to": "至", "more": "更多", "next": "下一页", "last": "末页",
    "first": "首页", "previous": "上一页", "pageSizeSelectorLabel": "每页行数：",
    "noRowsToShow": "没有数据", "loadingOoo": "加载中…", "filterOoo": "筛选…", "equals": "等于",
    "notEqual": "不等于", "contains": "包含", "notContains": "不包含", "startsWith": "开头是",
    "endsWith": "结尾是", "blank": "为空", "notBlank": "非空", "lessThan": "小于",
    "greaterThan": "大于", "inRange": "介于", "andCondition": "且", "orCondition": "或",
    "applyFilter": "应用", "resetFilter": "重置", "clearFilter": "清除",
    "pageLastRowUnknown": "?",
}
