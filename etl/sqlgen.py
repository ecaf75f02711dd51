"""SQL that turns a raw all-text staging table into typed, validated rows.

Normalisation runs inside DuckDB (vectorised), never row by row in Python. The macros are
TEMP objects, created per connection, so they never become part of a warehouse file.
"""

from __future__ import annotations

from etl.limits import MAX_CELL_CHARS
from etl.sources import ColumnSpec, SourceSpec
from warehouse.rules.calendar import MAX_YEAR, MIN_YEAR

# kpi_fold is the SQL twin of etl.text.fold_width (applied per kind: dates, numbers, ids, enumerations, lookups).
# Look-alike minus signs (U+2212 minus, U+2010/2011 hyphens, U+FE63 small hyphen-minus) fold to '-' with them,
# so −300 is -300 (and then rejected where a negative makes no sense); dashes (— –) stay: they mean "missing".
_MINUS_LIKE = "\u2212\u2010\u2011\ufe63"
_FULL = "".join(chr(c) for c in range(0xFF01, 0xFF5F)) + "\u3000\u00a0" + _MINUS_LIKE
_HALF = "".join(chr(c) for c in range(0x21, 0x7F)) + "  " + "-" * len(_MINUS_LIKE)
FULL_WIDTH_RE = f"[{chr(0xFF01)}-{chr(0xFF5E)}\u3000\u00a0{_MINUS_LIKE}]"

# Values a clerk would catch. Dates outside these years are rejected before any arithmetic sees them;
# numbers must be finite and below MAX_ABS; only these columns may be negative (coordinates, scores, targets).
MAX_ABS = 1e12
SIGNED_COLUMNS = frozenset({"x", "y", "score", "target"})


def lit(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


# Every date and time layout the exports use; %m, %d and %H also take one digit (2022.3.5 8:30).
DATE_FORMATS = (
    "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y/%m/%d",
    "%Y.%m.%d %H:%M:%S", "%Y.%m.%d %H:%M", "%Y.%m.%d", "%Y年%m月%d日 %H:%M:%S", "%Y年%m月%d日 %H:%M",
    "%Y年%m月%d日%H:%M", "%Y年%m月%d日 %H时%M分", "%Y年%m月%d日", "%Y%m%d", "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
)
_FORMATS = "[" + ", ".join(lit(f) for f in DATE_FORMATS) + "]"

MISSING = ("", "—", "——", "-", "--", "/", "\\", "NULL", "null", "None", "nan", "NaN", "#N/A", "无数据", "暂无数据")
MISSING_VALUE = (*MISSING, "无", "暂无")
_SHORT = 12  # bytes: every missing-value marker is at most this long (暂无数据 is 12 in UTF-8)
# Lists, not IN (...): DuckDB rewrites a long IN list into a join, one per use, which dominated load time.
_MISSING = "[" + ", ".join(lit(m) for m in MISSING) + "]"
_MISSING_VALUE = "[" + ", ".join(lit(m) for m in MISSING_VALUE) + "]"
# A cell (cells are joined with |) that opens a total, subtotal (环翠楼街道小计) or signature line.
_TOTAL_RE = (
    r"(^|\|)[^|]{0,12}(合计|小计|总计|累计)"
    r"|(^|\|)\s*(填表人|审核人|制表人|制表|填报人|负责人|统计人|填报日期)"
    r"|(^|\|)\s*(注|备注|说明|单位)\s*[:：]"  # a closing note, a 单位：平方米 line under the header
)
# A date written inside free text (a work order's 内容: "…于2023年3月5日10时反映…").
DATE_IN_TEXT_RE = r"(?:19|20)\d{2}\s*[年./-]\s*\d{1,2}\s*[月./-]\s*\d{1,2}"
# USCC (GB 32100) and resident ID (GB 11643) check characters.
_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = "[1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]"
_ID_WEIGHTS = "[7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]"

MACROS = f"""
CREATE OR REPLACE TEMP MACRO kpi_fold(s) AS
    CASE WHEN regexp_matches(s, {lit(FULL_WIDTH_RE)}) THEN trim(translate(s, {lit(_FULL)}, {lit(_HALF)}))
         ELSE trim(s) END;
CREATE OR REPLACE TEMP MACRO kpi_text(t) AS
    CASE WHEN strlen(t) > {_SHORT} THEN t WHEN list_contains({_MISSING}, t) THEN NULL ELSE t END;
CREATE OR REPLACE TEMP MACRO kpi_value(t) AS
    CASE WHEN strlen(t) > {_SHORT} THEN t WHEN list_contains({_MISSING_VALUE}, t) THEN NULL ELSE t END;
CREATE OR REPLACE TEMP MACRO kpi_key(t) AS
    lower(regexp_replace(t, '[\\s\u3000\u00a0]+', '', 'g'));
CREATE OR REPLACE TEMP MACRO kpi_ascii(t) AS  -- dates, numbers, ids: fold the rare non-ASCII value only
    CASE WHEN strlen(t) = length(t) THEN t ELSE kpi_fold(t) END;
CREATE OR REPLACE TEMP MACRO kpi_id(t) AS
    CASE WHEN list_contains({_MISSING}, t) THEN NULL
         WHEN contains(t, '(') OR contains(t, '[') OR contains(t, '【') OR contains(t, '〔')
         THEN regexp_replace(t, '\\s*[\\[【(〔]\\s*((?:19|20)\\d{{2}})\\s*[\\]】)〕]\\s*', '〔\\1〕', 'g')
         ELSE t END;
CREATE OR REPLACE TEMP MACRO kpi_num_text(t, scale) AS
    TRY_CAST(regexp_extract(regexp_replace(t, '[,，]', '', 'g'), '-?\\d+(?:\\.\\d+)?') AS DOUBLE)
        * CASE WHEN contains(t, '万') THEN 10000 ELSE scale END
        / CASE WHEN contains(t, '%') THEN 100 ELSE 1 END;
CREATE OR REPLACE TEMP MACRO kpi_num(t, scale) AS
    coalesce(TRY_CAST(t AS DOUBLE) * scale, CASE WHEN kpi_value(t) IS NOT NULL THEN kpi_num_text(t, scale) END);
CREATE OR REPLACE TEMP MACRO kpi_ts(t, y) AS
    coalesce(
        try_strptime(t, {_FORMATS}),
        CASE
            WHEN kpi_value(t) IS NULL THEN NULL
            WHEN TRY_CAST(t AS DOUBLE) BETWEEN 20000 AND 80000  -- an Excel serial day number
                THEN TIMESTAMP '1899-12-30' + to_seconds(CAST(round(TRY_CAST(t AS DOUBLE) * 86400) AS BIGINT))
            WHEN y IS NOT NULL AND contains(t, '月') AND NOT contains(t, '年')  -- 3月5日: the year is in the title
                THEN try_strptime(CAST(y AS VARCHAR) || '年' || t, {_FORMATS})
        END);
CREATE OR REPLACE TEMP MACRO kpi_ts_ok(ts) AS
    CASE WHEN ts >= TIMESTAMP '{MIN_YEAR}-01-01' AND ts < TIMESTAMP '{MAX_YEAR + 1}-01-01' THEN ts END;
CREATE OR REPLACE TEMP MACRO kpi_num_ok(x) AS
    CASE WHEN isfinite(x) AND abs(x) < {MAX_ABS:.0f} THEN x END;
CREATE OR REPLACE TEMP MACRO kpi_bool(t) AS
    CASE WHEN list_contains(['是', 'y', 'yes', 'true', '1', '√', '有'], kpi_key(t)) THEN TRUE
         WHEN list_contains(['否', 'n', 'no', 'false', '0', '×', 'x', '无'], kpi_key(t)) THEN FALSE END;
CREATE OR REPLACE TEMP MACRO kpi_stage(t) AS  -- [办结] → 办结; 监督中心（核查） stays as written
    nullif(regexp_replace(trim(kpi_text(t)), '^\\s*[\\[【(（〔]\\s*([^\\]】)）〕]*?)\\s*[\\]】)）〕]\\s*$', '\\1'), '');
CREATE OR REPLACE TEMP MACRO kpi_label(t) AS  -- 1.占道经营 → 占道经营
    nullif(regexp_replace(kpi_text(t), '^\\s*\\d{{1,3}}\\s*[.、．]\\s*', ''), '');
CREATE OR REPLACE TEMP MACRO kpi_code(t) AS  -- credit code or ID number: ASCII, upper case, no spaces
    nullif(upper(regexp_replace(kpi_fold(kpi_text(t)), '\\s+', '', 'g')), '');
CREATE OR REPLACE TEMP MACRO kpi_code_ok(c) AS  -- NULL when it cannot be checked (masked, other lengths)
    CASE
        WHEN c IS NULL OR contains(c, '*') THEN NULL
        WHEN regexp_full_match(c, '\\d{{17}}[0-9X]')
            THEN substr('10X98765432', CAST(1 + list_sum(list_transform(range(17),
                 lambda i: TRY_CAST(substr(c, i + 1, 1) AS INTEGER) * {_ID_WEIGHTS}[i + 1])) % 11 AS BIGINT), 1)
                 = substr(c, 18, 1)
        WHEN regexp_full_match(c, '[0-9A-HJ-NP-RTUWXY]{{2}}\\d{{6}}[0-9A-HJ-NP-RTUWXY]{{10}}')
            THEN substr({lit(_USCC_CHARS)}, CAST(1 + (31 - list_sum(list_transform(range(17),
                 lambda i: (strpos({lit(_USCC_CHARS)}, substr(c, i + 1, 1)) - 1) * {_USCC_WEIGHTS}[i + 1]))
                 % 31) % 31 AS BIGINT), 1)
                 = substr(c, 18, 1)
    END;
CREATE OR REPLACE TEMP MACRO kpi_is_footer(row_text) AS
    CASE WHEN contains(row_text, '计') OR contains(row_text, '人') OR contains(row_text, '制表')
              OR contains(row_text, '填报') OR contains(row_text, '注') OR contains(row_text, '明')
              OR contains(row_text, '单位')  -- cheap test first: the regex is costly on every row
         THEN regexp_matches(row_text, {lit(_TOTAL_RE)}) ELSE FALSE END;
"""

LOOKUP_KINDS = {"town": "town", "unit": "unit", "category": "category", "channel": "channel", "stage": "stage"}


def _value_map(col: ColumnSpec, expr: str) -> str:
    cases = " ".join(f"WHEN {lit(k)} THEN {lit(v)}" for k, v in col.values.items())
    return f"CASE {expr} {cases} ELSE {expr} END"


def typed_expression(col: ColumnSpec, raw: str, lookup: str, scale: str, year: str) -> str:
    """SQL for the typed value of one column, given its trimmed text and its reference lookup.

    Dates, numbers and ids are width-folded first (``kpi_ascii``: only non-ASCII values pay for it);
    free text keeps its full-width punctuation, as written.
    """
    match col.kind:
        case "text":
            if col.values:  # an enumeration: fold so that a stray full-width space cannot break the match
                return _value_map(col, f"kpi_text(kpi_ascii({raw}))")
            return f"kpi_text({raw})"
        case "id":
            return f"kpi_id(kpi_ascii({raw}))"
        case "ts":
            return f"kpi_ts_ok(kpi_ts(kpi_ascii({raw}), {year}))"
        case "date":
            return f"CAST(kpi_ts_ok(kpi_ts(kpi_ascii({raw}), {year})) AS DATE)"
        case "int":
            return f"CAST(round(kpi_num_ok(kpi_num(kpi_ascii({raw}), 1))) AS BIGINT)"
        case "num":
            return f"kpi_num_ok(kpi_num(kpi_ascii({raw}), {scale}))"
        case "bool":
            return f"kpi_bool(kpi_ascii({raw}))"
        case "stage":  # a workflow node ([办结], 监督中心（核查）) → its stage through the vocabulary
            return f"CASE WHEN {lookup} IS NOT NULL THEN {lookup} ELSE kpi_stage({raw}) END"
        case "label":
            return f"kpi_label({raw})"
        case "party_code":
            return f"kpi_code({raw})"
        case "town" | "unit":
            return lookup
        case "category" | "channel":
            return f"coalesce({lookup}, kpi_text({raw}))"
        case "dept":
            return f"kpi_text({raw})"
    raise ValueError(f"unknown column kind {col.kind}")


def problem_expression(col: ColumnSpec, raw: str, typed: str) -> str | None:
    """SQL for why a value is unusable (NULL when fine), given its trimmed text and its typed column."""
    checks: list[str] = [f"WHEN strlen({raw}) > {MAX_CELL_CHARS} AND length({raw}) > {MAX_CELL_CHARS} "
                         f"THEN 'value too long (over {MAX_CELL_CHARS:,} characters)'"]
    if col.required and not col.nullable:
        checks.append(f"WHEN kpi_text({raw}) IS NULL THEN 'required value missing'")
    if col.kind in ("ts", "date"):
        checks.append(
            f"WHEN kpi_value({raw}) IS NOT NULL AND {typed} IS NULL AND kpi_ts(kpi_ascii({raw}), NULL) IS NOT NULL "
            f"THEN 'date outside {MIN_YEAR}–{MAX_YEAR}'"
        )
        checks.append(f"WHEN kpi_value({raw}) IS NOT NULL AND {typed} IS NULL THEN 'not a date'")
    elif col.kind in ("int", "num"):
        checks.append(
            f"WHEN kpi_value({raw}) IS NOT NULL AND {typed} IS NULL AND kpi_num(kpi_ascii({raw}), 1) IS NOT NULL "
            "THEN 'number out of range'"
        )
        checks.append(f"WHEN kpi_value({raw}) IS NOT NULL AND {typed} IS NULL THEN 'not a number'")
        if col.name not in SIGNED_COLUMNS:
            checks.append(f"WHEN {typed} < 0 THEN 'negative value'")
    elif col.kind in ("town", "unit") and col.required and not col.nullable:
        what = "town" if col.kind == "town" else "city unit"
        checks.append(f"WHEN {typed} IS NULL THEN 'unknown {what}'")
    elif col.kind == "bool":
        checks.append(f"WHEN kpi_text({raw}) IS NOT NULL AND {typed} IS NULL THEN 'expected 是 or 否'")
    elif col.values and col.required:
        allowed = "、".join(dict.fromkeys(col.values.values()))
        checks.append(
            f"WHEN NOT list_contains([{', '.join(lit(k) for k in col.values)}], kpi_text(kpi_ascii({raw}))) "
            f"THEN 'unexpected value (expected {allowed})'"
        )
    if not checks:
        return None
    return "CASE " + " ".join(checks) + " END"


def version_expression(spec: SourceSpec, typed: dict[str, str]) -> str:
    """A number ordering versions of one key: latest lifecycle timestamp (µs), then status rank."""
    latest = "0"
    if spec.version:
        stamps = ", ".join(f"CAST({typed[c]} AS TIMESTAMP)" for c in spec.version)
        latest = f"coalesce(epoch_us(greatest({stamps})), 0)"
    rank = "0"
    if spec.status:
        ranks = " ".join(f"WHEN {lit(k)} THEN {v}" for k, v in spec.status_rank.items())
        rank = f"coalesce(CASE {typed[spec.status]} {ranks} END, 0)"
    return f"({latest} * 100 + {rank})"


def key_lookup(table: str, text: str) -> str:
    """SQL for ``table[kpi_key(text)]`` (a MAP of alias keys), with the costly regex only for a miss.

    The map's keys hold no white space (``warehouse.store.alias_key``), so when ``lower(text)`` is a key the text
    holds none either and ``kpi_key(text)`` is that same key: the exact lookup, without ``regexp_replace``.
    """
    return f"coalesce(({table})[lower({text})], ({table})[kpi_key({text})])"


def lookup_expression(kind: str, text: str, maps: dict[str, str]) -> str:
    """SQL for the reference code of a text through the alias table of its kind (NULL when unknown)."""
    table = maps.get(LOOKUP_KINDS[kind], "MAP {}")
    # The plain key first; only a miss pays for width folding (12345（12319转派） written full-width) and,
    # for stages, for unwrapping brackets ([办结]).
    slow = f"kpi_fold(kpi_stage({text}))" if kind == "stage" else f"kpi_fold({text})"
    return f"coalesce({key_lookup(table, text)}, ({table})[kpi_key({slow})])"


def absent_text(col: ColumnSpec, texts: dict[str, str], defaults: dict[str, str], maps: dict[str, str],
                context: dict[str, object]) -> str | None:
    """SQL text for a column the table lacks, from what the source definition allows (None: no value).

    In order: the variant's default, the title block (period, item), the text of other columns joined
    (``compose``), a town or date found in another column's text (``derive``). ``texts`` maps the
    table's columns to their text expressions.
    """
    if col.name in defaults:
        return lit(defaults[col.name])
    if col.from_title in ("period", "item") and context.get(col.from_title):
        return lit(str(context[col.from_title]))
    parts = [texts[c] for c in col.compose if c in texts]
    if parts:
        return f"nullif(concat_ws('|', {', '.join(f'coalesce({p}, {lit(chr(0x2014))})' for p in parts)}), '')"
    if col.derive and col.derive in texts:
        source = texts[col.derive]
        if col.kind == "town":
            pattern = maps.get("town_pattern")
            return f"nullif(regexp_extract({source}, {lit(pattern)}), '')" if pattern else None
        if col.kind in ("ts", "date"):
            found = f"regexp_replace(regexp_extract({source}, {lit(DATE_IN_TEXT_RE)}), '\\s+', '', 'g')"
            return f"nullif(CASE WHEN contains({found}, '年') THEN {found} || '日' ELSE {found} END, '')"
        return source
    return None
