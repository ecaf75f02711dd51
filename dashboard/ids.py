"""Pattern-matching component ids that work with any text.

Dash loses the clicks of pattern-matching ids whose values hold non-ASCII text (an assessment item such as
数字城管, a category such as 暴露垃圾). Every dict id of the dashboard is built with ``pattern_id`` and read
back with ``parse_id``: plain ASCII keys (``vi.trend``, ``371002001``) stay readable, any other text is
carried as ``~`` + the hex of its UTF-8 bytes.
"""

from __future__ import annotations

import re
from typing import Any

_PLAIN = re.compile(r"^[A-Za-z0-9_.:|\-]*$")
_MARK = "~"


def encode(text: str) -> str:
    """``text`` as an id value: unchanged when plain ASCII, else ``~`` + hex of its UTF-8 bytes."""
    return text if _PLAIN.match(text) else _MARK + text.encode("utf-8").hex()


def decode(value: str) -> str:
    """The text ``encode`` was given."""
    return bytes.fromhex(value[1:]).decode("utf-8") if value.startswith(_MARK) else value


def pattern_id(kind: str, **parts: str) -> dict[str, str]:
    """A pattern-matching id ``{"type": kind, **parts}`` with every part encoded."""
    return {"type": kind, **{name: encode(str(value)) for name, value in parts.items()}}


def parse_id(component_id: Any) -> dict[str, str] | None:
    """A pattern-matching id (as ``ctx.triggered_id`` gives it) with its parts decoded; None for other ids."""
    if not isinstance(component_id, dict):
        return None
    return {name: decode(str(value)) for name, value in component_id.items()}
