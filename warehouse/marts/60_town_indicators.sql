-- Town rankings (issue 5): the indicators that rank the 9 towns, per town and day/month, as numerator and
-- denominator (assessment periods parsed by 10_calendar.sql). Used by warehouse/queries/rankings.py
-- and warehouse/scoring.py. Any period's value is sum(numerator) / sum(denominator) (a count when the
-- denominator is NULL): never an average of ratios.
--
--   dcm.on_time_due_rate   按期结案数 / 应结案数 (应结案: 处置截止时间 on the day, less 作废/缓办/挂账)
--   dcm.close_rate           结案 among 应结案 / 应结案数
--   dcm.rework_rate          返工次数 > 0 among 应结案 / 应结案数 (lower is better)
--   refined.rectified_rate   不精致问题 found (发现日期) on the day: 已整改 / all
--   demolition.new_found     新增 illegal construction found (发现日期) on the day (a count; lower is better)
--   village.rectified_rate   数字村居 work orders dispatched on the day: 已整改 / dispatched
--   video_ai.five_minute_rate  video AI events detected on the day: on site within 5 minutes of detection and
--                            handled within 5 minutes of arrival / all events
-- excl_void / excl_deferred / excl_hung: dcm cases whose 处置截止时间 fell on the day but which are 作废 / 缓办 /
-- 挂账, so left out of 应结案数 (NULL for the other indicators).

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
SELECT town_code, day, 'dcm.on_time_due_rate' AS indicator, CAST(on_time AS DOUBLE) AS numerator,
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
