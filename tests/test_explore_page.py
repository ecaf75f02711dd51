"""/explore without a browser: the URL state, links into it, hostile parameters, the infinite row model's
responses and exports equal to the filtered rows (checked with pandas over the same mart rows)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path
from urllib.parse import parse_qs

import duckdb
import openpyxl
import pandas as pd
import pytest

from dashboard import explore_url as eu
from dashboard.data import Warehouse
from dashboard.pagekit import context
from dashboard.state import ViewState
from pages.explore import page
from tests.dashboard_data import small_warehouse_fixture  # noqa: F401

T1 = "371002001"


def test_expp001_a_state_survives_the_url_round_trip() -> None:
    state = eu.ExploreState("dcm_cases", "dcm.on_time_due_rate", ("community", "channel"), "month", "yoy",
                            (("channel", ("视频AI", "公众举报")), ("stage", ("结案",))))
    view = ViewState(start=dt.date(2023, 1, 1), end=dt.date(2023, 3, 31), towns=(T1,), lang="en")
    search = eu.search(view, state)
    assert search == ("?start=2023-01-01&end=2023-03-31&towns=371002001&lang=en&by=community%2Cchannel&cmp=yoy"
                      "&f.channel=%E8%A7%86%E9%A2%91AI%2C%E5%85%AC%E4%BC%97%E4%B8%BE%E6%8A%A5"
                      "&f.stage=%E7%BB%93%E6%A1%88&grain=month&m=dcm.on_time_due_rate&src=dcm_cases")
    params = parse_qs(search[1:])
    assert eu.parse(params) == (state, [])
    assert ViewState.from_params(params).with_(extra=()) == view


def test_expp002_unknown_and_disallowed_parameters_are_named_and_dropped() -> None:
    state, notes = eu.parse({"src": "dcm_cases", "m": "count(*)", "by": "town_code,evil;--", "grain": "hour",
                             "cmp": "wow", "f.nope": "1", "f.town_code": "x", "zzz": "<script>", "start": "2023-01-01"})
    assert state == eu.ExploreState("dcm_cases", "count", ("town_code",), None, None, ())
    assert notes == ["m", "by", "grain", "cmp", "f.nope", "f.town_code", "zzz"]
    assert eu.parse({"src": "fact_dcm_case; DROP TABLE x"}) == (eu.ExploreState(), ["src"])


def test_expp003_a_control_writes_the_url_and_a_new_source_starts_over() -> None:
    search = "?start=2023-01-01&towns=371002001&by=channel&src=dcm_cases"
    moved = page.controls_search(search, "ex-m", "dcm_cases", "dcm.close_rate", ["channel"], "week", None,
                                 [("stage", ["结案"]), ("channel", [])])
    assert moved == "?start=2023-01-01&towns=371002001&by=channel&f.stage=%E7%BB%93%E6%A1%88&grain=week" \
                    "&m=dcm.close_rate&src=dcm_cases"
    assert page.controls_search(search, "ex-by", "dcm_cases", "count", ["channel"], None, None, []) is page.no_update
    other = page.controls_search(moved, "ex-src", "snow_events", "dcm.close_rate", ["channel"], "week", None, [])
    assert other == "?start=2023-01-01&towns=371002001&src=snow_events"


def test_expp004_links_into_the_explorer() -> None:
    href = eu.explore_href("dcm_cases", start=dt.date(2023, 1, 1), end=dt.date(2023, 1, 31), towns=[T1],
                           channel="视频AI", measure="dcm.on_time_due_rate")
    assert href == ("/explore?start=2023-01-01&end=2023-01-31&towns=371002001&f.channel=%E8%A7%86%E9%A2%91AI"
                    "&m=dcm.on_time_due_rate&src=dcm_cases")
    with pytest.raises(KeyError):
        eu.explore_href("dcm_cases", **{"1=1": "x"})
    view = ViewState(towns=())
    jan = (dt.date(2023, 1, 1), dt.date(2023, 6, 30))
    assert eu.drill_href("vi.channels", "channel", "视频AI", view, *jan) == (
        "/explore?start=2023-01-01&end=2023-06-30&f.channel=%E8%A7%86%E9%A2%91AI&src=dcm_cases")
    assert eu.drill_href("vi.trend", "period", "2023-03-01", view, *jan) == (
        "/explore?start=2023-03-01&end=2023-03-31&src=dcm_cases")
    assert eu.drill_href("vi.towns", "town", T1, view, *jan) == (
        "/explore?start=2023-01-01&end=2023-06-30&towns=371002001&src=dcm_cases")
    assert eu.drill_href("dcm.on_time_due_rate", None, None, view, *jan) == (
        "/explore?start=2023-01-01&end=2023-06-30&m=dcm.on_time_due_rate&src=dcm_cases")
    assert eu.drill_href("ov.ranks", None, None, view, *jan) is None


def _text(children: list) -> str:
    return json.dumps([c.to_plotly_json() for c in children], default=str, ensure_ascii=False)


@pytest.mark.parametrize("payload", ["<script>alert(1)</script>", "x' OR '1'='1", "=HYPERLINK(\"http://x\")",
                                     "'; DROP TABLE fact_dcm_case; --"])
def test_expp005_hostile_url_parameters_are_harmless(small_warehouse: Path, payload: str) -> None:
    wh = Warehouse(small_warehouse)
    params = {"src": payload, "m": payload, "by": payload, "grain": payload, "cmp": payload, "f.channel": payload,
              "f." + payload: "1", payload: payload, "start": payload, "towns": payload}
    body = page.body(context(params, wh))
    notes = next(c for c in body if getattr(c, "id", None) == "ex-notes")
    ignored = ", ".join(["src", "m", "by", "grain", "cmp", *sorted(["f." + payload, payload])])
    assert notes.children == "已忽略无法识别的参数：" + ignored
    rendered = _text(body)
    assert '"type": "Script"' not in rendered
    response = page.rows_response(wh, "?" + "&".join(f"{k}={v}" for k, v in [("f.channel", payload)]),
                                  {"startRow": 0, "endRow": 100, "sortModel": [{"colId": payload, "sort": "asc"}],
                                   "filterModel": {payload: {"filterType": "text", "type": "contains",
                                                             "filter": payload}}})
    assert response == {"rowData": [], "rowCount": 0}
    con = duckdb.connect(str(small_warehouse), read_only=True)
    assert con.execute("SELECT count(*) > 0 FROM fact_dcm_case").fetchone() == (True,)
    con.close()


SEARCH = "?start=2023-01-01&end=2023-03-31&towns=371002001,371002002&f.channel=视频AI,公众举报&src=dcm_cases"
REQUEST = {"startRow": 0, "endRow": 100, "sortModel": [{"colId": "case_no", "sort": "asc"}],
           "filterModel": {"major_category": {"filterType": "text", "type": "notContains", "filter": "市容"}}}


def _expected(small_warehouse: Path) -> pd.DataFrame:
    """The same rows by pandas over the whole mart: the filters applied by hand."""
    con = duckdb.connect(str(small_warehouse), read_only=True)
    mart = con.execute("SELECT * FROM mart_dcm_case").df()
    con.close()
    keep = ((mart["reported_at"] >= pd.Timestamp("2023-01-01")) & (mart["reported_at"] < pd.Timestamp("2023-04-01"))
            & mart["town_code"].isin([T1, "371002002"]) & mart["channel"].isin(["视频AI", "公众举报"])
            & ~mart["major_category"].fillna("").str.contains("市容"))
    return mart[keep].sort_values("case_no").reset_index(drop=True)


def test_expp006_the_grid_pages_through_exactly_the_filtered_rows(small_warehouse: Path) -> None:
    wh = Warehouse(small_warehouse)
    want = _expected(small_warehouse)
    assert len(want) > 10
    first = page.rows_response(wh, SEARCH, {**REQUEST, "startRow": 0, "endRow": 10})
    rest = page.rows_response(wh, SEARCH, {**REQUEST, "startRow": 10, "endRow": 1000})
    assert first["rowCount"] == len(want)
    assert [r["case_no"] for r in first["rowData"] + rest["rowData"]] == want["case_no"].tolist()


def test_expp007_csv_and_xlsx_exports_equal_the_filtered_rows(small_warehouse: Path) -> None:
    wh = Warehouse(small_warehouse)
    want = _expected(small_warehouse)
    frame, _q, name = page.export_frame(wh, SEARCH, REQUEST)
    assert name.startswith("dcm_cases-")
    data = page.exports.csv_bytes(frame)
    assert data[:3] == b"\xef\xbb\xbf"
    rows = list(csv.reader(io.StringIO(data[3:].decode("utf-8"))))
    assert rows[0][:3] == ["编号", "上报时间", "问题来源"]
    assert [r[0] for r in rows[1:]] == want["case_no"].tolist()
    assert [r[2] for r in rows[1:]] == want["channel"].tolist()
    assert [r[6] for r in rows[1:]] == want["town_name"].tolist()
    book = openpyxl.load_workbook(io.BytesIO(page.exports.xlsx_bytes(frame)), read_only=True)
    sheet = list(book.active.iter_rows(values_only=True))
    assert [r[0] for r in sheet[1:]] == want["case_no"].tolist()
    assert [r[1] for r in sheet[1:]] == [t.to_pydatetime() for t in want["reported_at"]]
