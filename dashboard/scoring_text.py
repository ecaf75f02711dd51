"""The words of scoring: forecast sentences and score formulas, rendered from the i18n catalogue.

``warehouse.scoring`` returns numbers and keys (``Forecast.message``, ``Explanation.formula`` with
``formula_args``); this module turns them into a sentence in the viewer's language.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dashboard import format as fmt
from dashboard.i18n import t
from warehouse.indicators import ranking_view
from warehouse.scoring import Explanation


def _int(x: Any) -> int | None:
    try:
        return None if x is None or x != x else int(x)
    except (TypeError, ValueError):
        return None


def forecast_sentence(f: Any, lang: str = "zh") -> str:
    """A ``Forecast`` (or a ``forecast_all`` row) as a sentence: 还需14件按期结案才能达到90% …"""
    get = f.get if isinstance(f, Mapping) else (lambda k: getattr(f, k))
    meta = ranking_view(str(get("indicator")))
    en = lang == "en"
    noun = (meta.noun_en or meta.label_en) if en else (meta.noun_zh or meta.label_zh)
    unit = "" if en else meta.item_unit_zh
    remaining = _int(get("expected_remaining"))
    rest = "" if remaining is None else t("forecast.remaining", lang, n=remaining, unit=unit)
    message = str(get("message"))
    n = _int(get("needed")) if message == "forecast.needed" else _int(get("allowance"))
    return t(message, lang, n=n, unit=unit, noun=noun, target=fmt.target(get("target"), str(get("kind"))), rest=rest)


def formula_text(ex: Explanation, lang: str = "zh") -> str:
    """How the explained score is computed, in words."""
    args = dict(ex.formula_args)
    if "cap" in args:
        args["cap"] = f"{float(args['cap']):g}"  # type: ignore[arg-type]
    if ex.formula in ("scoring.formula.rate", "scoring.formula.count"):
        meta = ranking_view(str(args["indicator"]))
        head = t(ex.formula, lang, label=meta.label(lang), numerator=meta.text("numerator", lang),
                 denominator=meta.text("denominator", lang))
        tail = t("scoring.formula.score_lower" if args.get("lower") else "scoring.formula.score_higher", lang,
                 cap=args["cap"])
        return head + tail
    return t(ex.formula, lang, **args) if args else t(ex.formula, lang)
