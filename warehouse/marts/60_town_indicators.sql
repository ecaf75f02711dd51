-- Town rankings (issue 5): the indicators that rank the 9 towns, per town and day/month, as numerator and
-- denominator; assessment and target periods parsed from their text. Used by warehouse/queries/rankings.py
-- and warehouse/scoring.py. Any period's value is sum(numerator) / sum(denominator) (a count when the
-- denominator is NULL): never an average of ratios.
--
--   dcm.on_time_close_rate   按期结案数 / 应结案数 (应结案: 处置截止时间 on the day, less 作废/缓办/挂账)
--   dcm.close_rate           结案 among 应结案 / 应结案数
--   dcm.rework_rate          返工次数 > 0 among 应结案 / 应结案数 (lower is better)
--   refined.rectified_rate   不精致问题 found (发现日期) on the day: 已整改 / all
--   demolition.new_found     新增 illegal construction found (发现日期) on the day (a count; lower is better)
--   village.rectified_rate   数字村居 work orders dispatched on the day: 已整改 / dispatched
--   video_ai.five_minute_rate  video AI events detected on the day: on site within 5 minutes of detection and
--                            handled within 5 minutes of arrival / all events
-- excl_void / excl_deferred / excl_hung: dcm cases whose 处置截止时间 fell on the day but which are 作废 / 缓办 /
-- 挂账, so left out of 应结案数 (NULL for the other indicators).

-- Period text → (type, start). Accepts 2022 / 2022年 / 2022年度, 2022年上半年, 2022Q1 / 2022年第一季度 /
-- 2022年1季度, 2022年3月 / 2022-03 / 2022.3 / 202203, 2023-W05 / 2023年第5周 (ISO weeks).
CREATE OR REPLACE MACRO rk_period_year(p) AS TRY_CAST(regexp_extract(p, '(\d{4})', 1) AS INTEGER);
CREATE OR REPLACE MACRO rk_period_week(p) AS TRY_CAST(coalesce(
    nullif(regexp_extract(p, '\d{4}\D*[Ww]\s*(\d{1,2})', 1), ''),
    nullif(regexp_extract(p, '第\s*(\d{1,2})\s*周', 1), '')) AS INTEGER);
CREATE OR REPLACE MACRO rk_period_quarter(p) AS TRY_CAST(translate(coalesce(
    nullif(regexp_extract(p, '[Qq]\s*([1-4])', 1), ''),
    nullif(regexp_extract(p, '([一二三四1-4])\s*季', 1), '')), '一二三四', '1234') AS INTEGER);
CREATE OR REPLACE MACRO rk_period_half(p) AS
    CASE WHEN p LIKE '%上半年%' THEN 1 WHEN p LIKE '%下半年%' THEN 2 END;
CREATE OR REPLACE MACRO rk_period_month(p) AS TRY_CAST(
    nullif(regexp_extract(p, '\d{4}\s*(?:年|-|\.|/)?\s*(\d{1,2})\s*(?:月|$|[^\d季周])', 1), '') AS INTEGER);
CREATE OR REPLACE MACRO rk_period_type(p) AS CASE
    WHEN rk_period_year(p) IS NULL THEN NULL
    WHEN rk_period_week(p) IS NOT NULL THEN 'week'
    WHEN rk_period_quarter(p) IS NOT NULL THEN 'quarter'
    WHEN rk_period_half(p) IS NOT NULL THEN 'half'
    WHEN rk_period_month(p) BETWEEN 1 AND 12 THEN 'month'
    WHEN rk_period_month(p) IS NOT NULL THEN NULL
    ELSE 'year' END;
CREATE OR REPLACE MACRO rk_period_start(p, t) AS CASE t
    WHEN 'year' THEN make_date(rk_period_year(p), 1, 1)
    WHEN 'half' THEN make_date(rk_period_year(p), rk_period_half(p) * 6 - 5, 1)
    WHEN 'quarter' THEN make_date(rk_period_year(p), rk_period_quarter(p) * 3 - 2, 1)
    WHEN 'month' THEN CASE WHEN rk_period_month(p) BETWEEN 1 AND 12
        THEN make_date(rk_period_year(p), rk_period_month(p), 1) END
    WHEN 'week' THEN CAST(make_date(rk_period_year(p), 1, 4)
        + CAST((rk_period_week(p) - 1) * 7 - isodow(make_date(rk_period_year(p), 1, 4)) + 1 AS INTEGER) AS DATE)
    END;
-- the first day after the period (exclusive end)
CREATE OR REPLACE MACRO rk_period_next(s, t) AS CAST(CASE t
    WHEN 'year' THEN s + INTERVAL 1 YEAR WHEN 'half' THEN s + INTERVAL 6 MONTH
    WHEN 'quarter' THEN s + INTERVAL 3 MONTH WHEN 'month' THEN s + INTERVAL 1 MONTH
    WHEN 'week' THEN s + INTERVAL 7 DAY END AS DATE);
CREATE OR REPLACE MACRO rk_period_label(s, t) AS CASE t
    WHEN 'year' THEN year(s) || '年'
    WHEN 'half' THEN year(s) || CASE WHEN month(s) = 1 THEN '年上半年' ELSE '年下半年' END
    WHEN 'quarter' THEN year(s) || '年第' || ['一', '二', '三', '四'][quarter(s)] || '季度'
    WHEN 'month' THEN year(s) || '年' || month(s) || '月'
    WHEN 'week' THEN isoyear(s) || '年第' || week(s) || '周' END;

CREATE OR REPLACE VIEW mart_town_indicator_day AS
WITH
dcm AS (
    SELECT town_code, CAST(deadline_at AS DATE) AS day,
        count(*) FILTER (is_due_basis) AS due,
        count(*) FILTER (is_due_basis AND is_on_time) AS on_time,
        count(*) FILTER (is_due_basis AND is_closed) AS closed,
        count(*) FILTER (is_due_basis AND is_reworked) AS reworked,
        count(*) FILTER (is_void) AS excl_void,
        count(*) FILTER (stage = '缓办') AS excl_deferred,
        count(*) FILTER (stage = '挂账') AS excl_hung
    FROM mart_dcm_case WHERE deadline_at IS NOT NULL GROUP BY ALL
),
refined AS (
    SELECT town_code, found_on AS day, count(*) AS found, count(*) FILTER (status = '已整改') AS done
    FROM fact_refined_issue GROUP BY ALL
),
new_construction AS (
    SELECT town_code, found_on AS day, count(*) AS n FROM fact_illegal_construction WHERE kind = '新增' GROUP BY ALL
),
village AS (
    SELECT town_code, CAST(dispatched_at AS DATE) AS day, count(*) AS dispatched,
        count(*) FILTER (rectify_status = '已整改') AS done
    FROM fact_village_case GROUP BY ALL
),
video AS (
    SELECT town_code, CAST(detected_at AS DATE) AS day, count(*) AS events,
        count(*) FILTER (arrived_at <= detected_at + INTERVAL 5 MINUTE
            AND handled_at <= arrived_at + INTERVAL 5 MINUTE) AS five_minute
    FROM fact_video_ai_event GROUP BY ALL
)
SELECT town_code, day, 'dcm.on_time_close_rate' AS indicator, CAST(on_time AS DOUBLE) AS numerator,
    CAST(due AS DOUBLE) AS denominator, excl_void, excl_deferred, excl_hung FROM dcm
UNION ALL SELECT town_code, day, 'dcm.close_rate', closed, due, excl_void, excl_deferred, excl_hung FROM dcm
UNION ALL SELECT town_code, day, 'dcm.rework_rate', reworked, due, excl_void, excl_deferred, excl_hung FROM dcm
UNION ALL SELECT town_code, day, 'refined.rectified_rate', done, found, NULL, NULL, NULL FROM refined
UNION ALL SELECT town_code, day, 'demolition.new_found', n, NULL, NULL, NULL, NULL FROM new_construction
UNION ALL SELECT town_code, day, 'village.rectified_rate', done, dispatched, NULL, NULL, NULL FROM village
UNION ALL SELECT town_code, day, 'video_ai.five_minute_rate', five_minute, events, NULL, NULL, NULL FROM video;

-- mart_town_indicator_month: the same per town and calendar month (month = its first day).
CREATE OR REPLACE VIEW mart_town_indicator_month AS
SELECT town_code, CAST(date_trunc('month', day) AS DATE) AS month, indicator,
    sum(numerator) AS numerator, sum(denominator) AS denominator,
    CASE WHEN sum(denominator) > 0 THEN sum(numerator) / sum(denominator)
        WHEN count(denominator) = 0 THEN sum(numerator) END AS value,
    CAST(sum(excl_void) AS BIGINT) AS excl_void, CAST(sum(excl_deferred) AS BIGINT) AS excl_deferred,
    CAST(sum(excl_hung) AS BIGINT) AS excl_hung
FROM mart_town_indicator_day
GROUP BY ALL;

-- mart_city_assessment: the city's assessment results, one row per (period, item, unit), with 考核期 read as
-- (period_type, period_start, period_end inclusive, label); the rank (名次, else RANK() over 得分 descending:
-- ties share a rank); the points to first place, up to the next better score (gap_to_above) and down to the
-- next lower score (gap_to_below: the cushion over the unit below; NULL when last). The same period written
-- two ways ('2022-03' and '2022年3月') is one period: the latest load wins.
CREATE OR REPLACE VIEW mart_city_assessment AS
WITH parsed AS (
    SELECT a.*, rk_period_type(a.period) AS period_type FROM fact_city_assessment AS a
),
dated AS (
    SELECT * EXCLUDE (rn) FROM (
        SELECT p.*, rk_period_start(p.period, p.period_type) AS period_start,
            row_number() OVER (PARTITION BY p.period_type, rk_period_start(p.period, p.period_type), p.item,
                p.unit_code ORDER BY p._load_id DESC, p._row_no DESC) AS rn
        FROM parsed AS p WHERE p.period_type IS NOT NULL
    ) WHERE rn = 1 AND period_start IS NOT NULL
),
ranked AS (
    SELECT d.*,
        CAST(coalesce(d.rank, rank() OVER w) AS BIGINT) AS rank_eff,
        d.rank IS NULL AS rank_computed,
        count(*) OVER (PARTITION BY d.period_type, d.period_start, d.item) AS units,
        max(d.score) OVER (PARTITION BY d.period_type, d.period_start, d.item) AS first_score
    FROM dated AS d
    WINDOW w AS (PARTITION BY d.period_type, d.period_start, d.item ORDER BY d.score DESC)
),
final AS (
    SELECT r.*,
        (SELECT min(b.score) FROM ranked AS b WHERE b.period_type = r.period_type AND b.period_start = r.period_start
            AND b.item = r.item AND b.score > r.score) AS score_above,
        (SELECT max(b.score) FROM ranked AS b WHERE b.period_type = r.period_type AND b.period_start = r.period_start
            AND b.item = r.item AND b.score < r.score) AS score_below
    FROM ranked AS r
)
SELECT
    r.period_type,
    r.period_start,
    CAST(rk_period_next(r.period_start, r.period_type) - INTERVAL 1 DAY AS DATE) AS period_end,
    rk_period_label(r.period_start, r.period_type) AS label,
    r.period AS period_text,
    r.item,
    r.unit_code,
    u.unit_name,
    coalesce(u.is_district, false) AS is_district,
    CAST(r.score AS DOUBLE) AS score,
    r.rank_eff AS rank,
    r.rank_computed,
    r.units,
    CAST(r.first_score AS DOUBLE) AS first_score,
    CAST(r.first_score - r.score AS DOUBLE) AS gap_to_first,
    CAST(r.score_above AS DOUBLE) AS score_above,
    CAST(r.score_above - r.score AS DOUBLE) AS gap_to_above,
    CAST(r.score_below AS DOUBLE) AS score_below,
    CAST(r.score - r.score_below AS DOUBLE) AS gap_to_below
FROM final AS r
LEFT JOIN dim_city_unit AS u ON u.unit_code = r.unit_code;
