"""The pack's sections as tables: what the XLSX, the PPTX and the PDF each lay out in their own way.

A ``Table`` has headers (catalogue words), rows of ``Cell`` (the raw value for a spreadsheet, the text
``dashboard.format`` writes for it, and its number format: ``rate``, ``count``, ``text``) and, per row, a
status (green/amber/red/grey) for colouring. Sections, in order: the brief, the indicators, the towns (one
table per key case indicator), the supervised list, the commitments.
"""

from __future__ import annotations

from dataclasses import dataclass

from dashboard import format as fmt
from dashboard.figures.theme import town_label
from dashboard.i18n import t
from dashboard.meeting_pack import brief
from dashboard.meeting_pack.pack import IndicatorFigures, Value, WeekPack
from warehouse import indicators
from warehouse.rules import status as status_rule

TOWN_KEYS = (brief.ON_TIME, brief.CLOSE_RATE, brief.REWORK, brief.FILED)  # one town table (and chart) each


@dataclass(frozen=True)
class Cell:
    value: object  # what a spreadsheet stores (a number, or text)
    text: str  # what a slide or a printed page shows
    kind: str = "text"  # rate / count / text / change_pp / change_pct / change_abs (see xlsx.FORMATS)


@dataclass(frozen=True)
class Table:
    key: str  # section key: meeting.section.*
    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    statuses: tuple[str | None, ...] = ()  # per row


def _num(ind: indicators.Indicator, value: float | None, lang: str) -> Cell:
    kind = "rate" if ind.kind == "rate" else "count"
    return Cell(value, fmt.indicator(ind, value, lang), kind)


def _text(text: str) -> Cell:
    return Cell(text, text)


def _status(status: str | None, lang: str) -> Cell:
    return _text(status_rule.name(status, lang))


def _change(ind: indicators.Indicator, now: Value, before: Value) -> Cell:
    """The change as ``fmt.change`` writes it, stored as its number (points, a fraction, or a difference when
    last week was 0) so a spreadsheet can sort and sum it."""
    text, delta = fmt.change(now.value, before.value, ind.kind)
    if delta is None:
        return _text(text)
    if ind.kind == "rate":
        return Cell(delta, text, "change_pp")
    return Cell(delta, text, "change_abs" if not before.value else "change_pct")


def _target(ind: indicators.Indicator, value: Value) -> Cell:
    return Cell(value.target, fmt.target(value.target, ind.kind) or fmt.MISSING,
                "rate" if ind.kind == "rate" else "count")


def _cols(lang: str, *names: str) -> tuple[str, ...]:
    return tuple(t(f"meeting.col.{n}", lang) for n in names)


def indicator_table(pack: WeekPack, lang: str) -> Table:
    rows, statuses = [], []
    for fig in pack.indicators:
        ind = fig.indicator
        rows.append((_text(ind.label(lang)), _num(ind, fig.now.value, lang), _num(ind, fig.before.value, lang),
                     _change(ind, fig.now, fig.before), _target(ind, fig.now), _status(fig.now.status, lang)))
        statuses.append(fig.now.status)
    return Table("meeting.section.indicators", t("meeting.section.indicators", lang),
                 _cols(lang, "indicator", "this_week", "last_week", "change", "target", "status"),
                 tuple(rows), tuple(statuses))


def town_table(fig: IndicatorFigures, lang: str) -> Table:
    ind = fig.indicator
    rows = tuple((_text(town_label(tw.code, tw.name, lang)), _num(ind, tw.now.value, lang),
                  _num(ind, tw.before.value, lang), _change(ind, tw.now, tw.before), _target(ind, tw.now),
                  _status(tw.now.status, lang)) for tw in fig.towns)
    return Table("meeting.section.towns", f"{t('meeting.section.towns', lang)} · {ind.label(lang)}",
                 _cols(lang, "town", "this_week", "last_week", "change", "target", "status"), rows,
                 tuple(tw.now.status for tw in fig.towns))


def supervised_table(pack: WeekPack, lang: str) -> Table:
    rows = tuple((_text(town_label(it.town_code, it.town, lang)), _text(it.item), _text(it.category),
                  _text(it.department), _text(it.due), Cell(it.days_overdue, fmt.exact(it.days_overdue), "count"))
                 for it in pack.supervised)
    return Table("meeting.section.supervised", t("meeting.section.supervised", lang),
                 _cols(lang, "town", "item", "category", "department", "due", "age"), rows)


def commitment_table(pack: WeekPack, lang: str) -> Table:
    towns = {tw.code: tw.name for fig in pack.indicators for tw in fig.towns}
    rows = []
    for c in pack.commitments:
        ind = indicators.BY_KEY.get(c.indicator)
        town = town_label(c.town_code, towns.get(c.town_code or ""), lang) if c.town_code else \
            t("common.whole_district", lang)

        def value(v: float | None, ind: indicators.Indicator | None = ind) -> Cell:
            return _num(ind, v, lang) if ind else Cell(v, fmt.exact(v), "count")

        rows.append((_text(town), _text(ind.label(lang) if ind else c.indicator), _text(c.owner), _text(c.due),
                     _text(c.text), value(c.value_then), value(c.value_now),
                     _text(t(f"meeting.state.{c.status}", lang)), _text(c.note)))
    return Table("meeting.section.commitments", t("meeting.section.commitments", lang),
                 _cols(lang, "town", "indicator", "owner", "due", "text", "then", "now", "status", "note"),
                 tuple(rows))


def tables(pack: WeekPack, lang: str) -> list[Table]:
    """Every table of the pack, in its order."""
    towns = [town_table(fig, lang) for key in TOWN_KEYS if (fig := pack.get(key)) is not None]
    return [indicator_table(pack, lang), *towns, supervised_table(pack, lang), commitment_table(pack, lang)]
