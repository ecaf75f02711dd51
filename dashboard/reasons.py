"""Reject reasons in the chosen language: ``kpi rejects`` and the rejects browser of /data say the same words.

Reasons are stored in English by the loader (``etl/sqlgen.py``); each has a catalogue key (``reject.*``).
"""

from __future__ import annotations

import re

from dashboard.i18n import t

# the catalogue key of each reason, and the patterns of the reasons that carry values
_REASON_KEYS = {
    "required value missing": "reject.missing", "not a date": "reject.not_date", "not a number": "reject.not_number",
    "unknown town": "reject.unknown_town", "unknown city unit": "reject.unknown_unit",
    "negative value": "reject.negative", "number out of range": "reject.out_of_range",
    "undecodable bytes in the text": "reject.undecodable",
}
_REASON_PATTERNS = (
    (re.compile(r"expected \S+ or \S+"), "reject.bool"),
    (re.compile(r"date outside (?P<range>.+)"), "reject.date_range"),
    (re.compile(r"value too long \(over (?P<limit>\S+) characters\)"), "reject.too_long"),
    (re.compile(r"unexpected value \(expected (?P<allowed>.+)\)"), "reject.unexpected"),
)


def reason_text(reason: str, lang: str) -> str:
    """A reject reason in the chosen language (unknown reasons as stored)."""
    if reason in _REASON_KEYS:
        return t(_REASON_KEYS[reason], lang)
    for pattern, key in _REASON_PATTERNS:
        if m := pattern.fullmatch(reason):
            return t(key, lang, **m.groupdict())
    return reason
