"""Unit tests for every quirk of the data contract: SQL macros, text helpers, header detection, readers."""

from __future__ import annotations

import codecs
import datetime as dt
from pathlib import Path

import duckdb
import pytest

from etl import sqlgen
from etl.detect import DetectError, detect
from etl.readers import ReadError, read_csv_table, read_tables, sniff_encoding
from etl.text import cell_text, header_key, nfkc, title_context
from tests.fixtures.exports import Sheet, write_csv, write_xls, write_xlsx


@pytest.fixture(scope="module")
def con():
    con = duckdb.connect()
    con.execute(sqlgen.MACROS)
    yield con
    con.close()


def one(con: duckdb.DuckDBPyConnection, sql: str, *params: object) -> object:
    return con.execute("SELECT " + sql, list(params)).fetchall()[0][0]


# --- 3. dates -------------------------------------------------------------------------------

T = dt.datetime


@pytest.mark.parametrize(("text", "year", "expected"), [
    ("2022年3月5日", None, T(2022, 3, 5)),
    ("2022.3.5", None, T(2022, 3, 5)),
    ("2022/03/05", None, T(2022, 3, 5)),
    ("2022-3-5", None, T(2022, 3, 5)),
    ("20220305", None, T(2022, 3, 5)),
    ("2022-03-05 14:03:00", None, T(2022, 3, 5, 14, 3)),
    ("2022/3/5 9:03", None, T(2022, 3, 5, 9, 3)),
    ("2022年3月5日 14时03分", None, T(2022, 3, 5, 14, 3)),
    ("2022-03-05T14:03:00", None, T(2022, 3, 5, 14, 3)),
    ("44625", None, T(2022, 3, 5)),  # Excel serial
    ("44625.5", None, T(2022, 3, 5, 12)),
    ("２０２２年３月５日", None, T(2022, 3, 5)),  # full-width digits
    ("3月5日", 2022, T(2022, 3, 5)),  # year from the title row
    ("3月5日", None, None),  # no year anywhere: not a date
    ("—", None, None),
    ("/", None, None),
    ("无", None, None),
    ("", None, None),
    ("2022-13-45", None, None),
    ("bad-date", None, None),
])
def test_etl001_dates(con, text: str, year: int | None, expected: dt.datetime | None) -> None:
    assert one(con, "kpi_ts(kpi_fold(?), ?)", text, year) == expected


def test_etl001b_date_problem_only_for_present_values(con) -> None:
    from etl.sources import SOURCES_BY_NAME

    col = SOURCES_BY_NAME["dcm_cases"].column("closed_at")
    typed = sqlgen.typed_expression(col, "t", "", "1", "NULL")
    problem = sqlgen.problem_expression(col, "t", typed)
    for text, reason in (("2022-03-05", None), ("—", None), ("", None), ("无", None), ("bad", "not a date")):
        assert one(con, f"(SELECT {problem} FROM (SELECT kpi_fold(?) AS t))", text) == reason


# --- 4. numbers -----------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "scale", "expected"), [
    ("1,540", 1, 1540),
    ("1，540", 1, 1540),  # full-width comma
    ("１５４０", 1, 1540),  # full-width digits
    ("约4.232万元", 1, 42320),
    ("约4.232万元", 10000, 42320),  # 万 in the value wins over a 万元 column: never 10⁸
    ("4.232", 10000, 42320),  # 罚款金额(万元)
    ("1.2万㎡", 1, 12000),
    ("1.2", 10000, 12000),  # 清扫面积(万㎡)
    ("260余", 1, 260),
    ("93.72%", 1, 0.9372),
    (" 12 ", 1, 12),
    ("-5", 1, -5),
    ("—", 1, None),
    ("/", 1, None),
    ("无", 1, None),
    ("", 1, None),
    ("NULL", 1, None),
])
def test_etl002_numbers(con, text: str, scale: int, expected: float | None) -> None:
    value = one(con, "kpi_num(kpi_fold(?), ?)", text, scale)
    assert value == (pytest.approx(expected) if expected is not None else None)


def test_etl002b_not_a_number(con) -> None:
    assert one(con, "kpi_num(kpi_fold(?), 1)", "待定") is None
    assert one(con, "CAST(round(kpi_num(kpi_fold(?), 1)) AS BIGINT)", "１２.６") == 13


# --- 5. text --------------------------------------------------------------------------------


def test_etl003_fold_fullwidth_and_spaces(con) -> None:
    assert one(con, "kpi_fold(?)", "\u3000ＡＢＣ\u3000１２３\u00a0") == "ABC 123"
    assert one(con, "kpi_fold(?)", "环翠楼（街道）") == "环翠楼(街道)"
    assert one(con, "kpi_fold(?)", "plain") == "plain"
    assert one(con, "kpi_key(kpi_fold(?))", "环翠楼\u3000街道 ") == "环翠楼街道"


@pytest.mark.parametrize("text", [
    "威环综执立〔2022〕第0123号",
    "威环综执立[2022]第0123号",
    "威环综执立【2022】第0123号",
    "威环综执立(2022)第0123号",
    "威环综执立（2022）第0123号",
    "威环综执立［2022］第0123号",
    "威环综执立 [2022] 第0123号",
    "威环综执立〔 2022 〕第0123号",
])
def test_etl004_case_number_brackets_mean_the_same(con, text: str) -> None:
    assert one(con, "kpi_id(kpi_fold(?))", text) == "威环综执立〔2022〕第0123号"


@pytest.mark.parametrize("text", ["371002001001001", "91371002MA3C12345X", "37100200001310000001", "0012"])
def test_etl005_long_ids_stay_strings(con, text: str) -> None:
    assert one(con, "kpi_id(kpi_fold(?))", text) == text


@pytest.mark.parametrize(("text", "expected"), [
    ("[作废]", "作废"), ("【作废】", "作废"), ("(作废)", "作废"), ("（作废）", "作废"), ("〔缓办〕", "缓办"),
    (" 结案 ", "结案"), ("挂账", "挂账"), ("[]", None), ("—", None),
])
def test_etl006_stage_brackets(con, text: str, expected: str | None) -> None:
    assert one(con, "kpi_stage(kpi_fold(?))", text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("是", True), ("否", False), ("Y", True), ("N", False), ("√", True), ("×", False), ("是 ", True),
    ("１", True), ("", None), ("—", None),
])
def test_etl007_bool(con, text: str, expected: bool | None) -> None:
    assert one(con, "kpi_bool(kpi_fold(?))", text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("合计", True), ("小计", True), ("总计", True), ("羊亭镇 小计", True), ("填表人：王芳 审核人：李强", True),
    ("制表：张三", True), ("WJ-2022-0001", False), ("环翠楼街道", False),
])
def test_etl008_footer_rows(con, text: str, expected: bool) -> None:
    assert one(con, "kpi_is_footer(?)", text) is expected


def test_etl009_missing_tokens(con) -> None:
    for token in ("", "—", "——", "-", "/", "NULL", "#N/A"):
        assert one(con, "kpi_text(kpi_fold(?))", token) is None
    assert one(con, "kpi_text(kpi_fold(?))", "无") == "无"  # a real value of 强制执行
    assert one(con, "kpi_value(kpi_fold(?))", "无") is None


# --- Python-side text helpers ---------------------------------------------------------------


def test_etl010_header_key_and_nfkc() -> None:
    assert header_key("违建面积（㎡）") == header_key("违建面积(m2)") == "违建面积(m2)"
    assert header_key("*任务号：") == "任务号"
    assert header_key(" 所属\u3000街道 ") == "所属街道"
    assert header_key("村【居】") == header_key("村（居）")
    assert header_key("Indicator") == "indicator"
    assert nfkc("\u3000Ａ\u00a0 B\u3000") == "A B"


@pytest.mark.parametrize(("value", "expected"), [
    (None, None),
    ("  ", None),
    (371002001001001.0, "371002001001001"),  # a grid code Excel stored as a number
    (2022000001.0, "2022000001"),
    (4.232, "4.232"),
    (True, "是"),
    (float("nan"), None),
    (dt.datetime(2022, 3, 5, 14, 3), "2022-03-05 14:03:00"),
    (dt.date(2022, 3, 5), "2022-03-05"),
    (" 环翠楼 ", "环翠楼"),
])
def test_etl011_cell_text(value: object, expected: str | None) -> None:
    assert cell_text(value) == expected


def test_etl012_title_context() -> None:
    ctx = title_context(["环翠区清雪力量台账（截至2022年11月30日）", "单位：万元", "导出时间：2022-04-01 08:30"])
    assert ctx == {"year": 2022, "as_of": "2022-11-30", "unit": "万元", "unit_scale": 10000}
    assert title_context(["截止 2023 年 1 月 5 日"])["as_of"] == "2023-01-05"
    assert title_context(["单位：万㎡"])["unit_scale"] == 10000
    assert title_context(["单位：元"])["unit_scale"] == 1
    assert title_context(["导出时间：2022-04-01 08:30"]) == {}


# --- 2 and 7. header detection --------------------------------------------------------------

DCM = ["任务号", "上报时间", "问题来源", "小类名称", "所属街道", "处置部门", "当前阶段名称"]


def test_etl013_detect_below_title_rows() -> None:
    preview = [["环翠区2022年3月案件统计表", None], ["单位：件", None], [None] * 7, DCM, ["1", "2022-03-05"]]
    det = detect(preview)
    assert (det.spec.name, det.header_row, det.depth, det.data_start) == ("dcm_cases", 3, 1, 4)
    assert det.context["year"] == 2022


def test_etl014_detect_two_row_merged_header() -> None:
    top = ["违建编号", "镇街", "违建类型", "违建面积(㎡)", "发现日期", "状态", "拆除情况", "拆除情况"]
    bottom = ["违建编号", "镇街", "违建类型", "违建面积(㎡)", "发现日期", "状态", "拆除日期", "拆除面积(㎡)"]
    det = detect([["违法建设台账"], top, bottom, ["WJ-1"]])
    assert det.spec.name == "illegal_construction"
    assert det.data_start == 3  # the bottom row holds every name once merges are filled
    assert det.columns["demolished_on"] == 6 and det.columns["demolished_area_m2"] == 7


def test_etl015_detect_joined_group_header() -> None:
    """A group label and a sub-header that only mean the column together: 违建面积 over (㎡)."""
    top = ["违建编号", "镇街", "违建类型", "违建面积", "发现日期", "状态"]
    bottom = ["违建编号", "镇街", "违建类型", "(㎡)", "发现日期", "状态"]
    det = detect([top, bottom, ["WJ-1"]])
    assert det.spec.name == "illegal_construction" and det.columns["area_m2"] == 3


def test_etl016_detect_aliases_and_ignored_columns() -> None:
    header = ["案卷编号", "发现时间", "案件来源", "小类", "镇街", "责任部门", "案件状态", "备注", "经办人"]
    det = detect([header])
    assert det.spec.name == "dcm_cases"
    assert det.columns == {"case_no": 0, "reported_at": 1, "channel": 2, "minor_category": 3, "town_code": 4,
                           "department": 5, "stage": 6}
    assert det.ignored == ["备注", "经办人"]


def test_etl017_detect_near_miss_names_column_and_closest_header() -> None:
    header = ["任务号", "上报时间", "问题来源", "小类名称", "所属街", "处置部门", "当前阶段名称"]
    with pytest.raises(DetectError) as err:
        detect([header, ["1"]])
    message = str(err.value)
    assert "dcm_cases" in message and "所属街道" in message and "'所属街'" in message


def test_etl018_detect_unknown_and_empty() -> None:
    with pytest.raises(DetectError, match="match no known export"):
        detect([["姓名", "电话"], ["张三", "1"]])
    with pytest.raises(DetectError, match="empty"):
        detect([[None, None], []])


def test_etl019_detect_forced_source() -> None:
    header = ["编号", "日期", "类型", "镇街"]  # fume_records by its aliases
    assert detect([header]).spec.name == "fume_records"
    with pytest.raises(DetectError, match="lacks required column 出动人次"):
        detect([header], force="coastal_logs")


def test_etl020_snow_roster_date_from_title() -> None:
    header = ["镇街/单位", "人员数", "机械类型", "台数"]
    with pytest.raises(DetectError, match="统计日期"):
        detect([header], force="snow_roster")
    det = detect([["清雪力量台账（截至2022年11月30日）"], header])
    assert det.spec.name == "snow_roster" and det.context["as_of"] == "2022-11-30"


# --- 1. encodings and readers ---------------------------------------------------------------

OUTSIDE_GBK = "䶮"  # CJK extension A: in GB18030, not in GBK


@pytest.mark.parametrize(("encoding", "expected"), [
    ("gb18030", "gb18030"), ("gbk", "gb18030"), ("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"),
])
def test_etl021_sniff_encoding(encoding: str, expected: str) -> None:
    text = "任务号,所属街道\r\n1,孙家疃\r\n" * 3
    assert sniff_encoding(text.encode(encoding)) == expected


def test_etl022_sniff_cut_character_at_sample_end() -> None:
    data = ("孙家疃" * 10).encode("utf-8")[:-1]
    assert sniff_encoding(data) == "utf-8"


def test_etl023_csv_gb18030_outside_gbk(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", [["任务号", "所属社区"], ["1", f"{OUTSIDE_GBK}村"]], "gb18030")
    table = read_csv_table(path, tmp_path)
    assert table.encoding == "gb18030"
    assert table.preview == [["任务号", "所属社区"], ["1", f"{OUTSIDE_GBK}村"]]
    assert table.csv_path != path and table.csv_path.read_text(encoding="utf-8").startswith("任务号")


def test_etl024_csv_utf8_bom_and_tabs(tmp_path: Path) -> None:
    path = tmp_path / "b.csv"
    path.write_bytes(codecs.BOM_UTF8 + "任务号\t所属街道\r\n1\t环翠楼\r\n".encode())
    table = read_csv_table(path, tmp_path)
    assert table.encoding == "utf-8-sig" and table.csv_delimiter == "\t"
    assert table.preview[0] == ["任务号", "所属街道"]


def test_etl025_csv_utf16_with_bom(tmp_path: Path) -> None:
    """Excel's "Unicode text": UTF-16 LE with a BOM, tab-delimited."""
    path = tmp_path / "c.txt"
    path.write_bytes("任务号\t所属街道\r\n1\t环翠楼\r\n".encode("utf-16"))
    table = read_csv_table(path, tmp_path)
    assert table.preview == [["任务号", "所属街道"], ["1", "环翠楼"]]
    assert table.csv_path.read_text(encoding="utf-8").splitlines()[1] == "1\t环翠楼"


@pytest.mark.parametrize(("name", "data", "message"), [
    ("empty.csv", b"", "empty"),
    ("blank.csv", b"\r\n \r\n", "empty"),
    ("latin1.csv", "Straße,café\r\nä,ö\r\n".encode("cp1252"), "encoding"),
    ("big5.csv", "工單編號,派遣時間,鎮街\r\n1,2022-01-01,環翠樓\r\n".encode("big5"), "encoding"),
    ("sjis.csv", "案件番号,報告時間\r\n1,2\r\n".encode("shift_jis"), "encoding"),
    ("empty.xlsx", b"", "empty"),
    ("junk.xlsx", b"PK\x03\x04" + b"x" * 64, "not a valid .xlsx"),
    ("junk.xls", b"\xd0\xcf\x11\xe0" + b"x" * 64, "cannot open the workbook"),
    ("data.json", b"{}", "unsupported file type"),
])
def test_etl026_read_errors_name_the_problem(tmp_path: Path, name: str, data: bytes, message: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    try:
        tables = read_tables(path, tmp_path)
    except ReadError as exc:
        import re

        assert re.search(message, str(exc)), str(exc)
        assert "\n" not in str(exc)
    else:
        raise AssertionError(f"{name} read as {tables[0].preview[:2]!r}")


def _merged_sheet() -> Sheet:
    return Sheet(
        "清雪",
        ["镇街/单位", "人员数", "机械类型", "台数"],
        [["环翠楼街道", 300, "滚雪刷", 5], [None, None, "推雪铲", 3], ["张村镇", 120, "铲雪车", 4]],
        titles=["清雪力量台账（截至2022年11月30日）"],
        vmerge=[(0, 1, 0), (0, 1, 1)],
        footers=[["合计", 420, None, 12]],
    )


@pytest.mark.parametrize("writer", [write_xlsx, write_xls])
def test_etl027_workbook_merges_filled(tmp_path: Path, writer) -> None:
    path = writer(tmp_path / ("m.xlsx" if writer is write_xlsx else "m.xls"), [_merged_sheet()])
    (table,) = read_tables(path, tmp_path)
    assert table.sheet == "清雪"
    assert len(set(table.rows[0])) == 1 and "截至2022年11月30日" in table.rows[0][0]  # title merged across
    assert table.rows[3:6] == [
        ["环翠楼街道", "300", "滚雪刷", "5"], ["环翠楼街道", "300", "推雪铲", "3"], ["张村镇", "120", "铲雪车", "4"],
    ]
    det = detect(table.preview)
    assert det.spec.name == "snow_roster" and det.data_start == 3


def test_etl028_workbook_several_sheets_and_dates(tmp_path: Path) -> None:
    sheets = [
        Sheet("一", ["编号", "日期", "类型", "镇街"], [["YY-1", dt.date(2022, 3, 5), "专业检测", "环翠楼"]]),
        Sheet("二", ["编号", "日期", "类型", "镇街"], [["YY-2", dt.datetime(2022, 3, 6, 8, 30), "专业检测", "竹岛"]]),
        Sheet("空", ["x"], []),
    ]
    for path in (write_xlsx(tmp_path / "s.xlsx", sheets), write_xls(tmp_path / "s.xls", sheets)):
        tables = read_tables(path, tmp_path)
        assert [t.sheet for t in tables] == ["一", "二", "空"]
        assert tables[0].rows[1][1].startswith("2022-03-05")
        assert tables[1].rows[1][1] == "2022-03-06 08:30:00"


def test_etl029_truncated_workbooks(tmp_path: Path) -> None:
    sheets = [Sheet("s", ["编号", "日期", "类型", "镇街"], [["YY-1", "2022-03-05", "专业检测", "环翠楼"]] * 50)]
    for name in ("t.xlsx", "t.xls"):
        full = (write_xlsx if name.endswith("x") else write_xls)(tmp_path / ("full-" + name), sheets)
        cut = tmp_path / name
        cut.write_bytes(full.read_bytes()[: full.stat().st_size // 2])
        with pytest.raises(ReadError) as err:
            read_tables(cut, tmp_path)
        assert "\n" not in str(err.value)


def test_etl029b_fullwidth_comma_stays_in_its_cell(con, tmp_path: Path) -> None:
    """Transcoding keeps values as exported: an unquoted 1，540 stays one cell (nor is ＂ a quote)."""
    path = write_csv(tmp_path / "n.csv", [["编号", "数量", "说明"], ["A-1", "1，540", "＂ＡＢ＂\u3000"]], "gb18030")
    table = read_csv_table(path, tmp_path)
    rows = [line.split(",") for line in table.csv_path.read_text(encoding="utf-8").splitlines()]
    assert [len(r) for r in rows] == [3, 3]
    assert one(con, "kpi_num(?, 1)", rows[1][1]) == 1540
    assert rows[1][2] == "＂ＡＢ＂\u3000"
    assert one(con, "kpi_fold(?)", rows[1][2]) == '"AB"'  # folded in SQL, where a value needs it
