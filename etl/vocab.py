"""Vocabularies the loader reads from the reference data (``warehouse/reference``), not from code.

The SQL side resolves values through ``ref_alias`` (built by ``warehouse.store.refresh_reference``);
this module serves the few lookups made in Python: the assessment item a circular's title names.
"""

from __future__ import annotations

import csv
import functools
import unicodedata
from importlib import resources


@functools.cache
def _rows(name: str) -> tuple[dict[str, str], ...]:
    with resources.files("warehouse.reference").joinpath(name).open(encoding="utf-8") as f:
        return tuple(csv.DictReader(f))


def assessment_item(lines: list[str]) -> str | None:
    """The assessment item (考核项目) a title block names, by the keywords of ``assessment_items.csv``."""
    text = unicodedata.normalize("NFKC", " ".join(lines))
    for row in _rows("assessment_items.csv"):
        if any(k and k in text for k in row["keywords"].split("|")):
            return row["item"]
    return None
