"""The pack's files for the hand-made week of ``tests/meeting_data.py``: the XLSX opens with openpyxl, the PPTX
with python-pptx, the PDF with pdftotext (poppler-utils), and each holds the week's figures (expected values
written by hand from the week's numbers, never read back from the code)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pptx import Presentation

from dashboard.meeting_pack.build import write_files
from dashboard.meeting_pack.pack import from_figures
from tests.meeting_data import COMMITMENTS, week_figures

pytestmark = pytest.mark.skipif(shutil.which("chromium") is None, reason="needs chromium (apt-get install chromium)")


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    pack = from_figures(week_figures(), basis="snapshot", frozen_at="2022-12-05T09:30", commitments=COMMITMENTS)
    out = tmp_path_factory.mktemp("pack")
    paths = write_files(pack, out, "zh")
    return {p.suffix.lstrip("."): p for p in paths}


def test_mfile001_names_and_nothing_partial(files) -> None:
    folder = files["xlsx"].parent
    assert folder.name == "2022-W48"
    assert sorted(p.name for p in folder.iterdir() if p.is_file()) == [
        "meeting-2022-W48-zh.pdf", "meeting-2022-W48-zh.pptx", "meeting-2022-W48-zh.xlsx"]
    assert sorted(p.name for p in (folder / "charts").iterdir()) == [f"chart-zh-{i}.png" for i in (1, 2, 3, 4)]


def test_mfile002_xlsx_sheets_numbers_and_formats(files) -> None:
    wb = load_workbook(files["xlsx"])
    assert wb.sheetnames == ["周调度工作简报（2022年第48周）", "指标总览", "镇街对比-按期结案率", "镇街对比-结案率",
                             "镇街对比-返工率", "镇街对比-立案数", "督办清单", "议定事项"]
    ws = wb["指标总览"]
    assert [c.value for c in ws[2]] == ["指标", "本周", "上周", "较上周", "目标", "状态"]
    assert ws.freeze_panes == "A3"
    assert ws["A2"].font.bold and ws["A2"].fill.fgColor.rgb == "001F3A5F"
    rows = {r[0].value: r for r in ws.iter_rows(min_row=3)}
    on_time = rows["按期结案率"]
    assert on_time[1].value == pytest.approx(69 / 79) and on_time[1].number_format == "0.0%"
    assert on_time[2].value == pytest.approx(54 / 64)
    assert (on_time[3].value, on_time[4].value, on_time[5].value) == (pytest.approx(100 * (69 / 79 - 54 / 64)), 0.9,
                                                                      "接近")
    assert on_time[3].number_format == '+0.0" pp";-0.0" pp";0.0" pp"'  # shows +3.0 pp
    assert on_time[5].fill.fgColor.rgb == "00E8A33D"  # amber, from warehouse/reference/status.csv
    filed = rows["立案数"]
    assert (filed[1].value, filed[2].value, filed[1].number_format) == (95, 85, "#,##0")
    assert (filed[3].value, filed[3].number_format) == (pytest.approx(10 / 85), "+0.0%;-0.0%;0.0%")  # +11.8%
    assert ws.column_dimensions["A"].width >= 14
    towns = wb["镇街对比-按期结案率"]
    zhangcun = next(r for r in towns.iter_rows(min_row=3) if r[0].value == "张村镇")
    assert (zhangcun[1].value, zhangcun[2].value, zhangcun[5].value) == \
        (pytest.approx(0.8), pytest.approx(0.7), "未达标")
    sup = wb["督办清单"]
    assert [[c.value for c in r] for r in sup.iter_rows(min_row=3)] == [
        ["张村镇", "A1", "暴露垃圾", "张村镇", "2022-11-20", 14],
        ["张村镇", "A2", "占道经营", "张村镇", "2022-11-30", 4],
        ["鲸园街道", "B1", "非法小广告", "区综合执法局", "2022-12-01", 3],
    ]
    brief = wb["周调度工作简报（2022年第48周）"]
    assert brief["A3"].value.startswith("2022年第48周（11-28—12-04），全区数字城管立案 95 件")


def _texts(slide) -> list[str]:
    out = []
    for shape in slide.shapes:
        if shape.has_text_frame:
            out.append(shape.text_frame.text)
        if shape.has_table:
            out += [cell.text for row in shape.table.rows for cell in row.cells]
    return out


def test_mfile003_pptx_slides_tables_charts(files) -> None:
    prs = Presentation(str(files["pptx"]))
    slides = list(prs.slides)
    assert len(slides) == 9  # title, brief, indicators, 4 charts, supervised, commitments
    titles = [_texts(s)[0] for s in slides]
    assert titles[1:3] == ["周调度工作简报（2022年第48周）", "指标总览"]
    assert titles[3:] == ["按期结案率（各镇街本周，对照目标）", "结案率（各镇街本周，对照目标）",
                          "返工率（各镇街本周，对照目标）", "立案数（各镇街，本周与上周）", "督办清单", "议定事项"]
    assert sum(1 for s in slides[3:7] for sh in s.shapes if sh.shape_type == 13) == 4  # 13: picture
    table = _texts(slides[2])
    i = table.index("按期结案率")
    assert table[i:i + 6] == ["按期结案率", "87.3%", "84.4%", "+3.0 pp", "90%", "接近"]
    commitments = _texts(slides[8])
    j = commitments.index("竹岛街道")
    assert commitments[j:j + 9] == ["竹岛街道", "按期结案率", "竹岛中队", "2022-12-02", "清理超期案件", "90.0%",
                                    "70.0%", "推进中", ""]
    run = slides[2].shapes[0].text_frame.paragraphs[0].runs[0]
    assert run._r.rPr.find("{http://schemas.openxmlformats.org/drawingml/2006/main}ea").get("typeface") == \
        "Noto Sans CJK SC"


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")
def test_mfile004_pdf_a4_sections_on_their_own_pages(files) -> None:
    info = subprocess.run(["pdfinfo", str(files["pdf"])], capture_output=True, text=True, check=True).stdout
    assert "594.96 x 841.92 pts (A4)" in info
    text = subprocess.run(["pdftotext", "-layout", str(files["pdf"]), "-"], capture_output=True, text=True,
                          check=True).stdout
    pages = ["".join(page.split()) for page in text.split("\f")]  # lines wrap anywhere in Chinese
    first = next(i for i, p in enumerate(pages) if "全区数字城管立案95件" in p)
    assert "按期结案率87.3%，较上周上升3.0个百分点" in pages[first]
    indicators = next(i for i, p in enumerate(pages) if "指标总览" in p)
    supervised = next(i for i, p in enumerate(pages) if "督办清单" in p and "非法小广告" in p)
    commitments = next(i for i, p in enumerate(pages) if "议定事项" in p and "清理超期案件" in p)
    assert first < indicators < supervised < commitments
    assert "非法小广告" not in pages[commitments]  # a page break between the sections
    assert "竹岛街道按期结案率竹岛中队2022-12-02清理超期案件90.0%70.0%推进中" in pages[commitments]


def test_mfile005_xlsx_neutralises_formula_text_typed_in_a_meeting(tmp_path: Path) -> None:
    """A commitment's text and owner are typed by users: a leading = + - @ is written as text, never a formula."""
    from dashboard.meeting_pack import xlsx

    typed = [{**COMMITMENTS[0], "text": '=HYPERLINK("http://x","点此")', "owner": "@竹岛中队", "closed_note": "-1"}]
    pack = from_figures(week_figures(), basis="snapshot", frozen_at="2022-12-05T09:30", commitments=typed)
    ws = load_workbook(xlsx.write(pack, tmp_path / "pack.xlsx", "zh"))["议定事项"]
    row = [c.value for c in ws[3]]
    assert (row[2], row[4], row[8]) == ("'@竹岛中队", '\'=HYPERLINK("http://x","点此")', "'-1")
    assert all(c.data_type != "f" for r in ws.iter_rows() for c in r)
