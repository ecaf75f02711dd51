"""The /report table as files: XLSX (openpyxl) and PDF (headless Chromium printing a self-contained HTML view,
Chinese set in Noto Sans CJK from fonts-noto-cjk). Both are made from ``pages.report.table.rows``."""

from __future__ import annotations

import html

from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from dashboard.exports import append_row, new_workbook, print_pdf, workbook_bytes, write_cell
from dashboard.i18n import t
from pages.report.table import ReportRow
from warehouse.rules.status import COLORS

PDF_TIMEOUT_S = 60


def headers(year: int, lang: str) -> list[str]:
    return [
        t("rp.figure", lang), t("rp.unit", lang), str(year), str(year - 1), t("rp.change", lang),
        t("rp.change_pct", lang), t("rp.plan", lang), t("rp.status", lang), t("rp.definition", lang),
    ]


def cells(r: ReportRow) -> list[object]:
    return [r.label, r.unit, r.value, r.previous, r.change, r.change_pct, r.target, r.status_name, r.definition]


def _number_format(r: ReportRow, value: float | None) -> str:
    if r.kind == "rate":
        return "0.0%"
    return "#,##0" if value is None or float(value).is_integer() else "#,##0.00"


def _tint(color: str) -> str:
    """A light background of a status colour (#2e9d5b → the colour at 25% on white), as ARGB hex."""
    rgb = [int(color[i : i + 2], 16) for i in (1, 3, 5)]
    return "FF" + "".join(f"{round(255 - (255 - c) * 0.25):02X}" for c in rgb)


def xlsx(rows: list[ReportRow], year: int, lang: str, note: str | None = None) -> bytes:
    """The table as a workbook: a title row, a note, the header, each area's heading, the figures (numbers as
    numbers, in the unit of their row); status cells tinted."""
    wb = new_workbook()
    ws = wb.active
    ws.title = str(year)
    head = headers(year, lang)
    append_row(ws, [f"{t('rp.title', lang)} · {year}"])
    ws["A1"].font = Font(bold=True, size=14)
    append_row(ws, [" ".join(x for x in (t("rp.note", lang), note) if x)])
    append_row(ws, head)
    for cell in ws[3]:
        cell.font = Font(bold=True)
    area = None
    for r in rows:
        if r.area != area:
            area = r.area
            append_row(ws, [area])
            ws.cell(ws.max_row, 1).font = Font(bold=True)
            ws.cell(ws.max_row, 1).fill = PatternFill("solid", fgColor="FFEEF3F9")
        append_row(ws, cells(r))
        for col, value in ((3, r.value_num), (4, r.previous_num)):
            cell = ws.cell(ws.max_row, col) if value is None else write_cell(ws, ws.max_row, col, value)
            cell.number_format = _number_format(r, value)
        if r.status in COLORS:
            ws.cell(ws.max_row, 8).fill = PatternFill("solid", fgColor=_tint(COLORS[r.status]))
        for col in (3, 4, 5, 6, 7):
            ws.cell(ws.max_row, col).alignment = Alignment(horizontal="right")
    for i, width in enumerate((34, 8, 14, 14, 14, 10, 12, 10, 60), start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "B4"
    return workbook_bytes(wb)


def print_html(rows: list[ReportRow], year: int, lang: str, note: str | None = None) -> str:
    """A self-contained A4 landscape page of the table for printing (no scripts, no network)."""
    esc = html.escape
    head = "".join(f"<th>{esc(h)}</th>" for h in headers(year, lang))
    body, area = [], None
    for r in rows:
        if r.area != area:
            area = r.area
            body.append(f'<tr class="area"><th colspan="9">{esc(area)}</th></tr>')
        tds = []
        for i, v in enumerate(cells(r)):
            if i == 7 and r.status in COLORS:
                tds.append(f'<td style="background:{COLORS[r.status]}40">{esc(str(v))}</td>')
            else:
                tds.append(f'<td class="{"num" if 2 <= i <= 6 else ""}">{esc(str(v))}</td>')
        body.append(f"<tr>{''.join(tds)}</tr>")
    title = f"{t('rp.title', lang)} · {year}"
    return f"""<!doctype html><html lang="{'en' if lang == 'en' else 'zh-CN'}"><head><meta charset="utf-8">
<title>{esc(title)}</title><style>
@page {{ size: A4 landscape; margin: 12mm; }}
body {{ font-family: "Noto Sans CJK SC", "Noto Sans SC", sans-serif; font-size: 9pt; color: #1d2733; }}
h1 {{ font-size: 14pt; margin: 0 0 6pt; }} p {{ margin: 0 0 8pt; color: #5b6b7c; }}
table {{ border-collapse: collapse; width: 100%; }}
th, td {{ border-bottom: 1px solid #d7dee6; padding: 3pt 5pt; text-align: left; vertical-align: top; }}
thead th {{ background: #1d2733; color: #fff; white-space: nowrap; }}
tr.area th {{ background: #eef3f9; }}
td.num {{ text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }}
tr {{ page-break-inside: avoid; }}
</style></head><body><h1>{esc(title)}</h1><p>{esc(t('rp.note', lang))}</p>
{f"<p>{esc(note)}</p>" if note else ""}<table><thead><tr>{head}</tr></thead>
<tbody>{''.join(body)}</tbody></table></body></html>"""


def pdf(page_html: str) -> bytes:
    """The HTML printed to PDF by headless Chromium (``dashboard.exports.PrintError`` when it cannot)."""
    return print_pdf(page_html, timeout=PDF_TIMEOUT_S)
