"""Text normalisation shared by the readers and the header matcher (Python side).

Bulk value normalisation happens in SQL (see ``etl/sql/macros.sql``); these helpers
cover headers, title rows and spreadsheet cells, which are few.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata

_SPACE_RE = re.compile(r"[\s\u3000\u00a0\ufeff]+")
# A field code some exporters append to a header: 拆除时间(form_27), 所属街办(form_8).
_FIELD_CODE_RE = re.compile(r"\((?=[a-z0-9_]*_)[a-z][a-z0-9_]*\)$")  # needs an underscore: (m2), (km) are units
_BRACKETS = str.maketrans({"（": "(", "）": ")", "[": "(", "]": ")", "【": "(", "】": ")", "〔": "(", "〕": ")"})


_FULL_WIDTH_RE = re.compile("[\uff01-\uff5e\u3000\u00a0]")
_FULL_WIDTH_MAP = {chr(c): chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)} | {"\u3000": " ", "\u00a0": " "}


def fold_width(text: str) -> str:
    """Full-width ASCII (１２３，ＡＢ) to half-width, ideographic space and NBSP to spaces.

    The same mapping as the SQL macro ``kpi_fold``; used on spreadsheet cells and previews (few).
    """
    return _FULL_WIDTH_RE.sub(lambda m: _FULL_WIDTH_MAP[m.group()], text)


def nfkc(text: str) -> str:
    """NFKC-normalise and trim, folding ideographic spaces and NBSP to plain spaces."""
    return _SPACE_RE.sub(" ", unicodedata.normalize("NFKC", text)).strip()


@functools.lru_cache(maxsize=1 << 16)
def header_key(text: str) -> str:
    """Comparable form of a column header: NFKC, no spaces, one bracket style, no markers."""
    key = _SPACE_RE.sub("", unicodedata.normalize("NFKC", text)).translate(_BRACKETS)
    return _FIELD_CODE_RE.sub("", key.strip("*:：").lower())


def cell_text(value: object) -> str | None:
    """A spreadsheet cell as the text a CSV export of it would hold (None when empty)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        if value != value:  # NaN
            return None
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    text = str(value).strip()  # full-width punctuation kept as written (监督中心（核查）); SQL folds per kind
    return text or None


_YEAR_RE = re.compile(r"((?:19|20)\d{2})\s*年")
_ASOF_RE = re.compile(r"截[至止]\s*((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
# A period a title names: 2023年3月份, 2023年第一季度 — not the day of an as-of date (截至2022年11月30日),
# but a whole month's range (统计时间：2023年3月1日至3月31日).
_PERIOD_RE = re.compile(
    r"((?:19|20)\d{2})\s*年\s*(?:(\d{1,2})\s*月(?!\s*\d{1,2}\s*日)|第?\s*([一二三四1-4])\s*季度)"
    r"|((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*1\s*日\s*[至到—-]\s*(?:(?:19|20)\d{2}\s*年\s*)?(\d{1,2})\s*月"
)
_QUARTERS = {"1": "一", "2": "二", "3": "三", "4": "四"}  # the contract writes 2022年第一季度
_UNIT_RE = re.compile(r"单位\s*[:：]\s*(万元|元|万㎡|万m2|㎡|m2|平方米)")


def title_context(lines: list[str]) -> dict[str, object]:
    """Facts a title block states for the whole table: year, as-of date, unit and period (2023年3月)."""
    context: dict[str, object] = {}
    for raw in lines:
        line = unicodedata.normalize("NFKC", raw)
        if "year" not in context and (m := _YEAR_RE.search(line)):
            context["year"] = int(m.group(1))
        if "as_of" not in context and (m := _ASOF_RE.search(line)):
            y, mo, d = (int(g) for g in m.groups())
            context["as_of"] = dt.date(y, mo, d).isoformat()
        if "period" not in context and (m := _PERIOD_RE.search(line)):
            year, month, quarter, r_year, r_month, r_end = m.groups()
            if r_year:  # a range: one month, or the three months of a quarter
                first, last = int(r_month), int(r_end)
                year, month = r_year, (r_month if first == last else None)
                quarter = str((first + 2) // 3) if first % 3 == 1 and last == first + 2 else None
            if month or quarter:
                context["period"] = (f"{int(year)}年{int(month)}月" if month
                                     else f"{int(year)}年第{_QUARTERS.get(quarter, quarter)}季度")
        if "unit" not in context and (m := _UNIT_RE.search(line)):
            context["unit_scale"] = 10000 if m.group(1).startswith("万") else 1
            context["unit"] = m.group(1)
    return context
