"""The pack as slides (python-pptx, 16:9): a title slide, then a slide per section.

Slides: title; the brief; the indicators table; a chart per key case indicator (PNG from
``dashboard.meeting_pack.charts``); the supervised list (its most overdue rows, with the total); the commitments.
Every run names Noto Sans CJK SC as its Latin and East Asian typeface (``a:latin`` and ``a:ea``), so Chinese
renders with the font the charts use wherever it is installed (PowerPoint falls back to its own CJK font).
"""

from __future__ import annotations

from pathlib import Path

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches, Pt

from dashboard import format as fmt
from dashboard.i18n import t
from dashboard.meeting_pack import brief
from dashboard.meeting_pack.pack import WeekPack
from dashboard.meeting_pack.sections import Table, commitment_table, indicator_table, supervised_table
from warehouse.rules import status as status_rule

FONT = "Noto Sans CJK SC"
DARK = RGBColor(0x1F, 0x3A, 0x5F)
SLIDE_W, SLIDE_H = Inches(13.333), Inches(7.5)
MARGIN = Inches(0.5)
TABLE_ROWS = 14  # rows of a table slide (the supervised list shows its most overdue ones)


def _style(run, size: int, bold: bool = False, color: RGBColor | None = None) -> None:
    font = run.font
    font.name, font.size, font.bold = FONT, Pt(size), bold
    if color is not None:
        font.color.rgb = color
    rpr = run._r.get_or_add_rPr()
    for tag in ("a:ea", "a:cs"):
        el = rpr.find(qn(tag))
        if el is None:
            el = rpr.makeelement(qn(tag), {})
            rpr.append(el)
        el.set("typeface", FONT)


def _text_box(slide, text: str, top: Emu, height: Emu, size: int, bold: bool = False,
              color: RGBColor | None = None) -> None:
    box = slide.shapes.add_textbox(MARGIN, top, SLIDE_W - 2 * MARGIN, height)
    frame = box.text_frame
    frame.word_wrap = True
    for i, line in enumerate(text.split("\n")):
        para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        para.space_after = Pt(8)
        _style(para.add_run(), size, bold, color)
        para.runs[-1].text = line


def _slide(prs: Presentation, title: str):
    slide = prs.slides.add_slide(prs.slide_layouts[6])  # blank
    _text_box(slide, title, Inches(0.3), Inches(0.8), 26, bold=True, color=DARK)
    return slide


def _table(slide, table: Table, top: Emu, note: str = "") -> None:
    rows = table.rows[:TABLE_ROWS]
    height = Inches(0.4) * (len(rows) + 1)
    shape = slide.shapes.add_table(len(rows) + 1, len(table.headers), MARGIN, top, SLIDE_W - 2 * MARGIN, height)
    grid = shape.table
    for j, header in enumerate(table.headers):
        cell = grid.cell(0, j)
        cell.fill.solid()
        cell.fill.fore_color.rgb = DARK
        cell.text_frame.paragraphs[0].text = ""
        _style(cell.text_frame.paragraphs[0].add_run(), 13, bold=True, color=RGBColor(0xFF, 0xFF, 0xFF))
        cell.text_frame.paragraphs[0].runs[-1].text = header
    for i, row in enumerate(rows, start=1):
        status = table.statuses[i - 1] if table.statuses else None
        for j, c in enumerate(row):
            cell = grid.cell(i, j)
            run = cell.text_frame.paragraphs[0].add_run()
            _style(run, 12)
            run.text = c.text
            if j == len(row) - 1 and status in status_rule.COLORS:
                cell.fill.solid()
                cell.fill.fore_color.rgb = RGBColor.from_string(status_rule.COLORS[status].lstrip("#"))
    if note:
        _text_box(slide, note, top + height + Inches(0.2), Inches(0.5), 12)


def write(pack: WeekPack, path: Path, chart_images: list[tuple[str, Path]], lang: str = "zh") -> Path:
    """Write the slides to ``path``; ``chart_images`` are (title, PNG) pairs, a slide each."""
    prs = Presentation()
    prs.slide_width, prs.slide_height = SLIDE_W, SLIDE_H
    first = prs.slides.add_slide(prs.slide_layouts[6])
    _text_box(first, t("meeting.title", lang), Inches(2.4), Inches(1.2), 34, bold=True, color=DARK)
    _text_box(first, brief.title(pack, lang), Inches(3.8), Inches(0.8), 22)
    _text_box(first, fmt.period("week", pack.start, lang, span=True), Inches(4.6), Inches(0.8), 18)

    slide = _slide(prs, brief.title(pack, lang))
    _text_box(slide, brief.as_text(brief.draft(pack, lang)), Inches(1.3), Inches(5.8), 17)

    slide = _slide(prs, t("meeting.section.indicators", lang))
    _table(slide, indicator_table(pack, lang), Inches(1.3))

    for title, image in chart_images:
        slide = _slide(prs, title)
        slide.shapes.add_picture(str(image), MARGIN + Inches(0.6), Inches(1.2), height=Inches(6.0))

    sup = supervised_table(pack, lang)
    slide = _slide(prs, t("meeting.section.supervised", lang))
    total = t("common.rows_count", lang, n=fmt.exact(pack.supervised_total))
    _table(slide, sup, Inches(1.2), note=total if sup.rows else t("meeting.none", lang))

    com = commitment_table(pack, lang)
    slide = _slide(prs, t("meeting.section.commitments", lang))
    _table(slide, com, Inches(1.2), note="" if com.rows else t("meeting.none", lang))
    path.parent.mkdir(parents=True, exist_ok=True)
    prs.save(str(path))
    return path
