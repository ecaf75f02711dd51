-- The calendar: the only place SQL reads period text (its Python twin is warehouse/rules/calendar.py, with the
-- same grammar; tests/test_rules_calendar.py checks that both agree on every spelling).
--
--   cal_periods(texts)  table macro: one row per distinct text of the list — period_text, period_type ('year' |
--                       'half' | 'quarter' | 'month' | 'week' | NULL when the text names no period), period_start,
--                       period_end (inclusive), label
--   dim_period          cal_periods over every period text the warehouse holds (targets, assessments, and the
--                       year token of loaded file names): marts join it on period_text
--   cal_next(s, t)      the first day after the period of type t starting on s (exclusive end)
--   cal_label(s, t)     2022年 / 2022年上半年 / 2022年第一季度 / 2022年3月 / 2023年第5周
--
-- Spellings (spaces ignored, case-insensitive): 2022, 2022年, 2022年度; 2022年上半年, 2022H1; 2022Q1, 2022-Q1,
-- 2022年1季度, 2022年第一季度; 2022年3月, 2022-03, 2022-3, 2022.3, 2022/03, 202203; 2023-W05, 2023年第5周 (ISO).
-- Each text is parsed once (a table, not a per-row macro), so marts stay cheap to plan and run.
CREATE OR REPLACE MACRO cal_next(s, t) AS CAST(CASE t
    WHEN 'day' THEN s + INTERVAL 1 DAY
    WHEN 'year' THEN s + INTERVAL 1 YEAR WHEN 'half' THEN s + INTERVAL 6 MONTH
    WHEN 'quarter' THEN s + INTERVAL 3 MONTH WHEN 'month' THEN s + INTERVAL 1 MONTH
    WHEN 'week' THEN s + INTERVAL 7 DAY END AS DATE);
CREATE OR REPLACE MACRO cal_label(s, t) AS CASE t
    WHEN 'year' THEN year(s) || '年'
    WHEN 'half' THEN year(s) || CASE WHEN month(s) = 1 THEN '年上半年' ELSE '年下半年' END
    WHEN 'quarter' THEN year(s) || '年第' || ['一', '二', '三', '四'][quarter(s)] || '季度'
    WHEN 'month' THEN year(s) || '年' || month(s) || '月'
    WHEN 'week' THEN isoyear(s) || '年第' || week(s) || '周' END;
CREATE OR REPLACE MACRO cal_periods(texts) AS TABLE
WITH
n AS (
    SELECT t AS period_text, upper(regexp_replace(t, '\s', '', 'g')) AS s
    FROM (SELECT DISTINCT CAST(unnest(texts) AS VARCHAR) AS t) WHERE t IS NOT NULL
),
p AS (
    SELECT period_text, s,
        TRY_CAST(substr(s, 1, 4) AS INTEGER) AS y,
        TRY_CAST(nullif(regexp_extract(substr(s, 5), '\d{1,2}'), '') AS INTEGER) AS num,
        CASE
            WHEN NOT regexp_matches(s, '^\d{4}') OR TRY_CAST(substr(s, 1, 4) AS INTEGER) < 1 THEN NULL
            WHEN regexp_full_match(s, '\d{4}(年度?)?') THEN 'year'
            WHEN regexp_full_match(s, '\d{4}(年?[上下]半年|-?H[12])') THEN 'half'
            WHEN regexp_full_match(s, '\d{4}(年|-)?(第?[1-4一二三四]季度?|Q[1-4])') THEN 'quarter'
            WHEN regexp_full_match(s, '\d{4}((年|-|\.|/)(0?[1-9]|1[0-2])月?|(0[1-9]|1[0-2]))') THEN 'month'
            WHEN regexp_full_match(s, '\d{4}(-?W(0?[1-9]|[1-4]\d|5[0-3])|年第(0?[1-9]|[1-4]\d|5[0-3])周)') THEN 'week'
        END AS t0
    FROM n
),
d AS (
    SELECT *,
        CASE t0
            WHEN 'year' THEN make_date(y, 1, 1)
            WHEN 'half' THEN make_date(y, CASE WHEN regexp_matches(s, '上|H1') THEN 1 ELSE 7 END, 1)
            WHEN 'quarter' THEN make_date(y,
                CAST(translate(regexp_extract(substr(s, 5), '[1-4一二三四]'), '一二三四', '1234') AS INTEGER) * 3 - 2, 1)
            WHEN 'month' THEN make_date(y, num, 1)
            WHEN 'week' THEN CAST(make_date(y, 1, 4) + CAST((num - 1) * 7 - isodow(make_date(y, 1, 4)) + 1 AS INTEGER)
                AS DATE)
        END AS s0
    FROM p
),
v AS (  -- week 53 of a 52-week year names no period
    SELECT period_text, CASE WHEN t0 = 'week' AND isoyear(s0) <> y THEN NULL ELSE t0 END AS period_type,
        CASE WHEN t0 = 'week' AND isoyear(s0) <> y THEN NULL ELSE s0 END AS period_start
    FROM d
)
SELECT period_text, period_type, period_start,
    CAST(cal_next(period_start, period_type) - INTERVAL 1 DAY AS DATE) AS period_end,
    cal_label(period_start, period_type) AS label
FROM v;

CREATE OR REPLACE VIEW dim_period AS
SELECT * FROM cal_periods((
    SELECT coalesce(list(DISTINCT t), []) FROM (
        SELECT period AS t FROM fact_target
        UNION ALL SELECT period FROM fact_city_assessment
        UNION ALL SELECT nullif(regexp_extract(file_name, '((?:19|20)\d{2})', 1), '') FROM load_log
    )
));
