"""The pack for printing: an HTML print view (A4, a page break before each section) printed to PDF by the
headless Chromium the browser tests use (``dashboard.exports.print_pdf``), which renders Chinese with
the Noto CJK fonts offline.

``print_view(pack, chart_images, lang)`` is the HTML (charts embedded as data URIs, the brief's numbers as
links to their source); ``write`` prints it. Its stylesheet is ``dashboard/meeting_pack/print.css``; the status
colours come from ``warehouse.rules.status.COLORS``.
"""

from __future__ import annotations

import base64
import html
from importlib import resources
from pathlib import Path

from dashboard import format as fmt
from dashboard.exports import print_pdf
from dashboard.i18n import t
from dashboard.meeting_pack import brief
from dashboard.meeting_pack.pack import WeekPack
from dashboard.meeting_pack.sections import Table, tables
from warehouse.rules import status as status_rule


def _table(table: Table, heading: bool = True) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in table.headers)
    body = []
    for i, row in enumerate(table.rows):
        status = table.statuses[i] if table.statuses else None
        cells = []
        for j, c in enumerate(row):
            cls = ' class="num"' if c.kind != "text" else ""
            style = ""
            if j == len(row) - 1 and status in status_rule.COLORS:
                style = f' style="background:{status_rule.COLORS[status]}40"'
            cells.append(f"<td{cls}{style}>{html.escape(c.text)}</td>")
        body.append(f"<tr>{''.join(cells)}</tr>")
    if not body:
        body.append(f'<tr><td colspan="{len(table.headers)}" class="mp-note">{t("meeting.none")}</td></tr>')
    title = f"<h3>{html.escape(table.title)}</h3>" if heading else ""
    return f"{title}<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _image(path: Path) -> str:
    return "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode()


def print_view(pack: WeekPack, chart_images: list[tuple[str, Path]], lang: str = "zh") -> str:
    """The pack as one printable HTML page."""
    css = resources.files("dashboard.meeting_pack").joinpath("print.css").read_text(encoding="utf-8")
    all_tables = tables(pack, lang)
    by_key: dict[str, list[Table]] = {}
    for table in all_tables:
        by_key.setdefault(table.key, []).append(table)
    charts = "".join(f'<img class="mp-chart" alt="{html.escape(title)}" src="{_image(p)}">'
                     for title, p in chart_images)
    basis = (t("meeting.basis.snapshot", lang, at=(pack.frozen_at or "")[:16].replace("T", " "))
             if pack.basis == "snapshot" else t("meeting.basis.live", lang))
    meta = f"{fmt.period('week', pack.start, lang, span=True)} · {basis}"

    def section(key: str, inner: str, first: bool = False) -> str:
        cls = ' class="mp-first"' if first else ""
        return f"<section{cls}><h2>{html.escape(t(key, lang))}</h2>{inner}</section>"

    supervised_note = t("common.rows_count", lang, n=fmt.exact(pack.supervised_total))
    parts = [
        f"<h1>{html.escape(t('meeting.title', lang))}</h1><div class=\"mp-meta\">{html.escape(meta)}</div>",
        section("meeting.section.brief", f"<h3>{html.escape(brief.title(pack, lang))}</h3>"
                f'<div class="mp-brief">{brief.as_html(brief.draft(pack, lang))}</div>', first=True),
        section("meeting.section.indicators", _table(by_key["meeting.section.indicators"][0], heading=False)),
        section("meeting.section.towns", charts + "".join(_table(x) for x in by_key.get("meeting.section.towns", []))),
        section("meeting.section.supervised", f'<p class="mp-note">{html.escape(supervised_note)}</p>'
                + _table(by_key["meeting.section.supervised"][0], heading=False)),
        section("meeting.section.commitments", _table(by_key["meeting.section.commitments"][0], heading=False)),
    ]
    title = html.escape(brief.title(pack, lang))
    return (f'<!DOCTYPE html><html lang="{"en" if lang == "en" else "zh-CN"}"><head><meta charset="utf-8">'
            f"<title>{title}</title><style>{css}</style></head><body>{''.join(parts)}</body></html>")


def write(pack: WeekPack, path: Path, chart_images: list[tuple[str, Path]], lang: str = "zh") -> Path:
    """Print the pack to ``path`` (A4) with headless Chromium (``dashboard.exports.print_pdf``)."""
    data = print_pdf(print_view(pack, chart_images, lang))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path
