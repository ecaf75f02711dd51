"""Load problems in two languages, and how to show text from files safely on a terminal.

Every message a clerk sees about a file is one line, in Chinese first and in English (``--lang en``).
"""

from __future__ import annotations

import re


class LoadError(ValueError):
    """A file or table that cannot be loaded; ``zh`` and ``en`` say why in one line."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh = zh
        self.en = en


class ReadError(LoadError):
    """A file that cannot be read as a table; the message names the problem in plain words."""


_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def shown(text: object) -> str:
    """Text from a file (a name, a header, a value) with control characters escaped, e.g. ``\\n``, ``\\x1b``."""
    return _CONTROL_RE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), str(text))


def one_line(text: str, limit: int = 300) -> str:
    """The first line of a message, escaped and cut to ``limit`` characters."""
    first = text.strip().splitlines()[0] if text.strip() else ""
    first = shown(first)
    return first if len(first) <= limit else first[: limit - 1] + "…"


# English messages of the header matcher (etl/detect.py) → Chinese, by their opening words.
_DETECT_ZH = (
    (re.compile(r"headers match no known export"), "表头不属于任何已知导出格式（可用 --source 指定来源）"),
    (re.compile(r"no data: the table is empty"), "没有数据：表格是空的"),
    (re.compile(r"looks like (\S+) \((.+?)\) but lacks required column ([^;]+)(?:; closest header found: (.*))?"),
     None),
)


def detect_zh(en: str) -> str:
    """The Chinese form of a header-matching message (the English one is kept beside it)."""
    for pattern, zh in _DETECT_ZH:
        m = pattern.search(en)
        if m and zh:
            return zh
        if m:
            closest = f"；最接近的表头：{m.group(4)}" if m.group(4) else ""
            return f"像是 {m.group(1)}（{m.group(2)}），但缺少必需列 {m.group(3)}{closest}"
    return f"表头无法识别：{en}"


def engine_error(exc: BaseException) -> LoadError:
    """A clear one-line message for an unexpected error while loading a table (never a traceback)."""
    if isinstance(exc, LoadError):
        return exc
    text = one_line(str(exc)) or type(exc).__name__
    name = type(exc).__name__
    if "interrupt" in text.lower():
        return LoadError("处理超时，已停止", "took too long and was stopped (time limit)")
    if isinstance(exc, MemoryError):
        return LoadError("内存不足，已停止", "ran out of memory and was stopped")
    return LoadError(f"无法载入（{name}：{text}）", f"cannot be loaded ({name}: {text})")
