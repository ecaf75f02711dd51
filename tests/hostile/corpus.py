"""The hostile corpus: damaged, malformed and malicious exports, each with the outcome a load must give.

Every input is written by a builder here (nothing binary is checked in). The good rows are a coastal
daily log (海岸带整治日志, headers as ``etl/sources.py`` and tests/fixtures/exports.py give them) or a
digital urban management case export; the damage is what clerks' files really suffer: encodings,
truncation, quotes, line ends, junk, bombs and values no clerk would accept.

``Expect.refused``: every table of the file fails with a one-line message matching ``message`` (English,
``--lang en``) and nothing of it reaches a fact table. ``Expect.loaded``: the file's tables together give
exactly these rows in / loaded / rejected / skipped, and ``failed`` tables (sheets) fail on their own.
"""

from __future__ import annotations

import codecs
import os
import random
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from tests.fixtures.exports import Sheet, write_csv, write_xls, write_xlsx

LOG_HEADER = ["日志编号", "日期", "镇街", "出动人次", "车辆台次", "清理垃圾(吨)"]
DCM_HEADER = ["任务号", "上报时间", "问题来源", "小类名称", "所属街道", "处置部门", "当前阶段名称"]


def log_rows(n: int, prefix: str = "HL") -> list[list[str]]:
    towns = ["竹岛", "环翠楼", "鲸园街道", "孙家疃", "张村镇"]
    return [[f"{prefix}-{i:06d}", f"2022-06-{1 + i % 28:02d}", towns[i % 5], str(3 + i % 7), str(1 + i % 2),
             f"{0.5 + i % 4}"] for i in range(n)]


def good_log(n: int = 20, prefix: str = "HL") -> list[list[str]]:
    return [LOG_HEADER, *log_rows(n, prefix)]


@dataclass(frozen=True)
class Expect:
    refused: str | None = None  # a regex the one-line English message must match
    rows_in: int = 0
    loaded: int = 0
    rejected: int = 0
    skipped: int = 0
    failed: int = 0  # tables (sheets) of the file that fail while the others load
    reasons: tuple[str, ...] = ()  # reject reasons that must occur

    @property
    def is_refusal(self) -> bool:
        return self.refused is not None


def refused(message: str) -> Expect:
    return Expect(refused=message)


def loaded(rows_in: int, loaded: int, rejected: int = 0, skipped: int = 0, failed: int = 0,
           reasons: tuple[str, ...] = ()) -> Expect:
    return Expect(None, rows_in, loaded, rejected, skipped, failed, reasons)


@dataclass(frozen=True)
class Case:
    name: str  # unique, also the folder the input is written to
    build: Callable[[Path], Path]  # writes the input into an empty folder, returns the path to load
    expect: Expect
    what: str  # the damage, in words


# --- writers -------------------------------------------------------------------------------


def _csv(name: str, rows: list[list[str]], encoding: str = "utf-8") -> Callable[[Path], Path]:
    return lambda d: write_csv(d / name, rows, encoding)


def _bytes(name: str, data: bytes | Callable[[], bytes]) -> Callable[[Path], Path]:
    def build(d: Path) -> Path:
        path = d / name
        path.write_bytes(data() if callable(data) else data)
        return path
    return build


def _text(rows: list[list[str]], sep: str = ",", end: str = "\r\n") -> str:
    return end.join(sep.join(r) for r in rows) + end


def _junk(n: int = 4096, seed: int = 7) -> bytes:
    return random.Random(seed).randbytes(n)


def _xlsx(name: str, sheets: list[Sheet]) -> Callable[[Path], Path]:
    return lambda d: write_xlsx(d / name, sheets)


def _truncated(builder: Callable[[Path], Path], name: str) -> Callable[[Path], Path]:
    def build(d: Path) -> Path:
        full = builder(d)
        data = full.read_bytes()
        full.unlink()
        path = d / name
        path.write_bytes(data[: len(data) // 2])
        return path
    return build


_SHEET_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{dimension}'
    "<sheetData>{rows}</sheetData>{merges}</worksheet>"
)


def _cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def _raw_xlsx(name: str, sheet_xml: Callable[[], bytes | str | Iterator[bytes]], extra_sheets: int = 0,
              names: tuple[str, ...] = ()) -> Callable[[Path], Path]:
    """An .xlsx written part by part, so its sheet XML can say anything (a real writer would refuse to)."""
    def build(d: Path) -> Path:
        path = d / name
        n = 1 + extra_sheets
        titles = [*names, *(f"S{i}" for i in range(len(names) + 1, n + 1))]
        sheets = "".join(f'<sheet name="{titles[i - 1]}" sheetId="{i}" r:id="rId{i}"/>' for i in range(1, n + 1))
        rels = "".join(
            f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            f'worksheet" Target="worksheets/sheet{i}.xml"/>' for i in range(1, n + 1))
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
            f'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' for i in range(1, n + 1))
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("[Content_Types].xml", (
                '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
                'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName='
                '"/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.'
                f'main+xml"/>{overrides}</Types>'))
            z.writestr("_rels/.rels", (
                '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
                'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'))
            z.writestr("xl/workbook.xml", (
                '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
                'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
                f'relationships"><sheets>{sheets}</sheets></workbook>'))
            z.writestr("xl/_rels/workbook.xml.rels", (
                '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                f'package/2006/relationships">{rels}</Relationships>'))
            _write_part(z, "xl/worksheets/sheet1.xml", sheet_xml())
            for i in range(2, n + 1):
                z.writestr(f"xl/worksheets/sheet{i}.xml", _log_sheet_xml(5, f"S{i}"))
        return path
    return build


def _write_part(z: zipfile.ZipFile, name: str, data: bytes | str | Iterator[bytes]) -> None:
    """A zip part from bytes, text or a stream of blocks (a bomb is never held in memory whole)."""
    if isinstance(data, bytes | str):
        z.writestr(name, data)
        return
    with z.open(name, "w", force_zip64=True) as part:
        for block in data:
            part.write(block)


def _log_sheet_xml(n: int, prefix: str) -> str:
    rows = [LOG_HEADER, *log_rows(n, prefix)]
    cols = "ABCDEF"
    body = "".join(f'<row r="{r}">' + "".join(_cell(f"{cols[c]}{r}", v) for c, v in enumerate(row)) + "</row>"
                   for r, row in enumerate(rows, start=1))
    return _SHEET_XML.format(dimension=f'<dimension ref="A1:F{len(rows)}"/>', rows=body, merges="")


def _far_cells() -> str:
    body = '<row r="1">' + "".join(_cell(f"{c}1", v) for c, v in zip("ABCDEF", LOG_HEADER, strict=True)) + "</row>"
    body += '<row r="1048576">' + _cell("XFD1048576", "x") + "</row>"
    return _SHEET_XML.format(dimension="", rows=body, merges="")


def _huge_merge() -> str:
    return _SHEET_XML.format(dimension="", rows=_log_sheet_xml(3, "M").split("<sheetData>")[1].split("</sheetData>")[0],
                             merges='<mergeCells count="1"><mergeCell ref="A5:XFD1048576"/></mergeCells>')


def _wide_row() -> str:
    def col(n: int) -> str:
        s = ""
        while n:
            n, r = divmod(n - 1, 26)
            s = chr(65 + r) + s
        return s
    body = '<row r="1">' + "".join(_cell(f"{col(i)}1", f"h{i}") for i in range(1, 100_001)) + "</row>"
    return _SHEET_XML.format(dimension="", rows=body, merges="")


def _sheet_bomb() -> Iterator[bytes]:
    """~450 MB of sheet XML (a header, two rows, then empty rows) that deflates to about 1 MB."""
    yield _log_sheet_xml(2, "B").split("</sheetData>")[0].encode()
    block = b"<row/>" * (1 << 20)
    for _ in range(72):
        yield block
    yield b"</sheetData></worksheet>"


def _spaces(mb: int) -> Iterator[bytes]:
    yield b"<sst>"
    block = b" " * (1 << 20)
    for _ in range(mb):
        yield block
    yield b"</sst>"


def _shared_string_bomb(d: Path) -> Path:
    """10,000 cells that all use one 32,000-character shared string (320 MB once the reader copies it)."""
    cells = "".join(f'<row r="{r}"><c r="A{r}" t="s"><v>0</v></c></row>' for r in range(2, 10_002))
    header = '<row r="1">' + "".join(_cell(f"{c}1", v) for c, v in zip("ABCDEF", LOG_HEADER, strict=True)) + "</row>"
    path = _raw_xlsx("共享串炸弹.xlsx", lambda: _SHEET_XML.format(dimension="", rows=header + cells, merges=""))(d)
    with zipfile.ZipFile(path, "a") as z:
        z.writestr("xl/sharedStrings.xml", '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                   f'<si><t>{"长" * 32_000}</t></si></sst>')
    return path


def _lying_sizes(d: Path) -> Path:
    """A sheet part that says it unzips to 1,000 bytes and really unzips to 300 MB."""
    path = d / "谎报大小.xlsx"
    _raw_xlsx(path.name, _log_sheet_xml(2, "LY").encode)(d)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as z, z.open("xl/worksheets/sheet9.xml", "w") as part:
        for _ in range(300):
            part.write(b" " * (1 << 20))
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as z:
        info = z.getinfo("xl/worksheets/sheet9.xml")
    data[info.header_offset + 22: info.header_offset + 26] = (1000).to_bytes(4, "little")
    name = info.filename.encode()
    central = data.rfind(b"PK\x01\x02")
    while central >= 0 and data[central + 46: central + 46 + len(name)] != name:
        central = data.rfind(b"PK\x01\x02", 0, central)
    data[central + 24: central + 28] = (1000).to_bytes(4, "little")
    path.write_bytes(bytes(data))
    return path


def _broken_sheet(d: Path) -> Path:
    """Nine good sheets and one whose XML is cut in the middle."""
    path = _raw_xlsx("十张表.xlsx", lambda: _log_sheet_xml(5, "S1")[:300], extra_sheets=9)(d)
    return path


def _fifo(d: Path) -> Path:
    path = d / "管道.csv"
    os.mkfifo(path)
    return d


def _link_out(d: Path) -> Path:
    (d / "in").mkdir()
    (d / "in" / "passwd.csv").symlink_to("/etc/passwd")
    write_csv(d / "in" / "日志.csv", good_log(3, "LK"))
    return d / "in"


def _same_names(d: Path) -> Path:
    for year, prefix in (("2022", "Y22"), ("2023", "Y23")):
        (d / year).mkdir()
        write_csv(d / year / "台账.csv", good_log(4 if year == "2022" else 6, prefix), "gb18030")
    return d


def _odd_name(name: str) -> Callable[[Path], Path]:
    return lambda d: write_csv(d / name, good_log(3, "ON"))


def _utf16_no_bom(d: Path) -> Path:
    path = d / "utf16.csv"
    path.write_bytes(_text(good_log(5, "U6")).encode("utf-16-le"))
    return path


def _bad_byte_late(d: Path) -> Path:
    rows = good_log(40_000, "BB")
    text = _text(rows).encode("utf-8")
    cut = text.index(b"\r\n", 1_100_000) + 2  # a row after the first megabyte
    path = d / "坏字节.csv"
    path.write_bytes(text[:cut] + b"BB-X,2022-06-01,\xff\xfe\xe7\xab\xb9,5,1,1\r\n" + text[cut:])
    return path


def _quote_swallow(n: int) -> Callable[[Path], Path]:
    def build(d: Path) -> Path:
        rows = good_log(n, "QS")
        rows[2][5] = '"0.5'  # an opening quote that never closes
        path = d / f"引号{n}.csv"
        path.write_text(_text(rows), encoding="utf-8")
        return path
    return build


def _formula_xlsx(d: Path) -> Path:
    rows = log_rows(4, "FX")
    data: list[list[object]] = [list(r) for r in rows]
    data[1][3] = "=1+2"  # openpyxl writes the formula without a cached value
    data[2][3] = "=SUM(D2:D3)"
    return write_xlsx(d / "公式.xlsx", [Sheet("日志", LOG_HEADER, data)])


def _zip_of(name: str, entries: dict[str, bytes | Callable[[], Iterator[bytes]]]) -> Callable[[Path], Path]:
    def build(d: Path) -> Path:
        path = d / name
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
            for entry, data in entries.items():
                _write_part(z, entry, data() if callable(data) else data)
        return path
    return build


def _all_rejected(n: int) -> Callable[[Path], Path]:
    def build(d: Path) -> Path:
        path = d / f"全拒{n}.csv"
        with open(path, "w", encoding="utf-8", newline="") as f:
            f.write(",".join(LOG_HEADER) + "\r\n")
            f.writelines(f"AR-{i:06d},2022-06-01,不存在镇,5,1,1\r\n" for i in range(n))
        return path
    return build


def _with(rows: list[list[str]], at: int, row: list[str]) -> list[list[str]]:
    out = [list(r) for r in rows]
    out.insert(at, row)
    return out


def _set(rows: list[list[str]], r: int, c: int, value: str) -> list[list[str]]:
    out = [list(x) for x in rows]
    out[r][c] = value
    return out


LOG = good_log(10, "HL")
BIG_CELL = "x" * 200_000
JUNK_SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".xlsm", ".xls")


def cases() -> list[Case]:
    """The corpus: at least 60 inputs, each with its expected outcome."""
    c: list[Case] = []

    def add(name: str, build: Callable[[Path], Path], expect: Expect, what: str) -> None:
        c.append(Case(name, build, expect, what))

    # empty, blank, header only, totals only
    add("empty_csv", _bytes("空.csv", b""), refused("empty"), "a 0-byte CSV")
    add("blank_csv", _bytes("空白.csv", b" \r\n\r\n \r\n"), refused("empty"), "only blank lines")
    add("commas_only", _bytes("逗号.csv", b",,,,\r\n,,,,\r\n"), refused("no data|match no known"), "only commas")
    add("header_only", _csv("表头.csv", [LOG_HEADER]), loaded(0, 0), "header, no rows")
    add("only_totals", _csv("合计.csv", [LOG_HEADER, ["合计", "", "", "35", "7", "12"], ["填表人：张三"]]),
        loaded(2, 0, skipped=2), "only a total and a signature row")
    add("empty_xlsx", _bytes("空.xlsx", b""), refused("empty"), "a 0-byte workbook")
    add("no_cells_xlsx", _xlsx("无数据.xlsx", [Sheet("空", [], [])]), refused("no data"), "a workbook with no cells")
    add("header_only_xlsx", _xlsx("表头.xlsx", [Sheet("日志", LOG_HEADER, [])]), loaded(0, 0), "sheet: header only")
    totals = [["合计", None, None, 9, 3, 4]]
    add("only_totals_xlsx", _xlsx("合计.xlsx", [Sheet("日志", LOG_HEADER, [], footers=totals)]),
        loaded(1, 0, skipped=1), "sheet: only a total row")
    # binary junk under every extension, truncated workbooks
    for i, suffix in enumerate(JUNK_SUFFIXES):
        message = "not a text file|encoding" if suffix in (".csv", ".txt", ".tsv") else \
            "not a valid .xlsx|cannot open the workbook"
        add(f"junk{suffix}", _bytes(f"乱码{suffix}", lambda i=i: _junk(4096, i)), refused(message),
            f"random bytes named {suffix}")
    add("zip_as_xlsx_junk", _zip_of("假.xlsx", {"readme.txt": b"hello"}), refused("cannot open the workbook"),
        "a zip that is not a workbook")
    add("truncated_xlsx", _truncated(_xlsx("x.xlsx", [Sheet("日志", LOG_HEADER, log_rows(300, "TX"))]), "截断.xlsx"),
        refused("not a valid .xlsx|damaged|cannot open"), "an .xlsx cut in half")
    xls = _truncated(lambda d: write_xls(d / "x.xls", [Sheet("日志", LOG_HEADER, log_rows(300, "TS"))]), "截断.xls")
    add("truncated_xls", xls, refused("cannot open the workbook|cannot be read"), "an .xls cut in half")
    add("unsupported_json", _bytes("数据.json", b"{}"), refused("unsupported file type"), "a .json given by name")
    # encodings
    add("utf16_bom", _bytes("utf16bom.csv", lambda: codecs.BOM_UTF16_LE + _text(LOG).encode("utf-16-le")),
        loaded(10, 10), "UTF-16 with a byte-order mark")
    add("utf16_no_bom", _utf16_no_bom, loaded(5, 5), "UTF-16 LE without a byte-order mark")
    add("big5", _bytes("繁体.csv", lambda: _text([["日誌編號", "日期", "鎮街", "出動人次", "車輛台次", "清理垃圾(噸)"],
                                               ["B5-1", "2022-06-01", "竹島", "5", "1", "1"]] * 3).encode("big5")),
        refused("encoding"), "Big5")
    sjis = [["日誌番号", "日付", "町", "出動人数"], ["J-1", "2022-06-01", "竹島", "5"]] * 3
    add("shift_jis", _bytes("日文.csv", lambda: _text(sjis).encode("shift_jis")), refused("encoding"), "Shift-JIS")
    add("gb18030", _csv("国标.csv", LOG, "gb18030"), loaded(10, 10), "GB18030 (the usual)")
    add("utf8_bom", _csv("bom.csv", LOG, "utf-8-sig"), loaded(10, 10), "UTF-8 with BOM")
    add("bad_byte_after_1mb", _bad_byte_late, loaded(40_001, 40_000, rejected=1,
                                                     reasons=("undecodable bytes in the text",)),
        "one invalid UTF-8 byte sequence 1.1 MB into the file")
    gb = _text(LOG).encode("gb18030")
    broken = _bytes("国标坏字节.csv", gb.replace("竹岛".encode("gb18030"), b"\x81\x20", 1))
    add("gb_bad_byte", broken, loaded(10, 9, rejected=1, reasons=("undecodable bytes in the text",)),
        "a broken GB18030 pair")
    add("nul_bytes", _bytes("NUL.csv", lambda: _text(LOG).encode().replace(b"HL-000003", b"HL-0\x0000003")),
        loaded(10, 10), "a NUL byte inside a value")
    add("nul_flood", _bytes("NULs.csv", lambda: b"\0" * 5000 + _text(LOG).encode()), refused("not a text file"),
        "thousands of NUL bytes")
    # line ends, delimiters, quotes
    add("cr_only", _bytes("CR.csv", lambda: _text(LOG, end="\r").encode()), loaded(10, 10), "CR-only line ends")
    add("mixed_line_ends", _bytes("混合换行.csv", lambda: "".join(
        ",".join(r) + ("\n" if i % 2 else "\r\n") for i, r in enumerate(LOG)).encode()), loaded(10, 10),
        "CRLF and LF mixed")
    add("no_final_newline", _bytes("无换行.csv", lambda: _text(LOG).rstrip().encode()), loaded(10, 10),
        "no line end after the last row")
    add("semicolon", _bytes("分号.csv", lambda: _text(LOG, ";").encode()), loaded(10, 10), "semicolon-separated")
    add("tab_quote", _bytes("制表.tsv", lambda: _text(_set(LOG, 3, 2, '"竹岛'), "\t").encode()),
        loaded(10, 9, rejected=1, reasons=("unknown town",)), "a quote inside a tab-separated field")
    add("quote_swallow_500", _quote_swallow(500), refused("unclosed quote"), "an unclosed quote, 500 rows")
    add("quote_swallow_3", _quote_swallow(3), refused("unclosed quote"), "an unclosed quote in a 3-row file")
    add("quote_at_end", _bytes("末尾引号.csv", lambda: (_text(LOG) + 'HL-X,2022-06-01,竹岛,5,1,"1\r\n').encode()),
        refused("unclosed quote"), "an unclosed quote in the last row")
    dcm = [["任务号", "上报时间", "问题来源", "小类名称", "问题描述", "所属街道", "处置部门", "当前阶段名称"],
           ["ML-1", "2022-03-05", "12345", "暴露垃圾", "第一行\n第二行", "环翠楼", "环卫中心", "结案"],
           ["ML-2", "2022-03-06", "12345", "暴露垃圾", "一行", "竹岛", "环卫中心", "结案"]]
    add("multiline_field", _csv("多行.csv", dcm), loaded(2, 2), "a legitimately quoted field over two lines")
    add("ragged_rows", _bytes("参差.csv", lambda: _text([LOG_HEADER, *LOG[1:4], ["HL-S", "2022-06-01"],
                                                       [*LOG[4], "多", "余", "列"], ["HL-T"]]).encode()),
        loaded(6, 4, rejected=2, reasons=("required value missing",)), "short and long rows")
    add("duplicate_header", _csv("重复表头.csv", [[*LOG_HEADER, "镇街"], *[[*r, "鲸园"] for r in LOG[1:]]]),
        loaded(10, 10), "a header named twice")
    add("header_mid_file", _csv("表头重复.csv", _with(LOG, 5, LOG_HEADER)),
        loaded(11, 10, rejected=1), "the header repeated in the middle")
    add("blank_rows_inside", _csv("空行.csv", _with(_with(LOG, 3, [""] * 6), 6, ["", "", "", "", "", "", "备注"])),
        loaded(11, 10, skipped=1), "blank and note-only rows between data rows")
    add("long_line_20mb", _bytes("超长行.csv", lambda: (_text(LOG) + "x" * (20 << 20) + "\r\n").encode()),
        refused("over 16 MB"), "a 20 MB line")
    # cells and columns
    add("big_cell_mapped", _csv("大单元格.csv", _set(LOG, 2, 2, BIG_CELL)),
        loaded(10, 9, rejected=1, reasons=("value too long (over 32,767 characters)",)), "a 200 KB cell in 镇街")
    add("big_cell_quoted", _csv("大单元格引号.csv", _set(LOG, 2, 2, BIG_CELL + ',"x"')),
        loaded(10, 9, rejected=1), "a quoted 200 KB cell with commas and quotes")
    add("big_cell_ignored", _csv("大备注.csv", [[*LOG_HEADER, "备注"], *[[*r, BIG_CELL if i == 3 else ""]
                                                                      for i, r in enumerate(LOG[1:])]]),
        loaded(10, 10), "a 200 KB cell in an unknown column")
    add("wide_csv", _bytes("十万列.csv", lambda: (",".join(f"c{i}" for i in range(100_000)) + "\r\n" +
                                                ",".join("1" for _ in range(100_000)) + "\r\n").encode()),
        refused("too many columns"), "100,000 columns")
    # markup, control characters and names
    add("markup_header", _csv("标记表头.csv", [[*LOG_HEADER, "[/x]备注[bold]"], *[[*r, "[/red]"] for r in LOG[1:]]]),
        loaded(10, 10), "rich markup in a header and values")
    add("markup_value_rejected", _csv("标记值.csv", _set(LOG, 2, 2, "[/x]不存在镇")),
        loaded(10, 9, rejected=1, reasons=("unknown town",)), "rich markup in a rejected value")
    add("markup_name", _odd_name("[bold]台账[red]x.csv"), loaded(3, 3), "rich markup in the file name")
    add("control_name", _odd_name("台账\n\x1b[31m红.csv"), loaded(3, 3), "newline and ANSI escape in the file name")
    add("markup_sheet", _raw_xlsx("标记表.xlsx", lambda: _log_sheet_xml(3, "MS"), names=("[/x]日志[bold]",)),
        loaded(3, 3), "rich markup in a sheet name")
    # values a clerk would catch
    add("date_9999", _csv("远日期.csv", _set(LOG, 2, 1, "9999-12-31")),
        loaded(10, 9, rejected=1, reasons=("date outside 2000–2100",)), "a date of 9999-12-31")
    add("date_1900", _csv("旧日期.csv", _set(LOG, 2, 1, "1900-01-01")),
        loaded(10, 9, rejected=1, reasons=("date outside 2000–2100",)), "a date of 1900-01-01")
    add("serial_2119", _csv("序列日期.csv", _set(LOG, 2, 1, "79999")),
        loaded(10, 9, rejected=1, reasons=("date outside 2000–2100",)), "an Excel serial day in 2119")
    add("number_1e20", _csv("大数.csv", _set(LOG, 2, 3, "1e20")),
        loaded(10, 9, rejected=1, reasons=("number out of range",)), "1e20 people")
    add("number_inf", _csv("无穷.csv", _set(LOG, 2, 5, "inf")),
        loaded(10, 9, rejected=1, reasons=("number out of range",)), "infinite tonnes")
    add("number_nan", _csv("非数.csv", _set(LOG, 2, 3, "NaN")),
        loaded(10, 9, rejected=1, reasons=("required value missing",)), "NaN as a required count")
    add("int_overflow", _csv("溢出.csv", _set(LOG, 2, 4, "99999999999999999999999")),
        loaded(10, 9, rejected=1, reasons=("number out of range",)), "an integer over 64 bits")
    add("negative_count", _csv("负数.csv", _set(LOG, 2, 3, "-5")),
        loaded(10, 9, rejected=1, reasons=("negative value",)), "a negative count")
    add("unicode_minus", _csv("负号.csv", _set(_set(LOG, 2, 5, "−300"), 3, 5, "－1.5万")),
        loaded(10, 8, rejected=2, reasons=("negative value",)), "−300 with U+2212, －1.5万 with a full-width minus")
    # workbooks: bombs, limits, broken sheets, formulas
    add("far_cells_xlsx", _raw_xlsx("远单元格.xlsx", _far_cells), refused("too large"), "cells at A1 and XFD1048576")
    add("huge_merge_xlsx", _raw_xlsx("大合并.xlsx", _huge_merge), refused("too large"), "A5:XFD1048576 merged")
    add("wide_xlsx", _raw_xlsx("十万列.xlsx", _wide_row), refused("too large"), "100,000 columns in one row")
    add("sheet_bomb_xlsx", _raw_xlsx("炸弹.xlsx", _sheet_bomb), refused("too large"), "450 MB of rows in a few KB")
    add("zip_bomb_xlsx", _zip_of("压缩炸弹.xlsx", {"xl/sharedStrings.xml": lambda: _spaces(450)}),
        refused("too large"), "a 450 MB shared-strings part")
    add("shared_string_bomb", _shared_string_bomb, refused("too large"), "one 32,000-character string in 10,000 cells")
    add("lying_sizes", _lying_sizes, refused("damaged|too large"), "a part whose zip headers under-state its size")
    add("broken_sheet", _broken_sheet, loaded(45, 45, failed=1), "nine good sheets and one cut short")
    add("formula_cells", _formula_xlsx, loaded(4, 2, rejected=2), "formula cells without cached values")
    add("xls_bad_value", lambda d: write_xls(d / "旧格式.xls", [Sheet("日志", LOG_HEADER, _set(log_rows(5, "XL"), 1, 2,
                                                                                            "不存在镇"))]),
        loaded(5, 4, rejected=1), "legacy .xls with one unknown town")
    # files that are not files, links, names
    add("fifo", _fifo, refused("not a regular file"), "a FIFO named .csv in the folder")
    add("dev_zero", lambda d: Path("/dev/zero"), refused("not a regular file"), "/dev/zero given as a path")
    add("link_out", _link_out, loaded(3, 3, failed=1), "a link to /etc/passwd beside a good file")
    add("same_names", _same_names, loaded(10, 10), "2022/台账.csv and 2023/台账.csv, both GB18030")
    # volume
    add("all_rejected_200k", _all_rejected(200_000), refused("every one of its 200,000 rows was rejected"),
        "200,000 rows, every one with an unknown town")
    add("all_rejected_3", _all_rejected(3), refused("every one of its 3 rows was rejected"), "three rows, all rejected")
    add("duplicate_keys", _csv("重复键.csv", [LOG_HEADER, *LOG[1:], *LOG[1:4]]), loaded(13, 13), "three keys twice")
    return c


def write_corpus(root: Path) -> list[tuple[Case, Path]]:
    """Write every case into its own folder under ``root``; returns (case, the path to load)."""
    out = []
    for case in cases():
        d = root / case.name
        d.mkdir(parents=True)
        out.append((case, case.build(d)))
    return out

