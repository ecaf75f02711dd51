"""The wall's colours from ``assets/wall.css``: every text colour against every background it sits on has a
WCAG contrast of at least 4.5:1, and status colours never colour text there."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

RAW = (Path(__file__).resolve().parents[1] / "assets" / "wall.css").read_text(encoding="utf-8")
CSS = re.sub(r"/\*.*?\*/", "", RAW, flags=re.S)  # without comments
VARS = dict(re.findall(r"--(wall-[a-z-]+):\s*(#[0-9a-fA-F]{6})\s*;", CSS))

# (text, background) as the stylesheet puts them together
PAIRS = [
    ("wall-fg", "wall-bg"), ("wall-fg", "wall-panel"),  # titles, labels, numerals; figures sit on wall-bg
    ("wall-muted", "wall-bg"), ("wall-muted", "wall-panel"),  # subtitles, targets, freshness
    ("wall-good", "wall-bg"), ("wall-bad", "wall-bg"),  # direction of change inside a figure
    ("wall-bad", "wall-panel"),  # a late source in the top strip
    ("wall-alert-fg", "wall-alert-bg"),  # the alerts banner and the stale warning
]


def _luminance(hex_colour: str) -> float:
    """WCAG 2 relative luminance of ``#rrggbb``."""
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def test_wallstyle001_the_formula() -> None:
    # by hand: white on black is (1 + 0.05) / (0 + 0.05) = 21; a colour on itself is 1
    assert contrast("#ffffff", "#000000") == pytest.approx(21.0)
    assert contrast("#777777", "#777777") == pytest.approx(1.0)
    # #767676 on white is the well-known 4.54:1 (the darkest grey that passes AA on white)
    assert contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)


@pytest.mark.parametrize(("text", "background"), PAIRS)
def test_wallstyle002_text_contrast_at_least_4_5(text: str, background: str) -> None:
    assert contrast(VARS[text], VARS[background]) >= 4.5, (text, VARS[text], background, VARS[background])


def test_wallstyle003_status_colours_only_mark_edges() -> None:
    """``--kpi-*`` (status colours, some below 4.5:1 on dark) appear only as border colours."""
    uses = re.findall(r"([a-z-]+)\s*:\s*[^;]*var\(--kpi-", CSS)
    assert uses and set(uses) <= {"border-left-color", "border-left"}


def test_wallstyle004_minimum_sizes_in_the_stylesheet() -> None:
    """At 1080p labels are at least 20 px and headline numerals at least 48 px: ``max(px, vh)``."""
    assert re.search(r"--wall-label:\s*max\(20px,", CSS)
    assert re.search(r"--wall-small:\s*max\(20px,", CSS)
    assert re.search(r"--wall-num:\s*max\(48px,", CSS)
    sizes = re.findall(r"font-size:\s*max\((\d+)px", CSS)
    assert sizes and min(int(s) for s in sizes) >= 20
