"""The one status rule: how a value stands against its target.

``status_of(value, target, direction, denominator, kind)``:

* ``grey``  — too little data: a rate whose denominator is missing or below ``MIN_DENOMINATOR`` (5 cases),
  or a value that cannot be computed. Shown, never ranked or counted as certain.
* ``None``  — no target applies (see ``warehouse.rules.targets``).
* ``green`` — meets the target (higher is better: value ≥ target; lower is better: value ≤ target).
* ``amber`` — misses it by at most ``AMBER_BAND`` (10 %) of the target (value ≥ 0.9 × target, or
  value ≤ 1.1 × target when lower is better; with a target of 0 nothing is amber).
* ``red``   — misses it by more.

Comparisons allow ``EPS`` (1e-9) so that 0.9 × 0.95 and 0.855 are equal. ``status_sql`` writes the same rule
for SQLAlchemy queries; ``points_status`` is the points-mode variant (deductions instead of a target). The
colours of the four statuses are data: ``warehouse/reference/status.csv`` (``COLORS``), with their zh/en names.
"""

from __future__ import annotations

import csv
import math
from importlib import resources

import sqlalchemy as sa

AMBER_BAND = 0.10
MIN_DENOMINATOR = 5
EPS = 1e-9
POINTS_AMBER_MAX_DEDUCTED = 5.0  # points mode: amber up to 5 points deducted, red beyond
STATUSES: tuple[str, ...] = ("green", "amber", "red", "grey")


def _missing(x: object) -> bool:
    if x is None:
        return True
    try:
        return math.isnan(float(x))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return True


def status_of(value: float | None, target: float | None, direction: str, denominator: float | None = None,
              kind: str = "count", *, min_denominator: int = MIN_DENOMINATOR,
              amber_band: float = AMBER_BAND) -> str | None:
    """green / amber / red against ``target``; grey with too little data; None without a target."""
    if kind == "rate" and (_missing(denominator) or float(denominator) < min_denominator):  # type: ignore[arg-type]
        return "grey"
    if _missing(target):
        return None
    if _missing(value):
        return "grey"
    v, t = float(value), float(target)  # type: ignore[arg-type]
    if direction == "lower":
        if v <= t + EPS:
            return "green"
        return "amber" if v <= t * (1 + amber_band) + EPS else "red"
    if v >= t - EPS:
        return "green"
    return "amber" if v >= t * (1 - amber_band) - EPS else "red"


def points_status(deducted: float, provisional: bool) -> str:
    """Points mode: grey when provisional, green with nothing deducted, amber up to 5 points, red beyond."""
    if provisional:
        return "grey"
    if deducted <= EPS:
        return "green"
    return "amber" if deducted <= POINTS_AMBER_MAX_DEDUCTED + EPS else "red"


def worst(statuses: list[str | None]) -> str:
    """The worst of several statuses for a summary badge: red, else amber, else green (grey and None add nothing)."""
    for s in ("red", "amber"):
        if s in statuses:
            return s
    return "green"


def status_sql(value: sa.ColumnElement, target: sa.ColumnElement, n: sa.ColumnElement, *,
               higher_is_better: bool = True, min_n: int = MIN_DENOMINATOR,
               amber_band: float = AMBER_BAND) -> sa.ColumnElement:
    """``status_of`` for a rate in SQL (``n`` its denominator)."""
    if higher_is_better:
        green, amber = value >= target - EPS, value >= target * (1 - amber_band) - EPS
    else:
        green, amber = value <= target + EPS, value <= target * (1 + amber_band) + EPS
    return sa.case(
        (sa.or_(n.is_(None), n < min_n), "grey"),
        (target.is_(None), sa.null()),
        (value.is_(None), "grey"),
        (green, "green"),
        (amber, "amber"),
        else_="red",
    )


def _colors() -> dict[str, dict[str, str]]:
    with resources.files("warehouse.reference").joinpath("status.csv").open(encoding="utf-8") as f:
        return {r["status"]: r for r in csv.DictReader(f)}


STATUS_TABLE = _colors()
COLORS: dict[str, str] = {k: r["color"] for k, r in STATUS_TABLE.items()}


def name(status: str | None, lang: str = "zh") -> str:
    """The status in words (无目标 / no target for None)."""
    row = STATUS_TABLE.get(status, STATUS_TABLE["none"])  # type: ignore[arg-type]
    return row["name_en"] if lang == "en" else row["name_zh"]
