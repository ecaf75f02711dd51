"""Words, not codes: every reference value has an English label; rows tables speak the chosen language; the rows
modal names what was clicked."""

from __future__ import annotations

import csv
from importlib import resources

import pandas as pd
import pytest

from dashboard.components import records
from dashboard.drill import clicked
from dashboard.i18n import value_label
from dashboard.state import ViewState


def _reference(name: str, column: str) -> list[str]:
    with resources.files("warehouse.reference").joinpath(name).open(encoding="utf-8") as f:
        return [row[column] for row in csv.DictReader(f)]


@pytest.mark.parametrize(
    ("kind", "name", "column"),
    [
        ("major_category", "case_categories.csv", "major_name"),
        ("minor_category", "case_categories.csv", "minor_name"),
        ("city_unit", "city_units.csv", "unit_name"),
        ("assessment_item", "assessment_items.csv", "item"),
    ],
)
def test_dlab001_every_reference_value_has_an_english_label(kind: str, name: str, column: str) -> None:
    values = sorted(set(_reference(name, column)))
    missing = [v for v in values if value_label(kind, v, "en") == v]
    assert missing == []
    assert all(value_label(kind, v, "zh") == v for v in values)


def test_dlab002_bureau_spellings_are_one_department_in_english() -> None:
    spellings = ["环翠区综合行政执法局", "区综合行政执法局", "区综合执法局", "综合行政执法局"]
    assert {value_label("department", s, "en") for s in spellings} == {"Huancui Law Enforcement Bureau"}


def test_dlab003_rows_speak_the_language() -> None:
    frame = pd.DataFrame(
        {
            "case_no": ["37100220230100001"],
            "town_name": ["张村镇"],
            "minor_category": ["占道经营"],
            "channel": ["视频AI"],
            "stage": ["作废"],
            "department": ["区住建局"],
            "address": ["张村镇某路"],
        }
    )
    assert records(frame, "en") == [
        {
            "case_no": "37100220230100001",
            "town_name": "Zhangcun",
            "minor_category": "Trading on the road",
            "channel": "Video AI",
            "stage": "Void",
            "department": "District Housing and Urban-Rural Development Bureau",
            "address": "张村镇某路",  # free text stays as written
        }
    ]
    assert records(frame, "zh")[0]["minor_category"] == "占道经营"


def test_dlab004_rows_modal_names_the_click() -> None:
    district = ViewState()
    in_town = ViewState(towns=("371002100",))
    in_community = ViewState(towns=("371002100",), community="张村东社区", lang="en")
    assert clicked("town", "371002100", district) == "张村镇"
    assert clicked("town", "371002100", district.with_(lang="en")) == "Zhangcun"
    assert clicked("area", "371002100001003007", in_community) == "grid 371002100001003007"
    assert clicked("area", "371002100001003007", in_community.with_(lang="zh")) == "网格 371002100001003007"
    assert clicked("area", "张村西社区", in_town) == "张村西社区"
    assert clicked("period", "2023-03-01", district) == "2023年3月"
    assert clicked("period", "2023-03-01", district.with_(lang="en")) == "Mar 2023"
    assert clicked("category", "占道经营", in_community) == "Trading on the road"
    assert clicked("channel", "12345热线", district) == "12345热线"
