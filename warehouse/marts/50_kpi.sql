-- mart_kpi_daily: the one KPI mart at day × town grain — every additive indicator (tiles, sparklines, town
-- charts, town rankings) as numerator and denominator. One row per (day, town_code, indicator). Any period's
-- value is sum(num) / sum(den) (or sum(num) when den is NULL), never an average of ratios. Built on the subject
-- marts (mart_dcm_daily, mart_illegal_construction) with the flags the pages' queries use. The keys, labels and
-- definitions live in warehouse/indicators.py (tests/test_indicator_registry.py checks both ways).
--
--   dcm.on_time_due_rate       按期结案数 / 应结案数 (应结案: 处置截止时间 on the day, less 作废/缓办/挂账)
--   dcm.close_rate             结案 among 应结案 / 应结案数
--   dcm.rework_rate            返工次数 > 0 among 应结案 / 应结案数 (lower is better)
--   dcm.filed / dcm.closed_all cases filed (立案时间, else 上报时间) / closed on the day (every department)
--   demolition.stock_count / demolition.stock_area_m2   存量 demolished (拆除日期) on the day; area 拆除面积, else 违建面积
--   demolition.new_found       新增 illegal construction found (发现日期) on the day (lower is better)
--   refined.rectified          不精致问题 with status 已整改 and 整改完成日期 on the day
--   refined.rectified_rate     不精致问题 found (发现日期) on the day: 已整改 / all
--   village.rectified_rate     数字村居 work orders dispatched on the day: 已整改 / dispatched
--   video_ai.five_minute_rate  video AI events detected on the day: on site within 5 minutes of detection and
--                              handled within 5 minutes of arrival / all events
-- excl_void / excl_deferred / excl_hung (dcm rates only): cases whose 处置截止时间 fell on the day but which are
-- 作废 / 缓办 / 挂账, so left out of 应结案数.
CREATE OR REPLACE VIEW mart_kpi_daily AS
WITH
dcm AS (  -- the day × town slice of mart_dcm_daily (25_dcm_daily.sql), on the days a deadline falls on
    SELECT day, town_code, sum(due) AS due, sum(due_on_time) AS on_time, sum(due_closed) AS closed,
        sum(due_reworked) AS reworked, sum(deadline_void) AS excl_void, sum(deadline_deferred) AS excl_deferred,
        sum(deadline_hung) AS excl_hung
    FROM mart_dcm_daily WHERE deadline_rows > 0 GROUP BY ALL
),
dcm_closed AS (
    SELECT day, town_code, sum(closed) AS closed FROM mart_dcm_daily WHERE closed > 0 GROUP BY ALL
),
dcm_filed AS (
    SELECT day, town_code, sum(filed) AS filed FROM mart_dcm_daily WHERE filed > 0 GROUP BY ALL
),
stock_demolished AS (
    SELECT demolished_on AS day, town_code, count(*) AS n, sum(demolished_area_eff_m2) AS area
    FROM mart_illegal_construction WHERE is_demolished AND is_stock GROUP BY ALL
),
new_found AS (
    SELECT found_on AS day, town_code, count(*) AS n FROM mart_illegal_construction WHERE is_new GROUP BY ALL
),
refined_done AS (
    SELECT rectified_on AS day, town_code, count(*) AS n
    FROM fact_refined_issue WHERE status = '已整改' AND rectified_on IS NOT NULL GROUP BY ALL
),
refined_found AS (
    SELECT found_on AS day, town_code, count(*) AS found, count(*) FILTER (status = '已整改') AS done
    FROM fact_refined_issue GROUP BY ALL
),
village AS (
    SELECT CAST(dispatched_at AS DATE) AS day, town_code, count(*) AS dispatched,
        count(*) FILTER (rectify_status = '已整改') AS done
    FROM fact_village_case GROUP BY ALL
),
video AS (
    SELECT CAST(detected_at AS DATE) AS day, town_code, count(*) AS events,
        count(*) FILTER (arrived_at <= detected_at + INTERVAL 5 MINUTE
            AND handled_at <= arrived_at + INTERVAL 5 MINUTE) AS five_minute
    FROM fact_video_ai_event GROUP BY ALL
),
long AS (
    SELECT day, town_code, 'dcm.on_time_due_rate' AS indicator, on_time AS num, due AS den,
        excl_void, excl_deferred, excl_hung FROM dcm
    UNION ALL SELECT day, town_code, 'dcm.close_rate', closed, due, excl_void, excl_deferred, excl_hung FROM dcm
    UNION ALL SELECT day, town_code, 'dcm.rework_rate', reworked, due, excl_void, excl_deferred, excl_hung FROM dcm
    UNION ALL SELECT day, town_code, 'dcm.closed_all', closed, NULL, NULL, NULL, NULL FROM dcm_closed
    UNION ALL SELECT day, town_code, 'dcm.filed', filed, NULL, NULL, NULL, NULL FROM dcm_filed
    UNION ALL SELECT day, town_code, 'demolition.stock_count', n, NULL, NULL, NULL, NULL FROM stock_demolished
    UNION ALL SELECT day, town_code, 'demolition.stock_area_m2', area, NULL, NULL, NULL, NULL FROM stock_demolished
    UNION ALL SELECT day, town_code, 'demolition.new_found', n, NULL, NULL, NULL, NULL FROM new_found
    UNION ALL SELECT day, town_code, 'refined.rectified', n, NULL, NULL, NULL, NULL FROM refined_done
    UNION ALL SELECT day, town_code, 'refined.rectified_rate', done, found, NULL, NULL, NULL FROM refined_found
    UNION ALL SELECT day, town_code, 'village.rectified_rate', done, dispatched, NULL, NULL, NULL FROM village
    UNION ALL SELECT day, town_code, 'video_ai.five_minute_rate', five_minute, events, NULL, NULL, NULL FROM video
)
SELECT day, town_code, indicator, CAST(num AS DOUBLE) AS num, CAST(den AS DOUBLE) AS den,
    CAST(excl_void AS BIGINT) AS excl_void, CAST(excl_deferred AS BIGINT) AS excl_deferred,
    CAST(excl_hung AS BIGINT) AS excl_hung
FROM long;

-- mart_source_freshness: per source, the last successful load and how far its data reaches.
CREATE OR REPLACE VIEW mart_source_freshness AS
WITH loads AS (
    SELECT source, max(started_at) AS last_load_at, CAST(sum(rows_loaded) AS BIGINT) AS rows_loaded
    FROM load_log WHERE status = 'loaded' GROUP BY ALL  -- a NULL source joins no data row below
),
data AS (
    SELECT 'dcm_cases' AS source, CAST(max(reported_at) AS DATE) AS data_through, count(*) AS rows_now FROM fact_dcm_case
    UNION ALL SELECT 'village_cases', CAST(max(dispatched_at) AS DATE), count(*) FROM fact_village_case
    UNION ALL SELECT 'village_inspections', max(issued_on), count(*) FROM fact_village_inspection
    UNION ALL SELECT 'illegal_construction', greatest(max(found_on), max(demolished_on)), count(*)
        FROM fact_illegal_construction
    UNION ALL SELECT 'penalty_cases', max(filed_on), count(*) FROM fact_penalty_case
    UNION ALL SELECT 'refined_city_issues', greatest(max(found_on), max(rectified_on)), count(*) FROM fact_refined_issue
    UNION ALL SELECT 'fume_records', max(record_on), count(*) FROM fact_fume_record
    UNION ALL SELECT 'snow_roster', max(as_of), count(*) FROM fact_snow_roster
    UNION ALL SELECT 'snow_events', max(event_on), count(*) FROM fact_snow_event
    UNION ALL SELECT 'coastal_projects', max(completed_on), count(*) FROM fact_coastal_project
    UNION ALL SELECT 'coastal_logs', max(log_on), count(*) FROM fact_coastal_log
    UNION ALL SELECT 'permits', max(accepted_on), count(*) FROM fact_permit
    UNION ALL SELECT 'service_log', CAST(max(accepted_at) AS DATE), count(*) FROM fact_service_log
    UNION ALL SELECT 'city_assessment', (SELECT max(period_end) FROM mart_city_assessment), count(*) FROM fact_city_assessment
    UNION ALL SELECT 'targets', NULL, count(*) FROM fact_target
    UNION ALL SELECT 'video_ai_events', CAST(max(detected_at) AS DATE), count(*) FROM fact_video_ai_event
)
SELECT d.source, l.last_load_at, coalesce(l.rows_loaded, 0) AS rows_loaded, d.rows_now, d.data_through
FROM data AS d LEFT JOIN loads AS l USING (source);
