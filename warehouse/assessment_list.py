"""The loaded city assessment results as plain records (``kpi assessment``), read from ``mart_city_assessment``.

A unit the circular lists without data (无数据) has no score and no rank; ``units_ranked`` counts the
units with a score in the same period and item. ``--period`` is read by the marts' own period macros,
so ``2023-03``, ``2023年3月`` and ``2023年第一季度`` mean what they mean everywhere else.
"""

from __future__ import annotations

import datetime as dt

import duckdb


class PeriodError(ValueError):
    """A --period text that names no period."""


def _period(con: duckdb.DuckDBPyConnection, text: str) -> tuple[str, dt.date]:
    try:  # the calendar's table macro (marts/10_calendar.sql) …
        row = con.execute("SELECT period_type, period_start FROM cal_periods([?])", [text]).fetchone()
    except duckdb.CatalogException:  # … or, in a warehouse built before it, the older period macros
        row = con.execute("SELECT rk_period_type(?), rk_period_start(?, rk_period_type(?))", [text] * 3).fetchone()
    kind, start = row if row else (None, None)
    if kind is None or start is None:
        raise PeriodError(f"无法识别的考核期 / not a period: {text!r} (例 e.g. 2023-03, 2023年3月, 2023年第一季度)")
    return kind, start


def assessment_results(
    con: duckdb.DuckDBPyConnection, period: str | None = None, item: str | None = None
) -> list[dict[str, object]]:
    """One record per (period, item, unit): period, item, unit, score, rank, units_ranked and more."""
    where, params = ["TRUE"], []
    if period:
        kind, start = _period(con, period)
        where.append("period_type = ? AND period_start = ?")
        params += [kind, start]
    if item:
        where.append("item = ?")
        params.append(item)
    rows = con.execute(
        f"""
        SELECT label AS period, period_type, period_start, period_end, item, unit_code, unit_name AS unit,
            is_district, score,
            CASE WHEN score IS NOT NULL THEN rank END AS rank,
            count(score) OVER (PARTITION BY period_type, period_start, item) AS units_ranked
        FROM mart_city_assessment WHERE {' AND '.join(where)}
        ORDER BY period_start, period_type, item, score IS NULL, rank, unit_code
        """,
        params,
    )
    names = [d[0] for d in rows.description]
    out = []
    for values in rows.fetchall():
        record = dict(zip(names, values, strict=True))
        for key in ("period_start", "period_end"):
            record[key] = record[key].isoformat() if record[key] else None
        record["score"] = float(record["score"]) if record["score"] is not None else None
        record["rank"] = int(record["rank"]) if record["rank"] is not None else None
        out.append(record)
    return out


HEADINGS = {"zh": ("考核期", "项目", "区市", "得分", "名次", "参评"),
            "en": ("period", "item", "unit", "score", "rank", "of")}
PERIOD_HELP = "考核期 / period: 2023-03, 2023年3月, 202303, 2023年第一季度, 2023Q1 …"
ITEM_HELP = "考核项目 / item, e.g. 数字城管"
NO_DATA = {"zh": "无数据", "en": "no data"}


def as_table(records: list[dict[str, object]], lang: str = "zh") -> tuple[tuple[str, ...], list[tuple[str, ...]]]:
    """Headings and text rows of the records, Chinese unless ``lang`` is "en"."""
    lang = "en" if lang == "en" else "zh"
    rows = [
        (str(r["period"]), str(r["item"]), str(r["unit"] or r["unit_code"]),
         NO_DATA[lang] if r["score"] is None else f"{r['score']:g}",
         "—" if r["rank"] is None else str(r["rank"]), str(r["units_ranked"]))
        for r in records
    ]
    return HEADINGS[lang], rows
