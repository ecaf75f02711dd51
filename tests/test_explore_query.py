"""warehouse/queries/explore.py: the whitelist's queries on a six-case fixture computed by hand, the registry's
indicators agreeing with mart_kpi_daily, and hostile input staying data."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from dashboard.data import Warehouse
from pages.explore import results
from tests.dashboard_data import small_warehouse_fixture  # noqa: F401
from warehouse import indicators
from warehouse.queries import explore as qe
from warehouse.sql import Filters, compile_query

T1, T2 = "371002001", "371002002"  # 环翠楼街道, 鲸园街道
JAN_FEB = Filters(dt.date(2023, 1, 1), dt.date(2023, 2, 28))

# case, reported, town, channel, community, deadline, due, on time, closed, reworked, filed, closed, hours to close
CASES = [
    ("A", "2023-01-05 10:00", T1, "视频AI", "东社区", "2023-01-10", True, True, True, False, True, "2023-01-09", 96.0),
    ("B", "2023-01-20 10:00", T1, "公众举报", "西社区", "2023-01-25", True, False, True, True, True, "2023-01-28",
     192.0),
    ("C", "2023-02-03 10:00", T1, "视频AI", "东社区", "2023-02-08", True, True, True, False, True, "2023-02-05", 48.0),
    ("D", "2023-02-10 10:00", T2, "视频AI", "南社区", "2023-02-15", False, False, False, False, False, None, None),
    ("E", "2023-02-11 10:00", T2, "公众举报", "南社区", "2023-03-01", True, False, False, False, True, None, None),
    ("F", "2022-02-05 10:00", T1, "视频AI", "东社区", "2022-02-10", True, True, True, False, True, "2022-02-08", 72.0),
]


class FrameRunner:
    """What the explorer needs of a Warehouse (``frame``, ``rows``), over an in-memory DuckDB."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con

    def frame(self, stmt) -> pd.DataFrame:
        sql, params = compile_query(stmt)
        return self.con.execute(sql, params).df()

    rows = frame


@pytest.fixture(scope="module")
def con() -> duckdb.DuckDBPyConnection:
    src = qe.SOURCES["dcm_cases"]
    kinds = {**dict(src.columns), **{c: "bool" for c in src.extra_columns}, "filed_ts": "date"}
    sql_type = {"text": "VARCHAR", "number": "DOUBLE", "date": "TIMESTAMP", "bool": "BOOLEAN"}
    c = duckdb.connect()
    c.execute("CREATE TABLE mart_dcm_case (" + ", ".join(f"{k} {sql_type[v]}" for k, v in kinds.items()) + ")")
    for case, rep, town, chan, comm, dl, due, on_time, closed, rework, filed, closed_at, hours in CASES:
        c.execute(
            "INSERT INTO mart_dcm_case (case_no, reported_at, town_code, channel, community, deadline_at, is_due_basis,"
            " is_on_time, is_closed, is_reworked, is_filed, filed_ts, closed_at, h_report_to_close, is_bureau)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, TRUE)",
            [case, rep, town, chan, comm, dl, due, on_time, closed, rework, filed, rep, closed_at, hours],
        )
    return c


def _agg(con, **kw) -> list[tuple]:
    q = qe.Query("dcm_cases", kw.pop("filters", JAN_FEB), **kw)
    frame = FrameRunner(con).frame(qe.aggregate(q))
    cols = [c for c in ("period", "d0", "d1") if c in frame.columns] + ["value"]
    return [tuple(None if pd.isna(v) else v for v in row) for row in frame[cols].itertuples(index=False)]


def test_expq001_count_by_town(con) -> None:
    assert _agg(con, by=("town_code",)) == [(T1, 3.0), (T2, 2.0)]


def test_expq002_count_by_town_and_channel(con) -> None:
    assert sorted(_agg(con, by=("town_code", "channel"))) == [
        (T1, "公众举报", 1.0), (T1, "视频AI", 2.0), (T2, "公众举报", 1.0), (T2, "视频AI", 1.0)]


def test_expq003_the_on_time_rate_counts_by_deadline_and_leaves_out_what_is_not_due(con) -> None:
    # deadlines in Jan–Feb: A B C (T1; A and C on time) and D (T2, void: not due); E's deadline is in March
    rows = _agg(con, by=("town_code",), measure="dcm.on_time_due_rate")
    assert rows[0][0] == T1 and rows[0][1] == pytest.approx(2 / 3)
    assert rows[1] == (T2, None)


def test_expq004_months(con) -> None:
    assert _agg(con, grain="month") == [(pd.Timestamp("2023-01-01"), 2.0), (pd.Timestamp("2023-02-01"), 3.0)]


def test_expq005_median_hours_and_filters(con) -> None:
    assert _agg(con, by=("town_code",), measure="median.h_report_to_close") == [(T1, 96.0), (T2, None)]
    assert _agg(con, where=(("channel", ("视频AI",)),)) == [(3.0,)]
    assert _agg(con, community="东社区", filters=Filters(JAN_FEB.start, JAN_FEB.end, (T1,))) == [(2.0,)]


def test_expq006_pivot_town_by_channel_with_totals(con) -> None:
    q = qe.Query("dcm_cases", JAN_FEB, by=("town_code", "channel"))
    table = results.pivot(FrameRunner(con), q, "zh")
    assert table.columns.tolist() == ["镇街", "视频AI", "公众举报", "合计"]
    assert table.values.tolist() == [["环翠楼街道", 2.0, 1.0, 3.0], ["鲸园街道", 1.0, 1.0, 2.0]]
    rate = results.pivot(FrameRunner(con), qe.Query("dcm_cases", JAN_FEB, by=("town_code", "channel"),
                                                    measure="dcm.on_time_due_rate"), "zh")
    t1 = rate[rate["镇街"] == "环翠楼街道"].iloc[0]
    assert (t1["视频AI"], t1["公众举报"]) == (1.0, 0.0)
    assert t1["合计"] == pytest.approx(2 / 3)  # Σ on time ÷ Σ due, not the mean of the cells (0.5)


def test_expq007_year_on_year_colours_the_change_by_the_indicators_direction(con) -> None:
    runner = FrameRunner(con)
    counts = results.compare(runner, qe.Query("dcm_cases", JAN_FEB, by=("town_code",)), "yoy", "zh")
    assert counts.to_dict("records")[0] == {"label": "环翠楼街道", "now": "3", "before": "1", "change": "+200.0%",
                                            "tone": "flat"}
    rate = results.compare(runner, qe.Query("dcm_cases", JAN_FEB, by=("town_code",),
                                            measure="dcm.on_time_due_rate"), "yoy", "zh")
    assert rate.to_dict("records")[0] == {"label": "环翠楼街道", "now": "66.7%", "before": "100.0%",
                                          "change": "-33.3 pp", "tone": "bad"}


def _rows(con, measure="count", sort=None, grid=None) -> list[str]:
    q = qe.Query("dcm_cases", JAN_FEB, measure=measure)
    return FrameRunner(con).frame(qe.rows(q, sort, grid, 0, 100))["case_no"].tolist()


def test_expq008_rows_behind_the_view_sorted_and_filtered_on_the_server(con) -> None:
    assert _rows(con) == ["E", "D", "C", "B", "A"]  # newest first by default
    assert _rows(con, sort=[{"colId": "reported_at", "sort": "asc"}]) == ["A", "B", "C", "D", "E"]
    assert _rows(con, measure="dcm.on_time_due_rate") == ["C", "B", "A"]  # the rate's denominator
    text = {"channel": {"filterType": "text", "type": "contains", "filter": "视频"}}
    assert _rows(con, grid=text) == ["D", "C", "A"]
    number = {"h_report_to_close": {"filterType": "number", "type": "greaterThan", "filter": 90}}
    assert _rows(con, grid=number) == ["B", "A"]
    day = {"deadline_at": {"filterType": "date", "type": "inRange", "dateFrom": "2023-01-01 00:00:00",
                           "dateTo": "2023-01-31 00:00:00"}}
    assert _rows(con, grid=day) == ["B", "A"]
    either = {"channel": {"filterType": "text", "operator": "OR", "conditions": [
        {"filterType": "text", "type": "equals", "filter": "公众举报"},
        {"filterType": "text", "type": "startsWith", "filter": "视频"}]}}
    assert _rows(con, grid=either) == ["E", "D", "C", "B", "A"]
    runner = FrameRunner(con)
    assert int(runner.frame(qe.row_count(qe.Query("dcm_cases", JAN_FEB), text))["n"].iloc[0]) == 3


HOSTILE = ["x' OR '1'='1", "'; DROP TABLE mart_dcm_case; --", "%", "_", "<script>alert(1)</script>",
           "=cmd|'/C calc'!A0"]


@pytest.mark.parametrize("payload", HOSTILE)
def test_expq009_hostile_values_are_bound_data(con, payload: str) -> None:
    assert _agg(con, where=(("channel", (payload,)),)) == [(0.0,)]
    grid = {"channel": {"filterType": "text", "type": "contains", "filter": payload},
            payload: {"filterType": "text", "type": "contains", "filter": "x"}}
    assert _rows(con, grid=grid, sort=[{"colId": payload, "sort": "asc"}]) == []
    assert con.execute("SELECT count(*) FROM mart_dcm_case").fetchone() == (6,)


@pytest.mark.parametrize("bad", [{"by": ("town_code; DROP TABLE x",)}, {"where": (("1=1", ("x",)),)},
                                 {"measure": "count(*)"}, {"grain": "hour"}, {"by": ("channel", "stage", "town_code")}])
def test_expq010_keys_outside_the_whitelist_are_refused(bad: dict) -> None:
    with pytest.raises((KeyError, ValueError)):
        qe.aggregate(qe.Query("dcm_cases", JAN_FEB, **bad))


def _by_town(frame: pd.DataFrame) -> dict[str, tuple[float, float | None]]:
    """town → (numerator, denominator) of the towns with something counted (floating sums to 6 places)."""
    out = {}
    for r in frame.itertuples():
        den = None if pd.isna(r.den) else float(r.den)
        if r.num or den:
            out[r.d0] = (round(float(r.num), 6), den)
    return out


def test_expq011_registry_indicators_agree_with_mart_kpi_daily_town_by_town(small_warehouse: Path) -> None:
    wh = Warehouse(small_warehouse)
    year = Filters(dt.date(2022, 1, 1), dt.date(2022, 12, 31))
    checked = []
    for src in qe.SOURCES.values():
        for m in src.measures:
            if m.key not in {i.key for i in indicators.ADDITIVE}:
                continue
            mine = wh.frame(qe.aggregate(qe.Query(src.key, year, by=("town_code",), measure=m.key)))
            con = duckdb.connect(str(small_warehouse), read_only=True)
            mart = con.execute(
                "SELECT town_code AS d0, sum(num) AS num, sum(den) AS den FROM mart_kpi_daily WHERE indicator = ?"
                " AND day BETWEEN ? AND ? GROUP BY 1", [m.key, year.start, year.end]).df()
            con.close()
            got, want = _by_town(mine), _by_town(mart)
            assert got == want, m.key
            checked.append(m.key)
    assert sorted(checked) == sorted([
        "dcm.on_time_due_rate", "dcm.close_rate", "dcm.rework_rate", "dcm.filed", "dcm.closed_all",
        "demolition.stock_count", "demolition.stock_area_m2", "demolition.new_found", "refined.rectified_rate",
        "refined.rectified", "village.rectified_rate"])


def test_expq012_every_measure_and_dimension_has_words() -> None:
    from dashboard.i18n import CATALOGUE, COLUMNS, SOURCE_LABELS

    for src in qe.SOURCES.values():
        assert src.key in SOURCE_LABELS
        assert [d for d in src.dims if d not in COLUMNS] == []
        assert [c for c, _ in src.columns if c not in COLUMNS] == []
        words = [m.key for m in src.measures if m.indicator is None and f"explore.measure.{m.key}" not in CATALOGUE]
        assert words == []
