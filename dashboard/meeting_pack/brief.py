"""The drafted weekly brief (周报): a few paragraphs in the register of the bureau's reports, from templates.

The templates are catalogue entries (``meeting.brief.*`` in ``dashboard/catalogue/keys/meeting.csv``), zh and
en; every figure is written by ``dashboard.format`` and filled in from the ``WeekPack`` (the meeting's frozen
snapshot, else the live figures). A paragraph is a tuple of ``Part``: text, and for a number its ``Source``
(indicator key, ISO week, town), so a page can link each number to the rows behind it (``as_html``).

Choices the text makes: towns are compared on the on-time closure rate only where the status rule can judge
them (not grey: enough cases due); ties go to the town listed first (the reference order); "off target" is the
status rule's red.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from string import Formatter

from dashboard import format as fmt
from dashboard.figures.theme import town_label
from dashboard.i18n import t
from dashboard.meeting_pack.pack import IndicatorFigures, Source, TownFigures, WeekPack

FILED, ON_TIME, CLOSE_RATE, REWORK = "dcm.filed", "dcm.on_time_due_rate", "dcm.close_rate", "dcm.rework_rate"
SUPERVISED, COMMITMENTS = "supervised", "commitments"  # sources that are lists of the meeting, not indicators


@dataclass(frozen=True)
class Part:
    text: str
    source: Source | None = None


Paragraph = tuple[Part, ...]


def fill(key: str, lang: str, **fields: Part | str) -> Paragraph:
    """The catalogue template ``key`` with each ``{name}`` replaced by its part (text keeps no source)."""
    parts: list[Part] = []
    for literal, name, _spec, _conv in Formatter().parse(t(key, lang)):
        if literal:
            parts.append(Part(literal))
        if name is not None:
            value = fields[name]
            parts.append(value if isinstance(value, Part) else Part(value))
    return tuple(parts)


def as_text(paragraphs: list[Paragraph]) -> str:
    """The brief as plain text, one paragraph a line (what a leader copies into a report)."""
    return "\n".join("".join(p.text for p in para) for para in paragraphs)


def _link(part: Part) -> str:
    src = part.source
    assert src is not None
    return (f'<a class="mp-src" href="{html.escape(src.href())}" data-indicator="{html.escape(src.indicator)}" '
            f'data-week="{src.week}">{html.escape(part.text)}</a>')


def as_html(paragraphs: list[Paragraph]) -> str:
    """The brief as HTML paragraphs; every number a link to its source (``Source.href``)."""
    out = []
    for para in paragraphs:
        bits = [_link(p) if p.source else html.escape(p.text) for p in para]
        out.append(f"<p>{''.join(bits)}</p>")
    return "\n".join(out)


def _value(pack: WeekPack, fig: IndicatorFigures, lang: str, town: TownFigures | None = None) -> Part:
    value = (town.now if town else fig.now).value
    return Part(fmt.indicator(fig.indicator, value, lang), pack.source(fig.key, town.code if town else None))


def change_words(now: float | None, before: float | None, kind: str, lang: str) -> str:
    """较上周 … in words: 增加12.5% / 下降3.2个百分点 / 持平 (the numbers by ``dashboard.format.change``)."""
    text, delta = fmt.change(now, before, kind)
    if delta is None:
        return t("meeting.change.none", lang)
    if abs(delta) < 1e-12:
        return t("meeting.change.flat", lang)
    amount = text.lstrip("+-")
    if kind == "rate":
        amount = amount.removesuffix(" pp") + t("meeting.change.pp", lang)
        return t("meeting.change.rate_up" if delta > 0 else "meeting.change.rate_down", lang, amount=amount)
    return t("meeting.change.up" if delta > 0 else "meeting.change.down", lang, amount=amount)


def _change(pack: WeekPack, fig: IndicatorFigures, lang: str) -> Part:
    return Part(change_words(fig.now.value, fig.before.value, fig.indicator.kind, lang), pack.source(fig.key))


def _vs_target(fig: IndicatorFigures, lang: str) -> str:
    status = fig.now.status if fig.now.status in ("green", "amber", "red", "grey") else "none"
    return t(f"meeting.vs.{status}", lang, target=fmt.target(fig.now.target, fig.indicator.kind))


def _town(town: TownFigures, lang: str) -> str:
    return town_label(town.code, town.name, lang)


def _judged(fig: IndicatorFigures) -> list[tuple[int, TownFigures]]:
    return [(i, tw) for i, tw in enumerate(fig.towns) if tw.now.value is not None and tw.now.status != "grey"]


def _overview(pack: WeekPack, lang: str) -> Paragraph:
    filed, on_time = pack.get(FILED), pack.get(ON_TIME)
    close_rate, rework = pack.get(CLOSE_RATE), pack.get(REWORK)
    assert filed and on_time and close_rate and rework, "the brief needs the four case indicators"
    return fill(
        "meeting.brief.overview", lang,
        week=fmt.period("week", pack.start, lang, span=True),
        filed=_value(pack, filed, lang), filed_change=_change(pack, filed, lang),
        on_time=_value(pack, on_time, lang), on_time_change=_change(pack, on_time, lang),
        on_time_vs_target=_vs_target(on_time, lang),
        close_rate=_value(pack, close_rate, lang), rework_rate=_value(pack, rework, lang),
    )


def _towns(pack: WeekPack, lang: str) -> list[Paragraph]:
    on_time, filed = pack.get(ON_TIME), pack.get(FILED)
    assert on_time and filed
    judged = _judged(on_time)
    paras: list[Paragraph] = []
    if len(judged) >= 2:
        best = min(judged, key=lambda it: (-float(it[1].now.value or 0), it[0]))[1]
        worst = min(judged, key=lambda it: (float(it[1].now.value or 0), it[0]))[1]
        busiest = min(enumerate(filed.towns), key=lambda it: (-float(it[1].now.value or 0), it[0]))[1]
        paras.append(fill(
            "meeting.brief.towns", lang,
            best=_town(best, lang), best_value=_value(pack, on_time, lang, best),
            worst=_town(worst, lang), worst_value=_value(pack, on_time, lang, worst),
            busiest=_town(busiest, lang), busiest_value=_value(pack, filed, lang, busiest),
        ))
    else:
        paras.append(fill("meeting.brief.towns_none", lang))
    red = [tw for tw in on_time.towns if tw.now.status == "red"]
    if red:
        names = t("common.list_sep", lang).join(_town(tw, lang) for tw in red)
        paras.append(fill("meeting.brief.red", lang, n=Part(str(len(red)), pack.source(ON_TIME)), towns=names))
    else:
        paras.append(fill("meeting.brief.red_none", lang))
    return paras


def _supervised(pack: WeekPack, lang: str) -> Paragraph:
    end = fmt.period("day", pack.end, lang)
    items = pack.supervised
    if not items:
        return fill("meeting.brief.supervised_none", lang, end=end)
    src = pack.source(SUPERVISED)
    counts: dict[tuple[str | None, str], int] = {}
    for it in items:
        counts[(it.town_code, it.town)] = counts.get((it.town_code, it.town), 0) + 1
    order = list(counts)
    top = min(order, key=lambda town: (-counts[town], order.index(town)))
    return fill("meeting.brief.supervised", lang, end=end, n=Part(fmt.exact(pack.supervised_total), src),
                town=town_label(top[0], top[1], lang), town_n=Part(fmt.exact(counts[top]), src),
                age=Part(fmt.exact(max(it.days_overdue for it in items)), src))


def _commitments(pack: WeekPack, lang: str) -> Paragraph:
    items = [c for c in pack.commitments if c.week < pack.week]  # made at earlier meetings (ISO ids sort)
    if not items:
        return fill("meeting.brief.commitments_none", lang)
    closed = sum(1 for c in items if c.status == "closed")
    src = pack.source(COMMITMENTS)
    return fill("meeting.brief.commitments", lang, n=Part(fmt.exact(len(items)), src),
                closed=Part(fmt.exact(closed), src), open=Part(fmt.exact(len(items) - closed), src))


def _basis(pack: WeekPack, lang: str) -> Paragraph:
    if pack.basis == "snapshot" and pack.frozen_at:
        return fill("meeting.brief.basis_snapshot", lang, at=pack.frozen_at[:16].replace("T", " "))
    return fill("meeting.brief.basis_live", lang, through=fmt.period("day", pack.end, lang))


def draft(pack: WeekPack, lang: str = "zh") -> list[Paragraph]:
    """The brief's paragraphs: the district's week, the towns, the supervised list, the commitments, the basis."""
    return [_overview(pack, lang), *_towns(pack, lang), _supervised(pack, lang), _commitments(pack, lang),
            _basis(pack, lang)]


def title(pack: WeekPack, lang: str = "zh") -> str:
    return t("meeting.brief.title", lang, week=fmt.period("week", pack.start, lang))


def numbers(paragraphs: list[Paragraph]) -> list[Part]:
    """Every part of the brief that carries a source (the numbers), in order."""
    return [p for para in paragraphs for p in para if p.source is not None]


__all__ = ["Paragraph", "Part", "as_html", "as_text", "change_words", "draft", "fill", "numbers",
           "title"]
