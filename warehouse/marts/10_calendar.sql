-- The calendar: the only place SQL reads period text (its Python twin is warehouse/rules/calendar.py, with the
-- same grammar; tests/test_rules_calendar.py checks that both agree on every spelling).
--
--   cal_type(p)         'year' | 'half' | 'quarter' | 'month' | 'week' | NULL (not a period)
--   cal_start(p)        first day of the period the text names (NULL when it names none)
--   cal_end(p)          last day (inclusive)
--   cal_next(s, t)      the first day after the period of type t starting on s (exclusive end)
--   cal_label(s, t)     2022年 / 2022年上半年 / 2022年第一季度 / 2022年3月 / 2023年第5周
--
-- Spellings (spaces ignored, case-insensitive): 2022, 2022年, 2022年度; 2022年上半年, 2022H1; 2022Q1, 2022-Q1,
-- 2022年1季度, 2022年第一季度; 2022年3月, 2022-03, 2022-3, 2022.3, 2022/03, 202203; 2023-W05, 2023年第5周 (ISO).
CREATE OR REPLACE MACRO cal_norm(p) AS upper(regexp_replace(CAST(p AS VARCHAR), '\s', '', 'g'));
CREATE OR REPLACE MACRO cal_year(p) AS TRY_CAST(substr(cal_norm(p), 1, 4) AS INTEGER);
CREATE OR REPLACE MACRO cal_num(p) AS TRY_CAST(nullif(regexp_extract(substr(cal_norm(p), 5), '\d{1,2}'), '') AS INTEGER);
CREATE OR REPLACE MACRO cal_type(p) AS CASE
    WHEN p IS NULL OR NOT regexp_matches(cal_norm(p), '^\d{4}') OR cal_year(p) < 1 THEN NULL
    WHEN regexp_full_match(cal_norm(p), '\d{4}(年度?)?') THEN 'year'
    WHEN regexp_full_match(cal_norm(p), '\d{4}(年?[上下]半年|-?H[12])') THEN 'half'
    WHEN regexp_full_match(cal_norm(p), '\d{4}(年|-)?(第?[1-4一二三四]季度?|Q[1-4])') THEN 'quarter'
    WHEN regexp_full_match(cal_norm(p), '\d{4}((年|-|\.|/)(0?[1-9]|1[0-2])月?|(0[1-9]|1[0-2]))') THEN 'month'
    WHEN regexp_full_match(cal_norm(p), '\d{4}(-?W(0?[1-9]|[1-4]\d|5[0-3])|年第(0?[1-9]|[1-4]\d|5[0-3])周)')
        AND isoyear(CAST(make_date(cal_year(p), 1, 4) + CAST((cal_num(p) - 1) * 7
            - isodow(make_date(cal_year(p), 1, 4)) + 1 AS INTEGER) AS DATE)) = cal_year(p) THEN 'week'
    END;
CREATE OR REPLACE MACRO cal_start(p) AS CASE cal_type(p)
    WHEN 'year' THEN make_date(cal_year(p), 1, 1)
    WHEN 'half' THEN make_date(cal_year(p), CASE WHEN regexp_matches(cal_norm(p), '上|H1') THEN 1 ELSE 7 END, 1)
    WHEN 'quarter' THEN make_date(cal_year(p),
        CAST(translate(regexp_extract(substr(cal_norm(p), 5), '[1-4一二三四]'), '一二三四', '1234') AS INTEGER) * 3 - 2, 1)
    WHEN 'month' THEN make_date(cal_year(p), cal_num(p), 1)
    WHEN 'week' THEN CAST(make_date(cal_year(p), 1, 4)
        + CAST((cal_num(p) - 1) * 7 - isodow(make_date(cal_year(p), 1, 4)) + 1 AS INTEGER) AS DATE)
    END;
CREATE OR REPLACE MACRO cal_next(s, t) AS CAST(CASE t
    WHEN 'day' THEN s + INTERVAL 1 DAY
    WHEN 'year' THEN s + INTERVAL 1 YEAR WHEN 'half' THEN s + INTERVAL 6 MONTH
    WHEN 'quarter' THEN s + INTERVAL 3 MONTH WHEN 'month' THEN s + INTERVAL 1 MONTH
    WHEN 'week' THEN s + INTERVAL 7 DAY END AS DATE);
CREATE OR REPLACE MACRO cal_end(p) AS CAST(cal_next(cal_start(p), cal_type(p)) - INTERVAL 1 DAY AS DATE);
CREATE OR REPLACE MACRO cal_label(s, t) AS CASE t
    WHEN 'year' THEN year(s) || '年'
    WHEN 'half' THEN year(s) || CASE WHEN month(s) = 1 THEN '年上半年' ELSE '年下半年' END
    WHEN 'quarter' THEN year(s) || '年第' || ['一', '二', '三', '四'][quarter(s)] || '季度'
    WHEN 'month' THEN year(s) || '年' || month(s) || '月'
    WHEN 'week' THEN isoyear(s) || '年第' || week(s) || '周' END;
