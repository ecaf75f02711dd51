"""The one calendar (warehouse/rules/calendar.py) and its SQL twin (warehouse/marts/10_calendar.sql).

Expected periods are written by hand from the calendar; the SQL and Python parsers are checked against each
other on generated spellings, and equal periods written differently must parse equal."""

from __future__ import annotations

import datetime as dt
from importlib import resources

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard import format as fmt
from warehouse.rules import calendar as cal

D = dt.date


@pytest.fixture(scope="module")
def con() -> duckdb.DuckDBPyConnection:
    c = duckdb.connect()
    sql = resources.files("warehouse.marts").joinpath("10_calendar.sql").read_text(encoding="utf-8")
    c.execute(sql.split("CREATE OR REPLACE VIEW dim_period")[0])  # the macros (dim_period needs the facts)
    return c


def _sql(con: duckdb.DuckDBPyConnection, texts: list[str | None]) -> dict[str | None, tuple]:
    """text → (type, start, end) by the SQL calendar; texts naming no period → (None, None, None)."""
    rows = con.execute("SELECT period_text, period_type, period_start, period_end FROM cal_periods(?)",
                       [texts]).fetchall()
    got = {r[0]: tuple(r[1:]) for r in rows}
    return {t: got.get(t, (None, None, None)) for t in texts}


SPELLINGS = [
    ("2022", "year", D(2022, 1, 1), D(2022, 12, 31)),
    ("2022年", "year", D(2022, 1, 1), D(2022, 12, 31)),
    ("2022年度", "year", D(2022, 1, 1), D(2022, 12, 31)),
    ("2022年上半年", "half", D(2022, 1, 1), D(2022, 6, 30)),
    ("2022年下半年", "half", D(2022, 7, 1), D(2022, 12, 31)),
    ("2022H2", "half", D(2022, 7, 1), D(2022, 12, 31)),
    ("2022Q1", "quarter", D(2022, 1, 1), D(2022, 3, 31)),
    ("2023q4", "quarter", D(2023, 10, 1), D(2023, 12, 31)),
    ("2022-Q2", "quarter", D(2022, 4, 1), D(2022, 6, 30)),
    ("2022年1季度", "quarter", D(2022, 1, 1), D(2022, 3, 31)),
    ("2022年第一季度", "quarter", D(2022, 1, 1), D(2022, 3, 31)),
    ("2022年第3季度", "quarter", D(2022, 7, 1), D(2022, 9, 30)),
    ("2022年四季度", "quarter", D(2022, 10, 1), D(2022, 12, 31)),
    ("2022年3月", "month", D(2022, 3, 1), D(2022, 3, 31)),
    ("2022年03月", "month", D(2022, 3, 1), D(2022, 3, 31)),
    ("2022-03", "month", D(2022, 3, 1), D(2022, 3, 31)),
    ("2022.3", "month", D(2022, 3, 1), D(2022, 3, 31)),
    ("2022/12", "month", D(2022, 12, 1), D(2022, 12, 31)),
    ("202203", "month", D(2022, 3, 1), D(2022, 3, 31)),
    ("2024-02", "month", D(2024, 2, 1), D(2024, 2, 29)),
    ("2023-W05", "week", D(2023, 1, 30), D(2023, 2, 5)),
    ("2023年第5周", "week", D(2023, 1, 30), D(2023, 2, 5)),
    ("2023W1", "week", D(2023, 1, 2), D(2023, 1, 8)),
    ("2020-W53", "week", D(2020, 12, 28), D(2021, 1, 3)),
    (" 2022 年 3 月 ", "month", D(2022, 3, 1), D(2022, 3, 31)),
    ("20223季度", "quarter", D(2022, 7, 1), D(2022, 9, 30)),  # the quarter's digit right after the year
    ("0001", "year", D(1, 1, 1), D(1, 12, 31)),  # the first year a date can have (there is no year 0)
]
NOT_PERIODS = ["", "abc", "2022年13月", "2022-00", "202213", "2021-W53", "2023-W54", "2022年第五季度", "22-03",
               "0000", "0000年", None]


@pytest.mark.parametrize(("text", "kind", "start", "end"), SPELLINGS)
def test_cal001_every_spelling_python_and_sql(con: duckdb.DuckDBPyConnection, text: str, kind: str, start: dt.date,
                                               end: dt.date) -> None:
    assert cal.parse(text) == cal.Period(kind, start, end)
    assert _sql(con, [text]) == {text: (kind, start, end)}


@pytest.mark.parametrize("text", NOT_PERIODS)
def test_cal002_not_periods(con: duckdb.DuckDBPyConnection, text: str | None) -> None:
    assert cal.parse(text) is None
    assert _sql(con, [text]) == {text: (None, None, None)}


def test_cal003_period_of_previous_and_labels() -> None:
    d = D(2023, 5, 3)  # a Wednesday
    assert cal.period_of("day", d) == (d, d)
    assert cal.period_of("week", d) == (D(2023, 5, 1), D(2023, 5, 7))
    assert cal.period_of("half", d) == (D(2023, 1, 1), D(2023, 6, 30))
    assert cal.previous("week", D(2023, 1, 1)) == (D(2022, 12, 19), D(2022, 12, 25))
    assert cal.previous("quarter", D(2023, 1, 1)) == (D(2022, 10, 1), D(2022, 12, 31))
    assert cal.previous("half", d) == (D(2022, 7, 1), D(2022, 12, 31))
    assert cal.periods("month", D(2022, 11, 20), D(2023, 1, 2)) == [
        (D(2022, 11, 1), D(2022, 11, 30)), (D(2022, 12, 1), D(2022, 12, 31)), (D(2023, 1, 1), D(2023, 1, 31))]
    assert cal.same_length_before(D(2023, 3, 1), D(2023, 3, 31)) == (D(2023, 1, 29), D(2023, 2, 28))
    assert cal.year_before(D(2024, 2, 29), D(2024, 3, 31)) == (D(2023, 2, 28), D(2023, 3, 31))
    assert cal.months_back(D(2023, 2, 15), 13) == D(2022, 1, 1)
    assert fmt.period("quarter", D(2022, 8, 9)) == "2022年第三季度"
    assert fmt.period("quarter", D(2022, 8, 9), "en") == "Q3 2022"
    assert fmt.period("week", D(2021, 1, 3)) == "2020年第53周"
    assert fmt.period("month", D(2022, 3, 9), "en") == "Mar 2022"
    assert fmt.period("half", D(2022, 7, 1)) == "2022年下半年"
    with pytest.raises(ValueError):
        cal.period_of("fortnight", d)


def _spellings(kind: str, y: int, n: int) -> list[str]:
    """Every way the exports write the same period."""
    cn = "一二三四"
    if kind == "year":
        return [f"{y}", f"{y}年", f"{y}年度"]
    if kind == "half":
        return [f"{y}年{'上' if n == 1 else '下'}半年", f"{y}H{n}", f"{y}-H{n}"]
    if kind == "quarter":
        return [f"{y}Q{n}", f"{y}-Q{n}", f"{y}年{n}季度", f"{y}年第{n}季度", f"{y}年第{cn[n - 1]}季度"]
    if kind == "month":
        return [f"{y}年{n}月", f"{y}年{n:02d}月", f"{y}-{n:02d}", f"{y}-{n}", f"{y}.{n}", f"{y}/{n:02d}", f"{y}{n:02d}"]
    return [f"{y}-W{n:02d}", f"{y}W{n}", f"{y}年第{n}周"]


PERIODS = st.one_of(
    st.tuples(st.just("year"), st.integers(1990, 2060), st.just(0)),
    st.tuples(st.just("half"), st.integers(1990, 2060), st.integers(1, 2)),
    st.tuples(st.just("quarter"), st.integers(1990, 2060), st.integers(1, 4)),
    st.tuples(st.just("month"), st.integers(1990, 2060), st.integers(1, 12)),
    st.tuples(st.just("week"), st.integers(1990, 2060), st.integers(1, 53)),
)


@settings(max_examples=100, deadline=None)
@given(PERIODS)
def test_cal004_equal_periods_parse_equal_in_python_and_sql(con: duckdb.DuckDBPyConnection,
                                                             p: tuple[str, int, int]) -> None:
    kind, y, n = p
    texts = _spellings(kind, y, n)
    parsed = {cal.parse(t) for t in texts}
    assert len(parsed) == 1
    (one,) = parsed
    weeks_in_year = D(y, 12, 28).isocalendar().week
    if kind == "week" and n > weeks_in_year:
        assert one is None
    else:
        assert one is not None and one.type == kind
        assert one.start == cal.period_of(kind, one.start)[0] and one.end == cal.period_of(kind, one.start)[1]
    want = (None, None, None) if one is None else (one.type, one.start, one.end)
    assert _sql(con, texts) == dict.fromkeys(texts, want)


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(["week", "month", "quarter", "half", "year"]), st.dates(D(1990, 1, 1), D(2060, 12, 31)))
def test_cal005_label_parses_back_to_its_period(con: duckdb.DuckDBPyConnection, grain: str, day: dt.date) -> None:
    start, end = cal.period_of(grain, day)
    assert start <= day <= end
    zh = fmt.period(grain, start)
    assert cal.parse(zh) == cal.Period(grain, start, end)
    assert con.execute("SELECT cal_label(?, ?)", [start, grain]).fetchone() == (zh,)
    assert con.execute("SELECT label FROM cal_periods([?])", [zh]).fetchone() == (zh,)


def test_cal006_day_grain_neighbours_and_month_range() -> None:
    """The day grain's previous and following day (one day, not two), the period after a month's last day, and
    the month range of a leap February."""
    d = D(2023, 5, 3)
    assert cal.previous("day", d) == (D(2023, 5, 2), D(2023, 5, 2))
    assert cal.following("day", d) == (D(2023, 5, 4), D(2023, 5, 4))
    assert cal.following("month", D(2023, 1, 31)) == (D(2023, 2, 1), D(2023, 2, 28))
    assert cal.following("year", D(2023, 12, 31)) == (D(2024, 1, 1), D(2024, 12, 31))
    assert cal.month_range(D(2024, 2, 10)) == (D(2024, 2, 1), D(2024, 2, 29))


def test_cal007_week_ids_snow_season_edges_and_the_grain_error() -> None:
    """week_id across the turn of the year (ISO), read back by parse; the snow season's first and last days
    (15 November, 15 March) and the days just outside; an unknown grain's error names it."""
    assert cal.week_id(D(2022, 12, 1)) == "2022-W48"
    assert cal.week_id(D(2021, 1, 3)) == "2020-W53"  # a Sunday: the last day of 2020's week 53
    assert cal.week_id(D(2024, 12, 30)) == "2025-W01"  # a Monday: week 1 of 2025 holds 1 January
    assert cal.parse(cal.week_id(D(2024, 12, 30))) == cal.Period("week", D(2024, 12, 30), D(2025, 1, 5))
    season = {d: cal.in_snow_season(d) for d in (D(2022, 11, 14), D(2022, 11, 15), D(2023, 1, 1), D(2023, 3, 15),
                                                 D(2023, 3, 16), D(2023, 7, 1))}
    assert list(season.values()) == [False, True, True, True, False, False]
    with pytest.raises(ValueError, match=r"grain must be one of .* not 'fortnight'"):
        cal.period_of("fortnight", D(2023, 5, 3))


def test_cal008_sql_next_period_start_of_every_grain(con: duckdb.DuckDBPyConnection) -> None:
    """cal_next: the first day after the period of each grain starting on a day (by hand)."""
    starts = {"day": D(2023, 5, 3), "week": D(2023, 5, 1), "month": D(2023, 2, 1), "quarter": D(2023, 10, 1),
              "half": D(2023, 7, 1), "year": D(2024, 1, 1)}
    got = {g: con.execute("SELECT cal_next(?::DATE, ?)", [s, g]).fetchone()[0] for g, s in starts.items()}
    assert got == {"day": D(2023, 5, 4), "week": D(2023, 5, 8), "month": D(2023, 3, 1), "quarter": D(2024, 1, 1),
                   "half": D(2024, 1, 1), "year": D(2025, 1, 1)}
